using LiteRt.Format.Schema;

namespace LiteRt.Graph.Catalog;

/// <summary>
/// Output size and padding of a sliding window (convolution, pooling, transpose convolution) along one spatial
/// axis, with TFLite's formulas (<c>ComputeOutSize</c>, <c>ComputePaddingWithOffset</c>): SAME gives
/// <c>ceil(in / stride)</c> outputs and pads the excess evenly, the odd element going after (bottom/right);
/// VALID uses only full windows and never pads. Shared by shape functions, reference kernels and CPU kernels.
/// </summary>
public static class ConvGeometry
{
    /// <summary>Extent of a dilated filter: <c>(filter − 1) · dilation + 1</c>.</summary>
    public static int EffectiveFilterSize(int filterSize, int dilation) => (filterSize - 1) * dilation + 1;

    /// <summary>
    /// Number of window positions: SAME <c>(in + stride − 1) / stride</c>, VALID
    /// <c>(in + stride − effective) / stride</c> (never negative). -1 when the input size is unknown (-1).
    /// </summary>
    public static int OutputSize(Padding padding, int inputSize, int filterSize, int stride, int dilation = 1)
    {
        if (inputSize < 0 || filterSize < 0) return -1;
        if (stride <= 0) return 0;
        int effective = EffectiveFilterSize(filterSize, dilation);
        int size = padding switch
        {
            Padding.Same => (inputSize + stride - 1) / stride,
            Padding.Valid => (inputSize + stride - effective) / stride,
            _ => 0,
        };
        return Math.Max(size, 0);
    }

    /// <summary>
    /// Padding before the first element (top/left) for <paramref name="outputSize"/> windows; the total padding is
    /// <c>max((out − 1) · stride + effective − in, 0)</c>, of which <paramref name="offset"/> (0 or 1) extra goes after.
    /// </summary>
    public static int PaddingBefore(int stride, int dilation, int inputSize, int filterSize, int outputSize, out int offset)
    {
        int effective = EffectiveFilterSize(filterSize, dilation);
        int total = (outputSize - 1) * stride + effective - inputSize;
        total = Math.Max(total, 0);
        offset = total % 2;
        return total / 2;
    }

    /// <summary>Output size and padding of a 2-D window over an NHWC image (TFLite's <c>ComputePaddingHeightWidth</c>).</summary>
    public static ConvWindow Window2D(Padding padding, int inputHeight, int inputWidth, int filterHeight, int filterWidth,
        int strideHeight, int strideWidth, int dilationHeight = 1, int dilationWidth = 1)
    {
        int outH = OutputSize(padding, inputHeight, filterHeight, strideHeight, dilationHeight);
        int outW = OutputSize(padding, inputWidth, filterWidth, strideWidth, dilationWidth);
        int padTop = 0, padLeft = 0, offH = 0, offW = 0;
        if (outH >= 0 && inputHeight >= 0) padTop = PaddingBefore(strideHeight, dilationHeight, inputHeight, filterHeight, outH, out offH);
        if (outW >= 0 && inputWidth >= 0) padLeft = PaddingBefore(strideWidth, dilationWidth, inputWidth, filterWidth, outW, out offW);
        return new ConvWindow(outH, outW, padTop, padLeft, padTop + offH, padLeft + offW);
    }

    /// <summary>
    /// Padding of a transpose convolution producing an <paramref name="outputHeight"/> × <paramref name="outputWidth"/>
    /// image: TFLite computes it as for the forward convolution whose input is that output (dilation 1).
    /// </summary>
    public static ConvWindow TransposeWindow2D(Padding padding, int outputHeight, int outputWidth, int filterHeight, int filterWidth,
        int strideHeight, int strideWidth) =>
        Window2D(padding, outputHeight, outputWidth, filterHeight, filterWidth, strideHeight, strideWidth);
}

/// <summary>
/// A 2-D window geometry: output size (the number of window positions) and padding. Window position
/// <c>o</c> covers input rows <c>o · stride − PadTop + k · dilation</c>; rows outside the input are padding.
/// </summary>
public readonly record struct ConvWindow(int OutputHeight, int OutputWidth, int PadTop, int PadLeft, int PadBottom, int PadRight);
