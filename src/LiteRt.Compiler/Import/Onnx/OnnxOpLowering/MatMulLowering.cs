using LiteRt.Compiler.Ir;
using LiteRt.Format.Schema;
using LiteRt.Graph;
using static LiteRt.Compiler.Import.Onnx.OnnxOpLowering.ElementwiseLowering;

namespace LiteRt.Compiler.Import.Onnx.OnnxOpLowering;

/// <summary>
/// Gemm and MatMul: with constant 2-D weights → FULLY_CONNECTED (weights [N, K], alpha folded into them, a
/// broadcastable beta·C folded into the bias; MatMul keeps the leading dims with keep_num_dims); otherwise
/// BATCH_MATMUL. Einsum for the contractions that map onto BATCH_MATMUL / MUL / SUM / TRANSPOSE.
/// </summary>
internal static class MatMulLowering
{
    private static readonly TensorType[] F32 = [TensorType.Float32];

    public static void Register(Action<string, OnnxLowering> add)
    {
        add("Gemm", Gemm);
        add("MatMul", MatMul);
        add("Einsum", Einsum);
    }

    private static OptionsTable FcOptions(bool keepDims) =>
        IrBuilder.Options(BuiltinOptionsType.FullyConnectedOptions, ("keep_num_dims", keepDims));

    private static void Gemm(LoweringContext ctx)
    {
        var node = ctx.Node;
        int a = ctx.Required(0), bIn = ctx.Required(1), cIn = ctx.Input(2);
        float alpha = node.Float("alpha", 1f), beta = node.Float("beta", 1f);
        bool transA = node.Int("transA", 0) != 0, transB = node.Int("transB", 0) != 0;
        ctx.Output(0, ctx.Computed([a, bIn, cIn], F32, c => GemmCore(ctx, c[0], c[1], c[2], alpha, beta, transA, transB)));
    }

    private static int GemmCore(LoweringContext ctx, int a, int w, int c, float alpha, float beta, bool transA, bool transB)
    {
        var b = ctx.B;
        if (ctx.Rank(a) != 2 || ctx.Rank(w) != 2) throw ctx.Node.Unsupported("Gemm needs 2-D A and B");
        if (transA) a = b.Transpose(a, [1, 0], ctx.Name("a_t"));
        int n = transB ? ctx.Dims(w)[0] : ctx.Dims(w)[1];
        int y;
        int? bias = null;
        bool cFolded = false;
        if (ctx.IsConst(w))
        {
            // FULLY_CONNECTED weights are [N, K].
            int weights = transB ? w : b.Transpose(w, [1, 0], ctx.Name("weights"));
            if (alpha != 1) weights = Mul(ctx, weights, Const(ctx, alpha));
            if (c >= 0 && ctx.IsConst(c) && n >= 0 && BiasLike(ctx.Dims(c), n))
            {
                var v = b.Values(c);
                var bv = new double[n];
                for (int i = 0; i < n; i++) bv[i] = beta * v[v.Length == 1 ? 0 : i];
                bias = b.Const(ctx.Name("bias"), TensorType.Float32, [n], bv);
                cFolded = true;
            }
            y = b.Op(BuiltinOperator.FullyConnected, [a, weights, bias ?? -1], TensorType.Float32, FcOptions(false), ctx.Name("fully_connected"));
        }
        else
        {
            y = b.Op(BuiltinOperator.BatchMatmul, [a, w], TensorType.Float32,
                IrBuilder.Options(BuiltinOptionsType.BatchMatMulOptions, ("adj_y", transB)), ctx.Name("matmul"));
            if (alpha != 1) y = Mul(ctx, y, Const(ctx, alpha));
        }
        if (c >= 0 && !cFolded)
        {
            int cc = beta == 1 ? c : Mul(ctx, c, Const(ctx, beta));
            y = Add(ctx, y, cc);
        }
        return y;
    }

    /// <summary>A C operand that is one value per output column: [N], [1, N], [1], [] or [1, 1].</summary>
    private static bool BiasLike(int[] dims, int n) => dims switch
    {
        [] => true,
        [var d] => d == n || d == 1,
        [1, var d] => d == n || d == 1,
        _ => false,
    };

    private static void MatMul(LoweringContext ctx)
    {
        int a = ctx.Required(0), w = ctx.Required(1);
        ctx.Output(0, ctx.Computed([a, w], F32, c => MatMulCore(ctx, c[0], c[1])));
    }

    internal static int MatMulCore(LoweringContext ctx, int a, int w)
    {
        var b = ctx.B;
        int ra = ctx.Rank(a), rw = ctx.Rank(w);
        if (ra == 0 || rw == 0) throw ctx.Node.Error(ErrorCodes.InvalidGraph, "MatMul operands must have rank ≥ 1");
        var aDims = ctx.Dims(a);
        var wDims = ctx.Dims(w);
        if (ctx.IsConst(w) && rw <= 2)
        {
            // x @ W (W [K, N] or [K]) = FULLY_CONNECTED with weights Wᵀ [N, K], keeping x's leading dims.
            int k = wDims[0], n = rw == 2 ? wDims[1] : 1;
            int weights = rw == 2 ? b.Transpose(w, [1, 0], ctx.Name("weights")) : b.Reshape(w, [1, k], ctx.Name("weights"));
            int x = ra == 1 ? b.Reshape(a, [1, aDims[0]], ctx.Name("as_row")) : a;
            int y = b.Op(BuiltinOperator.FullyConnected, [x, weights, -1], TensorType.Float32, FcOptions(true), ctx.Name("fully_connected"));
            var yd = ctx.Dims(y);
            if (ra == 1 && rw == 2) y = b.Reshape(y, [n], ctx.Name("as_vector"));
            else if (rw == 1)
            {
                int[] lead = ra == 1 ? [] : yd[..^1];
                if (lead.Count(d => d < 0) > 1) throw ctx.Node.Error(ErrorCodes.DynamicShape, "MatMul by a vector with several dynamic dims");
                y = b.Reshape(y, lead, ctx.Name("drop_last"));
            }
            return y;
        }
        int lhs = ra == 1 ? b.Reshape(a, [1, aDims[0]], ctx.Name("as_row")) : a;
        int rhs = rw == 1 ? b.Reshape(w, [wDims[0], 1], ctx.Name("as_column")) : w;
        int r = b.Op(BuiltinOperator.BatchMatmul, [lhs, rhs], TensorType.Float32, IrBuilder.Options(BuiltinOptionsType.BatchMatMulOptions), ctx.Name("matmul"));
        if (ra == 1 || rw == 1)
        {
            var d = ctx.Dims(r).ToList();
            if (rw == 1) d.RemoveAt(d.Count - 1);
            if (ra == 1) d.RemoveAt(d.Count - (rw == 1 ? 1 : 2));
            if (d.Count(x => x < 0) > 1) throw ctx.Node.Error(ErrorCodes.DynamicShape, "MatMul of 1-D operands with several dynamic dims");
            r = b.Reshape(r, [.. d], ctx.Name("squeeze"));
        }
        return r;
    }

    // ---- Einsum ----

    private static void Einsum(LoweringContext ctx)
    {
        string eq = ctx.Node.String("equation", "").Replace(" ", "");
        int n = ctx.InputCount;
        var inputs = Enumerable.Range(0, n).Select(ctx.Required).ToArray();
        ctx.Output(0, ctx.Computed(inputs, F32, c => EinsumCore(ctx, eq, c)));
    }

    /// <summary>
    /// Einsum with one or two operands and no ellipsis: each operand's repeated labels (diagonals) are taken by
    /// GATHER_ND, labels absent from the output and from the other operand are summed, then the contraction is a
    /// BATCH_MATMUL over [batch, free, contracted] layouts, and the result is transposed to the output order.
    /// </summary>
    private static int EinsumCore(LoweringContext ctx, string eq, int[] inputs)
    {
        var b = ctx.B;
        string[] sides = eq.Split("->");
        string lhs = sides[0];
        string[] terms = lhs.Split(',');
        if (terms.Length != inputs.Length || terms.Length > 2 || eq.Contains("..."))
            throw ctx.Node.Unsupported($"Einsum '{eq}' is not supported (one or two operands without ellipsis are)");
        string output;
        if (sides.Length == 2) output = sides[1];
        else
        {
            var counts = lhs.Where(char.IsLetter).GroupBy(ch => ch).Where(g => g.Count() == 1).Select(g => g.Key).OrderBy(ch => ch);
            output = new string([.. counts]);
        }

        // Per operand: take diagonals of repeated labels, then sum labels used nowhere else.
        var ops = new List<(int T, string Labels)>();
        for (int i = 0; i < terms.Length; i++)
        {
            var (t, labels) = Diagonals(ctx, inputs[i], terms[i]);
            string others = output + string.Concat(terms.Where((_, j) => j != i));
            var sumAxes = labels.Select((ch, k) => (ch, k)).Where(p => !others.Contains(p.ch)).Select(p => p.k).ToArray();
            if (sumAxes.Length > 0)
            {
                t = b.Op(BuiltinOperator.Sum, [t, b.Int32s(ctx.Name("axes"), sumAxes)], TensorType.Float32,
                    IrBuilder.Options(BuiltinOptionsType.ReducerOptions, ("keep_dims", false)), ctx.Name("sum"));
                labels = new string(labels.Where((_, k) => !sumAxes.Contains(k)).ToArray());
            }
            ops.Add((t, labels));
        }

        int result;
        string resultLabels;
        if (ops.Count == 1) (result, resultLabels) = ops[0];
        else
        {
            var (x, xl) = ops[0];
            var (y, yl) = ops[1];
            string batch = new(xl.Where(ch => yl.Contains(ch) && output.Contains(ch)).ToArray());
            string contract = new(xl.Where(ch => yl.Contains(ch) && !output.Contains(ch)).ToArray());
            string xFree = new(xl.Where(ch => !yl.Contains(ch)).ToArray());
            string yFree = new(yl.Where(ch => !xl.Contains(ch)).ToArray());
            var dims = new Dictionary<char, int>();
            for (int k = 0; k < xl.Length; k++) dims[xl[k]] = ctx.Dims(x)[k];
            for (int k = 0; k < yl.Length; k++) dims[yl[k]] = ctx.Dims(y)[k];
            if (dims.Values.Any(d => d < 0)) throw ctx.Node.Error(ErrorCodes.DynamicShape, "Einsum needs known dims");
            int Prod(string s) => s.Aggregate(1, (p, ch) => p * dims[ch]);
            // x → [batch, xFree, contract], y → [batch, contract, yFree]
            int xt = Arrange(ctx, x, xl, batch + xFree + contract, [.. batch.Select(ch => dims[ch]), Prod(xFree), Prod(contract)]);
            int yt = Arrange(ctx, y, yl, batch + contract + yFree, [.. batch.Select(ch => dims[ch]), Prod(contract), Prod(yFree)]);
            int mm = b.Op(BuiltinOperator.BatchMatmul, [xt, yt], TensorType.Float32, IrBuilder.Options(BuiltinOptionsType.BatchMatMulOptions), ctx.Name("einsum_matmul"));
            resultLabels = batch + xFree + yFree;
            result = b.Reshape(mm, [.. resultLabels.Select(ch => dims[ch])], ctx.Name("einsum_unflatten"));
        }
        if (resultLabels.Length != output.Length || output.Any(ch => !resultLabels.Contains(ch)))
            throw ctx.Node.Unsupported($"Einsum '{eq}' is not supported");
        var perm = output.Select(ch => resultLabels.IndexOf(ch)).ToArray();
        return perm.SequenceEqual(Enumerable.Range(0, perm.Length)) ? result : b.Transpose(result, perm, ctx.Name("einsum_out"));
    }

    private static int Arrange(LoweringContext ctx, int t, string labels, string order, int[] shape)
    {
        var perm = order.Select(ch => labels.IndexOf(ch)).ToArray();
        if (!perm.SequenceEqual(Enumerable.Range(0, perm.Length))) t = ctx.B.Transpose(t, perm, ctx.Name("einsum_in"));
        return ctx.B.Reshape(t, shape, ctx.Name("einsum_flat"));
    }

    /// <summary>Takes the diagonal over every label that repeats within one operand (e.g. "ii" → "i").</summary>
    private static (int T, string Labels) Diagonals(LoweringContext ctx, int t, string labels)
    {
        var b = ctx.B;
        while (labels.GroupBy(ch => ch).FirstOrDefault(g => g.Count() > 1) is { } rep)
        {
            char ch = rep.Key;
            int first = labels.IndexOf(ch), second = labels.IndexOf(ch, first + 1);
            var dims = ctx.KnownDims(t, "the Einsum operand");
            // Move the two axes to the front, gather (i, i) pairs, then the diagonal axis leads.
            var rest = Enumerable.Range(0, labels.Length).Where(k => k != first && k != second).ToArray();
            int[] perm = [first, second, .. rest];
            int moved = b.Transpose(t, perm, ctx.Name("diag_t"));
            int n = dims[first];
            var idx = new double[n * 2];
            for (int i = 0; i < n; i++) { idx[2 * i] = i; idx[2 * i + 1] = i; }
            int coords = b.Const(ctx.Name("diag_idx"), TensorType.Int32, [n, 2], idx);
            t = b.Op(BuiltinOperator.GatherNd, [moved, coords], TensorType.Float32, null, ctx.Name("diag"));
            labels = ch + new string(rest.Select(k => labels[k]).ToArray());
        }
        return (t, labels);
    }
}
