namespace LiteRt.Graph.Catalog;

/// <summary>
/// Builtin ops added for model import (ONNX → LiteRT): rounding and trigonometric math, comparisons and logic,
/// selection, more reductions, tiling/broadcasting, gather/scatter by coordinates, space/depth rearrangement,
/// cumulative sums, top-k, local response normalization and 3-D convolution.
/// </summary>
internal static class ExtraOps
{
    public static void Register(Action<OpDefinition> add)
    {
        ExtraElementwiseOps.Register(add);
        ExtraDataOps.Register(add);
        ExtraNeuralNetOps.Register(add);
    }
}
