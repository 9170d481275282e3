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

    /// <summary>Writes <c>raw − zeroPoint</c> of 8-bit values as int16.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Widen<T>(ReadOnlySpan<T> raw, Span<short> dst, int zeroPoint) where T : unmanaged
    {
        for (int i = 0; i < raw.Length; i++) dst[i] = (short)(ToInt(raw[i]) - zeroPoint);
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
