using System.Numerics;
using System.Numerics.Tensors;
using LiteRt.Graph.Catalog;

namespace LiteRt.Runtime.Cpu.Kernels;

/// <summary>Attributes of a unary op, parsed in Prepare.</summary>
public sealed class UnaryParams
{
    /// <summary>LEAKY_RELU's alpha.</summary>
    public float Alpha { get; init; }
    /// <summary>GELU's approximate flag (tanh approximation).</summary>
    public bool Approximate { get; init; }
}

/// <summary>A unary elementwise op on plain numbers, over a whole tensor.</summary>
public interface IUnaryOp<T>
{
    static abstract void Apply(ReadOnlySpan<T> x, Span<T> y, UnaryParams p);
}

public readonly struct ReluOp : IUnaryOp<float>
{
    public static void Apply(ReadOnlySpan<float> x, Span<float> y, UnaryParams p) => TensorPrimitives.Max(x, 0f, y);
}

public readonly struct Relu6Op : IUnaryOp<float>
{
    public static void Apply(ReadOnlySpan<float> x, Span<float> y, UnaryParams p)
    {
        TensorPrimitives.Max(x, 0f, y);
        TensorPrimitives.Min(y, 6f, y);
    }
}

public readonly struct ReluN1To1Op : IUnaryOp<float>
{
    public static void Apply(ReadOnlySpan<float> x, Span<float> y, UnaryParams p)
    {
        TensorPrimitives.Max(x, -1f, y);
        TensorPrimitives.Min(y, 1f, y);
    }
}

/// <summary>x &gt; 0 ? x : alpha · x.</summary>
public readonly struct LeakyReluOp : IUnaryOp<float>
{
    public static void Apply(ReadOnlySpan<float> x, Span<float> y, UnaryParams p)
    {
        float alpha = p.Alpha;
        for (int i = 0; i < y.Length; i++)
        {
            float v = x[i];
            y[i] = v > 0 ? v : v * alpha;
        }
    }
}

public readonly struct LogisticOp : IUnaryOp<float>
{
    public static void Apply(ReadOnlySpan<float> x, Span<float> y, UnaryParams p) => TensorPrimitives.Sigmoid(x, y);
}

public readonly struct TanhOp : IUnaryOp<float>
{
    public static void Apply(ReadOnlySpan<float> x, Span<float> y, UnaryParams p) => TensorPrimitives.Tanh(x, y);
}

/// <summary>x · min(6, max(0, x + 3)) / 6, as TFLite's float kernel computes it.</summary>
public readonly struct HardSwishOp : IUnaryOp<float>
{
    public static void Apply(ReadOnlySpan<float> x, Span<float> y, UnaryParams p)
    {
        for (int i = 0; i < y.Length; i++)
        {
            float v = x[i];
            y[i] = v * MathF.Min(6f, MathF.Max(0f, v + 3f)) / 6f;
        }
    }
}

/// <summary>GELU, exact (erfc) or tanh-approximated, evaluated in double per element.</summary>
public readonly struct GeluOp : IUnaryOp<float>
{
    public static void Apply(ReadOnlySpan<float> x, Span<float> y, UnaryParams p)
    {
        if (p.Approximate)
            for (int i = 0; i < y.Length; i++) y[i] = (float)ElementwiseFunctions.GeluTanh(x[i]);
        else
            for (int i = 0; i < y.Length; i++) y[i] = (float)ElementwiseFunctions.Gelu(x[i]);
    }
}

public readonly struct ExpOp : IUnaryOp<float>
{
    public static void Apply(ReadOnlySpan<float> x, Span<float> y, UnaryParams p) => TensorPrimitives.Exp(x, y);
}

public readonly struct LogOp : IUnaryOp<float>
{
    public static void Apply(ReadOnlySpan<float> x, Span<float> y, UnaryParams p) => TensorPrimitives.Log(x, y);
}

public readonly struct SqrtOp : IUnaryOp<float>
{
    public static void Apply(ReadOnlySpan<float> x, Span<float> y, UnaryParams p) => TensorPrimitives.Sqrt(x, y);
}

public readonly struct RsqrtOp : IUnaryOp<float>
{
    public static void Apply(ReadOnlySpan<float> x, Span<float> y, UnaryParams p) => TensorPrimitives.ReciprocalSqrt(x, y);
}

/// <summary>|x|; for integers the minimum value wraps to itself, like two's-complement negation.</summary>
public readonly struct AbsOp<T> : IUnaryOp<T> where T : unmanaged, INumber<T>
{
    public static void Apply(ReadOnlySpan<T> x, Span<T> y, UnaryParams p)
    {
        if (typeof(T) == typeof(float))
        {
            TensorPrimitives.Abs(x, y);
            return;
        }
        for (int i = 0; i < y.Length; i++)
        {
            T v = x[i];
            y[i] = T.IsNegative(v) ? T.Zero - v : v;
        }
    }
}

/// <summary>−x (integers wrap).</summary>
public readonly struct NegOp<T> : IUnaryOp<T> where T : unmanaged, INumber<T>
{
    public static void Apply(ReadOnlySpan<T> x, Span<T> y, UnaryParams p)
    {
        if (typeof(T) == typeof(float))
        {
            TensorPrimitives.Negate(x, y);
            return;
        }
        for (int i = 0; i < y.Length; i++) y[i] = T.Zero - x[i];
    }
}
