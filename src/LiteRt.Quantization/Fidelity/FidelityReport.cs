using System.Globalization;
using System.Text;

namespace LiteRt.Quantization;

/// <summary>What the quantizer did to one operation.</summary>
public sealed record LayerDecision(int OpIndex, string Op, string Output, string Scheme, string? Note = null);

/// <summary>
/// How close the quantized model is to the float one: per output and per layer (MSE, SNR, cosine, max abs error,
/// KL for probability outputs, top-1 agreement for classifiers), the size reduction, what each op got, and the
/// layers auto mixed precision kept float. Written as text, JSON and HTML (<see cref="FidelityReportWriter"/>).
/// </summary>
public sealed class FidelityReport
{
    public string Model { get; set; } = "";
    public string Recipe { get; set; } = "";
    public List<TensorFidelity> Outputs { get; } = [];
    public List<TensorFidelity> Layers { get; } = [];
    public List<LayerDecision> Decisions { get; } = [];
    /// <summary>Layers kept float by auto mixed precision (output tensor names).</summary>
    public List<string> FloatLayers { get; } = [];
    public List<QuantizationDiagnostic> Diagnostics { get; } = [];

    public long FloatBytes { get; set; }
    public long QuantizedBytes { get; set; }
    public double SizeReduction => QuantizedBytes > 0 ? (double)FloatBytes / QuantizedBytes : 0;

    /// <summary>Samples the metrics were measured on, and where they came from.</summary>
    public int Samples { get; set; }
    public string EvaluationData { get; set; } = "";
    /// <summary>Calibration samples used to compute activation ranges (static schemes).</summary>
    public int CalibrationSamples { get; set; }

    /// <summary>Auto mixed precision: the target, and whether it was met.</summary>
    public string? AutoTarget { get; set; }
    public bool? AutoTargetMet { get; set; }

    public string ToText()
    {
        var sb = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        sb.AppendLine(inv, $"recipe {Recipe}: {Decisions.Count(d => d.Scheme != QuantizationScheme.Float.Name())} of {Decisions.Count} ops quantized");
        foreach (var g in Decisions.GroupBy(d => d.Scheme).OrderBy(g => g.Key, StringComparer.Ordinal))
            sb.AppendLine(inv, $"  {g.Key,-16} {g.Count(),4} ops ({string.Join(", ", g.GroupBy(d => d.Op).Select(o => $"{o.Count()} {o.Key}"))})");
        sb.AppendLine(inv, $"size: {FormatBytes(FloatBytes)} → {FormatBytes(QuantizedBytes)} ({SizeReduction:F2}× smaller)");
        sb.AppendLine(inv, $"fidelity on {Samples} sample(s) ({EvaluationData}):");
        foreach (var o in Outputs) sb.AppendLine(inv, $"  output {o}");
        if (AutoTarget is not null)
            sb.AppendLine(inv, $"auto mixed precision: target {AutoTarget} {(AutoTargetMet == true ? "met" : "NOT met")}; " +
                               $"{FloatLayers.Count} layer(s) kept float{(FloatLayers.Count > 0 ? ": " + string.Join(", ", FloatLayers) : "")}");
        var worst = Layers.Where(l => l.Scheme is not null && l.Scheme != QuantizationScheme.Float.Name())
            .OrderByDescending(l => l.AddedNoise ?? 0).ThenBy(l => l.Cosine).Take(5).ToList();
        if (worst.Count > 0)
        {
            sb.AppendLine("layers adding the most error (noise-to-signal added at the layer):");
            foreach (var l in worst) sb.AppendLine(inv, $"  #{l.OpIndex} {l.Op} {l}  added {l.AddedNoise:G3}");
        }
        foreach (var d in Diagnostics) sb.AppendLine(d.ToString());
        return sb.ToString();
    }

    public static string FormatBytes(long b) => b >= 1 << 20 ? $"{b / 1048576.0:F2} MiB" : b >= 1024 ? $"{b / 1024.0:F1} KiB" : $"{b} B";

    public string ToJson() => FidelityReportWriter.Json(this);
    public string ToHtml() => FidelityReportWriter.Html(this);
}
