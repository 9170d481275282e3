using LiteRt.Graph.Catalog;

namespace LiteRt.Graph;

/// <summary>Propagates shapes through a subgraph with the catalog's shape functions.</summary>
public static class ShapeInference
{
    /// <summary>
    /// Shapes of every tensor given the shapes of the subgraph inputs (default: each input's declared dims, -1 for
    /// dynamic). Constants keep their static shape. Unsupported ops raise a <see cref="LiteRtModelException"/>.
    /// </summary>
    public static int[]?[] Infer(Subgraph sg, IReadOnlyDictionary<int, int[]>? inputShapes = null)
    {
        var shapes = new int[]?[sg.Tensors.Count];
        for (int i = 0; i < sg.Tensors.Count; i++)
            if (sg.Tensors[i].IsConstant) shapes[i] = sg.Tensors[i].Shape;
        foreach (int i in sg.Inputs)
            shapes[i] = inputShapes is not null && inputShapes.TryGetValue(i, out var s) ? s : sg.Tensors[i].Dims;
        for (int opIndex = 0; opIndex < sg.Operations.Count; opIndex++)
        {
            var op = sg.Operations[opIndex];
            string node = sg.Describe(opIndex);
            var def = OpCatalog.Get(op.Op, node);
            // Variable tensors and tensors nothing produced keep their declared dims.
            foreach (int t in op.Inputs)
                if (t >= 0 && shapes[t] is null) shapes[t] = sg.Tensors[t].Dims;
            var ctx = new ShapeContext(op, node, k => shapes[op.Inputs[k]], k => op.HasInput(k) ? sg.Tensors[op.Inputs[k]] : null);
            def.InferShapes(ctx);
            for (int k = 0; k < op.Outputs.Length; k++)
                shapes[op.Outputs[k]] = ctx.OutputShape(k) ?? throw new LiteRtModelException($"shape function set no shape for output {k}", node);
        }
        return shapes;
    }
}
