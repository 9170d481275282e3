using LiteRt.Format.Schema;

namespace LiteRt.Graph.Catalog;

/// <summary>
/// Fused activations of the NeuralNet family as clamps on real values (TFLite's <c>CalculateActivationRange</c>):
/// NONE, RELU [0, ∞), RELU_N1_TO_1 [-1, 1], RELU6 [0, 6]. TANH and SIGN_BIT are not fusable into these ops.
/// </summary>
public static class ActivationClamp
{
    public static bool IsSupported(ActivationFunctionType a) =>
        a is ActivationFunctionType.None or ActivationFunctionType.Relu or ActivationFunctionType.ReluN1To1 or ActivationFunctionType.Relu6;

    public static void Require(ActivationFunctionType a, string? node)
    {
        if (!IsSupported(a)) throw new LiteRtModelException($"fused activation {a} is not supported by this op", node);
    }

    /// <summary>The real interval the activation clamps to (infinite bounds where it does not clamp).</summary>
    public static (double Min, double Max) Range(ActivationFunctionType a) => a switch
    {
        ActivationFunctionType.Relu => (0, double.PositiveInfinity),
        ActivationFunctionType.ReluN1To1 => (-1, 1),
        ActivationFunctionType.Relu6 => (0, 6),
        _ => (double.NegativeInfinity, double.PositiveInfinity),
    };

    public static double Apply(double v, ActivationFunctionType a)
    {
        if (a == ActivationFunctionType.None) return v;
        var (min, max) = Range(a);
        return Math.Min(Math.Max(v, min), max);
    }

    public static void Apply(Span<double> values, ActivationFunctionType a)
    {
        if (a == ActivationFunctionType.None) return;
        for (int i = 0; i < values.Length; i++) values[i] = Apply(values[i], a);
    }
}
