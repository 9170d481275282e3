using LiteRt.Format.Schema;
using LiteRt.Graph;

namespace LiteRt.Runtime.Cpu.Kernels;

/// <summary>
/// Fused activations (<c>fused_activation_function</c>) as clamp ranges, the way TFLite applies them
/// (<c>CalculateActivationRange</c> / <c>CalculateActivationRangeQuantized</c>): RELU clamps below at 0, RELU6 to
/// [0, 6], RELU_N1_TO_1 to [-1, 1]; on quantized outputs the bounds are quantized with the output's scale and zero
/// point (round half away from zero) and intersected with the storage type's range.
/// Shared by every family whose ops carry a fused activation.
/// </summary>
public static class FusedActivation
{
    /// <summary>
    /// True for the activations that are a clamp (NONE, RELU, RELU_N1_TO_1, RELU6). TANH and SIGN_BIT are not
    /// clamps; TFLite's kernels silently ignore them, ours reject them in Prepare (see <see cref="Validate"/>).
    /// </summary>
    public static bool IsClamp(ActivationFunctionType activation) => activation is ActivationFunctionType.None
        or ActivationFunctionType.Relu or ActivationFunctionType.Relu6 or ActivationFunctionType.ReluN1To1;

    /// <summary>Throws a model error naming the node when <paramref name="activation"/> is not a clamp.</summary>
    public static void Validate(ActivationFunctionType activation, Execution.PreparedNode node)
    {
        if (!IsClamp(activation))
            throw node.Error($"fused activation {activation} is not supported (only NONE, RELU, RELU_N1_TO_1, RELU6)");
    }

    /// <summary>Clamp range of a float output: NONE = (-inf, +inf), RELU = [0, +inf), RELU6 = [0, 6], RELU_N1_TO_1 = [-1, 1].</summary>
    public static (float Min, float Max) FloatRange(ActivationFunctionType activation) => activation switch
    {
        ActivationFunctionType.Relu => (0f, float.PositiveInfinity),
        ActivationFunctionType.Relu6 => (0f, 6f),
        ActivationFunctionType.ReluN1To1 => (-1f, 1f),
        _ => (float.NegativeInfinity, float.PositiveInfinity),
    };

    /// <summary>
    /// Clamp range of a quantized output of storage <paramref name="type"/> (INT8, UINT8, INT16, INT32): the type's
    /// range intersected with the activation's bounds quantized as <c>zero_point + round(bound / scale)</c>.
    /// </summary>
    public static (int Min, int Max) QuantizedRange(ActivationFunctionType activation, float scale, int zeroPoint, TensorType type)
    {
        var (lo, hi) = type.IntegerRange();
        int qmin = (int)Math.Max(lo, int.MinValue), qmax = (int)Math.Min(hi, int.MaxValue);
        int Quantize(float f) => (int)Math.Clamp(zeroPoint + (long)MathF.Round(f / scale, MidpointRounding.AwayFromZero), qmin, qmax);
        return activation switch
        {
            ActivationFunctionType.Relu => (Math.Max(qmin, Quantize(0f)), qmax),
            ActivationFunctionType.Relu6 => (Math.Max(qmin, Quantize(0f)), Math.Min(qmax, Quantize(6f))),
            ActivationFunctionType.ReluN1To1 => (Math.Max(qmin, Quantize(-1f)), Math.Min(qmax, Quantize(1f))),
            _ => (qmin, qmax),
        };
    }

    /// <summary>Clamp range of an integer (not quantized) output, e.g. INT32 ADD with RELU6 = [0, 6].</summary>
    public static (long Min, long Max) IntegerRange(ActivationFunctionType activation, TensorType type)
    {
        var (lo, hi) = type.IntegerRange();
        return activation switch
        {
            ActivationFunctionType.Relu => (0, hi),
            ActivationFunctionType.Relu6 => (0, 6),
            ActivationFunctionType.ReluN1To1 => (-1, 1),
            _ => (lo, hi),
        };
    }
}
