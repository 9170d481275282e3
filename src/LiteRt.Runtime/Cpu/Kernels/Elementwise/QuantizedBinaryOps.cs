using System.Runtime.CompilerServices;
using LiteRt.Format.Schema;

namespace LiteRt.Runtime.Cpu.Kernels;

/// <summary>
/// Requantization parameters of a quantized binary op (TFLite's ArithmeticParams): input offsets (−zero point),
/// output offset, fixed-point multipliers, and the clamp range (fused activation ∩ storage type).
/// </summary>
public sealed class QuantizedBinaryParams
{
    public int Input1Offset, Input2Offset, OutputOffset, LeftShift;
    public QuantizedMultiplier.Fixed Input1Multiplier, Input2Multiplier, OutputMultiplier;
    public int ActivationMin, ActivationMax;
    /// <summary>MAXIMUM/MINIMUM: inputs and output share scale and zero point, compare stored values directly.</summary>
    public bool SameParams;
}

/// <summary>The integer math of one quantized binary op on stored values (widened to int).</summary>
public interface IQuantizedBinaryOp
{
    /// <summary>Fills the multipliers for the given scales; throws <see cref="NotSupportedException"/> for unsupported parameters.</summary>
    static abstract void Prepare(QuantizedBinaryParams p, double scale1, double scale2, double outputScale, TensorType type);

    /// <summary>The clamped stored output value.</summary>
    static abstract int Apply(int x1, int x2, QuantizedBinaryParams p);

    /// <summary>Whether the op applies the node's fused activation.</summary>
    static abstract bool HasFusedActivation { get; }
}

/// <summary>
/// TFLite's quantized ADD / SUB: both inputs rescaled to a common fixed-point scale (left shift 20 for 8-bit,
/// 15 for 16-bit), added, and requantized to the output.
/// </summary>
public readonly struct QuantizedAddSub<TSign> : IQuantizedBinaryOp where TSign : struct, ISign
{
    public static bool HasFusedActivation => true;

    public static void Prepare(QuantizedBinaryParams p, double s1, double s2, double so, TensorType type)
    {
        p.LeftShift = type == TensorType.Int16 ? 15 : 20;
        if (type == TensorType.Int16 && (p.Input1Offset != 0 || p.Input2Offset != 0 || p.OutputOffset != 0))
            throw new NotSupportedException("16-bit quantized ADD/SUB needs zero points of 0");
        double twiceMax = 2 * Math.Max(s1, s2);
        p.Input1Multiplier = QuantizedMultiplier.Fixed.From(s1 / twiceMax);
        p.Input2Multiplier = QuantizedMultiplier.Fixed.From(s2 / twiceMax);
        p.OutputMultiplier = QuantizedMultiplier.Fixed.From(twiceMax / ((1 << p.LeftShift) * so));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Apply(int x1, int x2, QuantizedBinaryParams p)
    {
        int a = p.Input1Multiplier.Apply((x1 + p.Input1Offset) * (1 << p.LeftShift));
        int b = p.Input2Multiplier.Apply((x2 + p.Input2Offset) * (1 << p.LeftShift));
        int raw = p.OutputMultiplier.Apply(TSign.IsNegative ? a - b : a + b) + p.OutputOffset;
        return Math.Clamp(raw, p.ActivationMin, p.ActivationMax);
    }
}

/// <summary>Selects ADD or SUB in <see cref="QuantizedAddSub{TSign}"/>.</summary>
public interface ISign { static abstract bool IsNegative { get; } }
public readonly struct Plus : ISign { public static bool IsNegative => false; }
public readonly struct Minus : ISign { public static bool IsNegative => true; }

/// <summary>Selects MAXIMUM or MINIMUM in <see cref="QuantizedMaxMin{TKind}"/>.</summary>
public interface IMinMaxKind { static abstract bool IsMinimum { get; } }
public readonly struct TakeMax : IMinMaxKind { public static bool IsMinimum => false; }
public readonly struct TakeMin : IMinMaxKind { public static bool IsMinimum => true; }

/// <summary>TFLite's quantized MUL: (x1 − zp1)(x2 − zp2) requantized by s1·s2/s_out.</summary>
public readonly struct QuantizedMul : IQuantizedBinaryOp
{
    public static bool HasFusedActivation => true;

    public static void Prepare(QuantizedBinaryParams p, double s1, double s2, double so, TensorType type)
    {
        if (type == TensorType.Int16 && (p.Input1Offset != 0 || p.Input2Offset != 0))
            throw new NotSupportedException("16-bit quantized MUL needs input zero points of 0");
        p.OutputMultiplier = QuantizedMultiplier.Fixed.From(s1 * s2 / so);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Apply(int x1, int x2, QuantizedBinaryParams p)
    {
        int raw = p.OutputMultiplier.Apply((x1 + p.Input1Offset) * (x2 + p.Input2Offset)) + p.OutputOffset;
        return Math.Clamp(raw, p.ActivationMin, p.ActivationMax);
    }
}

/// <summary>
/// Quantized MAXIMUM / MINIMUM. With identical parameters everywhere (what converters emit, and all TFLite handles)
/// stored values are compared directly; otherwise each input is requantized to the output first (monotonic, so the
/// max of requantized values is the requantized max).
/// </summary>
public readonly struct QuantizedMaxMin<TKind> : IQuantizedBinaryOp where TKind : struct, IMinMaxKind
{
    public static bool HasFusedActivation => false;

    public static void Prepare(QuantizedBinaryParams p, double s1, double s2, double so, TensorType type)
    {
        p.SameParams = s1 == so && s2 == so && p.Input1Offset == -p.OutputOffset && p.Input2Offset == -p.OutputOffset;
        p.Input1Multiplier = QuantizedMultiplier.Fixed.From(s1 / so);
        p.Input2Multiplier = QuantizedMultiplier.Fixed.From(s2 / so);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Apply(int x1, int x2, QuantizedBinaryParams p)
    {
        if (!p.SameParams)
        {
            x1 = Math.Clamp(p.Input1Multiplier.Apply(x1 + p.Input1Offset) + p.OutputOffset, p.ActivationMin, p.ActivationMax);
            x2 = Math.Clamp(p.Input2Multiplier.Apply(x2 + p.Input2Offset) + p.OutputOffset, p.ActivationMin, p.ActivationMax);
        }
        return TKind.IsMinimum ? Math.Min(x1, x2) : Math.Max(x1, x2);
    }
}

/// <summary>TFLite's quantized SQUARED_DIFFERENCE (left shift 7): rescale both inputs, subtract, square, requantize.</summary>
public readonly struct QuantizedSquaredDifference : IQuantizedBinaryOp
{
    public static bool HasFusedActivation => false;

    public static void Prepare(QuantizedBinaryParams p, double s1, double s2, double so, TensorType type)
    {
        if (type == TensorType.Int16) throw new NotSupportedException("16-bit quantized SQUARED_DIFFERENCE is not supported");
        p.LeftShift = 7;
        double twiceMax = 2 * Math.Max(s1, s2);
        p.Input1Multiplier = QuantizedMultiplier.Fixed.From(s1 / twiceMax);
        p.Input2Multiplier = QuantizedMultiplier.Fixed.From(s2 / twiceMax);
        p.OutputMultiplier = QuantizedMultiplier.Fixed.From(twiceMax * twiceMax / ((1 << (2 * p.LeftShift)) * so));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Apply(int x1, int x2, QuantizedBinaryParams p)
    {
        int a = p.Input1Multiplier.Apply((x1 + p.Input1Offset) * (1 << p.LeftShift));
        int b = p.Input2Multiplier.Apply((x2 + p.Input2Offset) * (1 << p.LeftShift));
        int d = a - b;
        int raw = p.OutputMultiplier.Apply(d * d) + p.OutputOffset;
        return Math.Clamp(raw, p.ActivationMin, p.ActivationMax);
    }
}

/// <summary>
/// TFLite's quantized PRELU: x ≥ zp ? requant(x − zp, s_in/s_out) : requant((x − zp)(α − zp_α), s_in·s_α/s_out).
/// Input 2 is alpha. Uses <see cref="QuantizedBinaryParams.Input1Multiplier"/> for the identity branch.
/// </summary>
public readonly struct QuantizedPrelu : IQuantizedBinaryOp
{
    public static bool HasFusedActivation => false;

    public static void Prepare(QuantizedBinaryParams p, double s1, double s2, double so, TensorType type)
    {
        p.Input1Multiplier = QuantizedMultiplier.Fixed.From(s1 / so);
        p.OutputMultiplier = QuantizedMultiplier.Fixed.From(s1 * s2 / so);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Apply(int x1, int x2, QuantizedBinaryParams p)
    {
        int x = x1 + p.Input1Offset;
        int raw = x >= 0
            ? p.Input1Multiplier.Apply(x)
            : p.OutputMultiplier.Apply(x * (x2 + p.Input2Offset));
        return Math.Clamp(raw + p.OutputOffset, p.ActivationMin, p.ActivationMax);
    }
}
