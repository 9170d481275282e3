using System.CommandLine;
using LiteRt.Compiler;
using LiteRt.Compiler.Import.HuggingFace;

namespace LiteRt.Cli.Commands;

/// <summary>
/// <c>litert convert &lt;dir&gt;</c> for a Hugging Face decoder checkpoint: prefill_N/decode signatures, progress on
/// stderr. An output ending in <c>.litertlm</c> is a bundle: the converted model with the checkpoint's tokenizer and
/// generation settings (the model is converted into a temporary file beside it first, then streamed in).
/// </summary>
internal static class ConvertCheckpoint
{
    public sealed record Options(Option<int?> MaxContext, Option<string?> Quantize, Option<string?> PrefillLengths)
    {
        public static Options Create() => new(
            new Option<int?>("--max-context") { Description = "Checkpoint folders: KV-cache rows (default 4096)" },
            new Option<string?>("--quantize") { Description = "Checkpoint folders: none | fp16 | dynamic_int8 | blockwise_int4 (default none)" },
            new Option<string?>("--prefill-lengths") { Description = "Checkpoint folders: prefill signature lengths, e.g. 32,128 (the default)" });
    }

    public static int Run(string dir, string? outPath, Options o, ParseResult parse)
    {
        outPath ??= Path.Combine(dir, Path.GetFileName(Path.TrimEndingDirectorySeparator(dir)) + ".tflite");
        try
        {
            var options = new LlmConvertOptions
            {
                MaxContext = parse.GetValue(o.MaxContext) ?? 4096,
                Weights = LlmConvertOptions.ParseWeights(parse.GetValue(o.Quantize) ?? "none"),
                PrefillLengths = ParseLengths(parse.GetValue(o.PrefillLengths)) ?? LlmConvertOptions.DefaultPrefillLengths,
                Progress = line => Console.Error.WriteLine(line),
            };
            bool bundle = outPath.EndsWith(".litertlm", StringComparison.OrdinalIgnoreCase);
            string modelPath = bundle ? outPath + ".tflite.tmp" : outPath;
            try
            {
                var r = LlmConverter.Convert(dir, modelPath, options);
                if (bundle)
                {
                    var written = LiteRt.Lm.Bundle.LlmBundle.Write(outPath, modelPath, dir);
                    foreach (string note in written.Notes) Console.Error.WriteLine("note: " + note);
                }
                Console.WriteLine($"{dir} → {outPath} ({new FileInfo(outPath).Length:N0} bytes, {r.Signatures} signatures, {r.Weights} weights, {r.Elapsed.TotalSeconds:F1} s)");
            }
            finally
            {
                if (bundle) File.Delete(modelPath);
            }
            return ExitCodes.Ok;
        }
        catch (LiteRt.Lm.Bundle.LlmBundleException e)
        {
            Console.Error.WriteLine(e.Message);
            return ExitCodes.ModelError;
        }
        catch (LiteRtCompileException e)
        {
            Console.Error.WriteLine(e.Message);
            return e.Code == ErrorCodes.BadOption ? ExitCodes.Usage : ExitCodes.ModelError;
        }
    }

    private static int[]? ParseLengths(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var parts = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var result = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], out result[i]))
                throw new LiteRtCompileException(ErrorCodes.BadOption, $"--prefill-lengths: '{parts[i]}' is not an integer");
        return [.. result.Order()];
    }
}
