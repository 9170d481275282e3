using System.Runtime.CompilerServices;
using LiteRt.Format.Schema;
using LiteRt.Runtime.Execution;

namespace LiteRt.Runtime.Cpu.Kernels.NeuralNet;

/// <summary>
/// FULLY_CONNECTED uint8 (per-tensor weights) and int8 (per-channel symmetric weights along dim 0): blocks of input
/// rows minus the zero point (int16, scratch) times the packed weights minus theirs (<see cref="Int16Gemm"/>), exact
/// int32 sums plus the int32 bias, requantized with in_scale·w_scale[u]/out_scale (float32) and clamped.
/// </summary>
public static unsafe class FullyConnectedQuantizedKernel
{
    private const int BlockRows = 64;

    private sealed class State
    {
        public FullyConnectedDims D;
        public required float[] Multipliers;
        public required int[] WeightZeroPoints;
        public short[]? Packed;
        public int InZp, OutZp, ActMin, ActMax, RowLength;
        public bool Signed;
        public long AccOffset, PackedOffset;
    }

    public static void Prepare(PreparedNode node)
    {
        var type = node.Input(0).Type;
        if (!QuantizedMath.Is8Bit(type)) throw node.Error($"expected uint8 or int8 input, got {node.Input(0)}");
        ConvDims.RequireTypes(node, type, type, TensorType.Int32);
        var d = FullyConnectedDims.Read(node);
        var (inScale, inZp) = QuantizedMath.TensorParams(node, node.Input(0));
        var (outScale, outZp) = QuantizedMath.TensorParams(node, node.Output(0));
        var weights = node.Input(1);
        var (wScales, wZps) = QuantizedMath.ChannelParams(node, weights, 0, d.Units);
        var mult = new float[d.Units];
        for (int u = 0; u < mult.Length; u++) mult[u] = (float)((double)inScale * wScales[u] / outScale);
        var (min, max) = FusedActivation.QuantizedRange(d.Activation, outScale, outZp, type);
        var st = new State
        {
            D = d, Multipliers = mult, WeightZeroPoints = wZps, InZp = inZp, OutZp = outZp, ActMin = min, ActMax = max,
            Signed = type == TensorType.Int8, RowLength = 2 * Int16Gemm.KPairs(d.Depth),
        };
        long scratch = QuantizedMath.Align((long)BlockRows * st.RowLength * sizeof(short));
        st.AccOffset = scratch;
        scratch += QuantizedMath.Align((long)BlockRows * d.Units * sizeof(int));
        st.PackedOffset = scratch;
        int packedLength = Int16Gemm.PackedLength(d.Depth, d.Units);
        if (weights.IsConstant)
        {
            st.Packed = new short[packedLength];
            Pack(weights, d, wZps, st.Packed);
        }
        else scratch += (long)packedLength * sizeof(short);
        node.State = st;
        node.ScratchBytes = scratch;
    }

    private static void Pack(RuntimeTensor weights, FullyConnectedDims d, int[] zps, Span<short> dst)
    {
        if (weights.Type == TensorType.Uint8) Int16Gemm.Pack(weights.AsReadOnlySpan<byte>(), 0, d.Units, d.Depth, zps, dst);
        else Int16Gemm.Pack(weights.AsReadOnlySpan<sbyte>(), 0, d.Units, d.Depth, zps, dst);
    }

    public static void Eval(PreparedNode node)
    {
        var st = node.GetState<State>();
        if (st.Signed) Run<sbyte>(node, st);
        else Run<byte>(node, st);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Run<T>(PreparedNode node, State st) where T : unmanaged
    {
        var d = st.D;
        ReadOnlySpan<T> x = node.Input(0).AsReadOnlySpan<T>();
        ReadOnlySpan<int> bias = node.HasInput(2) ? node.Input(2).AsReadOnlySpan<int>() : default;
        Span<byte> y = node.Output(0).AsSpan<byte>();
        if (y.Length == 0) return;
        ReadOnlySpan<short> packed;
        if (st.Packed is { } pk) packed = pk;
        else
        {
            var dst = node.ScratchSpan<short>(st.PackedOffset, Int16Gemm.PackedLength(d.Depth, d.Units));
            Pack(node.Input(1), d, st.WeightZeroPoints, dst);
            packed = dst;
        }
        int lda = st.RowLength;
        Span<short> block = node.ScratchSpan<short>(0, BlockRows * lda);
        Span<int> acc = node.ScratchSpan<int>(st.AccOffset, BlockRows * d.Units);
        Span<int> rowOffsets = stackalloc int[BlockRows];
        for (int r0 = 0; r0 < d.Rows; r0 += BlockRows)
        {
            int rows = Math.Min(BlockRows, d.Rows - r0);
            for (int r = 0; r < rows; r++)
            {
                var row = block.Slice(r * lda, lda);
                QuantizedMath.Widen(x.Slice((r0 + r) * d.Depth, d.Depth), row, st.InZp);
                if (lda > d.Depth) row[d.Depth] = 0;
                rowOffsets[r] = r * lda;
            }
            Int16Gemm.Multiply(block, rowOffsets, rows, packed, d.Units, d.Depth, acc, d.Units);
            for (int r = 0; r < rows; r++)
                QuantizedMath.RequantizeRow(acc.Slice(r * d.Units, d.Units), bias, st.Multipliers, st.OutZp, st.ActMin, st.ActMax,
                    y.Slice((r0 + r) * d.Units, d.Units));
        }
    }
}
