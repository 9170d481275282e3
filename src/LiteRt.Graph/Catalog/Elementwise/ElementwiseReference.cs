namespace LiteRt.Graph.Catalog;

/// <summary>Reference-kernel helpers: NumPy broadcasting of two inputs, and elementwise maps.</summary>
public static class ElementwiseReference
{
    /// <summary>
    /// Element strides of <paramref name="input"/> seen through <paramref name="output"/>'s index space under NumPy
    /// broadcasting (shapes aligned at the right; 0 along broadcast dims).
    /// </summary>
    public static long[] BroadcastStrides(int[] input, int[] output)
    {
        var strides = new long[output.Length];
        long acc = 1;
        for (int d = output.Length - 1, k = input.Length - 1; d >= 0; d--, k--)
        {
            int dim = k >= 0 ? input[k] : 1;
            strides[d] = dim == 1 ? 0 : acc;
            acc *= Math.Max(dim, 0);
        }
        return strides;
    }

    /// <summary>out = f(in0, in1) with broadcasting; the output shape is already the broadcast shape.</summary>
    public static void Binary(ReferenceContext ctx, Func<double, double, double> f)
    {
        RefTensor a = ctx.Input(0), b = ctx.Input(1), o = ctx.Output(0);
        int rank = o.Rank;
        long[] sa = BroadcastStrides(a.Shape, o.Shape), sb = BroadcastStrides(b.Shape, o.Shape);
        for (int i = 0; i < o.Length; i++)
        {
            long offA = 0, offB = 0, rem = i;
            for (int d = rank - 1; d >= 0; d--)
            {
                long c = rem % o.Shape[d];
                rem /= o.Shape[d];
                offA += c * sa[d];
                offB += c * sb[d];
            }
            o.Data[i] = f(a.Data[offA], b.Data[offB]);
        }
    }

    /// <summary>out = f(in0), same shape.</summary>
    public static void Unary(ReferenceContext ctx, Func<double, double> f)
    {
        RefTensor x = ctx.Input(0), o = ctx.Output(0);
        for (int i = 0; i < o.Length; i++) o.Data[i] = f(x.Data[i]);
    }

    /// <summary>Shape rule of broadcasting binary ops: NumPy broadcast of the two input shapes.</summary>
    public static void BroadcastShape(ShapeContext ctx)
    {
        int[] a = ctx.InputShape(0), b = ctx.InputShape(1);
        var shape = Shapes.Broadcast(a, b) ?? throw ctx.Error($"shapes {Shapes.Format(a)} and {Shapes.Format(b)} do not broadcast");
        ctx.SetOutputShape(0, shape);
    }

    /// <summary>Shape rule of unary ops: the output has the input's shape.</summary>
    public static void SameShape(ShapeContext ctx) => ctx.SetOutputShape(0, (int[])ctx.InputShape(0).Clone());
}
