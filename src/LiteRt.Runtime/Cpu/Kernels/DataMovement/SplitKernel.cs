using LiteRt.Runtime.Execution;

namespace LiteRt.Runtime.Cpu.Kernels.DataMovement;

/// <summary>SPLIT (inputs: axis, input): equal parts along the axis, each a run of contiguous chunks.</summary>
public static class SplitKernel
{
    public static void Prepare(PreparedNode node) => SplitCore.Prepare(node, dataInput: 1, axisInput: 0);
    public static void Eval(PreparedNode node) => SplitCore.Eval(node);
}

/// <summary>SPLIT_V (inputs: input, size_splits, axis): parts of the given sizes along the axis.</summary>
public static class SplitVKernel
{
    public static void Prepare(PreparedNode node) => SplitCore.Prepare(node, dataInput: 0, axisInput: 2);
    public static void Eval(PreparedNode node) => SplitCore.Eval(node);
}

/// <summary>The shared body of SPLIT and SPLIT_V: for each outer index, consecutive chunks go to each output.</summary>
internal static class SplitCore
{
    private sealed class State(int dataInput, long outer, int[] chunkBytes, byte[]?[] tables)
    {
        public readonly int DataInput = dataInput;
        public readonly long Outer = outer;
        public readonly int[] ChunkBytes = chunkBytes;
        public readonly byte[]?[] Tables = tables;
    }

    public static void Prepare(PreparedNode node, int dataInput, int axisInput)
    {
        var input = node.Input(dataInput);
        var axes = LayoutTypes.ConstantInts(node, axisInput, "axis");
        if (axes.Length != 1) throw node.Error("axis must hold exactly one value");
        int axis = axes[0] < 0 ? axes[0] + input.Rank : axes[0];
        if (axis < 0 || axis >= input.Rank) throw node.Error($"axis {axes[0]} is out of range for rank {input.Rank}");
        long outer = LayoutTypes.Product(input.Shape, 0, axis);
        int n = node.Outputs.Length;
        var chunks = new int[n];
        var tables = new byte[]?[n];
        long total = 0;
        for (int k = 0; k < n; k++)
        {
            var y = node.Output(k);
            int size = LayoutTypes.RequireSameType(node, input, y);
            if (y.Rank != input.Rank) throw node.Error($"output {k} has rank {y.Rank}, the input has rank {input.Rank}");
            long chunk = LayoutTypes.Product(y.Shape, axis, y.Rank);
            chunks[k] = checked((int)(chunk * size));
            tables[k] = LayoutRequantization.Table(node, input, y);
            total += chunk * outer;
        }
        if (total != input.ElementCount) throw node.Error($"the outputs do not add up to input {input}");
        node.State = new State(dataInput, outer, chunks, tables);
    }

    public static void Eval(PreparedNode node)
    {
        var st = node.GetState<State>();
        var src = node.Input(st.DataInput).Bytes;
        var chunks = st.ChunkBytes;
        int offset = 0;
        for (long o = 0; o < st.Outer; o++)
            for (int k = 0; k < chunks.Length; k++)
            {
                int c = chunks[k];
                if (c == 0) continue;
                ByteMoves.Move(src.Slice(offset, c), node.Output(k).Bytes.Slice((int)(o * c), c), st.Tables[k]);
                offset += c;
            }
    }
}
