using LiteRt.Format.Schema;

namespace LiteRt.Graph.Catalog;

/// <summary>
/// Attributes of FULLY_CONNECTED, SOFTMAX and RESIZE_* read from their options tables with the schema's defaults and
/// validated; shared by shape functions, reference kernels and CPU kernels (see <see cref="WindowAttributes"/> for
/// the sliding-window ops).
/// </summary>
public static class NeuralNetAttributes
{
    /// <summary>FullyConnectedOptions: keep_num_dims and the fused activation (shuffled weights formats are rejected).</summary>
    public static (bool KeepNumDims, ActivationFunctionType Activation) FullyConnected(Operation op, string? node)
    {
        int format = op.IntAttr("weights_format", 0);
        if (format != 0) throw new LiteRtModelException($"weights_format {format} (shuffled weights) is not supported", node);
        var act = op.FusedActivation;
        ActivationClamp.Require(act, node);
        return (op.BoolAttr("keep_num_dims"), act);
    }

    /// <summary>The softmax beta: the option's value, 1 when the op has no options table at all.</summary>
    public static float SoftmaxBeta(Operation op) => op.Options is null ? 1f : op.FloatAttr("beta", 1f);

    /// <summary>ResizeBilinearOptions / ResizeNearestNeighborOptions: (align_corners, half_pixel_centers).</summary>
    public static (bool AlignCorners, bool HalfPixelCenters) Resize(Operation op, string? node)
    {
        bool align = op.BoolAttr("align_corners"), half = op.BoolAttr("half_pixel_centers");
        if (op.Op == BuiltinOperator.ResizeBilinear && align && half)
            throw new LiteRtModelException("half_pixel_centers requires align_corners to be false", node);
        return (align, half);
    }
}
