namespace LiteRt.Graph.Catalog;

/// <summary>
/// Source coordinates of RESIZE_BILINEAR and RESIZE_NEAREST_NEIGHBOR, computed in float32 exactly as TFLite does
/// (the rounding of nearest-neighbour indices depends on it). Shared by the reference and CPU kernels.
/// </summary>
public static class ResizeGeometry
{
    /// <summary>Input/output size ratio: <c>(in − 1) / (out − 1)</c> with align_corners (and out &gt; 1), else <c>in / out</c>.</summary>
    public static float Scale(int inputSize, int outputSize, bool alignCorners) =>
        alignCorners && outputSize > 1 ? (inputSize - 1) / (float)(outputSize - 1) : inputSize / (float)outputSize;

    /// <summary>
    /// TFLite's <c>ComputeInterpolationValues</c>: the source position of output index <paramref name="index"/>
    /// (half_pixel_centers: <c>(i + 0.5) · scale − 0.5</c>, else <c>i · scale</c>), the two neighbours
    /// <c>max(floor, 0)</c> and <c>min(ceil, in − 1)</c>, and the weight of the upper one, <c>position − lower</c>
    /// (the lower one weighs <c>1 − that</c>).
    /// </summary>
    public static (int Lower, int Upper, float UpperWeight) Bilinear(int index, float scale, bool halfPixelCenters, int inputSize)
    {
        float position = halfPixelCenters ? (index + 0.5f) * scale - 0.5f : index * scale;
        int lower = Math.Max((int)MathF.Floor(position), 0);
        int upper = Math.Min((int)MathF.Ceiling(position), inputSize - 1);
        return (lower, upper, position - lower);
    }

    /// <summary>TFLite's <c>GetNearestNeighbor</c>: the input index output index <paramref name="index"/> copies.</summary>
    public static int Nearest(int index, int inputSize, int outputSize, bool alignCorners, bool halfPixelCenters)
    {
        float scale = Scale(inputSize, outputSize, alignCorners);
        float offset = halfPixelCenters ? 0.5f : 0f;
        float position = (index + offset) * scale;
        int value = alignCorners ? (int)MathF.Round(position, MidpointRounding.AwayFromZero) : (int)MathF.Floor(position);
        value = Math.Min(value, inputSize - 1);
        if (halfPixelCenters) value = Math.Max(0, value);
        return value;
    }
}
