using LiteRt.Graph;
using LiteRt.Quantization.Evaluation;

namespace LiteRt.Quantization.Transforms;

/// <summary>
/// Automatic mixed precision: measures each quantized layer's own contribution to the output error (the model with
/// only that layer quantized, against the float model, on the evaluation samples), then keeps the most sensitive
/// layers float — the fewest that meet the target, found by binary search over the sensitivity ranking.
/// </summary>
internal static class AutoMixedPrecision
{
    public static (ModelQuantizer.Built Model, List<string> FloatLayers, bool Met) Run(ModelGraph model, ModelQuantizer.Built initial,
        FidelityThreshold target, int? maxFloat, Evaluator evaluator, IReadOnlyDictionary<int, (double Min, double Max)>? ranges, bool quantizedIo,
        Action<string> log, ModelQuantizer.BiasCorrectionPolicy? correction = null)
    {
        var plans = initial.Plans;
        if (Meets(evaluator, initial.Graph, target, out double baseScore))
        {
            log($"  uniform quantization meets the target (score {baseScore:G6})");
            return (initial, [], true);
        }
        var candidates = plans.Where(p => p.Scheme != QuantizationScheme.Float).ToList();
        log($"  uniform quantization misses the target (score {baseScore:G6}); measuring {candidates.Count} layers");
        var metric = target.Conditions[0].Metric;
        var sensitivity = new List<(OpPlan Plan, double Loss)>();
        foreach (var c in candidates)
        {
            var only = plans.Select(p => p == c ? p : p with { Scheme = QuantizationScheme.Float }).ToList();
            var built = ModelQuantizer.Build(model, only, ranges, quantizedIo, correction);
            double score = Score(evaluator.Outputs(built.Graph), metric);
            double loss = metric.HigherIsBetter() ? Ideal(metric) - score : score;
            sensitivity.Add((c, loss));
        }
        var ranked = sensitivity.OrderByDescending(s => s.Loss).Select(s => s.Plan).ToList();
        int limit = Math.Min(maxFloat ?? ranked.Count, ranked.Count);

        ModelQuantizer.Built WithFloat(int k)
        {
            var keep = new HashSet<OpPlan>(ranked.Take(k));
            var p = plans.Select(x => keep.Contains(x) ? x with { Scheme = QuantizationScheme.Float, Note = "kept float by auto mixed precision" } : x).ToList();
            return ModelQuantizer.Build(model, p, ranges, quantizedIo, correction);
        }

        // Smallest k in [1, limit] that meets the target (the score improves as more sensitive layers stay float).
        int lo = 1, hi = limit;
        ModelQuantizer.Built? best = null;
        int bestK = -1;
        var top = WithFloat(limit);
        if (!Meets(evaluator, top.Graph, target, out double topScore))
        {
            log($"  even with {limit} layer(s) float the target is missed (score {topScore:G6})");
            return (top, ranked.Take(limit).Select(p => p.Output).ToList(), false);
        }
        best = top;
        bestK = limit;
        while (lo < hi)
        {
            int mid = (lo + hi) / 2;
            var b = WithFloat(mid);
            bool ok = Meets(evaluator, b.Graph, target, out double s);
            log($"  {mid} layer(s) float: score {s:G6} {(ok ? "meets" : "misses")} the target");
            if (ok) { hi = mid; best = b; bestK = mid; }
            else lo = mid + 1;
        }
        if (bestK != lo) { best = WithFloat(lo); bestK = lo; }
        return (best, ranked.Take(bestK).Select(p => p.Output).ToList(), true);
    }

    private static bool Meets(Evaluator evaluator, ModelGraph g, FidelityThreshold target, out double score)
    {
        var outputs = evaluator.Outputs(g);
        score = Score(outputs, target.Conditions[0].Metric);
        foreach (var c in target.Conditions)
            foreach (var o in outputs)
                if (o.Get(c.Metric) is double v && !c.Holds(v)) return false;
        return true;
    }

    private static double Score(List<TensorFidelity> outputs, FidelityMetric m)
    {
        var values = outputs.Select(o => o.Get(m)).OfType<double>().ToList();
        if (values.Count == 0) return 0;
        return m.HigherIsBetter() ? values.Min() : values.Max();
    }

    private static double Ideal(FidelityMetric m) => m switch
    {
        FidelityMetric.Snr => 200,
        _ => 1,
    };
}
