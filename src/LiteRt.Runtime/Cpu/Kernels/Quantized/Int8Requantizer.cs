using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace LiteRt.Runtime.Cpu.Kernels.Quantized;

/// <summary>
/// The fused epilogue of the int8 convolutions, 16 int32 sums → 16 int8 values: float32 multiply by the channel's
/// multiplier, clamp, round to nearest even, add the output zero point. Clamping in float to
/// [min − zp, max − zp] before rounding gives the same integers as rounding then clamping to [min, max] (the bounds are
/// integers and rounding is monotonic), so the int32 clamps go, no overflow guard is needed, and the signed saturating
/// packs (vpackssdw, vpacksswb) never saturate.
/// </summary>
internal readonly struct Int8Requantizer
{
    private readonly Vector256<float> _low, _high;
    private readonly Vector256<short> _zeroPoint;

    /// <param name="zeroPoint">The output zero point.</param>
    /// <param name="min">Smallest output value (activation clamp included).</param>
    /// <param name="max">Largest output value.</param>
    public Int8Requantizer(int zeroPoint, int min, int max)
    {
        _low = Vector256.Create((float)(min - zeroPoint));
        _high = Vector256.Create((float)(max - zeroPoint));
        _zeroPoint = Vector256.Create((short)zeroPoint);
    }

    // A static readonly permutation would cost a class-initialization check (a call) in methods compiled without
    // tiering (AggressiveOptimization), and a call forces the tiles' accumulators to spill; Vector256.Create is a constant.

    /// <summary>Requantizes sums for 16 consecutive channels (<paramref name="lo"/>: 0–7, <paramref name="hi"/>: 8–15).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public unsafe Vector128<sbyte> Apply(Vector256<int> lo, Vector256<int> hi, float* multipliers)
    {
        var f0 = Avx.Min(Avx.Max(Avx.ConvertToVector256Single(lo) * Vector256.Load(multipliers), _low), _high);
        var f1 = Avx.Min(Avx.Max(Avx.ConvertToVector256Single(hi) * Vector256.Load(multipliers + 8), _low), _high);
        // Lane-wise packs give 16-bit order 0–3 8–11 | 4–7 12–15; the byte pack repeats it, and one dword permute restores 0–15.
        var s16 = Avx2.PackSignedSaturate(Avx.ConvertToVector256Int32(f0), Avx.ConvertToVector256Int32(f1)) + _zeroPoint;
        var s8 = Avx2.PackSignedSaturate(s16, s16);
        return Avx2.PermuteVar8x32(s8.AsInt32(), Vector256.Create(0, 4, 1, 5, 2, 6, 3, 7)).AsSByte().GetLower();
    }

    /// <summary>Requantizes sums for 8 consecutive channels; the result is their 8 bytes, first channel lowest.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public unsafe long Apply8(Vector256<int> sums, float* multipliers)
    {
        var f = Avx.Min(Avx.Max(Avx.ConvertToVector256Single(sums) * Vector256.Load(multipliers), _low), _high);
        var q = Avx.ConvertToVector256Int32(f);
        var s16 = Avx2.PackSignedSaturate(q, q) + _zeroPoint;
        var s8 = Avx2.PackSignedSaturate(s16, s16);
        return Avx2.PermuteVar8x32(s8.AsInt32(), Vector256.Create(0, 4, 1, 5, 2, 6, 3, 7)).AsInt64().ToScalar();
    }

    /// <summary>Stores the first <paramref name="count"/> of 16 values (a panel's last, partial columns).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void StorePartial(Vector128<sbyte> values, sbyte* dst, int count)
    {
        for (int i = 0; i < count; i++) dst[i] = values.GetElement(i);
    }
}
