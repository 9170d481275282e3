using System.Diagnostics;
using System.Globalization;
using System.Text;
using LiteRt.Compiler;
using LiteRt.Compiler.Tests.Parity;
using LiteRt.Format.Schema;
using LiteRt.Graph;
using LiteRt.Graph.IO;
using LiteRt.Graph.TfLite;
using LiteRt.Quantization.Tests.Support;
using LiteRt.TestSupport;
using Xunit.Abstractions;

namespace LiteRt.Quantization.Tests;

/// <summary>
/// Issue 5's acceptance figures on real float models: dynamic_int8, static_int8 and blockwise_int4 against the float
/// model on held-back samples (never used to calibrate), file sizes, and real LiteRT on the files we write. Prints the
/// table and writes it into docs/quantization.md between the figures markers.
/// </summary>
public class QuantizationFiguresTests(ITestOutputHelper output)
{
    private static readonly string[] Schemes = ["dynamic_int8", "static_int8", "blockwise_int4"];

    /// <summary>A model, where it comes from, how its realistic inputs are drawn, and how many samples to use.</summary>
    private sealed record Subject(string Name, string Source, string Data, Func<ModelGraph?> Load, Func<int[], Random, double[]> Draw,
        int Calibration, int Evaluation, bool FcHeavy, bool MeasureLayers, bool RealLiteRtPerOp);

    private sealed record Row(string Model, string Scheme, int Calib, int Eval, double Cosine, double? Top1, double Snr, long FloatBytes, long QuantBytes,
        string RealLiteRt, double Seconds)
    {
        public List<string> Misses { get; } = [];
    }

    private static readonly double[] ImageNetMean = [0.485, 0.456, 0.406], ImageNetStd = [0.229, 0.224, 0.225];

    /// <summary>Smooth random images (gradients, soft shapes, mild noise) normalized as torchvision expects, NCHW.</summary>
    private static double[] ImageNetChw(int[] shape, Random rng)
    {
        int h = shape[2], w = shape[3];
        var hwc = SyntheticImages.Draw(h, w, rng, 0, 1);
        var v = new double[3 * h * w];
        for (int c = 0; c < 3; c++)
        for (int i = 0; i < h * w; i++)
            v[c * h * w + i] = (hwc[i * 3 + c] - ImageNetMean[c]) / ImageNetStd[c];
        return v;
    }

    private static ModelGraph? Shared(string folder, string file)
    {
        if (!SharedData.TryGetRoot(out var root)) return null;
        string path = Path.Combine(root, "models", folder, file);
        if (!File.Exists(path)) return null;
        return path.EndsWith(".onnx", StringComparison.Ordinal) ? ModelConverter.Convert(path) : TfLiteModel.Read(File.ReadAllBytes(path), path);
    }

    private List<Subject> Subjects()
    {
        int digit = 0, shape = 0;
        return
        [
            new("conv_fc_mnist", "shared .tflite (Keras)", "synthetic handwritten digits", () => Shared("conv_fc_mnist", "model.tflite"),
                (s, rng) => SyntheticDigits.Draw(digit++ % 10, rng).Select(x => (double)x).ToArray(), 100, 200, FcHeavy: true, MeasureLayers: true, RealLiteRtPerOp: true),
            new("ImageClassifier shapes", "samples/ImageClassifier/Models/shapes.onnx (trained by the repo)", "drawn shapes (the training script's generator)",
                () => SharedData.RepoRoot is { } r ? ModelConverter.Convert(Path.Combine(r, "samples", "ImageClassifier", "Models", "shapes.onnx")) : null,
                (s, rng) => SyntheticShapes.DrawChw(shape++ % 5, rng).Select(x => (double)x).ToArray(), 100, 200, FcHeavy: false, MeasureLayers: true, RealLiteRtPerOp: true),
            new("torchvision mobilenet_v2", "shared ONNX (random weights, seed 0), converted", "smooth random images, ImageNet-normalized",
                () => Shared("torchvision_mobilenet_v2", "mobilenet_v2_seed0.onnx"), ImageNetChw, 24, 8, FcHeavy: false, MeasureLayers: false, RealLiteRtPerOp: true),
            new("torchvision squeezenet1_1", "ParityModels ONNX (random weights), converted", "smooth random images, ImageNet-normalized",
                () => ParityModels.Get("squeezenet1_1", output.WriteLine) is { } f ? ModelConverter.Convert(Path.Combine(f, "model.onnx")) : null,
                ImageNetChw, 24, 8, FcHeavy: false, MeasureLayers: false, RealLiteRtPerOp: false),
            new("torchvision resnet18", "ParityModels ONNX (random weights), converted", "smooth random images, ImageNet-normalized",
                () => ParityModels.Get("resnet18", output.WriteLine) is { } f ? ModelConverter.Convert(Path.Combine(f, "model.onnx")) : null,
                ImageNetChw, 12, 4, FcHeavy: false, MeasureLayers: false, RealLiteRtPerOp: false),
            new("deeplabv3_257_mv_gpu", "shared .tflite (float)", "smooth random images in [-1, 1]", () => Shared("deeplabv3_257_mv_gpu", "model.tflite"),
                (s, rng) => SyntheticImages.Draw(s[1], s[2], rng, -1, 1).Select(x => (double)x).ToArray(), 6, 2, FcHeavy: false, MeasureLayers: false, RealLiteRtPerOp: false),
        ];
    }

    private static List<IReadOnlyDictionary<string, NpyArray>> Samples(ModelGraph g, Subject s, int count, int seed)
    {
        var sig = g.SignaturesOrDefault()[0];
        var sg = g.Subgraphs[sig.SubgraphIndex];
        var input = sig.Inputs[0];
        int[] shape = sg.Tensors[input.TensorIndex].Dims.Select(d => d < 0 ? 1 : d).ToArray();
        var rng = new Random(seed);
        var list = new List<IReadOnlyDictionary<string, NpyArray>>();
        for (int i = 0; i < count; i++)
        {
            var v = s.Draw(shape, rng);
            Assert.Equal(Shapes.ElementCount(shape), v.Length);
            list.Add(new Dictionary<string, NpyArray> { [input.Name] = new NpyArray(TensorType.Float32, shape, TensorData.Encode(TensorType.Float32, v, shape, null)) });
        }
        return list;
    }

    /// <summary>
    /// Targets measured as missed, with the cause found (see docs/quantization.md, "Known gaps"). They are printed and
    /// marked in the table, not asserted; any other miss fails the test, and a gap that closes is reported.
    /// </summary>
    private static readonly Dictionary<string, string> KnownGaps = new(StringComparer.Ordinal)
    {
        ["torchvision mobilenet_v2 dynamic_int8 cosine"] =
            "int8 weights alone (float compute, bias-corrected) reach 0.9985 on this 52-layer random-weight net: per-channel rounding of Gaussian weights adds ~42 dB noise per layer and 52 layers sum to ~25 dB at the logits; LiteRT's on-the-fly input quantization takes it to 0.9965",
        ["torchvision mobilenet_v2 static_int8 cosine"] =
            "per-tensor int8 activations: the layer SNR falls by 0.5–1.5 dB per layer over 52 layers (40 dB after the stem, 4–5 dB at blocks 16–18); min/max ranges give 0.9861, 0.9867 with (opt-in) bias correction, 0.9878 with least-squared-error ranges",
        ["torchvision mobilenet_v2 static_int8 top-1"] =
            "random weights: the float logits' top-1/top-2 margins on the held-back images are 0.003–0.05 while int8 activations move logits by 0.08–0.11 (fp16 weights alone move them by ≤ 0.0044)",
        ["deeplabv3_257_mv_gpu dynamic_int8 size"] =
            "3.43×: 69 KB of small weights (< 1024 elements) stay float under dynamic_int8 (as LiteRT's converter does), plus a float scale per channel (32 KB); " +
            "quantizing them too (AI Edge Quantizer's default) gives 3.53× but then MobileNetV2's small hybrid depthwise ops differ from real LiteRT by 0.39 % and its cosine drops to 0.9932",
        ["deeplabv3_257_mv_gpu static_int8 size"] =
            "3.37×: ~80 weights per output channel (depthwise-heavy, 0.69 M parameters, 8.7 K channels), and each channel keeps an int32 bias " +
            "and two float scales (filter, bias: 104 KB) that LiteRT and its delegates read; zero points are shared (docs/quantization.md, size breakdown)",
    };

    [Fact]
    public void Quantized_real_models_meet_the_fidelity_size_and_LiteRT_targets()
    {
        var rows = new List<Row>();
        var failures = new List<string>();
        bool real = RealLiteRt.IsAvailable(output.WriteLine);
        var total = Stopwatch.StartNew();
        // LITERT_FIGURES_ONLY=mobilenet limits the run to the models whose name contains it (while investigating; the docs are then not written).
        string? only = Environment.GetEnvironmentVariable("LITERT_FIGURES_ONLY");
        foreach (var s in Subjects().Where(s => string.IsNullOrEmpty(only) || s.Name.Contains(only, StringComparison.OrdinalIgnoreCase)))
        {
            var g = s.Load();
            if (g is null)
            {
                output.WriteLine($"SKIPPED {s.Name}: not available (../shared or the exported ONNX model is missing)");
                continue;
            }
            var calib = Samples(g, s, s.Calibration, 100);
            var eval = Samples(g, s, s.Evaluation, 200); // held back: a different seed, never used to calibrate
            foreach (var scheme in Schemes)
            {
                var sw = Stopwatch.StartNew();
                var (q, report) = ModelQuantizer.Quantize(g, QuantizationRecipe.Preset(scheme), CalibrationSet.FromSamples(calib, s.Data),
                    new QuantizeOptions { EvaluationSet = CalibrationSet.FromSamples(eval, s.Data + " (held back)"), MeasureLayers = s.MeasureLayers });
                var o = report.Outputs[0];
                string realNote = "not run";
                if (real && (s.RealLiteRtPerOp || scheme == "static_int8"))
                    realNote = CheckRealLiteRt(q, s, scheme, eval[0], failures);
                var row = new Row(s.Name, scheme, report.CalibrationSamples, report.Samples, o.Cosine, o.Top1, o.Snr,
                    report.FloatBytes, report.QuantizedBytes, realNote, sw.Elapsed.TotalSeconds);
                rows.Add(row);
                output.WriteLine($"{s.Name} {scheme}: cosine {o.Cosine:F6} top-1 {(o.Top1 is { } t ? $"{t:P2}" : "-")} SNR {o.Snr:F1} dB, " +
                    $"{report.FloatBytes} → {report.QuantizedBytes} bytes ({report.SizeReduction:F2}×), LiteRT: {realNote}, {sw.Elapsed.TotalSeconds:F1} s");

                // The issue's targets.
                var misses = new List<string>();
                void Check(string what, bool met, string figure)
                {
                    string key = $"{s.Name} {scheme} {what}";
                    if (met)
                    {
                        if (KnownGaps.ContainsKey(key)) output.WriteLine($"KNOWN GAP CLOSED (remove it from KnownGaps): {key}: {figure}");
                        return;
                    }
                    misses.Add(what);
                    if (KnownGaps.TryGetValue(key, out var why)) output.WriteLine($"KNOWN GAP {key}: {figure} ({why})");
                    else failures.Add($"{key}: {figure}");
                }
                switch (scheme)
                {
                    case "dynamic_int8":
                        Check("cosine", o.Cosine >= 0.999, $"cosine {o.Cosine:F6} < 0.999");
                        break;
                    case "static_int8":
                        Check("cosine", o.Cosine >= 0.99, $"cosine {o.Cosine:F6} < 0.99");
                        if (o.Top1 is { } top) Check("top-1", top >= 0.98, $"top-1 agreement {top:P2} < 98%");
                        break;
                    case "blockwise_int4" when s.FcHeavy:
                        Check("cosine", o.Cosine >= 0.98, $"cosine {o.Cosine:F6} < 0.98");
                        Check("size", report.SizeReduction >= 6, $"{report.SizeReduction:F2}× smaller (< 6×)");
                        break;
                }
                // int8 files: 3.5–4× smaller where the weights are the file (models of 1 MB and more; the small models'
                // ratios are printed, their fixed overhead and float-kept first layers weigh more).
                if (scheme is "dynamic_int8" or "static_int8" && report.FloatBytes >= 1 << 20)
                    Check("size", report.SizeReduction is >= 3.5 and <= 4.05, $"{report.SizeReduction:F2}× smaller (want 3.5–4×)");
                row.Misses.AddRange(misses);
            }
        }
        output.WriteLine($"total {total.Elapsed.TotalSeconds:F0} s");
        string table = Table(rows);
        output.WriteLine(table);
        if (string.IsNullOrEmpty(only)) WriteDocs(table);
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    /// <summary>Real LiteRT on the file we wrote: end to end, and per op (each op on identical inputs) within one quantization step.</summary>
    private string CheckRealLiteRt(ModelGraph q, Subject s, string scheme, IReadOnlyDictionary<string, NpyArray> sample, List<string> failures)
    {
        var inputs = q.SignaturesOrDefault()[0].Inputs.Select(i => sample[i.Name]).ToList();
        List<Agreement> e2e;
        try { e2e = LiteRtAgreement.EndToEnd(q, inputs, scheme); }
        catch (InvalidOperationException e)
        {
            string why = e.Message.Split('\n').FirstOrDefault(l => l.Contains("Error", StringComparison.Ordinal)) ?? e.Message.Split('\n')[0];
            failures.Add($"{s.Name} {scheme}: real LiteRT cannot run our file: {why.Trim()}");
            output.WriteLine(e.Message);
            return "**fails to run**: " + why.Trim();
        }
        var worst = new List<string>();
        foreach (var a in e2e)
        {
            double rel = a.MaxDiff / Math.Max(1e-6, a.MaxAbs);
            worst.Add($"output max abs. diff. {a.MaxDiff:G2} ({rel:P2} of max)");
        }
        if (!s.RealLiteRtPerOp) return "end to end: " + string.Join(", ", worst);
        var perOp = LiteRtAgreement.PerOp(q, inputs, scheme);
        double steps = perOp.Where(a => !double.IsNaN(a.Steps)).Select(a => a.Steps).DefaultIfEmpty(0).Max();
        double floatRel = perOp.Where(a => double.IsNaN(a.Steps)).Select(a => a.MaxDiff / Math.Max(1, a.MaxAbs)).DefaultIfEmpty(0).Max();
        foreach (var a in perOp.Where(a => double.IsNaN(a.Steps)).OrderByDescending(a => a.MaxDiff / Math.Max(1, a.MaxAbs)).Take(3))
            output.WriteLine($"  per op, float output: {a}");
        foreach (var a in perOp.Where(a => !double.IsNaN(a.Steps)).OrderByDescending(a => a.Steps).Take(3))
            output.WriteLine($"  per op, integer output: {a}");
        foreach (var a in perOp.Where(a => !double.IsNaN(a.Steps) && a.Steps > 1))
            failures.Add($"{s.Name} {scheme}: real LiteRT differs by more than one step: {a}");
        var floatMisfits = perOp.Where(a => double.IsNaN(a.Steps) && a.MaxDiff > 1e-4 * Math.Max(1, a.MaxAbs)).ToList();
        string gapKey = $"{s.Name} {scheme} LiteRT hybrid ops";
        if (floatMisfits.Count > 0 && KnownGaps.TryGetValue(gapKey, out var reason))
            output.WriteLine($"KNOWN GAP {gapKey}: {floatMisfits.Count} op(s) differ by up to {floatRel:G2} of max ({reason})");
        else
            foreach (var a in floatMisfits) failures.Add($"{s.Name} {scheme}: real LiteRT differs on a float output: {a}");
        if (floatMisfits.Count == 0 && KnownGaps.ContainsKey(gapKey)) output.WriteLine($"KNOWN GAP CLOSED (remove it from KnownGaps): {gapKey}");
        return $"{perOp.Count} ops, ≤ {steps:G2} step(s) on integer tensors, ≤ {floatRel:G2} rel. on float; " + string.Join(", ", worst);
    }

    private static string Table(List<Row> rows)
    {
        var sb = new StringBuilder();
        sb.AppendLine("| model | scheme | calibration / held-back samples | cosine | top-1 agreement | SNR (dB) | float → quantized | smaller | real LiteRT 2.5.3 on our file |");
        sb.AppendLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var r in rows)
        {
            string Miss(string what) => r.Misses.Contains(what) ? " ✗" : "";
            sb.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {r.Model} | {r.Scheme} | {(r.Calib > 0 ? r.Calib.ToString(CultureInfo.InvariantCulture) : "—")} / {r.Eval} | {r.Cosine:F5}{Miss("cosine")} | {(r.Top1 is { } t ? $"{t * 100:F1}%" : "—")}{Miss("top-1")} | {r.Snr:F1} | " +
                $"{FidelityReport.FormatBytes(r.FloatBytes)} → {FidelityReport.FormatBytes(r.QuantBytes)} | {(double)r.FloatBytes / r.QuantBytes:F2}×{Miss("size")} | {r.RealLiteRt} |"));
        }
        sb.AppendLine();
        sb.AppendLine("✗: below the issue's target (dynamic_int8 cosine ≥ 0.999; static_int8 cosine ≥ 0.99 and top-1 ≥ 98%; blockwise_int4 on the FULLY_CONNECTED-heavy model cosine ≥ 0.98 and ≥ 6× smaller; int8 3.5–4× smaller for models of 1 MB and more); causes under Known gaps.");
        return sb.ToString();
    }

    private const string Begin = "<!-- figures:begin (written by QuantizationFiguresTests) -->", End = "<!-- figures:end -->";

    private void WriteDocs(string table)
    {
        if (SharedData.RepoRoot is not { } root) return;
        string path = Path.Combine(root, "docs", "quantization.md");
        if (!File.Exists(path)) return;
        string text = File.ReadAllText(path);
        int a = text.IndexOf(Begin, StringComparison.Ordinal), b = text.IndexOf(End, StringComparison.Ordinal);
        if (a < 0 || b < a) return;
        string updated = text[..(a + Begin.Length)] + "\n" + table + text[b..];
        if (updated != text) File.WriteAllText(path, updated);
        output.WriteLine($"figures written to {path}");
    }
}
