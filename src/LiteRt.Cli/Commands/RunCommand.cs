using System.CommandLine;
using LiteRt.Format.Schema;
using LiteRt.Graph;
using LiteRt.Graph.IO;
using LiteRt.Graph.TfLite;
using LiteRt.Runtime;

namespace LiteRt.Cli.Commands;

/// <summary><c>litert run</c>: run one signature on .npy inputs and write .npy outputs.</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var model = new Argument<FileInfo>("model") { Description = "The .tflite model" };
        var inputs = new Option<string[]>("--input", "-i")
        {
            Description = "An input as NAME=file.npy (NAME is the signature's input name), or file.npy for inputs in order; repeat per input",
            Arity = ArgumentArity.OneOrMore,
        };
        var signature = new Option<string?>("--signature", "-s") { Description = "Signature key (default: the first)" };
        var outputDir = new Option<DirectoryInfo?>("--output-dir", "-o") { Description = "Folder for the outputs, one NAME.npy each" };
        var cmd = new Command("run", "Run a model on .npy inputs") { model, inputs, signature, outputDir };
        cmd.SetAction(parse => CliErrors.Run(() => Execute(
            parse.GetValue(model)!, parse.GetValue(inputs) ?? [], parse.GetValue(signature), parse.GetValue(outputDir))));
        return cmd;
    }

    private static int Execute(FileInfo modelFile, string[] inputArgs, string? signatureKey, DirectoryInfo? outputDir)
    {
        if (!modelFile.Exists) throw new UsageException($"model file not found: {modelFile.FullName}");
        using var loaded = TfLiteModel.Open(modelFile.FullName);
        using var compiled = CompiledModel.FromGraph(loaded.Graph);
        var runner = signatureKey is null ? compiled.DefaultSignature
            : compiled.Signatures.FirstOrDefault(s => s.Key == signatureKey)
              ?? throw new UsageException($"the model has no signature '{signatureKey}' (signatures: {string.Join(", ", compiled.Signatures.Select(s => s.Key))})");

        var arrays = BindInputs(runner, inputArgs);
        // Resize first (re-plans memory), then write: a resize invalidates earlier buffers.
        foreach (var (name, array) in arrays)
        {
            var buffer = runner.Input(name);
            if (array.Type != buffer.Type)
                throw new UsageException($"input '{name}' is {buffer.Type.Name()}, but the .npy file holds {array.Type.Name()}");
            if (!array.Shape.AsSpan().SequenceEqual([.. buffer.Shape]))
            {
                try { runner.ResizeInput(name, array.Shape); }
                catch (ArgumentException e) { throw new UsageException(e.Message); }
            }
        }
        foreach (var (name, array) in arrays) array.Data.CopyTo(runner.Input(name).Bytes);

        runner.Run();

        if (outputDir is not null) Directory.CreateDirectory(outputDir.FullName);
        Console.WriteLine($"signature '{runner.Key}': ran {runner.Placement.Count()} ops on CPU");
        foreach (var output in runner.Outputs)
        {
            string line = $"  {output.Name}: {output.Type.Name()} {Shapes.Format([.. output.Shape])}";
            if (output.Type.HasFixedSize() && output.ElementCount > 0)
            {
                var values = TensorData.Decode(output.Type, output.Bytes, [.. output.Shape], null);
                line += $"  min {values.Min():G6} max {values.Max():G6} argmax {Array.IndexOf(values, values.Max())}";
            }
            if (outputDir is not null)
            {
                string path = Path.Combine(outputDir.FullName, SafeFileName(output.Name) + ".npy");
                new NpyArray(output.Type, [.. output.Shape], output.Bytes.ToArray()).Write(path);
                line += $"  → {path}";
            }
            Console.WriteLine(line);
        }
        return ExitCodes.Ok;
    }

    private static List<(string Name, NpyArray Array)> BindInputs(SignatureRunner runner, string[] args)
    {
        var result = new List<(string, NpyArray)>();
        var names = runner.Inputs.Select(i => i.Name).ToList();
        int positional = 0;
        foreach (string arg in args)
        {
            string name, path;
            int eq = arg.IndexOf('=');
            if (eq > 0 && names.Contains(arg[..eq])) { name = arg[..eq]; path = arg[(eq + 1)..]; }
            else if (eq > 0 && !File.Exists(arg))
                throw new UsageException($"signature '{runner.Key}' has no input '{arg[..eq]}' (inputs: {string.Join(", ", names)})");
            else
            {
                if (positional >= names.Count) throw new UsageException($"too many inputs: signature '{runner.Key}' has {names.Count}");
                name = names[positional++];
                path = arg;
            }
            if (result.Any(r => r.Item1 == name)) throw new UsageException($"input '{name}' is given twice");
            if (!File.Exists(path)) throw new UsageException($"input file not found: {path}");
            result.Add((name, NpyArray.Read(path)));
        }
        var missing = names.Where(n => result.All(r => r.Item1 != n)).ToList();
        if (missing.Count > 0) throw new UsageException($"missing input(s): {string.Join(", ", missing)} (use --input NAME=file.npy)");
        return result;
    }

    private static string SafeFileName(string name)
    {
        var invalid = Path.GetInvalidFileNameChars().Append(':').ToHashSet();
        return new string(name.Select(c => invalid.Contains(c) ? '_' : c).ToArray());
    }
}
