using System.CommandLine;
using LiteRt.Graph.TfLite;
using LiteRt.Quantization;

namespace LiteRt.Cli.Commands;

/// <summary>
/// <c>litert quantize model.tflite --recipe NAME|recipe.json [--calibration PATH]… -o out.tflite</c>: quantizes with
/// a preset or recipe file, prints the fidelity report and writes it as JSON and HTML next to the output.
/// </summary>
internal static class QuantizeCommand
{
    public static Command Create()
    {
        var model = new Argument<FileInfo>("model") { Description = "The float .tflite model" };
        var recipe = new Option<string>("--recipe", "-r")
        {
            Description = $"A preset ({string.Join(", ", QuantizationRecipe.PresetNames)}) or a recipe .json file (ours or an AI Edge Quantizer recipe)",
            Required = true,
        };
        var calibration = new Option<string[]>("--calibration", "-c")
        {
            Description = "Calibration data: a .npy file or a folder of .npy files (one input), NAME=PATH per input, or a folder of images; repeat per input",
            Arity = ArgumentArity.OneOrMore,
        };
        var images = new Option<string?>("--image-preprocessing")
        {
            Description = "How calibration images become inputs, e.g. size=224x224,mean=0.485/0.456/0.406,std=0.229/0.224/0.225,layout=nchw (default: model size, [0,1], auto layout)",
        };
        var output = new Option<FileInfo>("--output", "-o") { Description = "The quantized .tflite to write", Required = true };
        var auto = new Option<string?>("--auto") { Description = "Automatic mixed precision: keep the most sensitive layers float until this target is met, e.g. cosine>=0.999" };
        var threshold = new Option<string?>("--threshold") { Description = "Fail (exit 1, LRT2021) when the quantized model is below this fidelity, e.g. cosine>=0.995" };
        var report = new Option<string?>("--report") { Description = "Write the report to PATH.json and PATH.html (default: next to the output, OUTPUT.quant.json/.html)" };
        var quantizedIo = new Option<bool>("--quantized-io") { Description = "Full-integer schemes: expose int8/int16 inputs and outputs instead of keeping them float" };
        var noLayers = new Option<bool>("--no-layers") { Description = "Skip the per-layer comparison (faster on large models)" };
        var cmd = new Command("quantize", "Quantize a model with a recipe, measure its fidelity against the float model, and write it")
        {
            model, recipe, calibration, images, output, auto, threshold, report, quantizedIo, noLayers,
        };
        cmd.SetAction(parse => CliErrors.Run(() => Execute(parse.GetValue(model)!, parse.GetValue(recipe)!, parse.GetValue(calibration) ?? [],
            parse.GetValue(images), parse.GetValue(output)!, parse.GetValue(auto), parse.GetValue(threshold), parse.GetValue(report),
            parse.GetValue(quantizedIo), parse.GetValue(noLayers))));
        return cmd;
    }

    private static int Execute(FileInfo modelFile, string recipeName, string[] calibrationArgs, string? imageSpec, FileInfo outputFile,
        string? auto, string? threshold, string? reportPath, bool quantizedIo, bool noLayers)
    {
        if (!modelFile.Exists) throw new UsageException($"model file not found: {modelFile.FullName}");
        try
        {
            var recipe = QuantizationRecipe.Load(recipeName);
            var gate = threshold is null ? null : FidelityThreshold.Parse(threshold);
            var options = new QuantizeOptions
            {
                AutoTarget = auto is null ? null : FidelityThreshold.Parse(auto),
                QuantizedIo = quantizedIo ? true : null,
                MeasureLayers = !noLayers,
                Log = m => Console.Error.WriteLine(m),
            };
            var calibration = Calibration(calibrationArgs, imageSpec);
            using var source = TfLiteModel.Open(modelFile.FullName);
            var (quantized, fidelity) = ModelQuantizer.Quantize(source.Graph, recipe, calibration, options);
            fidelity.Model = modelFile.Name;
            fidelity.FloatBytes = modelFile.Length;

            outputFile.Directory?.Create();
            using (var stream = File.Create(outputFile.FullName)) TfLiteModel.Save(quantized, stream);
            fidelity.QuantizedBytes = new FileInfo(outputFile.FullName).Length;
            Console.Write(fidelity.ToText());
            string prefix = reportPath ?? Path.Combine(outputFile.DirectoryName ?? ".", Path.GetFileNameWithoutExtension(outputFile.Name) + ".quant");
            File.WriteAllText(prefix + ".json", fidelity.ToJson());
            File.WriteAllText(prefix + ".html", fidelity.ToHtml());
            Console.WriteLine($"wrote {outputFile.FullName} ({FidelityReport.FormatBytes(fidelity.QuantizedBytes)}), report {prefix}.json, {prefix}.html");
            foreach (var d in fidelity.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Warning)) Console.Error.WriteLine($"warning {d.Code}: {d.Message}");
            if (gate is not null)
            {
                var check = gate.Check(fidelity);
                if (!check.Passed)
                {
                    Console.Error.WriteLine("error " + check.Message);
                    return ExitCodes.ModelError;
                }
                Console.WriteLine($"fidelity threshold {gate} met");
            }
            return ExitCodes.Ok;
        }
        catch (LiteRtQuantizationException e) when (e.Code is QuantizationCodes.InvalidRecipe or QuantizationCodes.InvalidThreshold)
        {
            throw new UsageException(e.Message);
        }
        catch (LiteRtQuantizationException e)
        {
            Console.Error.WriteLine($"error {e.Message}");
            return ExitCodes.ModelError;
        }
    }

    /// <summary>--calibration arguments: NAME=PATH pairs, .npy files / a folder for the only input, or an image folder.</summary>
    private static CalibrationSet? Calibration(string[] args, string? imageSpec)
    {
        foreach (var a in args)
        {
            int eq = a.IndexOf('=');
            string path = eq > 0 && !File.Exists(a) && !Directory.Exists(a) ? a[(eq + 1)..] : a;
            if (!File.Exists(path) && !Directory.Exists(path)) throw new UsageException($"calibration data not found: {path}");
        }
        return CalibrationSet.FromPaths(args, imageSpec is null ? null : ImagePreprocessing.Parse(imageSpec));
    }
}
