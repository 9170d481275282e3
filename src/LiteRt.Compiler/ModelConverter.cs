using LiteRt.Compiler.Import.Onnx;
using LiteRt.Compiler.Ir;
using LiteRt.Compiler.Passes;
using LiteRt.Graph;
using LiteRt.Graph.Catalog;
using LiteRt.Graph.TfLite;

namespace LiteRt.Compiler;

/// <summary>
/// The compiler facade: import a model (ONNX today) into the IR, run the optimization passes (constant folding,
/// layout propagation NCHW → NHWC, weight folding, activation fusion, dead-code elimination), and hand back a
/// graph ready to save as .tflite or to run with the runtime.
/// </summary>
public static class ModelConverter
{
    /// <summary>Converts the model at <paramref name="path"/> (by extension: .onnx).</summary>
    public static ModelGraph Convert(string path, ConvertOptions? options = null)
    {
        options ??= ConvertOptions.Default;
        string ext = Path.GetExtension(path).ToLowerInvariant();
        var graph = ext switch
        {
            ".onnx" => OnnxImporter.Import(path, options),
            _ => throw new LiteRtCompileException(ErrorCodes.BadProtobuf, $"unsupported model format '{ext}' (supported: .onnx)", file: path),
        };
        return Optimize(graph, options);
    }

    /// <summary>Converts ONNX bytes; <paramref name="baseDirectory"/> is where external data files are.</summary>
    public static ModelGraph ConvertOnnx(ReadOnlyMemory<byte> bytes, ConvertOptions? options = null, string? path = null, string? baseDirectory = null)
    {
        options ??= ConvertOptions.Default;
        return Optimize(OnnxImporter.Import(bytes, options, path, baseDirectory), options);
    }

    /// <summary>Runs the pass pipeline and finalizes the graph (topological order, compact tensors, final shapes).</summary>
    public static ModelGraph Optimize(ModelGraph graph, ConvertOptions options)
    {
        try
        {
            if (options.Optimize) PassPipeline.Run(graph, PassPipeline.Default);
            Finalize(graph);
            return graph;
        }
        catch (LiteRtModelException e)
        {
            throw new LiteRtCompileException(ErrorCodes.InvalidGraph, $"the converted graph is invalid: {e.Message}", file: graph.SourcePath, inner: e);
        }
    }

    /// <summary>Writes the graph as a .tflite file.</summary>
    public static void Save(ModelGraph graph, string path)
    {
        using var stream = File.Create(path);
        TfLiteModel.Save(graph, stream);
    }

    private static void Finalize(ModelGraph graph)
    {
        var sg = graph.Main;
        GraphEditing.RemoveDeadOperations(sg);
        GraphEditing.TopologicalSort(sg);
        GraphEditing.Compact(graph);
        // Final shapes from the catalog (every op must be one the IR knows).
        foreach (var op in sg.Operations)
            if (OpCatalog.Find(op.Op) is null)
                throw new LiteRtCompileException(ErrorCodes.UnsupportedOp, $"internal: operator {op.OpName} has no catalog entry");
        Emit.OperatorVersions.Assign(graph);
        var shapes = ShapeInference.Infer(sg);
        for (int i = 0; i < sg.Tensors.Count; i++)
        {
            var t = sg.Tensors[i];
            if (t.IsConstant || sg.Inputs.Contains(i) || shapes[i] is null) continue;
            IrBuilder.SetDims(t, shapes[i]!);
        }
    }
}
