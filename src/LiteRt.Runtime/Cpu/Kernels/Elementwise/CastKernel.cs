using System.Numerics;
using LiteRt.Format.Schema;
using LiteRt.Runtime.Execution;

namespace LiteRt.Runtime.Cpu.Kernels;

/// <summary>
/// CAST between FLOAT32, FLOAT16, INT32, INT64, UINT8, INT8, INT16 and BOOL on stored values (quantization ignored,
/// as in TFLite): float → integer truncates toward zero (saturating instead of C++'s undefined behaviour), integer
/// narrowing wraps, float narrowing rounds to nearest, anything → BOOL is x ≠ 0.
/// </summary>
public static class CastKernel
{
    public static bool Supports(TensorType t) => t is TensorType.Float32 or TensorType.Float16 or TensorType.Int32
        or TensorType.Int64 or TensorType.Uint8 or TensorType.Int8 or TensorType.Int16 or TensorType.Bool;

    public static void Prepare(PreparedNode node)
    {
        RuntimeTensor x = node.Input(0), y = node.Output(0);
        if (!Supports(x.Type) || !Supports(y.Type)) throw node.Error($"cannot cast {x.Type.Name()} to {y.Type.Name()}");
        if (x.ElementCount != y.ElementCount) throw node.Error($"output {y} does not have the shape of input {x}");
    }

    public static void Eval(PreparedNode node)
    {
        RuntimeTensor x = node.Input(0), y = node.Output(0);
        switch (x.Type)
        {
            case TensorType.Float32: From(x.AsReadOnlySpan<float>(), y); break;
            case TensorType.Float16: From(x.AsReadOnlySpan<Half>(), y); break;
            case TensorType.Int32: From(x.AsReadOnlySpan<int>(), y); break;
            case TensorType.Int64: From(x.AsReadOnlySpan<long>(), y); break;
            case TensorType.Uint8: From(x.AsReadOnlySpan<byte>(), y); break;
            case TensorType.Int8: From(x.AsReadOnlySpan<sbyte>(), y); break;
            case TensorType.Int16: From(x.AsReadOnlySpan<short>(), y); break;
            case TensorType.Bool: From(x.AsReadOnlySpan<byte>(), y); break;
            default: throw node.Error($"cannot cast from {x.Type.Name()}");
        }
    }

    private static void From<TIn>(ReadOnlySpan<TIn> x, RuntimeTensor y) where TIn : unmanaged, INumberBase<TIn>
    {
        switch (y.Type)
        {
            case TensorType.Float32: Convert(x, y.AsSpan<float>()); break;
            case TensorType.Float16: Convert(x, y.AsSpan<Half>()); break;
            case TensorType.Int32: Convert(x, y.AsSpan<int>()); break;
            case TensorType.Int64: Convert(x, y.AsSpan<long>()); break;
            case TensorType.Uint8: Convert(x, y.AsSpan<byte>()); break;
            case TensorType.Int8: Convert(x, y.AsSpan<sbyte>()); break;
            case TensorType.Int16: Convert(x, y.AsSpan<short>()); break;
            case TensorType.Bool:
                var b = y.AsSpan<byte>();
                for (int i = 0; i < b.Length; i++) b[i] = x[i] != TIn.Zero ? (byte)1 : (byte)0;
                break;
            default: throw new InvalidOperationException($"cannot cast to {y.Type.Name()}");
        }
    }

    private static void Convert<TIn, TOut>(ReadOnlySpan<TIn> x, Span<TOut> y)
        where TIn : unmanaged, INumberBase<TIn>
        where TOut : unmanaged, INumberBase<TOut>
    {
        bool floatIn = typeof(TIn) == typeof(float) || typeof(TIn) == typeof(Half);
        bool floatOut = typeof(TOut) == typeof(float) || typeof(TOut) == typeof(Half);
        if (floatIn && !floatOut)
        {
            for (int i = 0; i < y.Length; i++) y[i] = TIn.IsNaN(x[i]) ? TOut.Zero : TOut.CreateSaturating(x[i]);
        }
        else if (typeof(TIn) == typeof(float) && typeof(TOut) == typeof(Half))
        {
            var src = System.Runtime.InteropServices.MemoryMarshal.Cast<TIn, float>(x);
            var dst = System.Runtime.InteropServices.MemoryMarshal.Cast<TOut, Half>(y);
            for (int i = 0; i < dst.Length; i++) dst[i] = (Half)src[i];
        }
        else
        {
            for (int i = 0; i < y.Length; i++) y[i] = TOut.CreateTruncating(x[i]);
        }
    }
}
