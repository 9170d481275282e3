using System.Globalization;
using LiteRt.Graph;
using LiteRt.Graph.TfLite;
using LiteRt.Quantization;

namespace LiteRt.Cli.Compile;

/// <summary>
/// The quantization step of <c>litert compile</c>: quantizes with the item's recipe and calibration data, writes the
/// fidelity report beside the outputs, reports the quantizer's warnings, and fails the compile (LRT2021) when the
/// model is below the item's <c>FidelityThreshold</c> — before anything else is written.
/// </summary>
internal static class CompileQuantization
{
    /// <summary>The quantized model's bytes, or null after reporting the errors.</summary>
    public static byte[]? Run(ModelGraph graph, QuantizationRecipe recipe, Commands.CompileCommand.Request r, FidelityThreshold? gate,
        string reportPrefix, string modelPath, string shown, CompileDiagnostics diag)
    {
        try
        {
            var images = r.ImagePreprocessing is { Length: > 0 } spec ? ImagePreprocessing.Parse(spec) : null;
            var calibration = CalibrationSet.FromPaths(r.Calibration, images);
            var options = new QuantizeOptions { Log = m => Console.WriteLine($"litert: {shown}: {m}") };
            var (quantized, report) = ModelQuantizer.Quantize(graph, recipe, calibration, options);
            byte[] bytes = TfLiteModel.Serialize(quantized);
            report.Model = Path.GetFileName(shown);
            report.QuantizedBytes = bytes.LongLength;

            Directory.CreateDirectory(Path.GetDirectoryName(reportPrefix)!);
            OutputFiles.WriteIfChanged(reportPrefix + ".json", System.Text.Encoding.UTF8.GetBytes(report.ToJson()));
            OutputFiles.WriteIfChanged(reportPrefix + ".html", System.Text.Encoding.UTF8.GetBytes(report.ToHtml()));
            foreach (var d in report.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Warning))
                diag.Warning(modelPath, d.Code, d.Message);

            string cosine = report.Outputs.Count == 0 ? "" :
                ", cosine " + string.Join("/", report.Outputs.Select(o => o.Cosine.ToString("F5", CultureInfo.InvariantCulture)));
            Console.WriteLine($"litert: quantized {shown} with {recipe.Name}: {FidelityReport.FormatBytes(report.FloatBytes)} -> "
                + $"{FidelityReport.FormatBytes(bytes.LongLength)} ({report.SizeReduction.ToString("F2", CultureInfo.InvariantCulture)}x){cosine}; "
                + $"report {Path.GetFileName(reportPrefix)}.json");

            if (gate is not null)
            {
                var check = gate.Check(report);
                if (!check.Passed)
                {
                    string message = check.Message.StartsWith(QuantizationCodes.FidelityBelowThreshold + ": ", StringComparison.Ordinal)
                        ? check.Message[(QuantizationCodes.FidelityBelowThreshold.Length + 2)..] : check.Message;
                    diag.Error(modelPath, QuantizationCodes.FidelityBelowThreshold, $"{message} (FidelityThreshold=\"{gate}\"; report {reportPrefix}.html)");
                    return null;
                }
            }
            return bytes;
        }
        catch (LiteRtQuantizationException e)
        {
            diag.Error(modelPath, e.Code, e.Reason);
            return null;
        }
    }
}
