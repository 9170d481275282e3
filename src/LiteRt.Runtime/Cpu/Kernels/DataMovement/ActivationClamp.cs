using System.Numerics;
using System.Numerics.Tensors;
using LiteRt.Format.Schema;
using LiteRt.Graph;
using LiteRt.Runtime.Execution;

namespace LiteRt.Runtime.Cpu.Kernels.DataMovement;

/// <summary>
/// A fused activation (RELU, RELU_N1_TO_1, RELU6) applied in place to an output tensor as a clamp on stored
/// values: real bounds for float/integer tensors, bounds on the quantization grid for quantized ones.
/// </summary>
internal sealed class ActivationClamp
{
    private readonly double _lo, _hi;
    private readonly TensorType _type;

    private ActivationClamp(double lo, double hi, TensorType type)
    {
        _lo = lo;
        _hi = hi;
        _type = type;
    }

    /// <summary>Null for NONE; a node error for activations or types it cannot apply.</summary>
    public static ActivationClamp? Create(PreparedNode node, ActivationFunctionType act, RuntimeTensor output)
    {
        (double lo, double hi) = act switch
        {
            ActivationFunctionType.None => (double.NaN, double.NaN),
            ActivationFunctionType.Relu => (0.0, double.PositiveInfinity),
            ActivationFunctionType.ReluN1To1 => (-1.0, 1.0),
            ActivationFunctionType.Relu6 => (0.0, 6.0),
            _ => throw node.Error($"fused activation {act} is not supported"),
        };
        if (act == ActivationFunctionType.None) return null;
        var type = output.Type;
        if (type is not (TensorType.Float32 or TensorType.Uint8 or TensorType.Int8 or TensorType.Int16 or TensorType.Int32 or TensorType.Int64))
            throw node.Error($"a fused activation on a {type.Name()} output is not supported");
        if (output.Quantization is not null && type != TensorType.Float32)
        {
            var (min, max) = type.IntegerRange();
            lo = Math.Max(min, LayoutRequantization.Quantize(lo, output));
            hi = double.IsPositiveInfinity(hi) ? max : Math.Min(max, LayoutRequantization.Quantize(hi, output));
        }
        return new ActivationClamp(lo, hi, type);
    }

    public void Apply(RuntimeTensor output)
    {
        switch (_type)
        {
            case TensorType.Float32:
                var f = output.AsSpan<float>();
                TensorPrimitives.Max(f, (float)_lo, f);
                if (!double.IsPositiveInfinity(_hi)) TensorPrimitives.Min(f, (float)_hi, f);
                break;
            case TensorType.Uint8: Clamp(output.AsSpan<byte>()); break;
            case TensorType.Int8: Clamp(output.AsSpan<sbyte>()); break;
            case TensorType.Int16: Clamp(output.AsSpan<short>()); break;
            case TensorType.Int32: Clamp(output.AsSpan<int>()); break;
            case TensorType.Int64: Clamp(output.AsSpan<long>()); break;
        }
    }

    private void Clamp<T>(Span<T> values) where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T>
    {
        T lo = double.IsNegativeInfinity(_lo) ? T.MinValue : T.CreateSaturating(_lo);
        T hi = double.IsPositiveInfinity(_hi) ? T.MaxValue : T.CreateSaturating(_hi);
        for (int i = 0; i < values.Length; i++)
        {
            T v = values[i];
            values[i] = v < lo ? lo : v > hi ? hi : v;
        }
    }
}
