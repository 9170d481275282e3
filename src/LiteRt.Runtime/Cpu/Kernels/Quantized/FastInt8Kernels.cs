using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using LiteRt.Format.Schema;
using LiteRt.Graph;
using LiteRt.Runtime.Cpu.Kernels.NeuralNet;
using LiteRt.Runtime.Execution;

namespace LiteRt.Runtime.Cpu.Kernels.Quantized;

/// <summary>
/// Vector helpers of the fast int8 kernels: 8 int8 values ↔ 8 int32 / float32 lanes, and XNNPack's "fp32"
/// requantization (float multiply, round to nearest even, add the zero point, clamp), 8 lanes at a time.
/// </summary>
internal static class Int8Vector
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> Load8(ref sbyte src, int offset) =>
        Avx2.ConvertToVector256Int32(Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<long>(ref Unsafe.As<sbyte, byte>(ref Unsafe.Add(ref src, offset)))).AsSByte());

    /// <summary>Rounds (nearest even), adds the zero point, clamps and stores 8 int8 values.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store8(Vector256<float> v, Vector256<int> zp, Vector256<int> lo, Vector256<int> hi, ref sbyte dst, int offset)
    {
        v = Avx.Min(Avx.Max(v, Vector256.Create(-2e9f)), Vector256.Create(2e9f));
        var q = Avx2.Min(Avx2.Max(Avx.ConvertToVector256Int32(v) + zp, lo), hi);
        var s16 = Vector256.Narrow(q, q);
        var s8 = Vector256.Narrow(s16, s16);
        Unsafe.WriteUnaligned(ref Unsafe.As<sbyte, byte>(ref Unsafe.Add(ref dst, offset)), s8.AsInt64().ToScalar());
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static sbyte Scalar(float v, int zp, int lo, int hi)
    {
        v = Math.Clamp(MathF.Round(v), -2e9f, 2e9f);
        return (sbyte)Math.Clamp((int)v + zp, lo, hi);
    }
}

/// <summary>
/// ADD / SUB on int8 per-tensor quantized tensors in float32 arithmetic (within one step of TFLite's fixed-point
/// result): out = a·(s_a/s_o) ± b·(s_b/s_o) + c, vectorized over contiguous runs, with broadcasting.
/// </summary>
public static class FastInt8AddSubKernel
{
    private sealed class State
    {
        public required BroadcastPlan Plan;
        public float Ka, Kb, C;
        public int Zo, Min, Max;
    }

    private readonly struct Body(State s) : IBroadcastBody<sbyte, sbyte, sbyte>
    {
        public void VectorVector(ReadOnlySpan<sbyte> a, ReadOnlySpan<sbyte> b, Span<sbyte> o)
        {
            int n = o.Length, i = 0;
            if (Avx2.IsSupported && n >= 8)
            {
                var ka = Vector256.Create(s.Ka);
                var kb = Vector256.Create(s.Kb);
                var c = Vector256.Create(s.C);
                var zp = Vector256.Create(s.Zo);
                var lo = Vector256.Create(s.Min);
                var hi = Vector256.Create(s.Max);
                ref sbyte ar = ref Unsafe.AsRef(in a.GetPinnableReference());
                ref sbyte br = ref Unsafe.AsRef(in b.GetPinnableReference());
                ref sbyte or = ref o.GetPinnableReference();
                for (; i <= n - 8; i += 8)
                {
                    var va = Avx.ConvertToVector256Single(Int8Vector.Load8(ref ar, i));
                    var vb = Avx.ConvertToVector256Single(Int8Vector.Load8(ref br, i));
                    Int8Vector.Store8(va * ka + vb * kb + c, zp, lo, hi, ref or, i);
                }
            }
            for (; i < n; i++) o[i] = Int8Vector.Scalar(a[i] * s.Ka + b[i] * s.Kb + s.C, s.Zo, s.Min, s.Max);
        }

        public void ScalarVector(sbyte a, ReadOnlySpan<sbyte> b, Span<sbyte> o)
        {
            float ca = a * s.Ka + s.C;
            for (int i = 0; i < o.Length; i++) o[i] = Int8Vector.Scalar(ca + b[i] * s.Kb, s.Zo, s.Min, s.Max);
        }

        public void VectorScalar(ReadOnlySpan<sbyte> a, sbyte b, Span<sbyte> o)
        {
            float cb = b * s.Kb + s.C;
            for (int i = 0; i < o.Length; i++) o[i] = Int8Vector.Scalar(a[i] * s.Ka + cb, s.Zo, s.Min, s.Max);
        }
    }

    public static bool Accepts(PreparedNode n) =>
        n.Inputs.Length == 2 && n.Inputs[0] is { Type: TensorType.Int8, Quantization: { IsPerChannel: false } }
        && n.Inputs[1] is { Type: TensorType.Int8, Quantization: { IsPerChannel: false } }
        && n.Outputs[0] is { Type: TensorType.Int8, Quantization: { IsPerChannel: false } };

    public static void Prepare(PreparedNode node)
    {
        RuntimeTensor a = node.Input(0), b = node.Input(1), o = node.Output(0);
        var plan = BroadcastPlan.TryCreate(a.Shape, b.Shape, o.Shape)
            ?? throw node.Error($"shapes {Shapes.Format(a.Shape)} and {Shapes.Format(b.Shape)} do not broadcast to {Shapes.Format(o.Shape)}");
        var act = node.Op.FusedActivation;
        FusedActivation.Validate(act, node);
        var (min, max) = FusedActivation.QuantizedRange(act, o.Scale, o.ZeroPoint, o.Type);
        double sign = node.Op.Op == BuiltinOperator.Sub ? -1 : 1;
        double ka = (double)a.Scale / o.Scale, kb = sign * b.Scale / o.Scale;
        node.State = new State
        {
            Plan = plan, Ka = (float)ka, Kb = (float)kb, C = (float)(-a.ZeroPoint * ka - b.ZeroPoint * kb), Zo = o.ZeroPoint, Min = min, Max = max,
        };
    }

    public static void Eval(PreparedNode node)
    {
        var st = node.GetState<State>();
        var body = new Body(st);
        st.Plan.Run<sbyte, sbyte, sbyte, Body>(ref body, node.Input(0).AsReadOnlySpan<sbyte>(), node.Input(1).AsReadOnlySpan<sbyte>(), node.Output(0).AsSpan<sbyte>());
    }
}

/// <summary>
/// RESIZE_BILINEAR int8 → int8 (per-tensor): TFLite's float32 neighbour weights, 8 channels at a time, requantized
/// to the output's parameters.
/// </summary>
public static class FastInt8ResizeBilinearKernel
{
    private sealed class State
    {
        public required BilinearPlan Plan;
        public float Ratio, Bias;
        public int OutZp, Min, Max;
    }

    /// <summary>int8 per-tensor with at least 8 channels (the vector width; narrower images stay with the general kernel).</summary>
    public static bool Accepts(PreparedNode n) =>
        n.Inputs[0] is { Type: TensorType.Int8, Quantization: { IsPerChannel: false }, Rank: 4 } x && x.Shape[3] >= 8
        && n.Outputs[0] is { Type: TensorType.Int8, Quantization: { IsPerChannel: false } };

    public static void Prepare(PreparedNode node)
    {
        var input = node.Input(0);
        var output = node.Output(0);
        var (inScale, inZp) = QuantizedMath.TensorParams(node, input);
        var (outScale, outZp) = QuantizedMath.TensorParams(node, output);
        float ratio = (float)((double)inScale / outScale);
        node.State = new State { Plan = BilinearPlan.Read(node), Ratio = ratio, Bias = -inZp * ratio, OutZp = outZp, Min = -128, Max = 127 };
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Eval(PreparedNode node)
    {
        var st = node.GetState<State>();
        var p = st.Plan;
        ReadOnlySpan<sbyte> x = node.Input(0).AsReadOnlySpan<sbyte>();
        Span<sbyte> y = node.Output(0).AsSpan<sbyte>();
        if (y.Length == 0) return;
        int c = p.Channels;
        ref sbyte xr = ref Unsafe.AsRef(in x.GetPinnableReference());
        ref sbyte yr = ref y.GetPinnableReference();
        var zp = Vector256.Create(st.OutZp);
        var lo = Vector256.Create(st.Min);
        var hi = Vector256.Create(st.Max);
        var ratio = Vector256.Create(st.Ratio);
        var bias = Vector256.Create(st.Bias);
        for (int b = 0; b < p.Batches; b++)
        for (int oy = 0; oy < p.OutHeight; oy++)
        {
            int y0 = p.Y0[oy], y1 = p.Y1[oy];
            float dy = p.Wy[oy];
            for (int ox = 0; ox < p.OutWidth; ox++)
            {
                int x0 = p.X0[ox], x1 = p.X1[ox];
                float dx = p.Wx[ox];
                float w00 = (1 - dy) * (1 - dx) * st.Ratio, w10 = dy * (1 - dx) * st.Ratio, w01 = (1 - dy) * dx * st.Ratio, w11 = dy * dx * st.Ratio;
                int o00 = p.Offset(b, y0, x0), o10 = p.Offset(b, y1, x0), o01 = p.Offset(b, y0, x1), o11 = p.Offset(b, y1, x1);
                int outBase = ((b * p.OutHeight + oy) * p.OutWidth + ox) * c;
                int i = 0;
                if (Avx2.IsSupported)
                {
                    var v00 = Vector256.Create(w00);
                    var v10 = Vector256.Create(w10);
                    var v01 = Vector256.Create(w01);
                    var v11 = Vector256.Create(w11);
                    for (; i < c && c >= 8; i += 8)
                    {
                        i = Math.Min(i, c - 8); // the last block overlaps the previous one when c % 8 != 0
                        var v = Avx.ConvertToVector256Single(Int8Vector.Load8(ref xr, o00 + i)) * v00
                              + Avx.ConvertToVector256Single(Int8Vector.Load8(ref xr, o10 + i)) * v10
                              + Avx.ConvertToVector256Single(Int8Vector.Load8(ref xr, o01 + i)) * v01
                              + Avx.ConvertToVector256Single(Int8Vector.Load8(ref xr, o11 + i)) * v11;
                        Int8Vector.Store8(v + bias, zp, lo, hi, ref yr, outBase + i);
                    }
                }
                for (; i < c; i++)
                {
                    float v = x[o00 + i] * w00 + x[o10 + i] * w10 + x[o01 + i] * w01 + x[o11 + i] * w11;
                    y[outBase + i] = Int8Vector.Scalar(v + st.Bias, st.OutZp, st.Min, st.Max);
                }
            }
        }
    }
}

/// <summary>
/// DEPTHWISE_CONV_2D int8 with per-channel weights and depth multiplier 1. Taps are taken in pairs: for 8 channels
/// the two taps' int8 inputs are interleaved and widened to int16, and one vpmaddwd with the pair's interleaved weights
/// adds both products into int32 accumulators that stay in registers over all taps (16 or 32 channels per step). The
/// input zero point is folded into the bias (bias − zp·Σw), as padding taps read a row of zero points; requantization
/// is fused (<see cref="Int8Requantizer"/>).
/// </summary>
public static class FastInt8DepthwiseConv2DKernel
{
    private sealed class State
    {
        public required ConvDims D;
        /// <summary>[pair][channel][2] int16 weights (the odd tap's weight is 0 past the last tap).</summary>
        public required short[] PairWeights;
        public required int[] Weights;
        public required int[] Bias;
        /// <summary>Bias − input zero point · Σ taps' weights, per channel (8 zeros of padding for the last vector).</summary>
        public required int[] FoldedBias;
        /// <summary>Per channel (8 zeros of padding for the last vector).</summary>
        public required float[] Multipliers;
        /// <summary>Per tap, its input offset from the window's top-left pixel (in elements).</summary>
        public required int[] TapOffsets;
        public int InZp, OutZp, Min, Max, Taps, Pairs;
        public long PointerOffset;
    }

    public static bool Accepts(PreparedNode n) =>
        n.Inputs[0] is { Type: TensorType.Int8, Quantization: { IsPerChannel: false } } && n.Inputs[1] is { Type: TensorType.Int8, IsConstant: true } w
        && n.Outputs[0].Type == TensorType.Int8 && w.Rank == 4 && n.Inputs[0]!.Rank == 4 && w.Shape[3] == n.Inputs[0]!.Shape[3]
        && (!n.HasInput(2) || n.Inputs[2] is { Type: TensorType.Int32, IsConstant: true });

    public static void Prepare(PreparedNode node)
    {
        ConvDims.RequireTypes(node, TensorType.Int8, TensorType.Int8, TensorType.Int32);
        var d = ConvDims.Read(node, depthwise: true);
        if (d.OutPerGroup != 1) throw node.Error("this kernel needs depth multiplier 1");
        var (inScale, inZp) = QuantizedMath.TensorParams(node, node.Input(0));
        var (outScale, outZp) = QuantizedMath.TensorParams(node, node.Output(0));
        var filter = node.Input(1);
        var (wScales, wZps) = QuantizedMath.ChannelParams(node, filter, 3, d.OutChannels);
        int c = d.OutChannels, taps = d.FilterHeight * d.FilterWidth, pairs = (taps + 1) / 2;
        var raw = filter.AsReadOnlySpan<sbyte>();
        var w = new int[raw.Length];
        for (int i = 0; i < w.Length; i++) w[i] = raw[i] - wZps[i % c];
        var pw = new short[pairs * c * 2];
        for (int p = 0; p < pairs; p++)
            for (int ch = 0; ch < c; ch++)
            {
                pw[(p * c + ch) * 2] = (short)w[2 * p * c + ch];
                pw[(p * c + ch) * 2 + 1] = 2 * p + 1 < taps ? (short)w[(2 * p + 1) * c + ch] : (short)0;
            }
        var bias = new int[c];
        if (node.HasInput(2)) node.Input(2).AsReadOnlySpan<int>().CopyTo(bias);
        var folded = new int[c + 8];
        for (int ch = 0; ch < c; ch++)
        {
            long sum = 0;
            for (int t = 0; t < taps; t++) sum += w[t * c + ch];
            folded[ch] = checked((int)(bias[ch] - (long)inZp * sum));
        }
        var mult = new float[c + 8];
        for (int ch = 0; ch < c; ch++) mult[ch] = (float)((double)inScale * wScales[ch] / outScale);
        var (min, max) = FusedActivation.QuantizedRange(d.Attributes.Activation, outScale, outZp, TensorType.Int8);
        var st = new State
        {
            D = d, PairWeights = pw, Weights = w, Bias = bias, FoldedBias = folded, Multipliers = mult, TapOffsets = TapOffsets(d), InZp = inZp, OutZp = outZp, Min = min, Max = max,
            Taps = taps, Pairs = pairs,
        };
        // Scratch: a row of zero points (what padding reads) then the per-pixel tap offsets.
        st.PointerOffset = QuantizedMath.Align(c + 16);
        node.State = st;
        node.ScratchBytes = st.PointerOffset + (long)(2 * pairs) * sizeof(int);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void Eval(PreparedNode node)
    {
        var st = node.GetState<State>();
        var d = st.D;
        var a = d.Attributes;
        ReadOnlySpan<sbyte> x = node.Input(0).AsReadOnlySpan<sbyte>();
        Span<sbyte> y = node.Output(0).AsSpan<sbyte>();
        if (y.Length == 0) return;
        int c = d.InChannels;
        Span<sbyte> zeroRow = node.ScratchSpan<sbyte>(0, c + 16);
        zeroRow.Fill((sbyte)st.InZp);
        Span<int> tapOffsets = node.ScratchSpan<int>(st.PointerOffset, 2 * st.Pairs);
        if (!Avx2.IsSupported || c < 8)
        {
            Portable(st, x, y);
            return;
        }
        // Tap offsets are into a virtual buffer: input first, then the zero row at index x.Length.
        fixed (sbyte* xp = x)
        fixed (sbyte* zp0 = zeroRow)
        fixed (sbyte* yp = y)
        fixed (short* wp = st.PairWeights)
        fixed (int* bp = st.FoldedBias)
        fixed (float* mp = st.Multipliers)
        {
            var rq = new Int8Requantizer(st.OutZp, st.Min, st.Max);
            int pairs = st.Pairs;
            Span<nint> ptrs = stackalloc nint[32];
            if (2 * pairs > ptrs.Length) { Portable(st, x, y); return; }
            for (int t = st.Taps; t < 2 * pairs; t++) ptrs[t] = (nint)zp0;
            int spanY = (d.FilterHeight - 1) * a.DilationHeight, spanX = (d.FilterWidth - 1) * a.DilationWidth;
            for (int b = 0; b < d.Batches; b++)
            for (int oy = 0; oy < d.OutHeight; oy++)
            {
                int iy0 = oy * a.StrideHeight - d.Window.PadTop;
                bool rowInside = iy0 >= 0 && iy0 + spanY < d.InHeight;
                for (int ox = 0; ox < d.OutWidth; ox++)
                {
                    int ix0 = ox * a.StrideWidth - d.Window.PadLeft;
                    if (rowInside && ix0 >= 0 && ix0 + spanX < d.InWidth)
                    {
                        // Every tap inside the image: fixed offsets from the window's corner.
                        nint corner = (nint)(xp + ((b * d.InHeight + iy0) * d.InWidth + ix0) * c);
                        for (int t = 0; t < st.Taps; t++) ptrs[t] = corner + st.TapOffsets[t];
                    }
                    else
                    {
                        int t = 0;
                        for (int ky = 0; ky < d.FilterHeight; ky++)
                        {
                            int iy = iy0 + ky * a.DilationHeight;
                            for (int kx = 0; kx < d.FilterWidth; kx++, t++)
                            {
                                int ix = ix0 + kx * a.DilationWidth;
                                ptrs[t] = (uint)iy < (uint)d.InHeight && (uint)ix < (uint)d.InWidth
                                    ? (nint)(xp + ((b * d.InHeight + iy) * d.InWidth + ix) * c) : (nint)zp0;
                            }
                        }
                    }
                    sbyte* outp = yp + ((b * d.OutHeight + oy) * d.OutWidth + ox) * c;
                    int ch = 0;
                    // 32 channels at a time: four independent accumulator chains (one chain of 8 is latency-bound), each
                    // tap's pointers read once for all four.
                    for (; ch + 32 <= c; ch += 32)
                    {
                        var acc0 = Vector256.Load(bp + ch);
                        var acc1 = Vector256.Load(bp + ch + 8);
                        var acc2 = Vector256.Load(bp + ch + 16);
                        var acc3 = Vector256.Load(bp + ch + 24);
                        short* wrow = wp + ch * 2;
                        for (int p = 0; p < pairs; p++, wrow += c * 2)
                        {
                            sbyte* p0 = (sbyte*)ptrs[2 * p] + ch, p1 = (sbyte*)ptrs[2 * p + 1] + ch;
                            var x0 = Vector128.Load(p0);
                            var x1 = Vector128.Load(p1);
                            var x2 = Vector128.Load(p0 + 16);
                            var x3 = Vector128.Load(p1 + 16);
                            acc0 += Avx2.MultiplyAddAdjacent(Avx2.ConvertToVector256Int16(Sse2.UnpackLow(x0, x1)), Vector256.Load(wrow));
                            acc1 += Avx2.MultiplyAddAdjacent(Avx2.ConvertToVector256Int16(Sse2.UnpackHigh(x0, x1)), Vector256.Load(wrow + 16));
                            acc2 += Avx2.MultiplyAddAdjacent(Avx2.ConvertToVector256Int16(Sse2.UnpackLow(x2, x3)), Vector256.Load(wrow + 32));
                            acc3 += Avx2.MultiplyAddAdjacent(Avx2.ConvertToVector256Int16(Sse2.UnpackHigh(x2, x3)), Vector256.Load(wrow + 48));
                        }
                        rq.Apply(acc0, acc1, mp + ch).Store(outp + ch);
                        rq.Apply(acc2, acc3, mp + ch + 16).Store(outp + ch + 16);
                    }
                    // Then 16 channels at a time: two chains.
                    for (; ch + 16 <= c; ch += 16)
                    {
                        var acc0 = Vector256.Load(bp + ch);
                        var acc1 = Vector256.Load(bp + ch + 8);
                        for (int p = 0; p < pairs; p++)
                        {
                            var x0 = Vector128.Load((sbyte*)ptrs[2 * p] + ch);
                            var x1 = Vector128.Load((sbyte*)ptrs[2 * p + 1] + ch);
                            var w0 = Vector256.Load(wp + (p * c + ch) * 2);
                            var w1 = Vector256.Load(wp + (p * c + ch + 8) * 2);
                            acc0 += Avx2.MultiplyAddAdjacent(Avx2.ConvertToVector256Int16(Sse2.UnpackLow(x0, x1)), w0);
                            acc1 += Avx2.MultiplyAddAdjacent(Avx2.ConvertToVector256Int16(Sse2.UnpackHigh(x0, x1)), w1);
                        }
                        rq.Apply(acc0, acc1, mp + ch).Store(outp + ch);
                    }
                    for (; ch < c; ch += 8)
                    {
                        int cc = Math.Min(ch, c - 8); // the last block overlaps the previous one when c % 8 != 0
                        var acc = Vector256.Load(bp + cc);
                        for (int p = 0; p < pairs; p++)
                        {
                            var x0 = Vector128.CreateScalarUnsafe(*(long*)((sbyte*)ptrs[2 * p] + cc)).AsSByte();
                            var x1 = Vector128.CreateScalarUnsafe(*(long*)((sbyte*)ptrs[2 * p + 1] + cc)).AsSByte();
                            var inter = Avx2.ConvertToVector256Int16(Sse2.UnpackLow(x0, x1));
                            acc += Avx2.MultiplyAddAdjacent(inter, Vector256.Load(wp + (p * c + cc) * 2));
                        }
                        *(long*)(outp + cc) = rq.Apply8(acc, mp + cc);
                    }
                }
            }
        }
    }

    private static int[] TapOffsets(ConvDims d)
    {
        var a = d.Attributes;
        var offsets = new int[d.FilterHeight * d.FilterWidth];
        for (int ky = 0, t = 0; ky < d.FilterHeight; ky++)
            for (int kx = 0; kx < d.FilterWidth; kx++, t++)
                offsets[t] = (ky * a.DilationHeight * d.InWidth + kx * a.DilationWidth) * d.InChannels;
        return offsets;
    }

    private static void Portable(State st, ReadOnlySpan<sbyte> x, Span<sbyte> y)
    {
        var d = st.D;
        var a = d.Attributes;
        int c = d.InChannels;
        for (int b = 0; b < d.Batches; b++)
        for (int oy = 0; oy < d.OutHeight; oy++)
        for (int ox = 0; ox < d.OutWidth; ox++)
        for (int ch = 0; ch < c; ch++)
        {
            int acc = st.Bias[ch];
            for (int ky = 0; ky < d.FilterHeight; ky++)
            {
                int iy = oy * a.StrideHeight - d.Window.PadTop + ky * a.DilationHeight;
                if ((uint)iy >= (uint)d.InHeight) continue;
                for (int kx = 0; kx < d.FilterWidth; kx++)
                {
                    int ix = ox * a.StrideWidth - d.Window.PadLeft + kx * a.DilationWidth;
                    if ((uint)ix >= (uint)d.InWidth) continue;
                    acc += (x[((b * d.InHeight + iy) * d.InWidth + ix) * c + ch] - st.InZp) * st.Weights[(ky * d.FilterWidth + kx) * c + ch];
                }
            }
            y[((b * d.OutHeight + oy) * d.OutWidth + ox) * c + ch] = Int8Vector.Scalar(acc * st.Multipliers[ch], st.OutZp, st.Min, st.Max);
        }
    }
}

/// <summary>QUANTIZE float32 → int8 per tensor, 8 values at a time: x·(1/scale) in float32, rounded half away from zero.</summary>
public static class FastInt8QuantizeKernel
{
    private sealed class State(float inverse, int zp)
    {
        public readonly float Inverse = inverse;
        public readonly int ZeroPoint = zp;
    }

    public static bool Accepts(PreparedNode n) =>
        n.Inputs[0]?.Type == TensorType.Float32 && n.Outputs[0] is { Type: TensorType.Int8, Quantization: { IsPerChannel: false, Scale.Length: > 0 } };

    public static void Prepare(PreparedNode node)
    {
        var y = node.Output(0);
        if (node.Input(0).ElementCount != y.ElementCount) throw node.Error($"output {y} does not have the shape of input {node.Input(0)}");
        node.State = new State(1f / y.Scale, y.ZeroPoint);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Eval(PreparedNode node)
    {
        var st = node.GetState<State>();
        ReadOnlySpan<float> x = node.Input(0).AsReadOnlySpan<float>();
        Span<sbyte> y = node.Output(0).AsSpan<sbyte>();
        int n = y.Length, i = 0;
        if (Avx2.IsSupported && n >= 8)
        {
            var inv = Vector256.Create(st.Inverse);
            var half = Vector256.Create(0.5f);
            var one = Vector256.Create(1f);
            var sign = Vector256.Create(-0.0f);
            var zp = Vector256.Create(st.ZeroPoint);
            var lo = Vector256.Create(-128);
            var hi = Vector256.Create(127);
            ref float xr = ref Unsafe.AsRef(in x.GetPinnableReference());
            ref sbyte yr = ref y.GetPinnableReference();
            for (; i <= n - 8; i += 8)
            {
                var v = Vector256.LoadUnsafe(ref xr, (nuint)i) * inv;
                var t = Vector256.Truncate(v);
                var up = Vector256.GreaterThanOrEqual(Vector256.Abs(v - t), half);
                Int8Vector.Store8(t + (up & (one | (v & sign))), zp, lo, hi, ref yr, i);
            }
        }
        for (; i < n; i++)
        {
            float v = x[i] * st.Inverse;
            y[i] = float.IsNaN(v) ? (sbyte)st.ZeroPoint : (sbyte)Math.Clamp((int)Math.Clamp(MathF.Round(v, MidpointRounding.AwayFromZero), -1e9f, 1e9f) + st.ZeroPoint, -128, 127);
        }
    }
}

/// <summary>DEQUANTIZE int8 → float32 per tensor, 8 values at a time (exact: one float32 rounding of scale·(q − zp)).</summary>
public static class FastInt8DequantizeKernel
{
    private sealed class State(float scale, int zp)
    {
        public readonly float Scale = scale;
        public readonly int ZeroPoint = zp;
    }

    public static bool Accepts(PreparedNode n) =>
        n.Inputs[0] is { Type: TensorType.Int8, Quantization: { IsPerChannel: false, Scale.Length: > 0 } } && n.Outputs[0].Type == TensorType.Float32;

    public static void Prepare(PreparedNode node)
    {
        var x = node.Input(0);
        if (x.ElementCount != node.Output(0).ElementCount) throw node.Error($"output {node.Output(0)} does not have the shape of input {x}");
        node.State = new State(x.Scale, x.ZeroPoint);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Eval(PreparedNode node)
    {
        var st = node.GetState<State>();
        ReadOnlySpan<sbyte> x = node.Input(0).AsReadOnlySpan<sbyte>();
        Span<float> y = node.Output(0).AsSpan<float>();
        int n = y.Length, i = 0;
        if (Avx2.IsSupported && n >= 8)
        {
            var zp = Vector256.Create(st.ZeroPoint);
            var s = Vector256.Create(st.Scale);
            ref sbyte xr = ref Unsafe.AsRef(in x.GetPinnableReference());
            ref float yr = ref y.GetPinnableReference();
            for (; i <= n - 8; i += 8)
                (Avx.ConvertToVector256Single(Int8Vector.Load8(ref xr, i) - zp) * s).StoreUnsafe(ref yr, (nuint)i);
        }
        for (; i < n; i++) y[i] = (x[i] - st.ZeroPoint) * st.Scale;
    }
}
