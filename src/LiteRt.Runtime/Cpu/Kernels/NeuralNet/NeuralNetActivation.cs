using System.Numerics.Tensors;

namespace LiteRt.Runtime.Cpu.Kernels.NeuralNet;

/// <summary>
/// Applies fused-activation clamps to float rows (ranges from the shared <see cref="FusedActivation"/>; TANH and
/// SIGN_BIT are rejected earlier, by the shape functions via <see cref="Graph.Catalog.ActivationClamp"/>).
/// </summary>
internal static class NeuralNetActivation
{
    /// <summary>Clamps <paramref name="values"/> in place (no-op for infinite bounds).</summary>
    public static void Clamp(Span<float> values, float min, float max)
    {
        if (!float.IsNegativeInfinity(min)) TensorPrimitives.Max(values, min, values);
        if (!float.IsPositiveInfinity(max)) TensorPrimitives.Min(values, max, values);
    }
}
