using System.CommandLine;
using LiteRt.Lm.Bundle;

namespace LiteRt.Cli.Commands;

/// <summary><c>litert bundle</c>: a converted decoder .tflite plus its checkpoint folder → a .litertlm file.</summary>
internal static class BundleCommand
{
    public static Command Create()
    {
        var model = new Argument<FileInfo>("model") { Description = "The converted decoder (.tflite with prefill_N / decode signatures)" };
        var checkpoint = new Option<DirectoryInfo>("--checkpoint", "-c") { Description = "The Hugging Face checkpoint folder (tokenizer.json, tokenizer_config.json, generation_config.json)", Required = true };
        var output = new Option<FileInfo>("--output", "-o") { Description = "The .litertlm file to write", Required = true };
        var maxTokens = new Option<int?>("--max-tokens") { Description = "LlmMetadata.max_num_tokens (default: the model's KV-cache length)" };
        var cmd = new Command("bundle", "Pack a decoder .tflite and its checkpoint's tokenizer and generation settings into a .litertlm file")
        {
            model, checkpoint, output, maxTokens,
        };
        cmd.SetAction(parse => CliErrors.Run(() =>
        {
            var file = parse.GetValue(model)!;
            var dir = parse.GetValue(checkpoint)!;
            var outFile = parse.GetValue(output)!;
            if (!file.Exists) throw new UsageException($"model file not found: {file.FullName}");
            if (!dir.Exists) throw new UsageException($"checkpoint folder not found: {dir.FullName}");
            if (parse.GetValue(maxTokens) is <= 0) throw new UsageException("--max-tokens must be positive");
            var result = LlmBundle.Write(outFile.FullName, file.FullName, dir.FullName, new LlmBundleWriteOptions { MaxNumTokens = parse.GetValue(maxTokens) });
            var m = result.Metadata;
            foreach (string note in result.Notes) Console.Error.WriteLine($"note: {note}");
            Console.WriteLine($"wrote {outFile.FullName} ({new FileInfo(outFile.FullName).Length:N0} bytes): start token {m.StartToken?.ToString() ?? "(none)"}, " +
                $"stop tokens {(m.StopTokens.Count == 0 ? "(none)" : string.Join(" ", m.StopTokens))}, max tokens {m.MaxNumTokens}, " +
                $"chat template {(m.JinjaPromptTemplate is null ? "no" : "yes")}, sampler {(m.SamplerParams is { } s ? s.Type.ToString() : "not stated")}");
            return ExitCodes.Ok;
        }));
        return cmd;
    }
}
