using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using LiteRt.Format.Schema;
using LiteRt.Graph;
using LiteRt.Runtime.Execution;

namespace LiteRt.Runtime.Cpu.Kernels.NeuralNet;

/// <summary>
/// Integer helpers of the quantized NeuralNet kernels: 8-bit loads, per-channel scales, requantization with a
/// float64 multiplier rounded half away from zero (within one step of TFLite's fixed-point multiplier), 16-bit dot
/// products, scratch layout.
/// </summary>
internal static class QuantizedMath
{
    public static bool Is8Bit(TensorType t) => t is TensorType.Uint8 or TensorType.Int8;

    /// <summary>The value of a uint8 or int8 element as an int.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int ToInt<T>(T v) where T : unmanaged =>
        typeof(T) == typeof(byte) ? Unsafe.As<T, byte>(ref v) : Unsafe.As<T, sbyte>(ref v);

    /// <summary>Rounds half away from zero, adds the zero point and clamps to [min, max].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Requantize(long acc, double multiplier, int zeroPoint, int min, int max)
    {
        double v = acc * multiplier;
        return RoundClamp(v, zeroPoint, min, max);
    }

    /// <summary>round(v) + zeroPoint clamped to [min, max] (rounding half away from zero; NaN gives zeroPoint).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int RoundClamp(double v, int zeroPoint, int min, int max)
    {
        v = v >= 0 ? v + 0.5 : v - 0.5;
        v = Math.Clamp(v, -4e9, 4e9);
        long q = (long)v + zeroPoint;
        return (int)Math.Clamp(q, min, max);
    }

    public static (int Min, int Max) TypeRange(TensorType t)
    {
        var (min, max) = t.IntegerRange();
        return ((int)min, (int)max);
    }

    /// <summary>
    /// Scales and zero points of a weights tensor for each of <paramref name="channels"/> output channels: per-axis
    /// quantization must be along <paramref name="dim"/>; per-tensor values are repeated.
    /// </summary>
    public static (double[] Scales, int[] ZeroPoints) ChannelParams(PreparedNode node, RuntimeTensor w, int dim, int channels)
    {
        var q = w.Quantization ?? throw node.Error($"weights {w} are not quantized");
        var scales = new double[channels];
        var zps = new int[channels];
        if (q.IsPerChannel)
        {
            if (q.QuantizedDimension != dim || q.Scale!.Length != channels)
                throw node.Error($"weights {w} are quantized per axis {q.QuantizedDimension} with {q.Scale!.Length} scales; expected axis {dim} with {channels}");
        }
        for (int c = 0; c < channels; c++)
        {
            scales[c] = q.ScaleAt(c);
            zps[c] = (int)q.ZeroPointAt(c);
        }
        return (scales, zps);
    }

    /// <summary>Per-tensor scale of an activation tensor; an error when it is quantized per axis or not at all.</summary>
    public static (float Scale, int ZeroPoint) TensorParams(PreparedNode node, RuntimeTensor t)
    {
        var q = t.Quantization;
        if (q is null || q.Scale is not { Length: > 0 }) throw node.Error($"{t} is not quantized");
        if (q.IsPerChannel) throw node.Error($"{t} must be quantized per tensor");
        return (q.Scale[0], (int)q.ZeroPointAt(0));
    }

    /// <summary>True when both tensors have the same per-tensor scale and zero point.</summary>
    public static bool SameParams(RuntimeTensor a, RuntimeTensor b) => a.Scale == b.Scale && a.ZeroPoint == b.ZeroPoint;

    /// <summary>
    /// Writes <c>raw − zeroPoint</c> of 8-bit weights as int16 (the packed form the integer dot products use), the
    /// zero point taken per row of <paramref name="rowLength"/> elements (one row per output channel) or per element
    /// column when <paramref name="perColumn"/> (channel = index % zeroPoints.Length).
    /// </summary>
    public static void PackWeights<T>(ReadOnlySpan<T> raw, Span<short> dst, int[] zeroPoints, int rowLength, bool perColumn) where T : unmanaged
    {
        for (int i = 0; i < raw.Length; i++)
        {
            int zp = perColumn ? zeroPoints[i % zeroPoints.Length] : zeroPoints[i / rowLength];
            dst[i] = (short)(ToInt(raw[i]) - zp);
        }
    }

    public static void PackWeights(RuntimeTensor w, Span<short> dst, int[] zeroPoints, int rowLength, bool perColumn)
    {
        if (w.Type == TensorType.Uint8) PackWeights(w.AsReadOnlySpan<byte>(), dst, zeroPoints, rowLength, perColumn);
        else PackWeights(w.AsReadOnlySpan<sbyte>(), dst, zeroPoints, rowLength, perColumn);
    }

    /// <summary>Writes <c>raw − zeroPoint</c> of 8-bit values as int16 (16 at a time with AVX2).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Widen<T>(ReadOnlySpan<T> raw, Span<short> dst, int zeroPoint) where T : unmanaged
    {
        int n = raw.Length, i = 0;
        if (dst.Length < n) throw new ArgumentException("destination too short", nameof(dst));
        if (Avx2.IsSupported && n >= 16)
        {
            ref byte src = ref Unsafe.As<T, byte>(ref Unsafe.AsRef(in raw.GetPinnableReference()));
            ref short d = ref dst.GetPinnableReference();
            var zp = Vector256.Create((short)zeroPoint);
            for (; i <= n - 16; i += 16)
            {
                var bytes = Vector128.LoadUnsafe(ref src, (nuint)i);
                var wide = typeof(T) == typeof(byte) ? Avx2.ConvertToVector256Int16(bytes) : Avx2.ConvertToVector256Int16(bytes.AsSByte());
                Avx2.Subtract(wide, zp).StoreUnsafe(ref d, (nuint)i);
            }
        }
        if (Sse41.IsSupported && n - i >= 8)
        {
            // 8 more (im2col rows of small filters: 3×3 taps of 3 channels are runs of 9).
            ref byte src = ref Unsafe.As<T, byte>(ref Unsafe.AsRef(in raw.GetPinnableReference()));
            var bytes = Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<long>(ref Unsafe.Add(ref src, i))).AsByte();
            var wide = typeof(T) == typeof(byte) ? Sse41.ConvertToVector128Int16(bytes) : Sse41.ConvertToVector128Int16(bytes.AsSByte());
            Sse2.Subtract(wide, Vector128.Create((short)zeroPoint)).StoreUnsafe(ref dst.GetPinnableReference(), (nuint)i);
            i += 8;
        }
        for (; i < n; i++) dst[i] = (short)(ToInt(raw[i]) - zeroPoint);
    }

    /// <summary>
    /// dst[j] = clamp(round((acc[j] + bias[j]) · multipliers[j]) + zeroPoint, min, max) in float32 with round-to-nearest-even,
    /// XNNPack's "fp32" requantization (bias may be empty). 8 lanes at a time with AVX2.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void RequantizeRow(ReadOnlySpan<int> acc, ReadOnlySpan<int> bias, ReadOnlySpan<float> multipliers, int zeroPoint, int min, int max, Span<byte> dst)
    {
        int n = acc.Length, i = 0;
        if (multipliers.Length < n || dst.Length < n || (!bias.IsEmpty && bias.Length < n)) throw new ArgumentException("spans too short");
        if (Avx2.IsSupported && n >= 16)
        {
            ref int a = ref Unsafe.AsRef(in acc.GetPinnableReference());
            ref int b = ref Unsafe.AsRef(in bias.GetPinnableReference());
            ref float m = ref Unsafe.AsRef(in multipliers.GetPinnableReference());
            ref byte d = ref dst.GetPinnableReference();
            bool hasBias = !bias.IsEmpty;
            var zp = Vector256.Create(zeroPoint);
            var lo = Vector256.Create(min);
            var hi = Vector256.Create(max);
            var fmin = Vector256.Create(-2e9f);
            var fmax = Vector256.Create(2e9f);
            for (; i <= n - 16; i += 16)
            {
                var v0 = Vector256.LoadUnsafe(ref a, (nuint)i);
                var v1 = Vector256.LoadUnsafe(ref a, (nuint)(i + 8));
                if (hasBias)
                {
                    v0 += Vector256.LoadUnsafe(ref b, (nuint)i);
                    v1 += Vector256.LoadUnsafe(ref b, (nuint)(i + 8));
                }
                // Clamped before the conversion: out-of-range floats would convert to int.MinValue.
                var f0 = Avx.Min(Avx.Max(Avx.ConvertToVector256Single(v0) * Vector256.LoadUnsafe(ref m, (nuint)i), fmin), fmax);
                var f1 = Avx.Min(Avx.Max(Avx.ConvertToVector256Single(v1) * Vector256.LoadUnsafe(ref m, (nuint)(i + 8)), fmin), fmax);
                var q0 = Avx2.Min(Avx2.Max(Avx.ConvertToVector256Int32(f0) + zp, lo), hi);
                var q1 = Avx2.Min(Avx2.Max(Avx.ConvertToVector256Int32(f1) + zp, lo), hi);
                var s16 = Vector256.Narrow(q0, q1);
                var s8 = Vector256.Narrow(s16, s16);
                s8.GetLower().AsByte().StoreUnsafe(ref d, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            int v = acc[i] + (bias.IsEmpty ? 0 : bias[i]);
            float f = MathF.Round(v * multipliers[i]);
            f = Math.Clamp(f, -2e9f, 2e9f);
            dst[i] = (byte)Math.Clamp((int)f + zeroPoint, min, max);
        }
    }

    /// <summary>Σ a[i]·b[i] over int16 vectors with int32 accumulation (pmaddwd where available).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Dot(ReadOnlySpan<short> a, ReadOnlySpan<short> b)
    {
        int n = a.Length;
        ref short pa = ref Unsafe.AsRef(in a.GetPinnableReference());
        ref short pb = ref Unsafe.AsRef(in b.GetPinnableReference());
        int i = 0, sum = 0;
        if (Avx2.IsSupported && n >= 16)
        {
            var acc0 = Vector256<int>.Zero;
            var acc1 = Vector256<int>.Zero;
            for (; i <= n - 32; i += 32)
            {
                acc0 = Avx2.Add(acc0, Avx2.MultiplyAddAdjacent(Vector256.LoadUnsafe(ref pa, (nuint)i), Vector256.LoadUnsafe(ref pb, (nuint)i)));
                acc1 = Avx2.Add(acc1, Avx2.MultiplyAddAdjacent(Vector256.LoadUnsafe(ref pa, (nuint)(i + 16)), Vector256.LoadUnsafe(ref pb, (nuint)(i + 16))));
            }
            for (; i <= n - 16; i += 16)
                acc0 = Avx2.Add(acc0, Avx2.MultiplyAddAdjacent(Vector256.LoadUnsafe(ref pa, (nuint)i), Vector256.LoadUnsafe(ref pb, (nuint)i)));
            sum = Vector256.Sum(Avx2.Add(acc0, acc1));
        }
        else if (Sse2.IsSupported && n >= 8)
        {
            var acc = Vector128<int>.Zero;
            for (; i <= n - 8; i += 8)
                acc = Sse2.Add(acc, Sse2.MultiplyAddAdjacent(Vector128.LoadUnsafe(ref pa, (nuint)i), Vector128.LoadUnsafe(ref pb, (nuint)i)));
            sum = Vector128.Sum(acc);
        }
        for (; i < n; i++) sum += Unsafe.Add(ref pa, i) * Unsafe.Add(ref pb, i);
        return sum;
    }

    /// <summary>Rounds a scratch offset up to 64 bytes.</summary>
    public static long Align(long bytes) => (bytes + 63) & ~63L;
}
