namespace LiteRt.Graph.Catalog;

/// <summary>
/// STRIDED_SLICE resolved against an input shape, following LiteRT's kernel: the ellipsis expands to the dims the
/// index lists do not cover, new_axis_mask inserts size-1 dims, trailing dims not covered are taken whole, begins
/// and ends are made non-negative and clamped per stride direction (begin_mask/end_mask take the whole range),
/// <c>offset</c> makes end relative to begin, and shrink_axis_mask keeps exactly the element at begin and drops
/// the dim. Everything is expressed over the "effective" dims (input dims plus inserted axes).
/// </summary>
public sealed class StridedSliceSpec
{
    private StridedSliceSpec(int[] effectiveShape, int[] inputDimOf, int[] starts, int[] steps, int[] counts, bool[] shrink, int[] outputShape)
    {
        EffectiveShape = effectiveShape;
        InputDimOf = inputDimOf;
        Starts = starts;
        Steps = steps;
        Counts = counts;
        Shrink = shrink;
        OutputShape = outputShape;
    }

    /// <summary>The input shape with the inserted (new-axis) dims of size 1.</summary>
    public int[] EffectiveShape { get; }
    /// <summary>For each effective dim, the input dim it reads, or -1 for an inserted axis.</summary>
    public int[] InputDimOf { get; }
    /// <summary>First index read along each effective dim.</summary>
    public int[] Starts { get; }
    /// <summary>Step along each effective dim (negative walks backwards).</summary>
    public int[] Steps { get; }
    /// <summary>Elements taken along each effective dim (1 for shrunk and inserted dims; -1 when unknown).</summary>
    public int[] Counts { get; }
    /// <summary>Effective dims dropped from the output.</summary>
    public bool[] Shrink { get; }
    /// <summary>The output shape (-1 where the input dim is unknown).</summary>
    public int[] OutputShape { get; }

    private static bool Bit(int mask, int i) => i >= 0 && i < 32 && ((mask >> i) & 1) != 0;

    /// <summary>
    /// Resolves the slice. <paramref name="input"/> may hold -1 (unknown) dims during compilation: those dims get
    /// count -1. Throws <see cref="ArgumentException"/> with the reason for invalid index lists.
    /// </summary>
    public static StridedSliceSpec Build(ReadOnlySpan<int> input, ReadOnlySpan<int> begin, ReadOnlySpan<int> end, ReadOnlySpan<int> strides,
        int beginMask, int endMask, int ellipsisMask, int newAxisMask, int shrinkAxisMask, bool offset)
    {
        int beginCount = begin.Length;
        if (end.Length != beginCount || strides.Length != beginCount)
            throw new ArgumentException($"begin, end and strides must have the same length (got {begin.Length}, {end.Length}, {strides.Length})");
        if (beginCount > 31) throw new ArgumentException("STRIDED_SLICE supports at most 31 indices");
        int inputDims = input.Length;

        int numAddAxis = 0;
        for (int i = 0; i < beginCount; i++)
            if (!Bit(ellipsisMask, i) && Bit(newAxisMask, i)) numAddAxis++;
        int effDims = inputDims + numAddAxis;

        // Expand the ellipsis and place the inserted axes over the effective dims.
        var effEllipsis = new bool[effDims];
        var effNewAxis = new bool[effDims];
        int ellipsisStart = effDims, expandedEllipsis = 0;
        for (int i = 0; i < effDims;)
        {
            if (Bit(ellipsisMask, i))
            {
                ellipsisStart = i;
                int ellipsisEnd = Math.Max(i + 1, Math.Min(i + 1 + numAddAxis + inputDims - beginCount, effDims));
                expandedEllipsis = ellipsisEnd - ellipsisStart - 1;
                for (; i < ellipsisEnd; ++i) effEllipsis[i] = true;
                continue;
            }
            if (Bit(newAxisMask, i - expandedEllipsis)) effNewAxis[i] = true;
            ++i;
        }

        var effShape = new int[effDims];
        var inputDimOf = new int[effDims];
        var startIdx = new int[effDims];
        var stopIdx = new int[effDims];
        var step = new int[effDims];
        var bMask = new bool[effDims];
        var eMask = new bool[effDims];
        var shrink = new bool[effDims];
        int addedEllipsis = 0, addedAxes = 0;
        for (int i = 0; i < effDims; i++)
        {
            step[i] = 1;
            if (effNewAxis[i] && !effEllipsis[i])
            {
                startIdx[i] = 0;
                stopIdx[i] = 1;
                effShape[i] = 1;
                inputDimOf[i] = -1;
                addedAxes++;
                continue;
            }
            int inDim = i - addedAxes;
            if (inDim < 0 || inDim >= inputDims)
                throw new ArgumentException($"the index lists do not fit an input of rank {inputDims}");
            effShape[i] = input[inDim];
            inputDimOf[i] = inDim;
            if (effEllipsis[i])
            {
                addedEllipsis = Math.Max(0, i - ellipsisStart);
                bMask[i] = eMask[i] = true;
            }
            else if (i >= beginCount + expandedEllipsis)
            {
                bMask[i] = eMask[i] = true;
            }
            else
            {
                int orig = i - addedEllipsis;
                if (orig < 0 || orig >= beginCount)
                    throw new ArgumentException($"the index lists do not fit an input of rank {inputDims}");
                startIdx[i] = begin[orig];
                stopIdx[i] = end[orig];
                step[i] = strides[orig];
                bMask[i] = Bit(beginMask, orig);
                eMask[i] = Bit(endMask, orig);
                shrink[i] = Bit(shrinkAxisMask, orig);
            }
        }

        var starts = new int[effDims];
        var counts = new int[effDims];
        var output = new List<int>(effDims);
        for (int i = 0; i < effDims; i++)
        {
            int stride = step[i];
            if (stride == 0) throw new ArgumentException("stride value has to be non-zero");
            if (stride == int.MinValue) throw new ArgumentException("stride value INT32_MIN is not supported");
            int size = effShape[i];
            if (size < 0)
            {
                // Unknown during compilation.
                counts[i] = shrink[i] ? 1 : -1;
                if (!shrink[i]) output.Add(-1);
                continue;
            }

            int start = StartForAxis(startIdx[i], stride, size, bMask[i]);
            if (shrink[i])
            {
                // Exactly the element at begin (negative begins count from the end, as in LiteRT).
                if (start < 0 || start >= size)
                    throw new ArgumentException($"shrink index {startIdx[i]} is out of range for dimension {i} of size {size}");
                starts[i] = start;
                step[i] = 1;
                counts[i] = 1;
                continue;
            }
            int stop = EndForAxis(stopIdx[i], start, stride, size, eMask[i], offset);
            long d = (long)stop - start;
            long n;
            if ((d < 0) != (stride < 0)) n = 0;
            else if (stride < 0) n = (d + 1) / stride + 1;
            else n = d == 0 ? 0 : (d - 1) / stride + 1;
            if (n < 0 || n > int.MaxValue) throw new ArgumentException($"output dimension {i} overflows");
            starts[i] = n == 0 ? 0 : start;
            counts[i] = (int)n;
            output.Add((int)n);
        }
        return new StridedSliceSpec(effShape, inputDimOf, starts, step, counts, shrink, [.. output]);
    }

    private static int StartForAxis(int start, int stride, int size, bool masked)
    {
        if (start < 0) start += size;
        start = stride > 0 ? Math.Clamp(start, 0, size) : Math.Clamp(start, -1, size - 1);
        if (masked) start = stride > 0 ? 0 : size - 1;
        return start;
    }

    private static int EndForAxis(int end, int start, int stride, int size, bool masked, bool offset)
    {
        long e = end;
        if (offset) e += start;
        if (e < 0) e += size;
        e = stride > 0 ? Math.Clamp(e, 0, size) : Math.Clamp(e, -1, size - 1);
        if (masked) e = stride > 0 ? size : -1;
        return (int)e;
    }
}
