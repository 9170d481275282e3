using LiteRt.Format.Schema;
using LiteRt.Runtime.Execution;

namespace LiteRt.Runtime.Cpu.Kernels.NeuralNet;

/// <summary>
/// CONV_2D uint8 (per-tensor weights) and int8 (per-channel symmetric weights along dim 0): activations and weights
/// minus their zero points as int16, exact int32 dot products per output channel plus the int32 bias, requantized with
/// in_scale·w_scale[c]/out_scale (float64, half away from zero) and clamped to the fused activation range.
/// Constant weights are packed once in Prepare; others are packed into scratch at each Eval.
/// </summary>
public static unsafe class Conv2DQuantizedKernel
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
        var d = ConvDims.Read(node, depthwise: false);
        var (inScale, inZp) = QuantizedMath.TensorParams(node, node.Input(0));
        var (outScale, outZp) = QuantizedMath.TensorParams(node, node.Output(0));
        var filter = node.Input(1);
        var (wScales, wZps) = QuantizedMath.ChannelParams(node, filter, 0, d.OutChannels);
        var mult = new double[d.OutChannels];
        for (int c = 0; c < mult.Length; c++) mult[c] = (double)inScale * wScales[c] / outScale;
        var (min, max) = NeuralNetActivation.QuantizedRange(d.Attributes.Activation, outScale, outZp, type);
        var st = new State
        {
            D = d, Multipliers = mult, WeightZeroPoints = wZps, InZp = inZp, OutZp = outZp, ActMin = min, ActMax = max,
            Signed = type == TensorType.Int8,
        };
        int k = d.PatchLength;
        long scratch = QuantizedMath.Align((long)k * sizeof(short));
        st.WeightsOffset = scratch;
        if (filter.IsConstant)
        {
            st.Packed = new short[filter.ElementCount];
            QuantizedMath.PackWeights(filter, st.Packed, wZps, Math.Max(k, 1), perColumn: false);
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
        ReadOnlySpan<T> x = node.Input(0).AsReadOnlySpan<T>();
        ReadOnlySpan<int> bias = node.HasInput(2) ? node.Input(2).AsReadOnlySpan<int>() : default;
        Span<byte> y = node.Output(0).AsSpan<byte>();
        if (y.Length == 0) return;
        int k = d.PatchLength, cg = d.FilterChannels, ocg = d.OutPerGroup, oc = d.OutChannels;
        ReadOnlySpan<short> w;
        if (st.Packed is { } packed) w = packed;
        else
        {
            var filter = node.Input(1);
            var dst = node.ScratchSpan<short>(st.WeightsOffset, (int)filter.ElementCount);
            QuantizedMath.PackWeights(filter, dst, st.WeightZeroPoints, Math.Max(k, 1), perColumn: false);
            w = dst;
        }
        Span<short> patch = node.ScratchSpan<short>(0, k);
        var a = d.Attributes;
        for (int b = 0; b < d.Batches; b++)
        for (int oy = 0; oy < d.OutHeight; oy++)
        for (int ox = 0; ox < d.OutWidth; ox++)
        {
            int outBase = ((b * d.OutHeight + oy) * d.OutWidth + ox) * oc;
            for (int g = 0; g < d.Groups; g++)
            {
                if (d.IsPointwise)
                {
                    int iy = oy * a.StrideHeight, ix = ox * a.StrideWidth;
                    QuantizedMath.Widen(x.Slice(((b * d.InHeight + iy) * d.InWidth + ix) * d.InChannels + g * cg, cg), patch, st.InZp);
                }
                else Im2Col(x, patch, d, st.InZp, b, oy, ox, g);
                for (int o = g * ocg; o < (g + 1) * ocg; o++)
                {
                    int acc = QuantizedMath.Dot(patch, w.Slice(o * k, k));
                    if (!bias.IsEmpty) acc += bias[o];
                    y[outBase + o] = (byte)QuantizedMath.Requantize(acc, st.Multipliers[o], st.OutZp, st.ActMin, st.ActMax);
                }
            }
        }
    }

    /// <summary>The receptive field of output pixel (b, oy, ox), group g, as int16 values minus the zero point; padding reads 0.</summary>
    private static void Im2Col<T>(ReadOnlySpan<T> x, Span<short> patch, ConvDims d, int zp, int b, int oy, int ox, int g) where T : unmanaged
    {
        var a = d.Attributes;
        int cg = d.FilterChannels, pos = 0;
        for (int ky = 0; ky < d.FilterHeight; ky++)
        {
            int iy = oy * a.StrideHeight - d.Window.PadTop + ky * a.DilationHeight;
            if (iy < 0 || iy >= d.InHeight)
            {
                patch.Slice(pos, d.FilterWidth * cg).Clear();
                pos += d.FilterWidth * cg;
                continue;
            }
            for (int kx = 0; kx < d.FilterWidth; kx++, pos += cg)
            {
                int ix = ox * a.StrideWidth - d.Window.PadLeft + kx * a.DilationWidth;
                if (ix < 0 || ix >= d.InWidth) patch.Slice(pos, cg).Clear();
                else QuantizedMath.Widen(x.Slice(((b * d.InHeight + iy) * d.InWidth + ix) * d.InChannels + g * cg, cg), patch.Slice(pos, cg), zp);
            }
        }
    }
}
