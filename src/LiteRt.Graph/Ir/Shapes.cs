namespace LiteRt.Graph;

/// <summary>Shape arithmetic shared by shape inference, kernels and tools. -1 marks an unknown dim.</summary>
public static class Shapes
{
    /// <summary>Product of dims; -1 if any dim is unknown; throws on overflow.</summary>
    public static long ElementCount(ReadOnlySpan<int> shape)
    {
        long n = 1;
        foreach (int d in shape)
        {
            if (d < 0) return -1;
            n = checked(n * d);
        }
        return n;
    }

    public static bool IsKnown(ReadOnlySpan<int> shape)
    {
        foreach (int d in shape) if (d < 0) return false;
        return true;
    }

    /// <summary>NumPy-style broadcast of two shapes; null when they are incompatible.</summary>
    public static int[]? Broadcast(ReadOnlySpan<int> a, ReadOnlySpan<int> b)
    {
        int rank = Math.Max(a.Length, b.Length);
        var r = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            int da = i < rank - a.Length ? 1 : a[i - (rank - a.Length)];
            int db = i < rank - b.Length ? 1 : b[i - (rank - b.Length)];
            if (da == db) r[i] = da;
            else if (da == 1) r[i] = db;
            else if (db == 1) r[i] = da;
            else if (da < 0 || db < 0) r[i] = Math.Max(da, db) > 1 ? Math.Max(da, db) : -1;
            else return null;
        }
        return r;
    }

    /// <summary>Row-major strides in elements.</summary>
    public static long[] Strides(ReadOnlySpan<int> shape)
    {
        var s = new long[shape.Length];
        long acc = 1;
        for (int i = shape.Length - 1; i >= 0; i--)
        {
            s[i] = acc;
            acc *= Math.Max(shape[i], 0);
        }
        return s;
    }

    /// <summary>Normalises a possibly negative axis; throws <see cref="ArgumentOutOfRangeException"/> if outside the rank.</summary>
    public static int NormalizeAxis(int axis, int rank)
    {
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= Math.Max(rank, 1)) throw new ArgumentOutOfRangeException(nameof(axis), $"axis {axis} is outside rank {rank}");
        return a;
    }

    public static string Format(ReadOnlySpan<int> shape) => "[" + string.Join(",", shape.ToArray()) + "]";

    public static bool SequenceEqual(ReadOnlySpan<int> a, ReadOnlySpan<int> b) => a.SequenceEqual(b);
}
