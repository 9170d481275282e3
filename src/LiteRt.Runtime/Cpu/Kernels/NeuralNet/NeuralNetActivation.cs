using System.Numerics.Tensors;
using LiteRt.Format.Schema;
using LiteRt.Graph;

namespace LiteRt.Runtime.Cpu.Kernels.NeuralNet;

/// <summary>
/// Fused-activation clamps of the NeuralNet kernels (TFLite's <c>CalculateActivationRange</c> and
/// <c>CalculateActivationRangeQuantized</c>). TODO: switch to the Elementwise family's shared FusedActivation once
/// it is in main.
/// </summary>
internal static class NeuralNetActivation
{
    /// <summary>Float clamp interval (infinite bounds where the activation does not clamp).</summary>
    public static (float Min, float Max) FloatRange(ActivationFunctionType a) => a switch
    {
        ActivationFunctionType.None => (float.NegativeInfinity, float.PositiveInfinity),
        ActivationFunctionType.Relu => (0f, float.PositiveInfinity),
        ActivationFunctionType.ReluN1To1 => (-1f, 1f),
        ActivationFunctionType.Relu6 => (0f, 6f),
        _ => throw new LiteRtModelException($"fused activation {a} is not supported by this op"),
    };

    /// <summary>Quantized clamp interval: the type's range intersected with the quantized activation bounds.</summary>
    public static (int Min, int Max) QuantizedRange(ActivationFunctionType a, float scale, int zeroPoint, TensorType type)
    {
        var (tmin, tmax) = type.IntegerRange();
        int qmin = (int)tmin, qmax = (int)tmax;
        int Quantize(float f) => zeroPoint + (int)MathF.Round(f / scale, MidpointRounding.AwayFromZero);
        return a switch
        {
            ActivationFunctionType.None => (qmin, qmax),
            ActivationFunctionType.Relu => (Math.Max(qmin, Quantize(0f)), qmax),
            ActivationFunctionType.Relu6 => (Math.Max(qmin, Quantize(0f)), Math.Min(qmax, Quantize(6f))),
            ActivationFunctionType.ReluN1To1 => (Math.Max(qmin, Quantize(-1f)), Math.Min(qmax, Quantize(1f))),
            _ => throw new LiteRtModelException($"fused activation {a} is not supported by this op"),
        };
    }

    /// <summary>Clamps <paramref name="values"/> in place (no-op for infinite bounds).</summary>
    public static void Clamp(Span<float> values, float min, float max)
    {
        if (!float.IsNegativeInfinity(min)) TensorPrimitives.Max(values, min, values);
        if (!float.IsPositiveInfinity(max)) TensorPrimitives.Min(values, max, values);
    }
}
