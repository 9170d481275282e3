namespace LiteRt.Runtime.Cpu.Kernels;

/// <summary>
/// The inner loop of a broadcasting binary op over one contiguous run of outputs: both inputs contiguous, or one of
/// them a single value repeated. Implemented by structs so the JIT specialises <see cref="BroadcastPlan.Run"/>.
/// </summary>
public interface IBroadcastBody<TA, TB, TOut>
{
    void VectorVector(ReadOnlySpan<TA> a, ReadOnlySpan<TB> b, Span<TOut> output);
    void ScalarVector(TA a, ReadOnlySpan<TB> b, Span<TOut> output);
    void VectorScalar(ReadOnlySpan<TA> a, TB b, Span<TOut> output);
}

/// <summary>
/// NumPy broadcasting of two row-major inputs to an output, compiled once (in Prepare) into the fewest loops:
/// size-1 output dims are dropped and neighbouring dims with the same broadcast pattern merged, so equal shapes
/// become one contiguous run and e.g. [N,H,W,C] + [C] becomes N·H·W runs of C. <see cref="Run"/> allocates nothing.
/// </summary>
public sealed class BroadcastPlan
{
    private readonly int[] _dims;       // collapsed output dims, outer → inner; the last is the contiguous run
    private readonly int[] _strideA;    // element strides of A per collapsed dim (0 = broadcast)
    private readonly int[] _strideB;

    private BroadcastPlan(int[] dims, int[] strideA, int[] strideB, long outputCount)
    {
        _dims = dims;
        _strideA = strideA;
        _strideB = strideB;
        OutputCount = outputCount;
    }

    public long OutputCount { get; }
    /// <summary>Length of each contiguous run of outputs.</summary>
    public int InnerSize => _dims[^1];
    /// <summary>True when neither input is broadcast (one run over the whole output).</summary>
    public bool IsElementwise => _dims.Length == 1 && _strideA[0] == 1 && _strideB[0] == 1;

    /// <summary>Plans out = f(a, b) for shapes that broadcast to <paramref name="output"/>; null when they do not.</summary>
    public static BroadcastPlan? TryCreate(ReadOnlySpan<int> a, ReadOnlySpan<int> b, ReadOnlySpan<int> output)
    {
        int rank = output.Length;
        if (a.Length > rank || b.Length > rank) return null;
        long count = 1;
        foreach (int d in output) count *= d;

        // Per output dim: the input dims (1 where missing), skipping size-1 output dims.
        var dims = new List<int>(rank);
        var bcA = new List<bool>(rank);
        var bcB = new List<bool>(rank);
        var inA = new List<int>(rank);
        var inB = new List<int>(rank);
        for (int d = 0; d < rank; d++)
        {
            int da = d - (rank - a.Length) >= 0 ? a[d - (rank - a.Length)] : 1;
            int db = d - (rank - b.Length) >= 0 ? b[d - (rank - b.Length)] : 1;
            int dout = output[d];
            if ((da != dout && da != 1) || (db != dout && db != 1)) return null;
            if (dout == 1) continue;
            bool xa = da != dout, xb = db != dout;
            if (dims.Count > 0 && bcA[^1] == xa && bcB[^1] == xb)
            {
                dims[^1] *= dout;
                inA[^1] *= da;
                inB[^1] *= db;
            }
            else
            {
                dims.Add(dout);
                bcA.Add(xa);
                bcB.Add(xb);
                inA.Add(da);
                inB.Add(db);
            }
        }
        if (dims.Count == 0)
        {
            // Every dim is 1 (or rank 0): a single element.
            return new BroadcastPlan([1], [1], [1], count);
        }
        int n = dims.Count;
        var sa = new int[n];
        var sb = new int[n];
        long accA = 1, accB = 1;
        for (int k = n - 1; k >= 0; k--)
        {
            sa[k] = bcA[k] ? 0 : checked((int)accA);
            sb[k] = bcB[k] ? 0 : checked((int)accB);
            accA *= inA[k];
            accB *= inB[k];
        }
        return new BroadcastPlan(dims.ToArray(), sa, sb, count);
    }

    /// <summary>Runs <paramref name="body"/> over every contiguous run of the output.</summary>
    public void Run<TA, TB, TOut, TBody>(ref TBody body, ReadOnlySpan<TA> a, ReadOnlySpan<TB> b, Span<TOut> output)
        where TBody : struct, IBroadcastBody<TA, TB, TOut>
    {
        if (OutputCount == 0) return;
        int n = _dims.Length, inner = _dims[n - 1];
        int innerA = _strideA[n - 1], innerB = _strideB[n - 1];
        if (n == 1)
        {
            Dispatch(ref body, a, b, output[..inner], innerA, innerB, inner);
            return;
        }
        int outerRank = n - 1;
        Span<int> counter = stackalloc int[outerRank];
        counter.Clear();
        long runs = OutputCount / inner;
        int offA = 0, offB = 0, offOut = 0;
        for (long r = 0; r < runs; r++, offOut += inner)
        {
            Dispatch(ref body, a[offA..], b[offB..], output.Slice(offOut, inner), innerA, innerB, inner);
            for (int d = outerRank - 1; d >= 0; d--)
            {
                offA += _strideA[d];
                offB += _strideB[d];
                if (++counter[d] < _dims[d]) break;
                counter[d] = 0;
                offA -= _strideA[d] * _dims[d];
                offB -= _strideB[d] * _dims[d];
            }
        }
    }

    private static void Dispatch<TA, TB, TOut, TBody>(ref TBody body, ReadOnlySpan<TA> a, ReadOnlySpan<TB> b, Span<TOut> output,
        int strideA, int strideB, int inner)
        where TBody : struct, IBroadcastBody<TA, TB, TOut>
    {
        if (strideA == 0) body.ScalarVector(a[0], b[..inner], output);
        else if (strideB == 0) body.VectorScalar(a[..inner], b[0], output);
        else body.VectorVector(a[..inner], b[..inner], output);
    }

    public override string ToString() =>
        $"runs of {InnerSize} over [{string.Join(",", _dims)}] a:[{string.Join(",", _strideA)}] b:[{string.Join(",", _strideB)}]";
}
