using LiteRt.Format.Schema;
using LiteRt.Graph;
using LiteRt.Graph.IO;
using LiteRt.Graph.TfLite;
using LiteRt.Quantization.Editing;
using LiteRt.Quantization.Evaluation;
using LiteRt.Quantization.Transforms;

namespace LiteRt.Quantization;

/// <summary>
/// Quantizes a float model with a recipe and measures the result against the float model:
/// <code>var (quantized, report) = ModelQuantizer.Quantize(graph, QuantizationRecipe.Preset("dynamic_int8"), calibration, options);</code>
/// Static schemes calibrate activation ranges on the calibration set (without one they fall back to dynamic_int8 with
/// an LRT2001 warning). With a recipe <c>auto</c> target (or <see cref="QuantizeOptions.AutoTarget"/>) the most
/// sensitive layers are kept float until the target is met. The input graph is not modified.
/// </summary>
public static class ModelQuantizer
{
    public static QuantizationResult Quantize(ModelGraph model, QuantizationRecipe recipe, CalibrationSet? calibration = null, QuantizeOptions? options = null)
    {
        options ??= QuantizeOptions.Default;
        var log = options.Log ?? (_ => { });
        if (model.Subgraphs.Count == 0) throw new LiteRtQuantizationException(QuantizationCodes.UnsupportedModel, "the model has no subgraphs");
        var signature = model.SignaturesOrDefault()[0];
        var diagnostics = new List<QuantizationDiagnostic>();
        var inputs = GraphRunner.InputsOf(model);

        // Samples: calibration (static ranges) and evaluation (fidelity).
        IReadOnlyList<IReadOnlyDictionary<string, NpyArray>>? all = calibration?.Resolve(inputs);
        bool wantsStatic = recipe.Rules.Any(r => r.Scheme.IsStatic());
        List<IReadOnlyDictionary<string, NpyArray>> calib = [], eval;
        string evalDescription;
        if (options.EvaluationSet is { } evalSet)
        {
            eval = [.. evalSet.Resolve(inputs).Take(options.MaxSamples)];
            calib = all is null ? [] : [.. all.Take(options.MaxSamples)];
            evalDescription = evalSet.Description;
        }
        else if (all is not null && wantsStatic && all.Count >= 2)
        {
            eval = [];
            double f = Math.Clamp(options.HoldOutFraction, 0, 0.9);
            for (int i = 0; i < all.Count; i++)
            {
                bool held = Math.Floor((i + 1) * f) > Math.Floor(i * f);
                (held ? eval : calib).Add(all[i]);
            }
            if (eval.Count == 0) eval.Add(calib[^1]);
            calib = [.. calib.Take(options.MaxSamples)];
            eval = [.. eval.Take(options.MaxSamples)];
            evalDescription = $"{eval.Count} held-back calibration samples";
        }
        else if (all is not null)
        {
            calib = [.. all.Take(options.MaxSamples)];
            eval = [.. all.Take(options.MaxSamples)];
            evalDescription = wantsStatic ? "the calibration sample (too few to hold any back)" : "calibration samples";
        }
        else
        {
            eval = Synthetic(model, inputs, options.SyntheticSamples, options.Seed);
            evalDescription = $"{eval.Count} synthetic random inputs (no calibration data given)";
        }

        int staticSubgraph = signature.SubgraphIndex;
        var plans = Planner.Plan(model, recipe, calib.Count > 0, staticSubgraph, diagnostics);

        Dictionary<int, (double Min, double Max)>? ranges = null;
        Dictionary<int, double[]>? means = null;
        bool correctStatic = options.BiasCorrection ?? false, correctWeights = options.BiasCorrection ?? true;
        bool correctBias = calib.Count > 0 && plans.Any(p => BiasCorrection.Applies(p.Scheme) && (p.Scheme.IsStatic() ? correctStatic : correctWeights));
        if (plans.Any(p => p.Scheme.IsStatic()) || correctBias)
        {
            log($"calibrating on {calib.Count} sample(s)…");
            var statistics = Calibrate(model, calib, options.ActivationRanges == ActivationRangeMethod.Mse
                && plans.Any(p => p.Scheme == QuantizationScheme.StaticInt8) && !plans.Any(p => p.Scheme == QuantizationScheme.StaticInt16x8));
            if (plans.Any(p => p.Scheme.IsStatic())) ranges = statistics.Ranges;
            if (correctBias) means = statistics.ChannelMeans;
        }
        bool quantizedIo = options.QuantizedIo ?? recipe.QuantizedIo;
        var evaluator = new Evaluator(model, eval, options.MeasureLayers);

        var correction = new BiasCorrectionPolicy(means, correctWeights, correctStatic);
        var built = Build(model, plans, ranges, quantizedIo, correction);
        var target = options.AutoTarget ?? recipe.Auto?.Target;
        var floatLayers = new List<string>();
        bool? targetMet = null;
        if (target is not null)
        {
            log($"auto mixed precision: target {target}");
            (built, floatLayers, targetMet) = AutoMixedPrecision.Run(model, built, target, recipe.Auto?.MaxFloatLayers, evaluator, ranges, quantizedIo, log, correction);
            if (targetMet == false)
                diagnostics.Add(new QuantizationDiagnostic(QuantizationCodes.AutoTargetMissed, DiagnosticSeverity.Warning,
                    $"auto mixed precision could not reach {target} within the allowed float layers; the best model found is returned"));
        }

        var report = options.Evaluate || target is not null
            ? evaluator.Report(built.Graph, built.Plans, measureLayers: options.MeasureLayers)
            : Evaluator.Decisions(built.Plans);
        report.Model = model.SourcePath is { } p ? Path.GetFileName(p) : "model";
        report.Recipe = recipe.Name;
        report.EvaluationData = evalDescription;
        report.CalibrationSamples = ranges is null && means is null ? 0 : calib.Count;
        report.FloatBytes = TfLiteModel.Serialize(model).LongLength;
        report.QuantizedBytes = TfLiteModel.Serialize(built.Graph).LongLength;
        report.FloatLayers.AddRange(floatLayers);
        if (target is not null)
        {
            report.AutoTarget = target.ToString();
            report.AutoTargetMet = targetMet;
        }
        diagnostics.AddRange(built.Notes);
        if (built.Plans.All(pl => pl.Scheme == QuantizationScheme.Float))
            diagnostics.Add(new QuantizationDiagnostic(QuantizationCodes.NothingQuantized, DiagnosticSeverity.Warning,
                $"recipe '{recipe.Name}' quantized nothing in this model (no op matched with float weights or activations)"));
        report.Diagnostics.AddRange(diagnostics);
        return new QuantizationResult(built.Graph, report);
    }

    internal sealed record Built(ModelGraph Graph, List<OpPlan> Plans, List<QuantizationDiagnostic> Notes);

    /// <summary>Applies per-op plans to a copy of the float model.</summary>
    /// <summary>Per-channel input means for bias correction (null: none) and which schemes get it.</summary>
    internal sealed record BiasCorrectionPolicy(IReadOnlyDictionary<int, double[]>? ChannelMeans, bool WeightSchemes, bool StaticSchemes)
    {
        public bool Corrects(QuantizationScheme s) => ChannelMeans is not null && BiasCorrection.Applies(s) && (s.IsStatic() ? StaticSchemes : WeightSchemes);
    }

    internal static Built Build(ModelGraph model, List<OpPlan> plans, IReadOnlyDictionary<int, (double Min, double Max)>? ranges, bool quantizedIo,
        BiasCorrectionPolicy? correction = null)
    {
        var g = GraphEdit.Clone(model);
        var ops = g.Subgraphs.Select(sg => sg.Operations.ToList()).ToList();
        // Means are of the calibrated (first signature's) subgraph's tensors.
        if (correction?.ChannelMeans is { } channelMeans)
        {
            int calibrated = model.SignaturesOrDefault()[0].SubgraphIndex;
            foreach (var plan in plans)
                if (plan.Subgraph == calibrated && correction.Corrects(plan.Scheme))
                    BiasCorrection.Correct(g, g.Subgraphs[plan.Subgraph], ops[plan.Subgraph][plan.OpIndex], plan.Scheme == QuantizationScheme.WeightOnlyInt4 ? 4 : 8,
                        plan.PerChannel || plan.Scheme.IsStatic(), channelMeans);
        }
        var weights = new WeightTransforms(g);
        var effective = new List<OpPlan>(plans.Count);
        var statics = new Dictionary<int, List<(Operation, TensorType)>>();
        var notes = new List<QuantizationDiagnostic>();
        var cannot = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var plan in plans)
        {
            var sg = g.Subgraphs[plan.Subgraph];
            var op = ops[plan.Subgraph][plan.OpIndex];
            if (plan.Scheme.IsWeightScheme()) weights.Apply(sg, op, plan);
            else if (plan.Scheme.IsStatic())
            {
                bool int16 = plan.Scheme == QuantizationScheme.StaticInt16x8;
                string? why = ranges is null ? "no calibration" : StaticTransform.CannotQuantize(sg, op, int16, ranges);
                if (why is not null)
                {
                    bool explicitOp = plan.Rule is { } r && !r.Ops.Contains("*");
                    if (explicitOp || op.Op is BuiltinOperator.FullyConnected or BuiltinOperator.Conv2d or BuiltinOperator.DepthwiseConv2d)
                    {
                        string key = $"{plan.Scheme.Name()}: {why}";
                        if (!cannot.TryGetValue(key, out var l)) cannot[key] = l = [];
                        l.Add($"{op.OpName} '{plan.Output}'");
                    }
                    effective.Add(plan with { Scheme = QuantizationScheme.Float, Note = why });
                    continue;
                }
                if (!statics.TryGetValue(plan.Subgraph, out var list)) statics[plan.Subgraph] = list = [];
                list.Add((op, int16 ? TensorType.Int16 : TensorType.Int8));
            }
            effective.Add(plan);
        }
        weights.Finish();
        foreach (var (s, list) in statics)
        {
            var copy = new Dictionary<int, (double Min, double Max)>(ranges!);
            new StaticTransform(g, g.Subgraphs[s], copy).Apply(list, quantizedIo, g.Signatures.Where(x => x.SubgraphIndex == s));
        }
        foreach (var (why, l) in cannot)
            notes.Add(new QuantizationDiagnostic(QuantizationCodes.OpKeptFloat, DiagnosticSeverity.Warning,
                $"kept float, {why} ({l.Count} op(s): {string.Join(", ", l.Take(5))}{(l.Count > 5 ? ", …" : "")})"));
        GraphEdit.Compact(g);
        return new Built(g, effective, notes);
    }

    /// <summary>Statistics of the float model's tensors over the calibration samples (first signature's subgraph).</summary>
    internal sealed record CalibrationStatistics(Dictionary<int, (double Min, double Max)> Ranges, Dictionary<int, double[]> ChannelMeans);

    /// <summary>Min/max and per-channel means of every tensor of the first signature's subgraph over the samples (float model).</summary>
    /// <remarks>
    /// With <paramref name="mseRanges"/>, a second pass histograms every tensor over its min/max and the int8 range
    /// with the least expected squared error replaces min/max (<see cref="MseRangeSearch"/>).
    /// </remarks>
    internal static CalibrationStatistics Calibrate(ModelGraph model, IReadOnlyList<IReadOnlyDictionary<string, NpyArray>> samples, bool mseRanges = false)
    {
        var ranges = new Dictionary<int, (double Min, double Max)>();
        var sums = new Dictionary<int, double[]>();
        using var runner = new GraphRunner(model, intermediates: true);
        foreach (var sample in samples)
        {
            var r = runner.Run(sample, keepValues: false, ranges: true);
            foreach (var (t, (min, max)) in r.Ranges)
                ranges[t] = ranges.TryGetValue(t, out var old) ? (Math.Min(old.Min, min), Math.Max(old.Max, max)) : (min, max);
            foreach (var (t, m) in r.ChannelMeans)
            {
                if (!sums.TryGetValue(t, out var acc)) sums[t] = acc = new double[m.Length];
                if (acc.Length != m.Length) continue;
                for (int c = 0; c < m.Length; c++) acc[c] += m[c];
            }
        }
        foreach (var acc in sums.Values)
            for (int c = 0; c < acc.Length; c++) acc[c] /= Math.Max(samples.Count, 1);
        if (mseRanges)
        {
            var histograms = ranges.ToDictionary(kv => kv.Key, kv => new RangeHistogram(kv.Value.Min, kv.Value.Max));
            foreach (var sample in samples)
                runner.Run(sample, keepValues: false, observe: (t, values) =>
                {
                    if (histograms.TryGetValue(t, out var h)) h.Add(values);
                });
            foreach (var (t, h) in histograms) ranges[t] = MseRangeSearch.Select(h);
        }
        return new CalibrationStatistics(ranges, sums);
    }

    /// <summary>Deterministic random inputs: images in [0, 1), other floats in [-1, 1), ids within the table they index.</summary>
    internal static List<IReadOnlyDictionary<string, NpyArray>> Synthetic(ModelGraph model, IReadOnlyList<CalibrationInput> inputs, int count, int seed)
    {
        var rng = new Random(seed);
        var sig = model.SignaturesOrDefault()[0];
        var sg = model.Subgraphs[sig.SubgraphIndex];
        var consumers = GraphEdit.Consumers(sg);
        var samples = new List<IReadOnlyDictionary<string, NpyArray>>();
        for (int s = 0; s < Math.Max(count, 1); s++)
        {
            var sample = new Dictionary<string, NpyArray>(StringComparer.Ordinal);
            for (int k = 0; k < inputs.Count; k++)
            {
                var input = inputs[k];
                int[] shape = input.Dims.Select(d => d < 0 ? 1 : d).ToArray();
                long n = Shapes.ElementCount(shape);
                var values = new double[n];
                if (input.Type.IsFloat() || input.Type is TensorType.Int8 or TensorType.Uint8 or TensorType.Int16)
                {
                    bool image = shape.Length == 4;
                    for (int i = 0; i < n; i++) values[i] = image ? rng.NextDouble() : rng.NextDouble() * 2 - 1;
                    var type = input.Type.IsFloat() ? input.Type : TensorType.Float32;
                    sample[input.Name] = new NpyArray(type, shape, TensorData.Encode(type, values, shape, null));
                }
                else
                {
                    int bound = 1;
                    foreach (var (op, slot) in consumers[sig.Inputs[k].TensorIndex])
                        if (op.Op is BuiltinOperator.EmbeddingLookup or BuiltinOperator.Gather && slot == (op.Op == BuiltinOperator.Gather ? 1 : 0))
                            bound = Math.Max(bound, sg.Tensors[op.Inputs[op.Op == BuiltinOperator.Gather ? 0 : 1]].Shape[0]);
                    for (int i = 0; i < n; i++) values[i] = rng.Next(bound);
                    sample[input.Name] = new NpyArray(input.Type, shape, TensorData.Encode(input.Type, values, shape, null));
                }
            }
            samples.Add(sample);
        }
        return samples;
    }
}
