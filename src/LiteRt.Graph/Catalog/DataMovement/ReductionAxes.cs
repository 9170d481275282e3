namespace LiteRt.Graph.Catalog;

/// <summary>
/// Axis lists of reductions (MEAN, SUM, REDUCE_MAX…): negative axes count from the end, duplicates are allowed
/// and count once; the output keeps reduced dims as 1 (keep_dims) or drops them.
/// </summary>
public static class ReductionAxes
{
    /// <summary>Which dims of a rank-<paramref name="rank"/> input are reduced; throws <see cref="ArgumentException"/> on a bad axis.</summary>
    public static bool[] Mask(ReadOnlySpan<int> axes, int rank)
    {
        var mask = new bool[rank];
        foreach (int a in axes)
        {
            int n = a < 0 ? a + rank : a;
            if (n < 0 || n >= rank) throw new ArgumentException($"reduction axis {a} is out of range for rank {rank}");
            mask[n] = true;
        }
        return mask;
    }

    /// <summary>The output shape of reducing <paramref name="input"/> over <paramref name="mask"/>.</summary>
    public static int[] OutputShape(ReadOnlySpan<int> input, ReadOnlySpan<bool> mask, bool keepDims)
    {
        var r = new List<int>(input.Length);
        for (int i = 0; i < input.Length; i++)
        {
            if (!mask[i]) r.Add(input[i]);
            else if (keepDims) r.Add(1);
        }
        return [.. r];
    }
}
