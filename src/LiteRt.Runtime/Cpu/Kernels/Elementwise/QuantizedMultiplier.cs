using System.Runtime.CompilerServices;

namespace LiteRt.Runtime.Cpu.Kernels;

/// <summary>
/// TFLite's fixed-point requantization arithmetic (quantization_util / gemmlowp): a real multiplier as a Q31
/// mantissa and a power-of-two exponent, and the bit-exact integer multiply that applies it (double rounding, the
/// default TFLite build). Shared by every quantized kernel.
/// </summary>
public static class QuantizedMultiplier
{
    /// <summary>
    /// Splits <paramref name="real"/> (≥ 0) into <c>multiplier · 2^(shift − 31)</c> with multiplier in [2^30, 2^31)
    /// (0 for 0). Multipliers below about 2^-31 flush to zero, as in TFLite.
    /// </summary>
    public static (int Multiplier, int Shift) Quantize(double real)
    {
        if (real < 0 || double.IsNaN(real) || double.IsInfinity(real))
            throw new ArgumentOutOfRangeException(nameof(real), real, "a quantized multiplier must be finite and non-negative");
        if (real == 0) return (0, 0);
        int shift = Math.ILogB(real) + 1;                // frexp: real = q · 2^shift, q in [0.5, 1)
        double q = Math.ScaleB(real, -shift);
        long fixedQ = (long)Math.Round(q * (1L << 31), MidpointRounding.AwayFromZero);
        if (fixedQ == 1L << 31)
        {
            fixedQ /= 2;
            shift++;
        }
        if (shift < -31) return (0, 0);
        if (shift > 30) throw new ArgumentOutOfRangeException(nameof(real), real, "multiplier too large to requantize");
        return ((int)fixedQ, shift);
    }

    /// <summary>gemmlowp's SaturatingRoundingDoublingHighMul: round(a · b / 2^31), saturating the single overflow case.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int SaturatingRoundingDoublingHighMul(int a, int b)
    {
        if (a == b && a == int.MinValue) return int.MaxValue;
        long ab = (long)a * b;
        long nudge = ab >= 0 ? 1 << 30 : 1 - (1 << 30);
        return (int)((ab + nudge) / (1L << 31)); // C division truncates toward zero, as in gemmlowp
    }

    /// <summary>gemmlowp's RoundingDivideByPOT: x / 2^exponent rounded half away from zero.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int RoundingDivideByPOT(int x, int exponent)
    {
        int mask = (int)((1L << exponent) - 1);
        int remainder = x & mask;
        int threshold = (mask >> 1) + (x < 0 ? 1 : 0);
        return (x >> exponent) + (remainder > threshold ? 1 : 0);
    }

    /// <summary>TFLite's MultiplyByQuantizedMultiplier: x · multiplier · 2^(shift − 31), rounded.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Multiply(int x, int multiplier, int shift)
    {
        int leftShift = shift > 0 ? shift : 0;
        int rightShift = shift > 0 ? 0 : -shift;
        return RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(x * (1 << leftShift), multiplier), rightShift);
    }

    /// <summary>
    /// TFLite's 64-bit-input MultiplyByQuantizedMultiplier (used by 16-bit kernels): the multiplier reduced to 16 bits,
    /// one rounding shift. |x| must be below 2^47 and the result must fit in 32 bits.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Multiply(long x, int multiplier, int shift)
    {
        int reduced = multiplier < 0x7FFF0000 ? (multiplier + (1 << 15)) >> 16 : 0x7FFF;
        int totalShift = 15 - shift;
        long round = 1L << (totalShift - 1);
        return (int)((x * reduced + round) >> totalShift);
    }

    /// <summary>Precomputed multiplier for a real scale factor, applied with <see cref="Apply"/>.</summary>
    public readonly record struct Fixed(int Multiplier, int Shift)
    {
        public static Fixed From(double real)
        {
            var (m, s) = Quantize(real);
            return new Fixed(m, s);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public int Apply(int x) => Multiply(x, Multiplier, Shift);
    }
}
