using System.Diagnostics;
using LiteRt.Format.TfLite;
using LiteRt.Graph.TfLite;

namespace LiteRt.Compiler.Import.HuggingFace;

/// <summary>
/// Converts a Hugging Face decoder checkpoint folder to a .tflite file. Memory stays bounded: the checkpoint is
/// memory-mapped; the graph holds only shapes, scales and streamed buffers; the writer uses the external-buffer
/// layout, converting each weight into one reused buffer just before copying it to the file.
/// </summary>
public static class LlmConverter
{
    public sealed record Result(string OutputPath, long Bytes, int Signatures, int Weights, TimeSpan Elapsed);

    public static Result Convert(string checkpointDir, string outputPath, LlmConvertOptions? options = null)
    {
        options ??= new LlmConvertOptions();
        options.Validate();
        var clock = Stopwatch.StartNew();
        using var ck = HfCheckpoint.Open(checkpointDir);
        var c = ck.Config;
        options.Progress?.Invoke($"{c.ModelType}: {c.Layers} layers, hidden {c.HiddenSize}, heads {c.Heads}/{c.KvHeads}×{c.HeadDim}, vocab {c.VocabSize}; " +
                                 $"{ck.Tensors.Count} tensors in {string.Join(", ", ck.Files.Select(Path.GetFileName))}");
        var slot = new ConversionSlot { Progress = options.Progress };
        var builder = new DecoderGraphBuilder(ck, options, slot);
        var graph = builder.Build();
        Emit.OperatorVersions.Assign(graph);
        slot.Total = builder.WeightCount;
        options.Progress?.Invoke($"graph: {graph.Signatures.Count} signatures ({string.Join(", ", graph.Signatures.Select(s => s.Key))}); writing {builder.WeightCount} weights");
        var model = TfLiteExporter.Export(graph);
        string tmp = outputPath + ".partial";
        try
        {
            TflModelWriter.WriteToFile(model, tmp, new TflWriteOptions { ExternalBuffers = true });
            File.Move(tmp, outputPath, overwrite: true);
        }
        catch
        {
            File.Delete(tmp);
            throw;
        }
        long bytes = new FileInfo(outputPath).Length;
        options.Progress?.Invoke($"wrote {outputPath} ({bytes / (1 << 20)} MiB) in {clock.Elapsed.TotalSeconds:F1} s");
        return new Result(outputPath, bytes, graph.Signatures.Count, builder.WeightCount, clock.Elapsed);
    }
}
