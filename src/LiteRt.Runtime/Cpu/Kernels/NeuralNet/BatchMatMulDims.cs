using LiteRt.Graph.Catalog;
using LiteRt.Runtime.Execution;

namespace LiteRt.Runtime.Cpu.Kernels.NeuralNet;

/// <summary>Matrix sizes and per-batch operand offsets (broadcast) of a BATCH_MATMUL node.</summary>
internal sealed class BatchMatMulDims
{
    public int M, K, N;
    public bool AdjX, AdjY;
    public required long[] LhsOffsets, RhsOffsets;

    public static BatchMatMulDims Read(PreparedNode node)
    {
        var lhs = node.Input(0);
        var rhs = node.Input(1);
        var output = node.Output(0);
        bool adjX = node.Op.BoolAttr("adj_x"), adjY = node.Op.BoolAttr("adj_y");
        if (lhs.Rank < 2 || rhs.Rank < 2 || output.Rank != Math.Max(lhs.Rank, rhs.Rank))
            throw node.Error($"operands {lhs} and {rhs} do not fit output {output}");
        int m = adjX ? lhs.Shape[^1] : lhs.Shape[^2], k = adjX ? lhs.Shape[^2] : lhs.Shape[^1];
        int kr = adjY ? rhs.Shape[^1] : rhs.Shape[^2], n = adjY ? rhs.Shape[^2] : rhs.Shape[^1];
        if (k != kr || output.Shape[^2] != m || output.Shape[^1] != n)
            throw node.Error($"operands {lhs} (adj_x={adjX}) and {rhs} (adj_y={adjY}) do not fit output {output}");
        var outBatch = output.Shape[..^2];
        return new BatchMatMulDims
        {
            M = m, K = k, N = n, AdjX = adjX, AdjY = adjY,
            LhsOffsets = MatMulBroadcast.Offsets(lhs.Shape[..^2], outBatch, (long)m * k),
            RhsOffsets = MatMulBroadcast.Offsets(rhs.Shape[..^2], outBatch, (long)k * n),
        };
    }
}
