using LiteRt.Format.Schema;

namespace LiteRt.Graph.Catalog;

/// <summary>
/// Attributes of sliding-window ops (CONV_2D, DEPTHWISE_CONV_2D, TRANSPOSE_CONV, AVERAGE/MAX_POOL_2D) read from the
/// options table with the schema's defaults, validated once. Shared by shape functions, reference and CPU kernels.
/// </summary>
public readonly record struct WindowAttributes(
    Padding Padding, int StrideHeight, int StrideWidth, int DilationHeight, int DilationWidth,
    int FilterHeight, int FilterWidth, ActivationFunctionType Activation)
{
    /// <summary>Conv2DOptions / DepthwiseConv2DOptions / TransposeConvOptions (filter size comes from the weights).</summary>
    public static WindowAttributes ReadConv(Operation op, string? node)
    {
        var a = new WindowAttributes(
            (Padding)op.IntAttr("padding", (int)Padding.Same),
            op.IntAttr("stride_h", 1), op.IntAttr("stride_w", 1),
            op.IntAttr("dilation_h_factor", 1), op.IntAttr("dilation_w_factor", 1),
            0, 0, op.FusedActivation);
        a.Validate(node, checkFilter: false);
        return a;
    }

    /// <summary>Pool2DOptions.</summary>
    public static WindowAttributes ReadPool(Operation op, string? node)
    {
        var a = new WindowAttributes(
            (Padding)op.IntAttr("padding", (int)Padding.Same),
            op.IntAttr("stride_h", 1), op.IntAttr("stride_w", 1), 1, 1,
            op.IntAttr("filter_height", 1), op.IntAttr("filter_width", 1), op.FusedActivation);
        a.Validate(node, checkFilter: true);
        return a;
    }

    private void Validate(string? node, bool checkFilter)
    {
        if (Padding is not (Padding.Same or Padding.Valid)) throw new LiteRtModelException($"unknown padding {(int)Padding}", node);
        if (StrideHeight <= 0 || StrideWidth <= 0)
            throw new LiteRtModelException($"strides must be positive (stride_h={StrideHeight}, stride_w={StrideWidth})", node);
        if (DilationHeight <= 0 || DilationWidth <= 0)
            throw new LiteRtModelException($"dilation factors must be positive (h={DilationHeight}, w={DilationWidth})", node);
        if (checkFilter && (FilterHeight <= 0 || FilterWidth <= 0))
            throw new LiteRtModelException($"filter size must be positive (filter_height={FilterHeight}, filter_width={FilterWidth})", node);
        ActivationClamp.Require(Activation, node);
    }
}
