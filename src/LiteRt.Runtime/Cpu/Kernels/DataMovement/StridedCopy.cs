using LiteRt.Runtime.Execution;

namespace LiteRt.Runtime.Cpu.Kernels.DataMovement;

/// <summary>
/// A precomputed N-D strided copy, element-size generic:
/// <c>dst[DstBase + Σ i_k·DstStrides[k]] = src[SrcBase + Σ i_k·SrcStrides[k]]</c> for every index i within
/// <see cref="Dims"/>. Strides are in elements and may be zero or negative (broadcast, reversed slices).
/// Size-1 dims are dropped and dims contiguous in both tensors are merged, so the innermost loop is as long as
/// possible. Serves TRANSPOSE, SLICE, STRIDED_SLICE and PAD; useful to any kernel that moves sub-blocks.
/// </summary>
internal sealed class CopyPlan
{
    private CopyPlan(int[] dims, long[] srcStrides, long srcBase, long[] dstStrides, long dstBase, bool empty)
    {
        Dims = dims;
        SrcStrides = srcStrides;
        SrcBase = srcBase;
        DstStrides = dstStrides;
        DstBase = dstBase;
        IsEmpty = empty;
    }

    public int[] Dims { get; }
    public long[] SrcStrides { get; }
    public long SrcBase { get; }
    public long[] DstStrides { get; }
    public long DstBase { get; }
    /// <summary>Nothing to copy (some dim is 0).</summary>
    public bool IsEmpty { get; }

    public static CopyPlan Create(ReadOnlySpan<int> dims, ReadOnlySpan<long> srcStrides, long srcBase, ReadOnlySpan<long> dstStrides, long dstBase)
    {
        var d = new List<int>(dims.Length);
        var s = new List<long>(dims.Length);
        var t = new List<long>(dims.Length);
        bool empty = false;
        for (int i = 0; i < dims.Length; i++)
        {
            if (dims[i] == 0) empty = true;
            if (dims[i] == 1) continue;
            int last = d.Count - 1;
            if (last >= 0 && s[last] == srcStrides[i] * dims[i] && t[last] == dstStrides[i] * dims[i])
            {
                d[last] *= dims[i];
                s[last] = srcStrides[i];
                t[last] = dstStrides[i];
                continue;
            }
            d.Add(dims[i]);
            s.Add(srcStrides[i]);
            t.Add(dstStrides[i]);
        }
        if (d.Count == 0)
        {
            d.Add(1);
            s.Add(1);
            t.Add(1);
        }
        return new CopyPlan([.. d], [.. s], srcBase, [.. t], dstBase, empty);
    }

    /// <summary>Row-major strides (in elements) of a shape.</summary>
    public static long[] RowMajorStrides(ReadOnlySpan<int> shape)
    {
        var r = new long[shape.Length];
        long acc = 1;
        for (int i = shape.Length - 1; i >= 0; i--)
        {
            r[i] = acc;
            acc *= shape[i];
        }
        return r;
    }
}

internal static class StridedCopy
{
    /// <summary>Runs <paramref name="plan"/> from <paramref name="src"/> to <paramref name="dst"/> (same element type).</summary>
    public static void Run(CopyPlan plan, RuntimeTensor src, RuntimeTensor dst, int elementSize, byte[]? table)
    {
        if (plan.IsEmpty) return;
        switch (elementSize)
        {
            case 1:
                if (table is null) Run(plan, src.AsReadOnlySpan<byte>(), dst.AsSpan<byte>(), default(CopyMover<byte>));
                else Run(plan, src.AsReadOnlySpan<byte>(), dst.AsSpan<byte>(), new ByteTableMover(table));
                break;
            case 2: Run(plan, src.AsReadOnlySpan<ushort>(), dst.AsSpan<ushort>(), default(CopyMover<ushort>)); break;
            case 4: Run(plan, src.AsReadOnlySpan<uint>(), dst.AsSpan<uint>(), default(CopyMover<uint>)); break;
            case 8: Run(plan, src.AsReadOnlySpan<ulong>(), dst.AsSpan<ulong>(), default(CopyMover<ulong>)); break;
            default: throw new InvalidOperationException($"unsupported element size {elementSize}");
        }
    }

    public static void Run<T, TMover>(CopyPlan plan, ReadOnlySpan<T> src, Span<T> dst, TMover mover)
        where T : unmanaged where TMover : struct, IElementMover<T>
    {
        if (plan.IsEmpty) return;
        var dims = plan.Dims;
        var ss = plan.SrcStrides;
        var ds = plan.DstStrides;
        int rank = dims.Length;
        int inner = dims[rank - 1];
        long si = ss[rank - 1], di = ds[rank - 1];
        bool contiguous = si == 1 && di == 1;
        Span<int> index = stackalloc int[rank];
        long s = plan.SrcBase, d = plan.DstBase;
        while (true)
        {
            if (contiguous)
            {
                mover.Move(src.Slice((int)s, inner), dst.Slice((int)d, inner));
            }
            else
            {
                long a = s, b = d;
                for (int j = 0; j < inner; j++, a += si, b += di) dst[(int)b] = mover.One(src[(int)a]);
            }
            int k = rank - 2;
            for (; k >= 0; k--)
            {
                s += ss[k];
                d += ds[k];
                if (++index[k] < dims[k]) break;
                s -= ss[k] * dims[k];
                d -= ds[k] * dims[k];
                index[k] = 0;
            }
            if (k < 0) return;
        }
    }
}
