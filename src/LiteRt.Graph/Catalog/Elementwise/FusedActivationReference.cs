using LiteRt.Format.Schema;

namespace LiteRt.Graph.Catalog;

/// <summary>
/// Fused activations (<c>fused_activation_function</c>) in the reference: clamps applied to real values before the
/// interpreter rounds to the output grid (which is what TFLite's quantized clamp computes). TANH and SIGN_BIT are
/// not clamps; TFLite's kernels ignore them, and the catalog rejects them in shape functions.
/// </summary>
public static class FusedActivationReference
{
    public static bool IsClamp(ActivationFunctionType activation) => activation is ActivationFunctionType.None
        or ActivationFunctionType.Relu or ActivationFunctionType.Relu6 or ActivationFunctionType.ReluN1To1;

    /// <summary>For shape functions: a model error when the op's fused activation is not a clamp.</summary>
    public static void Validate(ShapeContext ctx)
    {
        var a = ctx.Op.FusedActivation;
        ctx.Require(IsClamp(a), $"fused activation {a} is not supported (only NONE, RELU, RELU_N1_TO_1, RELU6)");
    }

    public static double Apply(double x, ActivationFunctionType activation) => activation switch
    {
        ActivationFunctionType.Relu => x < 0 ? 0 : x,
        ActivationFunctionType.Relu6 => x < 0 ? 0 : x > 6 ? 6 : x,
        ActivationFunctionType.ReluN1To1 => x < -1 ? -1 : x > 1 ? 1 : x,
        _ => x,
    };

    public static void Apply(Span<double> values, ActivationFunctionType activation)
    {
        if (activation == ActivationFunctionType.None) return;
        for (int i = 0; i < values.Length; i++) values[i] = Apply(values[i], activation);
    }
}
