using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using LiteRt.Format.Schema;
using LiteRt.Runtime.Execution;

namespace LiteRt.Runtime.Cpu.Kernels.NeuralNet;

/// <summary>
/// DEPTHWISE_CONV_2D uint8 (per-tensor weights) and int8 (per-channel symmetric weights along dim 3): int32
/// accumulators per output channel (scratch) start at zero and add (x − x_zp)·(w − w_zp) over valid taps (8 channels
/// at a time with AVX2 for multiplier 1), then bias, requantization with in_scale·w_scale[c]/out_scale (float32) and
/// the activation clamp.
/// </summary>
public static unsafe class DepthwiseConv2DQuantizedKernel
{
    private sealed class State
    {
        public required ConvDims D;
        public required float[] Multipliers;
        public required int[] WeightZeroPoints;
        public int[]? Packed;
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
        var mult = new float[d.OutChannels];
        for (int c = 0; c < mult.Length; c++) mult[c] = (float)((double)inScale * wScales[c] / outScale);
        var (min, max) = FusedActivation.QuantizedRange(d.Attributes.Activation, outScale, outZp, type);
        var st = new State
        {
            D = d, Multipliers = mult, WeightZeroPoints = wZps, InZp = inZp, OutZp = outZp, ActMin = min, ActMax = max,
            Signed = type == TensorType.Int8,
        };
        long scratch = QuantizedMath.Align((long)d.OutChannels * sizeof(int));
        st.WeightsOffset = scratch;
        if (filter.IsConstant)
        {
            st.Packed = new int[filter.ElementCount];
            Pack(filter, wZps, st.Packed);
        }
        else scratch += filter.ElementCount * sizeof(int);
        node.State = st;
        node.ScratchBytes = scratch;
    }

    /// <summary>Filter [1, h, w, oc] minus each channel's zero point, as int32.</summary>
    private static void Pack(RuntimeTensor filter, int[] zps, Span<int> dst)
    {
        int oc = zps.Length;
        if (oc == 0) return;
        if (filter.Type == TensorType.Uint8)
        {
            var raw = filter.AsReadOnlySpan<byte>();
            for (int i = 0; i < raw.Length; i++) dst[i] = raw[i] - zps[i % oc];
        }
        else
        {
            var raw = filter.AsReadOnlySpan<sbyte>();
            for (int i = 0; i < raw.Length; i++) dst[i] = raw[i] - zps[i % oc];
        }
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
        ReadOnlySpan<T> x = node.Input(0).AsReadOnlySpan<T>();
        ReadOnlySpan<int> bias = node.HasInput(2) ? node.Input(2).AsReadOnlySpan<int>() : default;
        Span<byte> y = node.Output(0).AsSpan<byte>();
        if (y.Length == 0) return;
        int c = d.InChannels, oc = d.OutChannels, mult = d.OutPerGroup, zp = st.InZp;
        ReadOnlySpan<int> w;
        if (st.Packed is { } packed) w = packed;
        else
        {
            var dst = node.ScratchSpan<int>(st.WeightsOffset, (int)node.Input(1).ElementCount);
            Pack(node.Input(1), st.WeightZeroPoints, dst);
            w = dst;
        }
        Span<int> acc = node.ScratchSpan<int>(0, oc);
        for (int b = 0; b < d.Batches; b++)
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
                    var inRow = x.Slice(((b * d.InHeight + iy) * d.InWidth + ix) * c, c);
                    var tap = w.Slice((ky * d.FilterWidth + kx) * oc, oc);
                    if (mult == 1) Accumulate(inRow, tap, acc, zp);
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
            QuantizedMath.RequantizeRow(acc, bias, st.Multipliers, st.OutZp, st.ActMin, st.ActMax,
                y.Slice(((b * d.OutHeight + oy) * d.OutWidth + ox) * oc, oc));
        }
    }

    /// <summary>acc[i] += (x[i] − zp) · w[i].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Accumulate<T>(ReadOnlySpan<T> x, ReadOnlySpan<int> w, Span<int> acc, int zp) where T : unmanaged
    {
        int n = x.Length, i = 0;
        if (w.Length < n || acc.Length < n) throw new ArgumentException("spans too short");
        if (Avx2.IsSupported && n >= 8)
        {
            ref byte src = ref Unsafe.As<T, byte>(ref Unsafe.AsRef(in x.GetPinnableReference()));
            ref int wr = ref Unsafe.AsRef(in w.GetPinnableReference());
            ref int ar = ref acc.GetPinnableReference();
            var zpv = Vector256.Create(zp);
            for (; i <= n - 8; i += 8)
            {
                var bytes = Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<long>(ref Unsafe.Add(ref src, i))).AsByte();
                var xi = typeof(T) == typeof(byte) ? Avx2.ConvertToVector256Int32(bytes) : Avx2.ConvertToVector256Int32(bytes.AsSByte());
                var prod = Avx2.MultiplyLow(xi - zpv, Vector256.LoadUnsafe(ref wr, (nuint)i));
                (Vector256.LoadUnsafe(ref ar, (nuint)i) + prod).StoreUnsafe(ref ar, (nuint)i);
            }
        }
        for (; i < n; i++) acc[i] += (QuantizedMath.ToInt(x[i]) - zp) * w[i];
    }
}
