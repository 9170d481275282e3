using System.CommandLine;
using LiteRt.Cli.Compile;
using LiteRt.Compiler;
using LiteRt.Format;
using LiteRt.Graph;
using LiteRt.Graph.TfLite;
using LiteRt.Quantization;
using LiteRt.Runtime;
using LiteRt.Runtime.Planning;

namespace LiteRt.Cli.Commands;

/// <summary>
/// <c>litert compile</c>: what the build runs for each <c>&lt;LiteRtModel&gt;</c>. Model in; <c>&lt;Name&gt;.tflite</c> and
/// <c>&lt;Name&gt;.litert.json</c> (the manifest the source generator reads) out, each written only when its bytes
/// change. A thin adapter: importing is the graph library's, planning is the runtime's <see cref="ModelPlanner"/>.
/// Problems are printed as <c>file(line,col): error LRTnnnn: message</c> (docs/error-codes.md).
/// </summary>
internal static class CompileCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("model") { Description = "The model to compile (.tflite; .onnx or a Hugging Face decoder checkpoint folder: converted first)" };
        var output = new Option<string>("--out", "-o") { Description = "Output folder for <Name>.tflite and <Name>.litert.json", Required = true };
        var name = new Option<string?>("--name") { Description = "Base name of the outputs (default: the model's file name in PascalCase)" };
        var source = new Option<string?>("--source") { Description = "How to name the model in the manifest and messages (default: the path given)" };
        var accelerators = new Option<string>("--accelerators") { Description = "Target accelerators in order of preference (npu;gpu;cpu)", DefaultValueFactory = _ => "npu;gpu;cpu" };
        var quantize = new Option<string>("--quantize")
        {
            Description = $"none, a preset ({string.Join(", ", QuantizationRecipe.PresetNames)}) or a recipe .json file",
            DefaultValueFactory = _ => "none",
        };
        var calibration = new Option<string[]>("--calibration") { Description = "Calibration data: .npy file, folder of .npy or images, or NAME=PATH; repeat", Arity = ArgumentArity.ZeroOrMore };
        var images = new Option<string?>("--image-preprocessing") { Description = "How calibration images become inputs, e.g. size=224x224,mean=0.5,std=0.5,layout=nchw" };
        var threshold = new Option<string?>("--fidelity-threshold") { Description = "Fail (LRT2021) when the quantized model is below this, e.g. cosine>=0.995" };
        var externalData = new Option<string[]>("--external-data") { Description = "A file the model's weights live in; repeat per file", Arity = ArgumentArity.ZeroOrMore };
        var describe = new Option<bool>("--describe") { Description = "Fast step for IDE design-time builds: write only the manifest's signatures, no plan and no model" };
        var inputShapes = new Option<string?>("--input-shapes") { Description = "ONNX models: fixed shapes for dynamic inputs, name:1x3x224x224[,name2:…]" };
        var maxContext = new Option<int?>("--max-context") { Description = "Checkpoints: KV-cache rows (default 4096)" };
        var prefillLengths = new Option<string?>("--prefill-lengths") { Description = "Checkpoints: prefill signature lengths, e.g. 32,128 (the default)" };
        var cmd = new Command("compile", "Compile a model for the build: .tflite + manifest with a plan per accelerator")
        {
            model, output, name, source, accelerators, quantize, calibration, externalData, describe, inputShapes, images, threshold, maxContext, prefillLengths,
        };
        cmd.SetAction(parse => Execute(new Request(
            parse.GetValue(model)!, parse.GetValue(output)!, parse.GetValue(name), parse.GetValue(source),
            parse.GetValue(accelerators)!, parse.GetValue(quantize)!, parse.GetValue(calibration) ?? [],
            parse.GetValue(externalData) ?? [], parse.GetValue(describe), parse.GetValue(inputShapes))
        {
            ImagePreprocessing = parse.GetValue(images),
            FidelityThreshold = parse.GetValue(threshold),
            MaxContext = parse.GetValue(maxContext),
            PrefillLengthsText = parse.GetValue(prefillLengths),
        }));
        return cmd;
    }

    internal sealed record Request(string Model, string OutputDir, string? Name, string? Source, string Accelerators, string Quantize,
        string[] Calibration, string[] ExternalData, bool Describe, string? InputShapes = null)
    {
        public string? ImagePreprocessing { get; init; }
        public string? FidelityThreshold { get; init; }
        public int? MaxContext { get; init; }
        public string? PrefillLengthsText { get; init; }
        public int[]? PrefillLengths => string.IsNullOrWhiteSpace(PrefillLengthsText) ? null
            : [.. PrefillLengthsText.Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(p => int.TryParse(p, out int n) ? n : -1).Order()];
        public bool Quantizes => !string.Equals(Quantize.Trim(), "none", StringComparison.OrdinalIgnoreCase);
    }

    internal static int Execute(Request r)
    {
        var diag = new CompileDiagnostics(Console.Error);
        string modelPath = r.Model;
        string shown = r.Source ?? r.Model;
        try
        {
            // Options first: every problem with them is reported, then we stop.
            bool checkpoint = CompileCheckpoint.IsCheckpoint(modelPath, out string checkpointDir);
            if (!checkpoint && !File.Exists(modelPath))
                diag.Error(modelPath, Codes.ModelNotFound, Directory.Exists(modelPath)
                    ? $"{Path.GetFullPath(modelPath)} is a folder without config.json (a Hugging Face checkpoint folder holds config.json and its weights)"
                    : $"model file not found: {Path.GetFullPath(modelPath)}");
            var accelerators = new List<Accelerator>();
            foreach (string a in r.Accelerators.Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (AcceleratorSupport.TryParse(a, out var acc)) { if (!accelerators.Contains(acc)) accelerators.Add(acc); }
                else diag.Error(modelPath, Codes.BadAccelerator, $"unknown accelerator '{a}' in Accelerators=\"{r.Accelerators}\" (known: npu, gpu, cpu)");
            }
            if (accelerators.Count == 0 && diag.Errors == 0)
                diag.Error(modelPath, Codes.BadAccelerator, "Accelerators is empty; list at least one of npu, gpu, cpu");
            QuantizationRecipe? recipe = null;
            FidelityThreshold? gate = null;
            if (r.Quantizes && !checkpoint)
            {
                try { recipe = QuantizationRecipe.Load(r.Quantize.Trim()); }
                catch (LiteRtQuantizationException e) { diag.Error(modelPath, Codes.UnknownRecipe, e.Reason); }
            }
            if (r.FidelityThreshold is { Length: > 0 } t)
            {
                try { gate = LiteRt.Quantization.FidelityThreshold.Parse(t); }
                catch (LiteRtQuantizationException e) { diag.Error(modelPath, e.Code, e.Reason); }
                if (!r.Quantizes) diag.Warning(modelPath, QuantizationCodes.InvalidThreshold, $"FidelityThreshold=\"{t}\" has no effect without Quantize");
            }
            foreach (string c in r.Calibration.Select(CalibrationPath).Where(c => !File.Exists(c) && !Directory.Exists(c)))
                diag.Error(modelPath, Codes.CalibrationNotFound, $"calibration data not found: {Path.GetFullPath(c)}");
            foreach (string x in r.ExternalData.Where(x => !File.Exists(x)))
                diag.Error(modelPath, Codes.ExternalDataNotFound, $"external data file not found: {Path.GetFullPath(x)}");
            string name = r.Name ?? Identifiers.Pascal(checkpoint ? CompileCheckpoint.DefaultName(checkpointDir) : Path.GetFileNameWithoutExtension(modelPath), "Model");
            if (name.Length == 0 || name.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || name.Contains('/') || name.Contains('\\'))
                diag.Error(modelPath, Codes.BadName, $"'{name}' cannot name output files");
            if (r.PrefillLengths is { } lengths && lengths.Any(n => n < 0))
                diag.Error(modelPath, Codes.NotForCheckpoints, $"--prefill-lengths '{r.PrefillLengthsText}' is not a list of integers");
            if (!checkpoint && (r.MaxContext is not null || r.PrefillLengthsText is not null))
                diag.Error(modelPath, Codes.NotForCheckpoints, "MaxContext and PrefillLengths apply to decoder checkpoints (a folder with config.json) only");
            if (diag.Errors > 0) return File.Exists(modelPath) || checkpoint ? ExitCodes.Usage : ExitCodes.IoError;
            if (checkpoint) return CompileCheckpoint.Run(checkpointDir, r, name, accelerators, shown, diag);

            string ext = Path.GetExtension(modelPath).ToLowerInvariant();
            if (ext is not (".tflite" or ".onnx"))
            {
                diag.Error(modelPath, Codes.UnsupportedFormat, $"'{ext}' models cannot be compiled by this build (supported: .tflite, .onnx)");
                return ExitCodes.ModelError;
            }

            Directory.CreateDirectory(r.OutputDir);
            string tflitePath = Path.Combine(r.OutputDir, name + ".tflite");
            string manifestPath = Path.Combine(r.OutputDir, name + ".litert.json");

            // ONNX: convert (LiteRt.Compiler), then everything below works on the converted .tflite.
            byte[]? converted = null;
            if (ext == ".onnx")
            {
                try
                {
                    var options = new LiteRt.Compiler.ConvertOptions { InputShapes = LiteRt.Compiler.ConvertOptions.ParseInputShapes(r.InputShapes) };
                    converted = TfLiteModel.Serialize(LiteRt.Compiler.ModelConverter.Convert(modelPath, options));
                }
                catch (LiteRt.Compiler.LiteRtCompileException e)
                {
                    diag.Error(modelPath, e.Code, (e.Node is null ? "" : e.Node + ": ") + e.Reason);
                    return ExitCodes.ModelError;
                }
            }

            using var loaded = converted is null ? TfLiteModel.Open(modelPath) : null;
            var graph = loaded?.Graph ?? TfLiteModel.Read(converted!, modelPath);
            if (recipe is not null && !r.Describe)
            {
                // Quantize (LiteRt.Quantization), gate on fidelity, then plan the quantized model as the runtime will load it.
                var q = CompileQuantization.Run(graph, recipe, r, gate, Path.Combine(r.OutputDir, name + ".quant"), modelPath, shown, diag);
                if (q is null) return ExitCodes.ModelError;
                converted = q;
                graph = TfLiteModel.Read(converted, modelPath);
            }
            long modelLength = loaded?.FileLength ?? converted!.Length;
            if (r.Describe)
            {
                // Design-time: signatures only; no model copy, no hash, no plan (the real build writes those).
                var facts = new Manifest.ModelFacts(name, shown, name + ".tflite", modelLength, "");
                bool wrote = OutputFiles.WriteIfChanged(manifestPath, Manifest.Write(graph, facts, accelerators, r.Quantize, plan: null));
                Console.WriteLine($"litert: described {shown} -> {Path.GetFileName(manifestPath)}{(wrote ? "" : " (unchanged)")}");
                return ExitCodes.Ok;
            }

            var plan = ModelPlanner.Plan(graph, accelerators);
            foreach (var p in plan.Problems)
                diag.Error(modelPath, Codes.UnsupportedOp, $"signature '{p.Signature}': {p.Node}: {p.Reason}");
            if (diag.Errors > 0) return ExitCodes.ModelError;
            if (plan.Accelerators.Any(a => a.Implicit))
                diag.Warning(modelPath, Codes.NoAcceleratorAvailable,
                    $"none of the requested accelerators ({string.Join(", ", accelerators.Select(a => a.Name()))}) has a backend in this build; the model will run on cpu");

            // Quantize=none on a .tflite: the output is the input, byte for byte (its hash is what the plan is checked against);
            // an ONNX model's output is its conversion.
            bool modelChanged = converted is null ? OutputFiles.CopyIfChanged(modelPath, tflitePath) : OutputFiles.WriteIfChanged(tflitePath, converted);
            var model = new Manifest.ModelFacts(name, shown, Path.GetFileName(tflitePath), new FileInfo(tflitePath).Length, OutputFiles.Sha256(tflitePath));
            bool manifestChanged = OutputFiles.WriteIfChanged(manifestPath, Manifest.Write(graph, model, accelerators, r.Quantize, plan));

            Console.WriteLine($"litert: compiled {shown} -> {name}.tflite + {name}.litert.json: {Summary(plan)}"
                + (modelChanged || manifestChanged ? "" : " (outputs unchanged)"));
            return ExitCodes.Ok;
        }
        catch (LiteRtCompileException e)
        {
            // The converter's LRT1xxx codes, as it words them.
            diag.Error(e.File ?? modelPath, e.Code, (e.Node is null ? "" : e.Node + ": ") + e.Reason);
            return e.Code == ErrorCodes.BadOption ? ExitCodes.Usage : ExitCodes.ModelError;
        }
        catch (LiteRtFormatException e)
        {
            diag.Error(modelPath, Codes.InvalidTflite, $"not a valid .tflite file: {e.Reason} (table {e.Table}, field {e.Field}, offset {e.Offset})");
            return ExitCodes.ModelError;
        }
        catch (LiteRtModelException e)
        {
            bool planning = e.Node is not null;
            diag.Error(modelPath, planning ? Codes.PlanFailed : Codes.InvalidModel, (e.Node is null ? "" : e.Node + ": ") + e.Reason);
            return ExitCodes.ModelError;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            diag.Error(modelPath, Codes.CannotWrite, e.Message);
            return ExitCodes.IoError;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            diag.Error(modelPath, Codes.Internal, $"internal error in litert compile: {e.GetType().Name}: {e.Message}");
            return ExitCodes.ModelError;
        }
    }

    /// <summary>A calibration entry's path (entries may be NAME=PATH).</summary>
    private static string CalibrationPath(string entry)
    {
        int eq = entry.IndexOf('=');
        return eq > 0 && !File.Exists(entry) && !Directory.Exists(entry) ? entry[(eq + 1)..] : entry;
    }

    private static string Summary(ModelPlan plan)
    {
        var parts = new List<string>();
        foreach (var a in plan.Accelerators)
        {
            if (a.UnavailableReason is not null) { parts.Add($"{a.Accelerator.Name()}: no backend in this build, falls back to cpu"); continue; }
            int ops = a.Signatures.Sum(s => s.Nodes.Count);
            long arena = a.Signatures.Count == 0 ? 0 : a.Signatures.Max(s => s.ArenaBytes);
            parts.Add($"{a.Accelerator.Name()}: {ops} ops planned, arena {arena} bytes");
        }
        return string.Join("; ", parts);
    }
}
