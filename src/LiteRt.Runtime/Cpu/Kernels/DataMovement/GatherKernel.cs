using System.Numerics;
using LiteRt.Format.Schema;
using LiteRt.Runtime.Execution;

namespace LiteRt.Runtime.Cpu.Kernels.DataMovement;

/// <summary>
/// GATHER of any byte-addressable type with int16/int32/int64 indices: each index selects a contiguous run of
/// <c>inner</c> elements. An index outside [0, dim) throws (nothing is read out of bounds).
/// </summary>
public static class GatherKernel
{
    private sealed class State(long batch, long outer, int axisSize, long coords, int rowBytes, byte[]? table)
    {
        public readonly long Batch = batch;
        public readonly long Outer = outer;
        public readonly int AxisSize = axisSize;
        public readonly long Coords = coords;
        public readonly int RowBytes = rowBytes;
        public readonly byte[]? Table = table;
    }

    public static void Prepare(PreparedNode node)
    {
        var p = node.Input(0);
        var indices = node.Input(1);
        var output = node.Output(0);
        int size = LayoutTypes.RequireSameType(node, p, output);
        if (indices.Type is not (TensorType.Int16 or TensorType.Int32 or TensorType.Int64))
            throw node.Error($"indices must be int16, int32 or int64, not {indices.Type.Name()}");
        int rank = p.Rank;
        int axis = node.Op.IntAttr("axis");
        if (axis < 0) axis += rank;
        int batchDims = node.Op.IntAttr("batch_dims");
        if (batchDims < 0) batchDims += indices.Rank;
        if (axis < 0 || axis >= rank || batchDims < 0 || batchDims > axis || batchDims > indices.Rank)
            throw node.Error($"axis {node.Op.IntAttr("axis")} / batch_dims {node.Op.IntAttr("batch_dims")} are invalid for params {p} and indices {indices}");
        for (int i = 0; i < batchDims; i++)
            if (p.Shape[i] != indices.Shape[i]) throw node.Error($"batch dimension {i} differs between params {p} and indices {indices}");
        long batch = LayoutTypes.Product(p.Shape, 0, batchDims);
        long outer = LayoutTypes.Product(p.Shape, batchDims, axis);
        long inner = LayoutTypes.Product(p.Shape, axis + 1, rank);
        long coords = LayoutTypes.Product(indices.Shape, batchDims, indices.Rank);
        if (batch * outer * coords * inner != output.ElementCount) throw node.Error($"output {output} does not match the gather");
        node.State = new State(batch, outer, p.Shape[axis], coords, checked((int)(inner * size)), LayoutRequantization.Table(node, p, output));
    }

    public static void Eval(PreparedNode node)
    {
        var st = node.GetState<State>();
        switch (node.Input(1).Type)
        {
            case TensorType.Int16: Run(node, st, node.Input(1).AsReadOnlySpan<short>()); break;
            case TensorType.Int32: Run(node, st, node.Input(1).AsReadOnlySpan<int>()); break;
            default: Run(node, st, node.Input(1).AsReadOnlySpan<long>()); break;
        }
    }

    private static void Run<TIndex>(PreparedNode node, State st, ReadOnlySpan<TIndex> indices) where TIndex : unmanaged, IBinaryInteger<TIndex>
    {
        var src = node.Input(0).Bytes;
        var dst = node.Output(0).Bytes;
        int row = st.RowBytes;
        long axisSize = st.AxisSize;
        long dstOffset = 0;
        for (long b = 0; b < st.Batch; b++)
            for (long o = 0; o < st.Outer; o++)
            {
                long srcBase = (b * st.Outer + o) * axisSize;
                for (long i = 0; i < st.Coords; i++)
                {
                    long index = long.CreateTruncating(indices[(int)(b * st.Coords + i)]);
                    if ((ulong)index >= (ulong)axisSize) throw OutOfRange(node, index, axisSize);
                    if (row > 0) ByteMoves.Move(src.Slice((int)((srcBase + index) * row), row), dst.Slice((int)dstOffset, row), st.Table);
                    dstOffset += row;
                }
            }
    }

    private static Exception OutOfRange(PreparedNode node, long index, long size) =>
        node.Error($"gather index {index} is out of range [0, {size})");
}
