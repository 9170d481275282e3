using LiteRt.Graph.Catalog;

namespace LiteRt.Graph.Reference;

/// <summary>
/// Runs a signature with the catalog's float64 reference kernels. Values are real numbers; after each op the
/// result is rounded to what the output tensor can hold (its quantization grid or its storage type), so the
/// result is what an exact implementation of the quantized model computes. The oracle for kernels and fidelity.
/// </summary>
public static class ReferenceInterpreter
{
    public static Dictionary<string, RefTensor> Run(ModelGraph graph, Signature signature, IReadOnlyDictionary<string, RefTensor> inputs)
    {
        var sg = graph.Subgraphs[signature.SubgraphIndex];
        var values = new RefTensor?[sg.Tensors.Count];
        foreach (var input in signature.Inputs)
        {
            if (!inputs.TryGetValue(input.Name, out var v))
                throw new LiteRtModelException($"input '{input.Name}' was not given");
            var t = sg.Tensors[input.TensorIndex];
            var data = (double[])v.Data.Clone();
            Round(data, t, v.Shape);
            values[input.TensorIndex] = new RefTensor(v.Shape, data, t.Type, t.Quantization);
        }
        RunSubgraph(sg, values);
        var result = new Dictionary<string, RefTensor>();
        foreach (var output in signature.Outputs)
            result[output.Name] = values[output.TensorIndex] ?? throw new LiteRtModelException($"output '{output.Name}' was not computed");
        return result;
    }

    /// <summary>Runs all operations of <paramref name="sg"/>; <paramref name="values"/> holds the inputs on entry.</summary>
    public static void RunSubgraph(Subgraph sg, RefTensor?[] values)
    {
        for (int i = 0; i < sg.Tensors.Count; i++)
        {
            var t = sg.Tensors[i];
            if (values[i] is null && t.IsConstant)
                values[i] = new RefTensor(t.Shape, TensorData.Decode(t), t.Type, t.Quantization);
            // A zero-element tensor nothing produces (e.g. an empty axis list: its buffer is empty, so it is not
            // "constant") still has a value: the empty one.
            else if (values[i] is null && t.Buffer is not null && Shapes.ElementCount(t.Shape) == 0 && !sg.Inputs.Contains(i))
                values[i] = new RefTensor(t.Shape, [], t.Type, t.Quantization);
        }
        for (int opIndex = 0; opIndex < sg.Operations.Count; opIndex++)
        {
            var op = sg.Operations[opIndex];
            string node = sg.Describe(opIndex);
            var def = OpCatalog.Get(op.Op, node);
            var inputs = new RefTensor?[op.Inputs.Length];
            for (int k = 0; k < inputs.Length; k++)
            {
                if (!op.HasInput(k)) continue;
                inputs[k] = values[op.Inputs[k]] ?? throw new LiteRtModelException($"input {k} ('{sg.Tensors[op.Inputs[k]].Name}') has no value yet", node);
            }
            var shapeCtx = new ShapeContext(op, node, k => inputs[k]?.Shape, k => op.HasInput(k) ? sg.Tensors[op.Inputs[k]] : null);
            def.InferShapes(shapeCtx);
            var outputs = new RefTensor[op.Outputs.Length];
            for (int k = 0; k < outputs.Length; k++)
            {
                var t = sg.Tensors[op.Outputs[k]];
                var shape = shapeCtx.OutputShape(k) ?? throw new LiteRtModelException($"shape function set no shape for output {k}", node);
                outputs[k] = RefTensor.Zeros(shape, t.Type, t.Quantization);
            }
            def.Reference(new ReferenceContext(op, node, inputs, outputs));
            for (int k = 0; k < outputs.Length; k++)
            {
                var t = sg.Tensors[op.Outputs[k]];
                Round(outputs[k].Data, t, outputs[k].Shape);
                values[op.Outputs[k]] = outputs[k];
            }
        }
    }

    private static void Round(double[] data, Tensor t, int[] shape)
    {
        if (t.Quantization is { IsEmpty: false, Scale.Length: > 0 } q) TensorData.RoundToGrid(data, t.Type, shape, q);
        else TensorData.RoundToType(data, t.Type);
    }
}
