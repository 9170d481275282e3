using System.CommandLine;
using LiteRt.Compiler;
using LiteRt.Format.Schema;
using LiteRt.Graph;

namespace LiteRt.Cli.Commands;

/// <summary>
/// <c>litert convert model.onnx -o model.tflite [--input-shapes name:1x3x224x224]</c>: the compiler from the command line;
/// <c>litert convert &lt;checkpoint dir&gt; -o model.tflite [--quantize dynamic_int8] [--max-context 4096] [--prefill-lengths 32,128]</c>
/// converts a Hugging Face decoder checkpoint (see <see cref="ConvertCheckpoint"/>).
/// </summary>
internal static class ConvertCommand
{
    public static Command Create()
    {
        var model = new Argument<FileInfo>("model") { Description = "The source model (.onnx; external data files next to it), or a Hugging Face checkpoint folder" };
        var output = new Option<FileInfo?>("--output", "-o") { Description = "The .tflite to write (default: the model's name with .tflite)" };
        var shapes = new Option<string?>("--input-shapes")
        {
            Description = "Fixed shapes for dynamic inputs: name:1x3x224x224[,name2:1x10] (? keeps a dim dynamic)",
        };
        var llm = ConvertCheckpoint.Options.Create();
        var cmd = new Command("convert", "Convert an ONNX model or a Hugging Face decoder checkpoint folder to LiteRT (.tflite)")
        {
            model, output, shapes, llm.MaxContext, llm.Quantize, llm.PrefillLengths,
        };
        cmd.SetAction(parse => CliErrors.Run(() =>
        {
            var file = parse.GetValue(model)!;
            if (Directory.Exists(file.FullName)) return ConvertCheckpoint.Run(file.FullName, parse.GetValue(output)?.FullName, llm, parse);
            if (!file.Exists) throw new UsageException($"model file not found: {file.FullName}");
            string outPath = parse.GetValue(output)?.FullName ?? Path.ChangeExtension(file.FullName, ".tflite");
            try
            {
                var options = new ConvertOptions { InputShapes = ConvertOptions.ParseInputShapes(parse.GetValue(shapes)) };
                var sw = System.Diagnostics.Stopwatch.StartNew();
                var graph = ModelConverter.Convert(file.FullName, options);
                ModelConverter.Save(graph, outPath);
                var sig = graph.SignaturesOrDefault()[0];
                var sg = graph.Subgraphs[sig.SubgraphIndex];
                string Describe(SignatureTensor s) => $"{s.Name} {sg.Tensors[s.TensorIndex].Type.Name()}{Shapes.Format(sg.Tensors[s.TensorIndex].Dims)}";
                Console.WriteLine($"{file.Name} → {outPath} ({new FileInfo(outPath).Length:N0} bytes, {sw.ElapsedMilliseconds} ms)");
                Console.WriteLine($"  inputs:  {string.Join(", ", sig.Inputs.Select(Describe))}");
                Console.WriteLine($"  outputs: {string.Join(", ", sig.Outputs.Select(Describe))}");
                Console.WriteLine($"  {sg.Operations.Count} ops: {string.Join(", ", sg.Operations.GroupBy(o => o.OpName).OrderByDescending(g => g.Count()).Select(g => $"{g.Key} ×{g.Count()}"))}");
                return ExitCodes.Ok;
            }
            catch (LiteRtCompileException e)
            {
                Console.Error.WriteLine(e.Message);
                return e.Code == ErrorCodes.BadOption ? ExitCodes.Usage : ExitCodes.ModelError;
            }
        }));
        return cmd;
    }
}
