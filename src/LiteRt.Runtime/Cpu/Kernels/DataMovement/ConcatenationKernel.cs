using LiteRt.Format.Schema;
using LiteRt.Runtime.Execution;

namespace LiteRt.Runtime.Cpu.Kernels.DataMovement;

/// <summary>
/// CONCATENATION of any byte-addressable type: for each outer index, each input's contiguous chunk is copied in
/// turn (requantized through a table when an 8-bit input's quantization differs from the output's), then the
/// fused activation clamps the output.
/// </summary>
public static class ConcatenationKernel
{
    private sealed class State(long outer, int[] chunkBytes, byte[]?[] tables, ActivationClamp? activation)
    {
        public readonly long Outer = outer;
        public readonly int[] ChunkBytes = chunkBytes;
        public readonly byte[]?[] Tables = tables;
        public readonly ActivationClamp? Activation = activation;
    }

    public static void Prepare(PreparedNode node)
    {
        var output = node.Output(0);
        int n = node.Inputs.Length;
        var first = node.Input(0);
        int rank = first.Rank;
        int axis = node.Op.IntAttr("axis");
        if (axis < 0) axis += rank;
        if (axis < 0 || !(axis < rank || (rank == 0 && axis == 0))) throw node.Error($"axis {node.Op.IntAttr("axis")} is out of range for rank {rank}");
        long outer = rank == 0 ? 1 : LayoutTypes.Product(first.Shape, 0, axis);
        var chunks = new int[n];
        var tables = new byte[]?[n];
        long total = 0;
        for (int i = 0; i < n; i++)
        {
            var x = node.Input(i);
            int size = LayoutTypes.RequireSameType(node, x, output);
            if (x.Rank != rank) throw node.Error($"input {i} has rank {x.Rank}, input 0 has rank {rank}");
            long chunk = rank == 0 ? 1 : LayoutTypes.Product(x.Shape, axis, rank);
            chunks[i] = checked((int)(chunk * size));
            tables[i] = LayoutRequantization.Table(node, x, output);
            total += chunk * outer;
        }
        if (total != output.ElementCount) throw node.Error($"the inputs do not add up to output {output}");
        node.State = new State(outer, chunks, tables, ActivationClamp.Create(node, node.Op.FusedActivation, output));
    }

    public static void Eval(PreparedNode node)
    {
        var st = node.GetState<State>();
        var dst = node.Output(0).Bytes;
        var chunks = st.ChunkBytes;
        int offset = 0;
        for (long o = 0; o < st.Outer; o++)
            for (int i = 0; i < chunks.Length; i++)
            {
                int c = chunks[i];
                if (c == 0) continue;
                var src = node.Input(i).Bytes.Slice((int)(o * c), c);
                ByteMoves.Move(src, dst.Slice(offset, c), st.Tables[i]);
                offset += c;
            }
        st.Activation?.Apply(node.Output(0));
    }
}
