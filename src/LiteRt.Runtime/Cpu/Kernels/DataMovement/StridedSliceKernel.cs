using LiteRt.Graph.Catalog;
using LiteRt.Runtime.Execution;

namespace LiteRt.Runtime.Cpu.Kernels.DataMovement;

/// <summary>
/// STRIDED_SLICE of any byte-addressable type: the slice is resolved once at Prepare (<see cref="StridedSliceSpec"/>,
/// the catalog's LiteRT-exact rule) into one strided copy; negative steps walk backwards, inserted axes have stride 0.
/// </summary>
public static class StridedSliceKernel
{
    private sealed class State(CopyPlan plan, int elementSize, byte[]? table)
    {
        public readonly CopyPlan Plan = plan;
        public readonly int ElementSize = elementSize;
        public readonly byte[]? Table = table;
    }

    public static void Prepare(PreparedNode node)
    {
        var input = node.Input(0);
        var output = node.Output(0);
        int size = LayoutTypes.RequireSameType(node, input, output);
        var op = node.Op;
        StridedSliceSpec spec;
        try
        {
            spec = StridedSliceSpec.Build(input.Shape, LayoutTypes.ConstantInts(node, 1, "begin"), LayoutTypes.ConstantInts(node, 2, "end"),
                LayoutTypes.ConstantInts(node, 3, "strides"), op.IntAttr("begin_mask"), op.IntAttr("end_mask"), op.IntAttr("ellipsis_mask"),
                op.IntAttr("new_axis_mask"), op.IntAttr("shrink_axis_mask"), op.BoolAttr("offset"));
        }
        catch (ArgumentException e)
        {
            throw node.Error(e.Message);
        }
        if (!spec.OutputShape.AsSpan().SequenceEqual(output.Shape))
            throw node.Error($"the slice has shape {LiteRt.Graph.Shapes.Format(spec.OutputShape)} but the output is {output}");
        var inStrides = CopyPlan.RowMajorStrides(input.Shape);
        int eff = spec.Counts.Length;
        var src = new long[eff];
        long start = 0;
        for (int i = 0; i < eff; i++)
        {
            int d = spec.InputDimOf[i];
            if (d < 0) continue;
            src[i] = spec.Steps[i] * inStrides[d];
            start += spec.Starts[i] * inStrides[d];
        }
        var plan = CopyPlan.Create(spec.Counts, src, start, CopyPlan.RowMajorStrides(spec.Counts), 0);
        node.State = new State(plan, size, LayoutRequantization.Table(node, input, output));
    }

    public static void Eval(PreparedNode node)
    {
        var st = node.GetState<State>();
        StridedCopy.Run(st.Plan, node.Input(0), node.Output(0), st.ElementSize, st.Table);
    }
}
