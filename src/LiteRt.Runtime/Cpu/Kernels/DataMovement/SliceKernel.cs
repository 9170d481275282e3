using LiteRt.Runtime.Execution;

namespace LiteRt.Runtime.Cpu.Kernels.DataMovement;

/// <summary>SLICE of any byte-addressable type: one strided copy starting at begin.</summary>
public static class SliceKernel
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
        var begin = LayoutTypes.ConstantInts(node, 1, "begin");
        int rank = input.Rank;
        if (begin.Length != rank || output.Rank != rank) throw node.Error($"begin must have {rank} entries");
        var strides = CopyPlan.RowMajorStrides(input.Shape);
        long start = 0;
        for (int i = 0; i < rank; i++)
        {
            if (begin[i] < 0 || (long)begin[i] + output.Shape[i] > input.Shape[i])
                throw node.Error($"slice [{begin[i]}, +{output.Shape[i]}) is out of range for dimension {i} of {input}");
            start += begin[i] * strides[i];
        }
        var plan = CopyPlan.Create(output.Shape, strides, start, CopyPlan.RowMajorStrides(output.Shape), 0);
        node.State = new State(plan, size, LayoutRequantization.Table(node, input, output));
    }

    public static void Eval(PreparedNode node)
    {
        var st = node.GetState<State>();
        StridedCopy.Run(st.Plan, node.Input(0), node.Output(0), st.ElementSize, st.Table);
    }
}
