using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using LiteRt.Format.Schema;
using LiteRt.Runtime.Cpu.Kernels.NeuralNet;
using LiteRt.Runtime.Execution;

namespace LiteRt.Runtime.Cpu.Kernels.Quantized;

/// <summary>
/// DEPTHWISE_CONV_2D hybrid (dynamic range): float32 input/output, int8 symmetric filter per output channel (dim 3),
/// float32 bias. Each batch image is quantized to int8 asymmetrically on the fly; int32 accumulators per output
/// channel add (q − zp)·w over the valid taps (8 channels at a time with AVX2, 16 with AVX-512), then
/// y = acc · s_image · s_w[c] + bias[c] and the fused activation.
/// </summary>
public static unsafe class HybridDepthwiseConv2DKernel
{
    private sealed class State
    {
        public required ConvDims D;
        public required float[] WeightScales;
        public required int[] Weights;
        public float Min, Max;
        public int ImageLength;
        public long AccOffset;
        public QuantizedIsa Isa;
    }

    public static void Prepare(PreparedNode node)
    {
        var filter = node.Input(1);
        if (node.Input(0).Type != TensorType.Float32 || node.Output(0).Type != TensorType.Float32 || filter.Type != TensorType.Int8)
            throw node.Error($"expected FLOAT32 input/output and INT8 filter, got {node.Input(0)}, {filter}, {node.Output(0)}");
        if (node.HasInput(2) && node.Input(2).Type != TensorType.Float32) throw node.Error($"expected a FLOAT32 bias, got {node.Input(2)}");
        if (!filter.IsConstant) throw node.Error("hybrid DEPTHWISE_CONV_2D needs a constant filter");
        var d = ConvDims.Read(node, depthwise: true);
        var scales = DynamicQuantization.WeightScales(node, filter, 3, d.OutChannels);
        var (min, max) = FusedActivation.FloatRange(d.Attributes.Activation);
        var raw = filter.AsReadOnlySpan<sbyte>();
        var w = new int[raw.Length];
        for (int i = 0; i < w.Length; i++) w[i] = raw[i];
        var st = new State
        {
            D = d, WeightScales = scales, Weights = w, Min = min, Max = max, ImageLength = d.InHeight * d.InWidth * d.InChannels,
            Isa = QuantizedIsaSelection.Current,
        };
        st.AccOffset = QuantizedMath.Align((long)st.ImageLength * sizeof(short));
        node.State = st;
        node.ScratchBytes = st.AccOffset + (long)d.OutChannels * sizeof(int);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Eval(PreparedNode node)
    {
        var st = node.GetState<State>();
        var d = st.D;
        var a = d.Attributes;
        ReadOnlySpan<float> x = node.Input(0).AsReadOnlySpan<float>();
        ReadOnlySpan<float> bias = node.HasInput(2) ? node.Input(2).AsReadOnlySpan<float>() : default;
        Span<float> y = node.Output(0).AsSpan<float>();
        if (y.Length == 0) return;
        int c = d.InChannels, oc = d.OutChannels, mult = d.OutPerGroup;
        Span<short> image = node.ScratchSpan<short>(0, st.ImageLength);
        Span<int> acc = node.ScratchSpan<int>(st.AccOffset, oc);
        ReadOnlySpan<int> w = st.Weights;
        for (int b = 0; b < d.Batches; b++)
        {
            float s = DynamicQuantization.QuantizeRow(x.Slice(b * st.ImageLength, st.ImageLength), image, asymmetric: true);
            for (int oy = 0; oy < d.OutHeight; oy++)
            for (int ox = 0; ox < d.OutWidth; ox++)
            {
                acc.Clear();
                for (int ky = 0; ky < d.FilterHeight; ky++)
                {
                    int iy = oy * a.StrideHeight - d.Window.PadTop + ky * a.DilationHeight;
                    if (iy < 0 || iy >= d.InHeight) continue;
                    for (int kx = 0; kx < d.FilterWidth; kx++)
                    {
                        int ix = ox * a.StrideWidth - d.Window.PadLeft + kx * a.DilationWidth;
                        if (ix < 0 || ix >= d.InWidth) continue;
                        var inRow = image.Slice((iy * d.InWidth + ix) * c, c);
                        var tap = w.Slice((ky * d.FilterWidth + kx) * oc, oc);
                        if (mult == 1) Accumulate(inRow, tap, acc, st.Isa);
                        else
                        {
                            for (int ic = 0; ic < c; ic++)
                            {
                                int v = inRow[ic];
                                for (int m = 0; m < mult; m++) acc[ic * mult + m] += v * tap[ic * mult + m];
                            }
                        }
                    }
                }
                HybridEpilogue.Apply(acc, s, st.WeightScales, bias, st.Min, st.Max, y.Slice(((b * d.OutHeight + oy) * d.OutWidth + ox) * oc, oc));
            }
        }
    }

    /// <summary>acc[i] += x[i] · w[i] with int16 x and int32 w.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Accumulate(ReadOnlySpan<short> x, ReadOnlySpan<int> w, Span<int> acc, QuantizedIsa isa)
    {
        int n = x.Length, i = 0;
        if (w.Length < n || acc.Length < n) throw new ArgumentException("spans too short");
        ref short xr = ref Unsafe.AsRef(in x.GetPinnableReference());
        ref int wr = ref Unsafe.AsRef(in w.GetPinnableReference());
        ref int ar = ref acc.GetPinnableReference();
        if (isa == QuantizedIsa.Avx512 && Avx512F.IsSupported)
        {
            for (; i <= n - 16; i += 16)
            {
                var xi = Avx512F.ConvertToVector512Int32(Vector256.LoadUnsafe(ref xr, (nuint)i));
                var prod = Avx512F.MultiplyLow(xi, Vector512.LoadUnsafe(ref wr, (nuint)i));
                (Vector512.LoadUnsafe(ref ar, (nuint)i) + prod).StoreUnsafe(ref ar, (nuint)i);
            }
        }
        if (isa != QuantizedIsa.Portable && Avx2.IsSupported)
        {
            for (; i <= n - 8; i += 8)
            {
                var xi = Avx2.ConvertToVector256Int32(Vector128.LoadUnsafe(ref xr, (nuint)i));
                var prod = Avx2.MultiplyLow(xi, Vector256.LoadUnsafe(ref wr, (nuint)i));
                (Vector256.LoadUnsafe(ref ar, (nuint)i) + prod).StoreUnsafe(ref ar, (nuint)i);
            }
        }
        for (; i < n; i++) acc[i] += x[i] * w[i];
    }
}
