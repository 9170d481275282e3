using System.Runtime.CompilerServices;
using LiteRt.Format.Schema;
using LiteRt.Runtime.Execution;

namespace LiteRt.Runtime.Cpu.Kernels.NeuralNet;

/// <summary>
/// TRANSPOSE_CONV uint8 (per-tensor weights) and int8 (per-channel symmetric weights along dim 0): int32 accumulators
/// for the whole output (scratch) gather (x − x_zp)·(w − w_zp) dot products over input channels, then the int32 bias
/// is added and each value requantized with in_scale·w_scale[o]/out_scale (float32) and clamped to the activation range.
/// </summary>
public static unsafe class TransposeConvQuantizedKernel
{
    private sealed class State
    {
        public required TransposeConvDims D;
        public required float[] Multipliers;
        public required int[] WeightZeroPoints;
        public short[]? Packed;
        public int InZp, OutZp, ActMin, ActMax;
        public bool Signed;
        public long RowOffset, WeightsOffset;
    }

    public static void Prepare(PreparedNode node)
    {
        var type = node.Input(2).Type;
        if (!QuantizedMath.Is8Bit(type)) throw node.Error($"expected uint8 or int8 input, got {node.Input(2)}");
        ConvDims.RequireTypes(node, type, type, TensorType.Int32, biasIndex: 3, inputIndex: 2, weightsIndex: 1);
        var d = TransposeConvDims.Read(node);
        var (inScale, inZp) = QuantizedMath.TensorParams(node, node.Input(2));
        var (outScale, outZp) = QuantizedMath.TensorParams(node, node.Output(0));
        var weights = node.Input(1);
        var (wScales, wZps) = QuantizedMath.ChannelParams(node, weights, 0, d.OutChannels);
        var mult = new float[d.OutChannels];
        for (int c = 0; c < mult.Length; c++) mult[c] = (float)((double)inScale * wScales[c] / outScale);
        var (min, max) = FusedActivation.QuantizedRange(d.Attributes.Activation, outScale, outZp, type);
        var st = new State
        {
            D = d, Multipliers = mult, WeightZeroPoints = wZps, InZp = inZp, OutZp = outZp, ActMin = min, ActMax = max,
            Signed = type == TensorType.Int8,
        };
        int rowLength = Math.Max(d.FilterHeight * d.FilterWidth * d.InChannels, 1);
        long scratch = QuantizedMath.Align(node.Output(0).ElementCount * sizeof(int));
        st.RowOffset = scratch;
        scratch += QuantizedMath.Align((long)d.InChannels * sizeof(short));
        st.WeightsOffset = scratch;
        if (weights.IsConstant)
        {
            st.Packed = new short[weights.ElementCount];
            QuantizedMath.PackWeights(weights, st.Packed, wZps, rowLength, perColumn: false);
        }
        else scratch += weights.ElementCount * sizeof(short);
        node.State = st;
        node.ScratchBytes = scratch;
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
        var a = d.Attributes;
        ReadOnlySpan<T> x = node.Input(2).AsReadOnlySpan<T>();
        ReadOnlySpan<int> bias = node.HasInput(3) ? node.Input(3).AsReadOnlySpan<int>() : default;
        Span<byte> y = node.Output(0).AsSpan<byte>();
        if (y.Length == 0) return;
        int c = d.InChannels, oc = d.OutChannels, fh = d.FilterHeight, fw = d.FilterWidth;
        ReadOnlySpan<short> w;
        if (st.Packed is { } packed) w = packed;
        else
        {
            var weights = node.Input(1);
            var dst = node.ScratchSpan<short>(st.WeightsOffset, (int)weights.ElementCount);
            QuantizedMath.PackWeights(weights, dst, st.WeightZeroPoints, Math.Max(fh * fw * c, 1), perColumn: false);
            w = dst;
        }
        Span<int> acc = node.ScratchSpan<int>(0, y.Length);
        Span<short> row = node.ScratchSpan<short>(st.RowOffset, c);
        acc.Clear();
        for (int b = 0; b < d.Batches; b++)
        for (int iy = 0; iy < d.InHeight; iy++)
        for (int ix = 0; ix < d.InWidth; ix++)
        {
            QuantizedMath.Widen(x.Slice(((b * d.InHeight + iy) * d.InWidth + ix) * c, c), row, st.InZp);
            for (int ky = 0; ky < fh; ky++)
            {
                int oy = iy * a.StrideHeight - d.Window.PadTop + ky;
                if (oy < 0 || oy >= d.OutHeight) continue;
                for (int kx = 0; kx < fw; kx++)
                {
                    int ox = ix * a.StrideWidth - d.Window.PadLeft + kx;
                    if (ox < 0 || ox >= d.OutWidth) continue;
                    var outAcc = acc.Slice(((b * d.OutHeight + oy) * d.OutWidth + ox) * oc, oc);
                    for (int o = 0; o < oc; o++)
                        outAcc[o] += QuantizedMath.Dot(row, w.Slice(((o * fh + ky) * fw + kx) * c, c));
                }
            }
        }
        for (int i = 0; i < y.Length; i += oc)
            QuantizedMath.RequantizeRow(acc.Slice(i, oc), bias, st.Multipliers, st.OutZp, st.ActMin, st.ActMax, y.Slice(i, oc));
    }
}
