using LiteRt.Runtime.Execution;

namespace LiteRt.Runtime.Cpu.Kernels.DataMovement;

/// <summary>TRANSPOSE of any byte-addressable type: one strided copy (output dim i walks input dim perm[i]).</summary>
public static class TransposeKernel
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
        var perm = LayoutTypes.ConstantInts(node, 1, "perm");
        int rank = input.Rank;
        if (perm.Length != rank) throw node.Error($"perm has {perm.Length} entries for an input of rank {rank}");
        var inStrides = CopyPlan.RowMajorStrides(input.Shape);
        var src = new long[rank];
        var seen = new bool[rank];
        for (int i = 0; i < rank; i++)
        {
            if ((uint)perm[i] >= (uint)rank || seen[perm[i]]) throw node.Error("perm is not a permutation of the input dims");
            seen[perm[i]] = true;
            src[i] = inStrides[perm[i]];
        }
        var plan = CopyPlan.Create(output.Shape, src, 0, CopyPlan.RowMajorStrides(output.Shape), 0);
        node.State = new State(plan, size, LayoutRequantization.Table(node, input, output));
    }

    public static void Eval(PreparedNode node)
    {
        var st = node.GetState<State>();
        StridedCopy.Run(st.Plan, node.Input(0), node.Output(0), st.ElementSize, st.Table);
    }
}
