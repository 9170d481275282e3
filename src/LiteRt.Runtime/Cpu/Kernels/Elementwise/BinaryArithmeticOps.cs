using System.Numerics;
using System.Numerics.Tensors;

namespace LiteRt.Runtime.Cpu.Kernels;

/// <summary>A vectorised binary op on plain (not quantized) numbers: the three shapes of a broadcast run.</summary>
public interface IBinaryArithmetic<T>
{
    static abstract void VectorVector(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> output);
    static abstract void ScalarVector(T a, ReadOnlySpan<T> b, Span<T> output);
    static abstract void VectorScalar(ReadOnlySpan<T> a, T b, Span<T> output);
}

public readonly struct AddOp<T> : IBinaryArithmetic<T> where T : unmanaged, INumber<T>
{
    public static void VectorVector(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> o) => TensorPrimitives.Add(a, b, o);
    public static void ScalarVector(T a, ReadOnlySpan<T> b, Span<T> o) => TensorPrimitives.Add(b, a, o);
    public static void VectorScalar(ReadOnlySpan<T> a, T b, Span<T> o) => TensorPrimitives.Add(a, b, o);
}

public readonly struct SubOp<T> : IBinaryArithmetic<T> where T : unmanaged, INumber<T>
{
    public static void VectorVector(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> o) => TensorPrimitives.Subtract(a, b, o);
    public static void ScalarVector(T a, ReadOnlySpan<T> b, Span<T> o) => TensorPrimitives.Subtract(a, b, o);
    public static void VectorScalar(ReadOnlySpan<T> a, T b, Span<T> o) => TensorPrimitives.Subtract(a, b, o);
}

public readonly struct MulOp<T> : IBinaryArithmetic<T> where T : unmanaged, INumber<T>
{
    public static void VectorVector(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> o) => TensorPrimitives.Multiply(a, b, o);
    public static void ScalarVector(T a, ReadOnlySpan<T> b, Span<T> o) => TensorPrimitives.Multiply(b, a, o);
    public static void VectorScalar(ReadOnlySpan<T> a, T b, Span<T> o) => TensorPrimitives.Multiply(a, b, o);
}

public readonly struct DivOp : IBinaryArithmetic<float>
{
    public static void VectorVector(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> o) => TensorPrimitives.Divide(a, b, o);
    public static void ScalarVector(float a, ReadOnlySpan<float> b, Span<float> o) => TensorPrimitives.Divide(a, b, o);
    public static void VectorScalar(ReadOnlySpan<float> a, float b, Span<float> o) => TensorPrimitives.Divide(a, b, o);
}

/// <summary>(a − b)².</summary>
public readonly struct SquaredDifferenceOp<T> : IBinaryArithmetic<T> where T : unmanaged, INumber<T>
{
    public static void VectorVector(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> o)
    {
        TensorPrimitives.Subtract(a, b, o);
        TensorPrimitives.Multiply(o, o, o);
    }

    public static void ScalarVector(T a, ReadOnlySpan<T> b, Span<T> o)
    {
        TensorPrimitives.Subtract(a, b, o);
        TensorPrimitives.Multiply(o, o, o);
    }

    public static void VectorScalar(ReadOnlySpan<T> a, T b, Span<T> o)
    {
        TensorPrimitives.Subtract(a, b, o);
        TensorPrimitives.Multiply(o, o, o);
    }
}

public readonly struct MaximumOp<T> : IBinaryArithmetic<T> where T : unmanaged, INumber<T>
{
    public static void VectorVector(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> o) => TensorPrimitives.Max(a, b, o);
    public static void ScalarVector(T a, ReadOnlySpan<T> b, Span<T> o) => TensorPrimitives.Max(b, a, o);
    public static void VectorScalar(ReadOnlySpan<T> a, T b, Span<T> o) => TensorPrimitives.Max(a, b, o);
}

public readonly struct MinimumOp<T> : IBinaryArithmetic<T> where T : unmanaged, INumber<T>
{
    public static void VectorVector(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> o) => TensorPrimitives.Min(a, b, o);
    public static void ScalarVector(T a, ReadOnlySpan<T> b, Span<T> o) => TensorPrimitives.Min(b, a, o);
    public static void VectorScalar(ReadOnlySpan<T> a, T b, Span<T> o) => TensorPrimitives.Min(a, b, o);
}

public readonly struct PowOp : IBinaryArithmetic<float>
{
    public static void VectorVector(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> o) => TensorPrimitives.Pow(a, b, o);
    public static void ScalarVector(float a, ReadOnlySpan<float> b, Span<float> o) => TensorPrimitives.Pow(a, b, o);
    public static void VectorScalar(ReadOnlySpan<float> a, float b, Span<float> o) => TensorPrimitives.Pow(a, b, o);
}

/// <summary>PRELU on floats: a ≥ 0 ? a : a · alpha.</summary>
public readonly struct PreluOp : IBinaryArithmetic<float>
{
    public static void VectorVector(ReadOnlySpan<float> a, ReadOnlySpan<float> alpha, Span<float> o)
    {
        for (int i = 0; i < o.Length; i++)
        {
            float x = a[i];
            o[i] = x >= 0 ? x : x * alpha[i];
        }
    }

    public static void ScalarVector(float a, ReadOnlySpan<float> alpha, Span<float> o)
    {
        if (a >= 0) o.Fill(a);
        else TensorPrimitives.Multiply(alpha, a, o);
    }

    public static void VectorScalar(ReadOnlySpan<float> a, float alpha, Span<float> o)
    {
        for (int i = 0; i < o.Length; i++)
        {
            float x = a[i];
            o[i] = x >= 0 ? x : x * alpha;
        }
    }
}
