using System.Runtime.CompilerServices;
using LiteRt.Format.Schema;
using LiteRt.Runtime.Cpu.Kernels.NeuralNet;
using LiteRt.Runtime.Execution;

namespace LiteRt.Runtime.Cpu.Kernels.Quantized;

/// <summary>
/// BATCH_MATMUL hybrid (dynamic range): float32 lhs and output, constant int8 symmetric rhs (per tensor, or per
/// output column). Each lhs row is quantized to int8 on the fly (asymmetrically when asymmetric_quantize_inputs is
/// set), multiplied in integers with the rhs packed once per rhs batch (<see cref="Int16Gemm"/>), and scaled back.
/// </summary>
public static unsafe class HybridBatchMatMulKernel
{
    private sealed class State
    {
        public required BatchMatMulDims D;
        public required float[] Scales;
        public required Dictionary<long, short[]> Packed;
        public bool Asymmetric;
        public int RowLength;
        public long AccOffset, ColumnOffset, OffsetsOffset, ScalesOffset;
    }

    public static void Prepare(PreparedNode node)
    {
        var rhs = node.Input(1);
        if (node.Input(0).Type != TensorType.Float32 || node.Output(0).Type != TensorType.Float32 || rhs.Type != TensorType.Int8)
            throw node.Error($"expected FLOAT32 lhs/output and INT8 rhs, got {node.Input(0)}, {rhs}, {node.Output(0)}");
        if (!rhs.IsConstant) throw node.Error("hybrid BATCH_MATMUL needs a constant rhs");
        var d = BatchMatMulDims.Read(node);
        int nAxis = rhs.Rank - (d.AdjY ? 2 : 1);
        float[] scales;
        if (rhs.Quantization is { IsPerChannel: true }) scales = DynamicQuantization.WeightScales(node, rhs, nAxis, d.N);
        else
        {
            var s = DynamicQuantization.WeightScales(node, rhs, nAxis, 1);
            scales = Enumerable.Repeat(s[0], d.N).ToArray();
        }
        var raw = rhs.AsReadOnlySpan<sbyte>();
        var packed = new Dictionary<long, short[]>();
        var zeros = new int[d.N];
        var columns = new sbyte[d.N * d.K];
        foreach (long offset in d.RhsOffsets.Distinct())
        {
            var src = raw.Slice((int)offset, d.K * d.N);
            // Int16Gemm wants B as [N][K]: rhs is [K][N] unless adj_y.
            if (d.AdjY) src.CopyTo(columns);
            else
                for (int kk = 0; kk < d.K; kk++)
                    for (int n = 0; n < d.N; n++) columns[n * d.K + kk] = src[kk * d.N + n];
            var p = new short[Int16Gemm.PackedLength(d.K, d.N)];
            Int16Gemm.Pack<sbyte>(columns, 0, d.N, d.K, zeros, p);
            packed[offset] = p;
        }
        var st = new State
        {
            D = d, Scales = scales, Packed = packed, Asymmetric = node.Op.BoolAttr("asymmetric_quantize_inputs"), RowLength = 2 * Int16Gemm.KPairs(d.K),
        };
        st.AccOffset = QuantizedMath.Align((long)d.M * st.RowLength * sizeof(short));
        st.ColumnOffset = st.AccOffset + QuantizedMath.Align((long)d.M * d.N * sizeof(int));
        st.OffsetsOffset = st.ColumnOffset + QuantizedMath.Align((long)d.K * sizeof(float));
        st.ScalesOffset = st.OffsetsOffset + QuantizedMath.Align((long)d.M * sizeof(int));
        node.State = st;
        node.ScratchBytes = st.ScalesOffset + (long)d.M * sizeof(float);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Eval(PreparedNode node)
    {
        var st = node.GetState<State>();
        var d = st.D;
        ReadOnlySpan<float> lhs = node.Input(0).AsReadOnlySpan<float>();
        Span<float> y = node.Output(0).AsSpan<float>();
        if (y.Length == 0) return;
        int m = d.M, k = d.K, n = d.N, lda = st.RowLength;
        Span<short> a = node.ScratchSpan<short>(0, m * lda);
        Span<int> acc = node.ScratchSpan<int>(st.AccOffset, m * n);
        Span<float> column = node.ScratchSpan<float>(st.ColumnOffset, k);
        Span<int> rowOffsets = node.ScratchSpan<int>(st.OffsetsOffset, m);
        Span<float> rowScales = node.ScratchSpan<float>(st.ScalesOffset, m);
        for (int bi = 0; bi < d.LhsOffsets.Length; bi++)
        {
            var l = lhs.Slice((int)d.LhsOffsets[bi], m * k);
            for (int i = 0; i < m; i++)
            {
                ReadOnlySpan<float> row;
                if (!d.AdjX) row = l.Slice(i * k, k);
                else
                {
                    for (int kk = 0; kk < k; kk++) column[kk] = l[kk * m + i];
                    row = column;
                }
                var dst = a.Slice(i * lda, lda);
                rowScales[i] = DynamicQuantization.QuantizeRow(row, dst, st.Asymmetric);
                if (lda > k) dst[k] = 0;
                rowOffsets[i] = i * lda;
            }
            if (k > 0) Int16Gemm.Multiply(a, rowOffsets, m, st.Packed[d.RhsOffsets[bi]], n, k, acc, n);
            else acc.Clear();
            var outBatch = y.Slice(bi * m * n, m * n);
            for (int i = 0; i < m; i++)
                HybridEpilogue.Apply(acc.Slice(i * n, n), rowScales[i], st.Scales, default, float.NegativeInfinity, float.PositiveInfinity, outBatch.Slice(i * n, n));
        }
    }
}
