using System.Globalization;
using System.Text.RegularExpressions;

namespace LiteRt.Quantization;

/// <summary>One condition such as <c>cosine&gt;=0.995</c>, applied to every model output.</summary>
public sealed record FidelityCondition(FidelityMetric Metric, string Operator, double Value)
{
    public bool Holds(double v) => Operator switch
    {
        ">=" => v >= Value,
        ">" => v > Value,
        "<=" => v <= Value,
        _ => v < Value,
    };

    public override string ToString() => $"{Metric.Name()}{Operator}{Value.ToString("R", CultureInfo.InvariantCulture)}";
}

/// <summary>The outcome of checking a report against a threshold.</summary>
public sealed record FidelityCheck(bool Passed, IReadOnlyList<string> Failures, IReadOnlyList<TensorFidelity> WorstLayers)
{
    /// <summary>An LRT2021 message: which outputs miss which condition, and the worst layers.</summary>
    public string Message => Passed ? "fidelity threshold met"
        : $"{QuantizationCodes.FidelityBelowThreshold}: quantized model is below the fidelity threshold: {string.Join("; ", Failures)}"
          + (WorstLayers.Count > 0 ? $". Worst layers: {string.Join(", ", WorstLayers.Select(l => $"{l.Name} ({l.Op}, cosine {l.Cosine:F4}, SNR {TensorFidelity.FormatDb(l.Snr)})"))}" : "")
          + ". Keep them float with a recipe rule {\"regex\": \"…\", \"scheme\": \"float\"} or use auto mixed precision.";
}

/// <summary>
/// A fidelity gate: conditions joined by <c>,</c> <c>;</c> or <c>and</c>, e.g. <c>cosine&gt;=0.995</c> or
/// <c>cosine&gt;=0.99, top1&gt;=0.98</c>. Metrics: cosine, snr (dB), mse, max_abs, kl, top1 (a fraction, or a percentage with %).
/// Every condition must hold for every model output where the metric applies.
/// </summary>
public sealed partial class FidelityThreshold
{
    private FidelityThreshold(IReadOnlyList<FidelityCondition> conditions) => Conditions = conditions;

    public IReadOnlyList<FidelityCondition> Conditions { get; }

    [GeneratedRegex(@"^\s*([A-Za-z_0-9\-]+)\s*(>=|<=|>|<|=>|=<)\s*([-+]?[0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\s*(%?)\s*$")]
    private static partial Regex ConditionRegex();

    public static FidelityThreshold Parse(string text)
    {
        if (string.IsNullOrWhiteSpace(text)) throw Error(text, "it is empty");
        var parts = Regex.Split(text, @"\s*(?:,|;|\band\b|&&)\s*", RegexOptions.IgnoreCase).Where(p => p.Length > 0).ToList();
        var conditions = new List<FidelityCondition>();
        foreach (var part in parts)
        {
            var m = ConditionRegex().Match(part);
            if (!m.Success) throw Error(text, $"'{part}' is not METRIC>=VALUE");
            if (!FidelityMetrics.TryParse(m.Groups[1].Value, out var metric))
                throw Error(text, $"unknown metric '{m.Groups[1].Value}' (cosine, snr, mse, max_abs, kl, top1)");
            string op = m.Groups[2].Value switch { "=>" => ">=", "=<" => "<=", var o => o };
            double value = double.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture);
            if (m.Groups[4].Value == "%") value /= 100;
            conditions.Add(new FidelityCondition(metric, op, value));
        }
        return new FidelityThreshold(conditions);
    }

    public static bool TryParse(string text, out FidelityThreshold? threshold)
    {
        try { threshold = Parse(text); return true; }
        catch (LiteRtQuantizationException) { threshold = null; return false; }
    }

    private static LiteRtQuantizationException Error(string text, string why) =>
        new(QuantizationCodes.InvalidThreshold, $"invalid fidelity threshold '{text}': {why}");

    /// <summary>True when every condition holds for every output of the report.</summary>
    public bool IsMet(FidelityReport report) => Check(report).Passed;

    public FidelityCheck Check(FidelityReport report, int worstLayers = 3)
    {
        var failures = new List<string>();
        foreach (var c in Conditions)
        {
            foreach (var o in report.Outputs)
            {
                if (o.Get(c.Metric) is not double v) continue;
                if (!c.Holds(v)) failures.Add($"output '{o.Name}' {c.Metric.Name()} {Format(c.Metric, v)} (needs {c})");
            }
        }
        var metric = Conditions.Count > 0 && Conditions[0].Metric is FidelityMetric.Cosine or FidelityMetric.Snr or FidelityMetric.Mse
            ? Conditions[0].Metric : FidelityMetric.Cosine;
        // Worst = the quantized layers that add the most noise of their own (or, without that, the lowest metric).
        var quantized = report.Layers.Where(l => l.Scheme is not null && l.Scheme != QuantizationScheme.Float.Name()).ToList();
        var worst = (quantized.Any(l => l.AddedNoise is not null)
                ? quantized.OrderByDescending(l => l.AddedNoise ?? 0)
                : quantized.OrderBy(l => metric.HigherIsBetter() ? l.Get(metric) ?? 0 : -(l.Get(metric) ?? 0)))
            .Take(worstLayers).ToList();
        return new FidelityCheck(failures.Count == 0, failures, failures.Count == 0 ? [] : worst);
    }

    internal static string Format(FidelityMetric m, double v) => m switch
    {
        FidelityMetric.Top1 => $"{v * 100:F2}%",
        FidelityMetric.Snr => TensorFidelity.FormatDb(v),
        FidelityMetric.Cosine => v.ToString("F6", CultureInfo.InvariantCulture),
        _ => v.ToString("G4", CultureInfo.InvariantCulture),
    };

    public override string ToString() => string.Join(",", Conditions);
}
