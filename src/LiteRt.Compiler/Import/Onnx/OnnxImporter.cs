using LiteRt.Compiler.Import.Onnx.Proto;
using LiteRt.Compiler.Ir;
using LiteRt.Format.Schema;
using LiteRt.Graph;

namespace LiteRt.Compiler.Import.Onnx;

/// <summary>
/// ONNX → IR. Reads the ModelProto (our own wire reader), turns initializers into constants (external data is read
/// from files next to the model), graph inputs into subgraph inputs (NCHW, as declared; dynamic dims stay -1 unless
/// <see cref="ConvertOptions.InputShapes"/> fixes them), and lowers every node, in order, to LiteRT builtin ops
/// through the op registry. Shapes are inferred and constants folded as ops are appended, so shape-computing
/// subgraphs (Shape → Gather → Concat → Reshape) become constants. The signature carries the ONNX input and output
/// names. An op without a lowering is LRT1001 naming its type, node and opset; nothing is skipped silently.
/// </summary>
public static class OnnxImporter
{
    /// <summary>The ai.onnx opset versions the importer knows (older models are read with their legacy attributes).</summary>
    public const int MaxOpset = 21;

    public static ModelGraph Import(string path, ConvertOptions? options = null)
    {
        byte[] bytes;
        try
        {
            bytes = System.IO.File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new LiteRtCompileException(ErrorCodes.BadProtobuf, $"cannot read the model: {e.Message}", file: path);
        }
        return Import(bytes, options, path, Path.GetDirectoryName(Path.GetFullPath(path)));
    }

    public static ModelGraph Import(ReadOnlyMemory<byte> bytes, ConvertOptions? options, string? path, string? baseDirectory)
    {
        try
        {
            var model = OnnxProtoParser.ParseModel(bytes, path);
            return ImportModel(model, options ?? ConvertOptions.Default, path, baseDirectory);
        }
        catch (LiteRtCompileException e)
        {
            throw e.WithFile(path);
        }
    }

    private static ModelGraph ImportModel(OnnxModelProto model, ConvertOptions options, string? path, string? baseDirectory)
    {
        var g = model.Graph ?? throw new LiteRtCompileException(ErrorCodes.InvalidGraph, "the model has no graph");
        int opset = 0;
        foreach (var imp in model.OpsetImport)
            if (imp.Domain is "" or "ai.onnx") opset = (int)imp.Version;
        if (opset == 0 && model.OpsetImport.Count == 0) opset = 1; // IR version < 3 models import no opset
        if (opset > MaxOpset)
            throw new LiteRtCompileException(ErrorCodes.UnsupportedOpset, $"the model uses ai.onnx opset {opset}; supported: up to {MaxOpset}");
        if (g.SparseInitializerCount > 0)
            throw new LiteRtCompileException(ErrorCodes.UnsupportedDataType, "sparse initializers are not supported");

        var graph = new ModelGraph
        {
            Description = $"Converted by LiteRt.Build from ONNX ({model.ProducerName} {model.ProducerVersion}, opset {opset})".Trim(),
            SourcePath = path,
        };
        var sg = new Subgraph { Name = string.IsNullOrEmpty(g.Name) ? "main" : g.Name };
        graph.Subgraphs.Add(sg);
        var b = new IrBuilder(graph, sg);
        var values = new Dictionary<string, int>(StringComparer.Ordinal);

        foreach (var init in g.Initializers)
        {
            var v = OnnxTensors.Decode(init, baseDirectory, path);
            values[init.Name] = b.ConstRaw(init.Name, v.Type, v.Shape, v.Data);
        }

        foreach (var name in options.InputShapes.Keys)
            if (g.Inputs.All(i => i.Name != name))
                throw new LiteRtCompileException(ErrorCodes.BadOption,
                    $"InputShapes names '{name}', but the model's inputs are: {string.Join(", ", g.Inputs.Where(i => !values.ContainsKey(i.Name)).Select(i => i.Name))}");

        var signature = new Signature(Signature.DefaultKey, 0);
        foreach (var input in g.Inputs)
        {
            if (values.ContainsKey(input.Name)) continue; // an initializer's default value (IR < 4 lists them as inputs)
            if (options.ConstantInputs.TryGetValue(input.Name, out var bound))
            {
                values[input.Name] = b.ConstRaw(input.Name, bound.Type, bound.Shape, bound.Data);
                continue;
            }
            if (input.Kind != "tensor")
                throw new LiteRtCompileException(ErrorCodes.UnsupportedDataType,
                    $"input '{input.Name}' is a {input.Kind ?? "value without a type"}; only tensors are supported");
            var type = OnnxDataType.ToTensorType(input.ElemType);
            if (type is null or TensorType.String or TensorType.Complex64 or TensorType.Complex128)
                throw new LiteRtCompileException(ErrorCodes.UnsupportedDataType,
                    $"input '{input.Name}' has element type {OnnxDataType.Name(input.ElemType)}, which is not supported");
            int[] dims;
            if (options.InputShapes.TryGetValue(input.Name, out var given))
            {
                if (input.Shape is { } declared)
                {
                    if (declared.Count != given.Length)
                        throw new LiteRtCompileException(ErrorCodes.BadOption,
                            $"InputShapes gives '{input.Name}' rank {given.Length}, the model declares rank {declared.Count} ({string.Join("x", declared)})");
                    for (int i = 0; i < given.Length; i++)
                        if (declared[i].Value is long dv && given[i] >= 0 && dv != given[i])
                            throw new LiteRtCompileException(ErrorCodes.BadOption,
                                $"InputShapes gives '{input.Name}' dim {i} = {given[i]}, the model fixes it to {dv}");
                }
                dims = given;
            }
            else if (input.Shape is { } shape)
                dims = shape.Select(d => d.Value is long v && v >= 0 ? checked((int)v) : -1).ToArray();
            else
                throw new LiteRtCompileException(ErrorCodes.DynamicShape,
                    $"input '{input.Name}' has no declared shape; give it with InputShapes / --input-shapes {input.Name}:1x3x224x224");
            int t = b.AddTensor(input.Name, type.Value, dims);
            sg.Inputs.Add(t);
            values[input.Name] = t;
            signature.Inputs.Add(new SignatureTensor(input.Name, t));
        }

        // Multi-node idioms with a single builtin (GELU), recognised on the ONNX graph before lowering.
        var constantNodes = g.Nodes.Where(n => n.OpType == "Constant" && n.Outputs.Count == 1).ToDictionary(n => n.Outputs[0], n => n);
        double? Scalar(string name)
        {
            if (values.TryGetValue(name, out int t) && b.IsConst(t))
                return Shapes.ElementCount(b.Dims(t)) == 1 ? b.Values(t)[0] : null;
            if (constantNodes.TryGetValue(name, out var cn) && cn.Attributes.FirstOrDefault(a => a.Name == "value")?.T is { } tp)
            {
                var v = OnnxTensors.Decode(tp, baseDirectory, path);
                return v.ElementCount == 1 && v.Type.IsFloat() ? TensorData.Decode(v.Type, v.Data.Span, v.Shape, null)[0] : null;
            }
            if (constantNodes.TryGetValue(name, out cn) && cn.Attributes.FirstOrDefault(a => a.Name == "value_float") is { } vf) return vf.F;
            return null;
        }
        OnnxPatterns.Apply(g, Scalar);

        var ctx = new LoweringContext(b, values, options, path);
        for (int i = 0; i < g.Nodes.Count; i++)
        {
            var proto = g.Nodes[i];
            var node = new OnnxNode(proto, opset, i);
            LowerNode(ctx, node, model);
        }

        // Outputs: each must be its own computed tensor (an output that is an input, a constant or another output
        // gets a copy), named as in the ONNX graph.
        var used = new HashSet<int>();
        foreach (var output in g.Outputs)
        {
            if (!values.TryGetValue(output.Name, out int t))
                throw new LiteRtCompileException(ErrorCodes.InvalidGraph, $"graph output '{output.Name}' is not produced by any node");
            if (b.IsConst(t) || sg.Inputs.Contains(t) || used.Contains(t) || b.T(t).Buffer is not null)
            {
                var dims = b.Dims(t);
                t = b.Op(BuiltinOperator.Reshape, [t, b.Int32s(output.Name + "/shape", dims.Select(d => d < 0 ? -1 : d).ToArray())],
                    b.Type(t), null, output.Name, fold: false);
            }
            else b.Rename(t, output.Name);
            used.Add(t);
            sg.Outputs.Add(t);
            signature.Outputs.Add(new SignatureTensor(output.Name, t));
        }
        graph.Signatures.Add(signature);
        return graph;
    }

    private static void LowerNode(LoweringContext ctx, OnnxNode node, OnnxModelProto model)
    {
        if (node.Domain is not ("" or "ai.onnx"))
        {
            string hint = model.Functions.Any(f => f.Name == node.OpType && f.Domain == node.Domain) ? " (a model-local function)" : "";
            throw node.Error(ErrorCodes.UnsupportedOp, $"operator {node.Domain}.{node.OpType}{hint} is not supported: only the ai.onnx domain is");
        }
        var lowering = OnnxOpRegistry.Find(node.OpType)
            ?? throw node.Error(ErrorCodes.UnsupportedOp, $"operator {node.OpType} is not supported (no lowering to LiteRT builtin ops)");
        ctx.BeginNode(node);
        try
        {
            lowering(ctx);
        }
        catch (LiteRtCompileException e)
        {
            throw e.WithNode(node.Description);
        }
        catch (LiteRtModelException e)
        {
            throw node.Error(ErrorCodes.InvalidGraph, e.Message);
        }
        catch (NotSupportedException e)
        {
            throw node.Error(ErrorCodes.UnsupportedAttribute, e.Message);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or IndexOutOfRangeException or OverflowException
                                       or KeyNotFoundException or InvalidCastException)
        {
            throw new LiteRtCompileException(ErrorCodes.InvalidGraph, $"cannot lower this node: {e.Message}", node.Description, inner: e);
        }
        for (int i = 0; i < node.OutputCount; i++)
            if (node.HasOutput(i) && !ctx.HasValue(node.Proto.Outputs[i]))
                throw node.Error(ErrorCodes.UnsupportedAttribute, $"output {i} '{node.Proto.Outputs[i]}' is not supported by this lowering");
    }
}
