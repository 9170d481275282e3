using LiteRt.Format.Schema;
using LiteRt.Runtime.Execution;

namespace LiteRt.Runtime.Cpu.Kernels.NeuralNet;

/// <summary>
/// BATCH_MATMUL int8 (and uint8), per-tensor quantized: per output batch, both operands minus their zero points are
/// laid out as int16 rows [M][K] and columns [N][K] in scratch, dotted exactly, and requantized with
/// lhs_scale·rhs_scale/out_scale.
/// </summary>
public static unsafe class BatchMatMulQuantizedKernel
{
    private sealed class State
    {
        public required BatchMatMulDims D;
        public double Multiplier;
        public int LhsZp, RhsZp, OutZp, Min, Max;
        public bool Signed;
        public long RhsOffset;
    }

    public static void Prepare(PreparedNode node)
    {
        var type = node.Input(0).Type;
        if (!QuantizedMath.Is8Bit(type) || node.Input(1).Type != type || node.Output(0).Type != type)
            throw node.Error($"expected {type.Name()} operands and output of one 8-bit type");
        var d = BatchMatMulDims.Read(node);
        var (ls, lzp) = QuantizedMath.TensorParams(node, node.Input(0));
        var (rs, rzp) = QuantizedMath.TensorParams(node, node.Input(1));
        var (os, ozp) = QuantizedMath.TensorParams(node, node.Output(0));
        var (min, max) = QuantizedMath.TypeRange(type);
        long lBytes = QuantizedMath.Align((long)d.M * d.K * sizeof(short));
        node.State = new State
        {
            D = d, Multiplier = (double)ls * rs / os, LhsZp = lzp, RhsZp = rzp, OutZp = ozp, Min = min, Max = max,
            Signed = type == TensorType.Int8, RhsOffset = lBytes,
        };
        node.ScratchBytes = lBytes + (long)d.K * d.N * sizeof(short);
    }

    public static void Eval(PreparedNode node)
    {
        var st = node.GetState<State>();
        if (st.Signed) Run<sbyte>(node, st);
        else Run<byte>(node, st);
    }

    private static void Run<T>(PreparedNode node, State st) where T : unmanaged
    {
        var d = st.D;
        ReadOnlySpan<T> lhs = node.Input(0).AsReadOnlySpan<T>();
        ReadOnlySpan<T> rhs = node.Input(1).AsReadOnlySpan<T>();
        Span<byte> y = node.Output(0).AsSpan<byte>();
        if (y.Length == 0) return;
        int m = d.M, k = d.K, n = d.N;
        Span<short> a = node.ScratchSpan<short>(0, m * k);
        Span<short> b = node.ScratchSpan<short>(st.RhsOffset, k * n);
        long lastL = -1, lastR = -1;
        for (int bi = 0; bi < d.LhsOffsets.Length; bi++)
        {
            if (d.LhsOffsets[bi] != lastL)
                Layout(lhs.Slice((int)d.LhsOffsets[bi], m * k), a, st.LhsZp, transpose: d.AdjX, rows: k, cols: m);
            if (d.RhsOffsets[bi] != lastR)
                Layout(rhs.Slice((int)d.RhsOffsets[bi], k * n), b, st.RhsZp, transpose: !d.AdjY, rows: k, cols: n);
            lastL = d.LhsOffsets[bi];
            lastR = d.RhsOffsets[bi];
            var outBatch = y.Slice(bi * m * n, m * n);
            for (int i = 0; i < m; i++)
            {
                ReadOnlySpan<short> row = a.Slice(i * k, k);
                for (int j = 0; j < n; j++)
                    outBatch[i * n + j] = (byte)QuantizedMath.Requantize(QuantizedMath.Dot(row, b.Slice(j * k, k)), st.Multiplier, st.OutZp, st.Min, st.Max);
            }
        }
    }

    /// <summary>Copies src minus the zero point as int16, transposing a rows × cols source when asked.</summary>
    private static void Layout<T>(ReadOnlySpan<T> src, Span<short> dst, int zp, bool transpose, int rows, int cols) where T : unmanaged
    {
        if (!transpose)
        {
            QuantizedMath.Widen(src, dst, zp);
            return;
        }
        for (int r = 0; r < rows; r++)
        for (int c = 0; c < cols; c++)
            dst[c * rows + r] = (short)(QuantizedMath.ToInt(src[r * cols + c]) - zp);
    }
}
