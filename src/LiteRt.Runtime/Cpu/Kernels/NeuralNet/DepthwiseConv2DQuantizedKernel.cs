using LiteRt.Format.Schema;
using LiteRt.Runtime.Execution;

namespace LiteRt.Runtime.Cpu.Kernels.NeuralNet;

/// <summary>
/// DEPTHWISE_CONV_2D uint8 (per-tensor weights) and int8 (per-channel symmetric weights along dim 3): int32
/// accumulators per output channel (scratch) start at the bias and add (x − x_zp)·(w − w_zp) over valid taps, then
/// requantize with in_scale·w_scale[c]/out_scale and clamp to the activation range.
/// </summary>
public static unsafe class DepthwiseConv2DQuantizedKernel
{
    private sealed class State
    {
        public required ConvDims D;
        public required double[] Multipliers;
        public required int[] WeightZeroPoints;
        public short[]? Packed;
        public int InZp, OutZp, ActMin, ActMax;
        public bool Signed;
        public long WeightsOffset;
    }

    public static void Prepare(PreparedNode node)
    {
        var type = node.Input(0).Type;
        if (!QuantizedMath.Is8Bit(type)) throw node.Error($"expected uint8 or int8 input, got {node.Input(0)}");
        ConvDims.RequireTypes(node, type, type, TensorType.Int32);
        var d = ConvDims.Read(node, depthwise: true);
        var (inScale, inZp) = QuantizedMath.TensorParams(node, node.Input(0));
        var (outScale, outZp) = QuantizedMath.TensorParams(node, node.Output(0));
        var filter = node.Input(1);
        var (wScales, wZps) = QuantizedMath.ChannelParams(node, filter, 3, d.OutChannels);
        var mult = new double[d.OutChannels];
        for (int c = 0; c < mult.Length; c++) mult[c] = (double)inScale * wScales[c] / outScale;
        var (min, max) = NeuralNetActivation.QuantizedRange(d.Attributes.Activation, outScale, outZp, type);
        var st = new State
        {
            D = d, Multipliers = mult, WeightZeroPoints = wZps, InZp = inZp, OutZp = outZp, ActMin = min, ActMax = max,
            Signed = type == TensorType.Int8,
        };
        long scratch = QuantizedMath.Align((long)d.OutChannels * sizeof(int));
        st.WeightsOffset = scratch;
        if (filter.IsConstant)
        {
            st.Packed = new short[filter.ElementCount];
            if (wZps.Length > 0) QuantizedMath.PackWeights(filter, st.Packed, wZps, 1, perColumn: true);
        }
        else scratch += filter.ElementCount * sizeof(short);
        node.State = st;
        node.ScratchBytes = scratch;
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
        var a = d.Attributes;
        ReadOnlySpan<T> x = node.Input(0).AsReadOnlySpan<T>();
        ReadOnlySpan<int> bias = node.HasInput(2) ? node.Input(2).AsReadOnlySpan<int>() : default;
        Span<byte> y = node.Output(0).AsSpan<byte>();
        if (y.Length == 0) return;
        int c = d.InChannels, oc = d.OutChannels, mult = d.OutPerGroup, zp = st.InZp;
        ReadOnlySpan<short> w;
        if (st.Packed is { } packed) w = packed;
        else
        {
            var filter = node.Input(1);
            var dst = node.ScratchSpan<short>(st.WeightsOffset, (int)filter.ElementCount);
            QuantizedMath.PackWeights(filter, dst, st.WeightZeroPoints, 1, perColumn: true);
            w = dst;
        }
        Span<int> acc = node.ScratchSpan<int>(0, oc);
        for (int b = 0; b < d.Batches; b++)
        for (int oy = 0; oy < d.OutHeight; oy++)
        for (int ox = 0; ox < d.OutWidth; ox++)
        {
            if (bias.IsEmpty) acc.Clear();
            else bias.CopyTo(acc);
            for (int ky = 0; ky < d.FilterHeight; ky++)
            {
                int iy = oy * a.StrideHeight - d.Window.PadTop + ky * a.DilationHeight;
                if (iy < 0 || iy >= d.InHeight) continue;
                for (int kx = 0; kx < d.FilterWidth; kx++)
                {
                    int ix = ox * a.StrideWidth - d.Window.PadLeft + kx * a.DilationWidth;
                    if (ix < 0 || ix >= d.InWidth) continue;
                    var inRow = x.Slice(((b * d.InHeight + iy) * d.InWidth + ix) * c, c);
                    var tap = w.Slice((ky * d.FilterWidth + kx) * oc, oc);
                    if (mult == 1)
                    {
                        for (int ic = 0; ic < c; ic++) acc[ic] += (QuantizedMath.ToInt(inRow[ic]) - zp) * tap[ic];
                    }
                    else
                    {
                        for (int ic = 0; ic < c; ic++)
                        {
                            int v = QuantizedMath.ToInt(inRow[ic]) - zp;
                            for (int m = 0; m < mult; m++) acc[ic * mult + m] += v * tap[ic * mult + m];
                        }
                    }
                }
            }
            var outRow = y.Slice(((b * d.OutHeight + oy) * d.OutWidth + ox) * oc, oc);
            for (int o = 0; o < oc; o++)
                outRow[o] = (byte)QuantizedMath.Requantize(acc[o], st.Multipliers[o], st.OutZp, st.ActMin, st.ActMax);
        }
    }
}
