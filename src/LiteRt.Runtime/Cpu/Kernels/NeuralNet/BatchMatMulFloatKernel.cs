using System.Numerics.Tensors;
using LiteRt.Format.Schema;
using LiteRt.Runtime.Execution;

namespace LiteRt.Runtime.Cpu.Kernels.NeuralNet;

/// <summary>
/// BATCH_MATMUL float32: per output batch, lhs rows [M][K] and rhs columns [N][K] (transposed into scratch where the
/// layout needs it; a broadcast operand is transposed once) are combined with contiguous dot products.
/// </summary>
public static unsafe class BatchMatMulFloatKernel
{
    public static void Prepare(PreparedNode node)
    {
        if (node.Input(0).Type != TensorType.Float32 || node.Input(1).Type != TensorType.Float32 || node.Output(0).Type != TensorType.Float32)
            throw node.Error("expected float32 operands and output");
        var d = BatchMatMulDims.Read(node);
        node.State = d;
        node.ScratchBytes = QuantizedMath.Align((long)d.M * d.K * sizeof(float)) + (long)d.K * d.N * sizeof(float);
    }

    public static void Eval(PreparedNode node)
    {
        var d = node.GetState<BatchMatMulDims>();
        ReadOnlySpan<float> lhs = node.Input(0).AsReadOnlySpan<float>();
        ReadOnlySpan<float> rhs = node.Input(1).AsReadOnlySpan<float>();
        Span<float> y = node.Output(0).AsSpan<float>();
        if (y.Length == 0) return;
        int m = d.M, k = d.K, n = d.N;
        Span<float> lt = node.ScratchSpan<float>(0, m * k);
        Span<float> rt = node.ScratchSpan<float>(QuantizedMath.Align((long)m * k * sizeof(float)), k * n);
        long lastL = -1, lastR = -1;
        for (int bi = 0; bi < d.LhsOffsets.Length; bi++)
        {
            ReadOnlySpan<float> a = lhs.Slice((int)d.LhsOffsets[bi], m * k);
            ReadOnlySpan<float> b = rhs.Slice((int)d.RhsOffsets[bi], k * n);
            if (d.AdjX)
            {
                if (d.LhsOffsets[bi] != lastL) Transpose(a, lt, k, m);
                a = lt;
            }
            if (!d.AdjY)
            {
                if (d.RhsOffsets[bi] != lastR) Transpose(b, rt, k, n);
                b = rt;
            }
            lastL = d.LhsOffsets[bi];
            lastR = d.RhsOffsets[bi];
            var outBatch = y.Slice(bi * m * n, m * n);
            for (int i = 0; i < m; i++)
            {
                var row = a.Slice(i * k, k);
                for (int j = 0; j < n; j++) outBatch[i * n + j] = TensorPrimitives.Dot(row, b.Slice(j * k, k));
            }
        }
    }

    /// <summary>dst[c, r] = src[r, c] for a rows × cols matrix.</summary>
    internal static void Transpose<T>(ReadOnlySpan<T> src, Span<T> dst, int rows, int cols)
    {
        for (int r = 0; r < rows; r++)
        for (int c = 0; c < cols; c++)
            dst[c * rows + r] = src[r * cols + c];
    }
}
