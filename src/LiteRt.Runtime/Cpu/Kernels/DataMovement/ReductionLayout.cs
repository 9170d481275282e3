namespace LiteRt.Runtime.Cpu.Kernels.DataMovement;

/// <summary>
/// A reduction over some dims of a row-major tensor, collapsed for speed: size-1 dims dropped, adjacent dims
/// that are both reduced or both kept merged. Walking the input in order, each innermost run of
/// <c>Dims[^1]</c> contiguous elements either folds into one output element (<see cref="InnerReduced"/>) or
/// adds element-wise onto a run of outputs starting at the current output offset.
/// </summary>
internal sealed class ReductionLayout
{
    private ReductionLayout(int[] dims, long[] outStrides, bool innerReduced, long reducedCount, bool inputEmpty)
    {
        Dims = dims;
        OutStrides = outStrides;
        InnerReduced = innerReduced;
        ReducedCount = reducedCount;
        InputEmpty = inputEmpty;
    }

    public int[] Dims { get; }
    /// <summary>Output offset step per collapsed dim (0 for reduced dims).</summary>
    public long[] OutStrides { get; }
    public bool InnerReduced { get; }
    /// <summary>Input elements that fold into each output element.</summary>
    public long ReducedCount { get; }
    public bool InputEmpty { get; }

    public static ReductionLayout Create(ReadOnlySpan<int> shape, ReadOnlySpan<bool> reduced)
    {
        var dims = new List<int>();
        var flags = new List<bool>();
        long count = 1;
        bool empty = false;
        for (int i = 0; i < shape.Length; i++)
        {
            if (reduced[i]) count *= shape[i];
            if (shape[i] == 0) empty = true;
            if (shape[i] == 1) continue;
            if (flags.Count > 0 && flags[^1] == reduced[i]) dims[^1] *= shape[i];
            else
            {
                dims.Add(shape[i]);
                flags.Add(reduced[i]);
            }
        }
        if (dims.Count == 0)
        {
            dims.Add(1);
            flags.Add(false);
        }
        var strides = new long[dims.Count];
        long acc = 1;
        for (int i = dims.Count - 1; i >= 0; i--)
        {
            if (flags[i]) continue;
            strides[i] = acc;
            acc *= dims[i];
        }
        return new ReductionLayout([.. dims], strides, flags[^1], count, empty);
    }
}

/// <summary>Folds one innermost run of input elements into the accumulators at an output offset.</summary>
internal unsafe interface IRunReducer<T> where T : unmanaged
{
    void Fold(T* run, int length, long outOffset);
    void Spread(T* run, int length, long outOffset);
}

internal static unsafe class ReductionWalker
{
    public static void Walk<T, TReducer>(ReductionLayout layout, T* input, ref TReducer reducer)
        where T : unmanaged where TReducer : struct, IRunReducer<T>
    {
        if (layout.InputEmpty) return;
        var dims = layout.Dims;
        var strides = layout.OutStrides;
        int rank = dims.Length;
        int inner = dims[rank - 1];
        bool fold = layout.InnerReduced;
        Span<int> index = stackalloc int[rank];
        long inOffset = 0, outOffset = 0;
        while (true)
        {
            if (fold) reducer.Fold(input + inOffset, inner, outOffset);
            else reducer.Spread(input + inOffset, inner, outOffset);
            inOffset += inner;
            int k = rank - 2;
            for (; k >= 0; k--)
            {
                outOffset += strides[k];
                if (++index[k] < dims[k]) break;
                outOffset -= strides[k] * dims[k];
                index[k] = 0;
            }
            if (k < 0) return;
        }
    }
}
