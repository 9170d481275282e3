using LiteRt.Cli.Commands;
using LiteRt.Compiler;
using LiteRt.Compiler.Import.HuggingFace;
using LiteRt.Graph.TfLite;
using LiteRt.Lm.Bundle;
using LiteRt.Lm.Engine;
using LiteRt.Runtime;
using LiteRt.Runtime.Planning;

namespace LiteRt.Cli.Compile;

/// <summary>
/// <c>litert compile</c> for a Hugging Face decoder checkpoint (a folder, or its <c>config.json</c>): the converter
/// streams the weights into a temporary <c>.tflite</c>, the planner plans its prefill/decode signatures, and the
/// output is one <c>&lt;Name&gt;.litertlm</c> bundle (decoder, tokenizer, generation settings from the checkpoint) plus
/// the manifest, whose <c>llm</c> section carries those settings to the generated wrapper. The manifest's model size
/// and hash are the decoder section's, which is what the wrapper's build-time plan is checked against at load.
/// </summary>
internal static class CompileCheckpoint
{
    /// <summary>A checkpoint folder, or the <c>config.json</c> inside one.</summary>
    public static bool IsCheckpoint(string path, out string directory)
    {
        directory = "";
        if (Directory.Exists(path) && File.Exists(Path.Combine(path, "config.json"))) directory = path;
        else if (File.Exists(path) && string.Equals(Path.GetFileName(path), "config.json", StringComparison.OrdinalIgnoreCase))
            directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        return directory.Length > 0;
    }

    /// <summary>The default output name: the checkpoint folder's name.</summary>
    public static string DefaultName(string directory) => Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory)));

    public static int Run(string directory, CompileCommand.Request r, string name, IReadOnlyList<Accelerator> accelerators, string shown, CompileDiagnostics diag)
    {
        string configPath = Path.Combine(directory, "config.json");
        foreach (var (given, option) in new[] { (r.Calibration.Length > 0, "Calibration"), (r.ExternalData.Length > 0, "ExternalData"),
                     (r.FidelityThreshold is { Length: > 0 }, "FidelityThreshold"), (r.ImagePreprocessing is { Length: > 0 }, "CalibrationImages"),
                     (r.InputShapes is { Length: > 0 }, "InputShapes") })
            if (given) diag.Error(configPath, Codes.NotForCheckpoints, $"{option} does not apply to a decoder checkpoint (its graph is built from config.json)");
        LlmConvertOptions options;
        try
        {
            options = new LlmConvertOptions
            {
                MaxContext = r.MaxContext ?? 4096,
                Weights = LlmConvertOptions.ParseWeights(r.Quantizes ? r.Quantize.Trim() : "none"),
                PrefillLengths = r.PrefillLengths ?? LlmConvertOptions.DefaultPrefillLengths,
                Progress = line => Console.WriteLine("  " + line),
            };
        }
        catch (LiteRtCompileException e)
        {
            diag.Error(configPath, Codes.UnknownRecipe, $"{e.Reason} (checkpoints take Quantize = none, fp16, dynamic_int8 or blockwise_int4)");
            return ExitCodes.Usage;
        }
        if (diag.Errors > 0) return ExitCodes.Usage;

        Directory.CreateDirectory(r.OutputDir);
        string bundlePath = Path.Combine(r.OutputDir, name + ".litertlm");
        string manifestPath = Path.Combine(r.OutputDir, name + ".litert.json");
        string temp = Path.Combine(r.OutputDir, $"{name}.{Environment.ProcessId}.tflite.tmp");
        try
        {
            // Design-time builds convert too (the graph is built while the weights stream): only the plan is skipped.
            var converted = LlmConverter.Convert(directory, temp, options);
            using (var model = TfLiteModel.Open(temp))
            {
                var graph = model.Graph;
                ModelPlan? plan = null;
                if (!r.Describe)
                {
                    plan = ModelPlanner.Plan(graph, accelerators);
                    foreach (var p in plan.Problems)
                        diag.Error(configPath, Codes.UnsupportedOp, $"signature '{p.Signature}': {p.Node}: {p.Reason}");
                    if (diag.Errors > 0) return ExitCodes.ModelError;
                }
                var written = LlmBundle.Write(bundlePath, temp, directory);
                foreach (string note in written.Notes) Console.WriteLine("  note: " + note);

                using var bundle = LlmBundle.Open(bundlePath);
                var section = bundle.DecoderSection;
                // The decoder section is the temporary .tflite byte for byte: hash that file with buffered reads rather than
                // through the bundle's mapping (which would add the whole model to this process's resident pages).
                string sha = r.Describe ? "" : OutputFiles.Sha256(temp);
                var facts = new Manifest.ModelFacts(name, shown, Path.GetFileName(bundlePath), section.Length, sha)
                {
                    Container = "litertlm",
                    Llm = Describe(bundle, options),
                };
                bool manifestChanged = OutputFiles.WriteIfChanged(manifestPath, Manifest.Write(graph, facts, accelerators, r.Quantize, plan));
                Console.WriteLine($"litert: compiled {shown} -> {name}.litertlm + {name}.litert.json: {converted.Signatures} signatures, " +
                    $"{converted.Weights} weights, {new FileInfo(bundlePath).Length:N0} bytes, {converted.Elapsed.TotalSeconds:F1} s" + (manifestChanged ? "" : " (manifest unchanged)"));
            }
            return ExitCodes.Ok;
        }
        catch (LlmBundleException e)
        {
            diag.Error(configPath, Codes.InvalidModel, e.Message);
            File.Delete(bundlePath);
            return ExitCodes.ModelError;
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>What the wrapper exposes: the settings a session takes from the bundle, as the session reads them.</summary>
    private static Manifest.LlmFacts Describe(LlmBundle bundle, LlmConvertOptions options)
    {
        var tokenizer = bundle.CreateTokenizer();
        var settings = LlmSessionSettings.FromBundle(bundle, tokenizer);
        var sampling = settings.DefaultSampling;
        return new Manifest.LlmFacts(
            [.. settings.StartTokenIds],
            [.. settings.StopTokenSequences.Select(s => s.ToArray())],
            sampling.DoSample, sampling.Temperature, sampling.TopK, sampling.TopP, sampling.RepetitionPenalty,
            bundle.Metadata?.MaxNumTokens ?? 0, options.MaxContext, options.PrefillLengths,
            tokenizer.ChatTemplates.ContainsKey("default") || settings.PromptTemplates is not null);
    }
}
