using System.Numerics;
using System.Numerics.Tensors;

namespace LiteRt.Runtime.Cpu.Kernels.Extra;

// Elementwise math of the Extra family, as IUnaryOp / IBinaryArithmetic structs for the shared Unary and Binary kernels.

public readonly struct FloorOp : IUnaryOp<float>
{
    public static void Apply(ReadOnlySpan<float> x, Span<float> y, UnaryParams p) => TensorPrimitives.Floor(x, y);
}

public readonly struct CeilOp : IUnaryOp<float>
{
    public static void Apply(ReadOnlySpan<float> x, Span<float> y, UnaryParams p) => TensorPrimitives.Ceiling(x, y);
}

/// <summary>Round half to even (TFLite's ROUND).</summary>
public readonly struct RoundOp : IUnaryOp<float>
{
    public static void Apply(ReadOnlySpan<float> x, Span<float> y, UnaryParams p)
    {
        for (int i = 0; i < y.Length; i++) y[i] = MathF.Round(x[i], MidpointRounding.ToEven);
    }
}

public readonly struct SinOp : IUnaryOp<float>
{
    public static void Apply(ReadOnlySpan<float> x, Span<float> y, UnaryParams p) => TensorPrimitives.Sin(x, y);
}

public readonly struct CosOp : IUnaryOp<float>
{
    public static void Apply(ReadOnlySpan<float> x, Span<float> y, UnaryParams p) => TensorPrimitives.Cos(x, y);
}

public readonly struct SquareOp : IUnaryOp<float>
{
    public static void Apply(ReadOnlySpan<float> x, Span<float> y, UnaryParams p) => TensorPrimitives.Multiply(x, x, y);
}

/// <summary>x &lt; 0 ? eˣ − 1 : x.</summary>
public readonly struct EluOp : IUnaryOp<float>
{
    public static void Apply(ReadOnlySpan<float> x, Span<float> y, UnaryParams p)
    {
        for (int i = 0; i < y.Length; i++)
        {
            float v = x[i];
            y[i] = v < 0 ? MathF.Exp(v) - 1 : v;
        }
    }
}

/// <summary>−1, 0, 1 (NaN stays NaN for floats).</summary>
public readonly struct SignOp<T> : IUnaryOp<T> where T : unmanaged, INumber<T>
{
    public static void Apply(ReadOnlySpan<T> x, Span<T> y, UnaryParams p)
    {
        for (int i = 0; i < y.Length; i++)
        {
            T v = x[i];
            y[i] = T.IsNaN(v) ? v : T.CreateTruncating(T.Sign(v));
        }
    }
}

/// <summary>⌊a / b⌋ (integer floor division; floats floor the quotient).</summary>
public readonly struct FloorDivOp<T> : IBinaryArithmetic<T> where T : unmanaged, INumber<T>
{
    public static T One(T a, T b)
    {
        if (typeof(T) == typeof(float)) return T.CreateTruncating(MathF.Floor(float.CreateTruncating(a) / float.CreateTruncating(b)));
        if (b == T.Zero) return T.Zero;
        T q = a / b;
        return (a % b != T.Zero) && ((a < T.Zero) != (b < T.Zero)) ? q - T.One : q;
    }

    public static void VectorVector(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> o)
    {
        for (int i = 0; i < o.Length; i++) o[i] = One(a[i], b[i]);
    }

    public static void ScalarVector(T a, ReadOnlySpan<T> b, Span<T> o)
    {
        for (int i = 0; i < o.Length; i++) o[i] = One(a, b[i]);
    }

    public static void VectorScalar(ReadOnlySpan<T> a, T b, Span<T> o)
    {
        for (int i = 0; i < o.Length; i++) o[i] = One(a[i], b);
    }
}

/// <summary>TFLite's FLOOR_MOD: the truncated remainder moved to the divisor's sign.</summary>
public readonly struct FloorModOp<T> : IBinaryArithmetic<T> where T : unmanaged, INumber<T>
{
    public static T One(T a, T b)
    {
        if (typeof(T) != typeof(float) && b == T.Zero) return T.Zero;
        T r = a % b;
        return r != T.Zero && (b < T.Zero) != (r < T.Zero) ? r + b : r;
    }

    public static void VectorVector(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> o)
    {
        for (int i = 0; i < o.Length; i++) o[i] = One(a[i], b[i]);
    }

    public static void ScalarVector(T a, ReadOnlySpan<T> b, Span<T> o)
    {
        for (int i = 0; i < o.Length; i++) o[i] = One(a, b[i]);
    }

    public static void VectorScalar(ReadOnlySpan<T> a, T b, Span<T> o)
    {
        for (int i = 0; i < o.Length; i++) o[i] = One(a[i], b);
    }
}

/// <summary>Integer division truncating toward zero (TFLite's DIV on int32); division by zero gives 0.</summary>
public readonly struct TruncDivOp<T> : IBinaryArithmetic<T> where T : unmanaged, INumber<T>
{
    private static T One(T a, T b) => b == T.Zero ? T.Zero : a / b;

    public static void VectorVector(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> o)
    {
        for (int i = 0; i < o.Length; i++) o[i] = One(a[i], b[i]);
    }

    public static void ScalarVector(T a, ReadOnlySpan<T> b, Span<T> o)
    {
        for (int i = 0; i < o.Length; i++) o[i] = One(a, b[i]);
    }

    public static void VectorScalar(ReadOnlySpan<T> a, T b, Span<T> o)
    {
        for (int i = 0; i < o.Length; i++) o[i] = One(a[i], b);
    }
}

/// <summary>atan2(a, b).</summary>
public readonly struct Atan2Op : IBinaryArithmetic<float>
{
    public static void VectorVector(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> o) => TensorPrimitives.Atan2(a, b, o);
    public static void ScalarVector(float a, ReadOnlySpan<float> b, Span<float> o) => TensorPrimitives.Atan2(a, b, o);
    public static void VectorScalar(ReadOnlySpan<float> a, float b, Span<float> o) => TensorPrimitives.Atan2(a, b, o);
}

/// <summary>a &gt;&gt; b (arithmetic for signed types; shifts past the width saturate to the sign).</summary>
public readonly struct RightShiftOp<T> : IBinaryArithmetic<T> where T : unmanaged, IBinaryInteger<T>
{
    private static T One(T a, T b)
    {
        int bits = System.Runtime.CompilerServices.Unsafe.SizeOf<T>() * 8;
        int s = int.CreateSaturating(b);
        if (s < 0) s = 0;
        if (s >= bits) s = bits - 1 + (T.IsNegative(a) ? 0 : 1);
        return s >= bits ? T.Zero : a >> s;
    }

    public static void VectorVector(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> o)
    {
        for (int i = 0; i < o.Length; i++) o[i] = One(a[i], b[i]);
    }

    public static void ScalarVector(T a, ReadOnlySpan<T> b, Span<T> o)
    {
        for (int i = 0; i < o.Length; i++) o[i] = One(a, b[i]);
    }

    public static void VectorScalar(ReadOnlySpan<T> a, T b, Span<T> o)
    {
        for (int i = 0; i < o.Length; i++) o[i] = One(a[i], b);
    }
}

/// <summary>a / b for floating-point types (IEEE: division by zero gives ±∞ or NaN).</summary>
public readonly struct FloatDivOp<T> : IBinaryArithmetic<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static void VectorVector(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> o) => TensorPrimitives.Divide(a, b, o);
    public static void ScalarVector(T a, ReadOnlySpan<T> b, Span<T> o) => TensorPrimitives.Divide(a, b, o);
    public static void VectorScalar(ReadOnlySpan<T> a, T b, Span<T> o) => TensorPrimitives.Divide(a, b, o);
}

/// <summary>
/// A broadcasting binary op on float64 (no fused activation: the shared arithmetic kernel derives clamp bounds that
/// only float32 and integer types have).
/// </summary>
public static class Float64BinaryKernel<TOp> where TOp : struct, IBinaryArithmetic<double>
{
    private struct Body : IBroadcastBody<double, double, double>
    {
        public readonly void VectorVector(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> o) => TOp.VectorVector(a, b, o);
        public readonly void ScalarVector(double a, ReadOnlySpan<double> b, Span<double> o) => TOp.ScalarVector(a, b, o);
        public readonly void VectorScalar(ReadOnlySpan<double> a, double b, Span<double> o) => TOp.VectorScalar(a, b, o);
    }

    public static void Prepare(LiteRt.Runtime.Execution.PreparedNode node)
    {
        var (a, b, o) = (node.Input(0), node.Input(1), node.Output(0));
        if (node.Op.FusedActivation != LiteRt.Format.Schema.ActivationFunctionType.None)
            throw node.Error("fused activations are not supported on float64");
        node.State = BroadcastPlan.TryCreate(a.Shape, b.Shape, o.Shape)
            ?? throw node.Error($"shapes {LiteRt.Graph.Shapes.Format(a.Shape)} and {LiteRt.Graph.Shapes.Format(b.Shape)} do not broadcast");
    }

    public static void Eval(LiteRt.Runtime.Execution.PreparedNode node)
    {
        var body = new Body();
        node.GetState<BroadcastPlan>().Run<double, double, double, Body>(ref body, node.Input(0).AsReadOnlySpan<double>(),
            node.Input(1).AsReadOnlySpan<double>(), node.Output(0).AsSpan<double>());
    }
}
