using LiteRt.Compiler.Ir;
using LiteRt.Format.Schema;
using LiteRt.Graph;
using static LiteRt.Compiler.Import.Onnx.OnnxOpLowering.ElementwiseLowering;

namespace LiteRt.Compiler.Import.Onnx.OnnxOpLowering;

/// <summary>
/// Reductions → MEAN / SUM / REDUCE_MAX / REDUCE_MIN / REDUCE_PROD (L1, L2, LogSum, LogSumExp, SumSquare composed
/// around SUM; LogSumExp max-stabilised), ArgMax/ArgMin (select_last_index through REVERSE_V2), TopK → TOPK_V2,
/// CumSum → CUMSUM.
/// </summary>
internal static class ReductionLowering
{
    private static readonly TensorType[] Numeric = [TensorType.Float32, TensorType.Int32, TensorType.Int64];
    private static readonly TensorType[] F32 = [TensorType.Float32];

    public static void Register(Action<string, OnnxLowering> add)
    {
        add("ReduceMean", ctx => Reduce(ctx, BuiltinOperator.Mean, null, null, F32));
        add("ReduceSum", ctx => Reduce(ctx, BuiltinOperator.Sum, null, null, Numeric));
        add("ReduceMax", ctx => Reduce(ctx, BuiltinOperator.ReduceMax, null, null, Numeric));
        add("ReduceMin", ctx => Reduce(ctx, BuiltinOperator.ReduceMin, null, null, Numeric));
        add("ReduceProd", ctx => Reduce(ctx, BuiltinOperator.ReduceProd, null, null, Numeric));
        add("ReduceSumSquare", ctx => Reduce(ctx, BuiltinOperator.Sum, x => Mul(ctx, x, x), null, Numeric));
        add("ReduceL1", ctx => Reduce(ctx, BuiltinOperator.Sum, x => ctx.B.Unary(BuiltinOperator.Abs, x, ctx.Name("abs")), null, Numeric));
        add("ReduceL2", ctx => Reduce(ctx, BuiltinOperator.Sum, x => Mul(ctx, x, x), y => ctx.B.Unary(BuiltinOperator.Sqrt, y, ctx.Name("sqrt")), F32));
        add("ReduceLogSum", ctx => Reduce(ctx, BuiltinOperator.Sum, null, y => ctx.B.Unary(BuiltinOperator.Log, y, ctx.Name("log")), F32));
        add("ReduceLogSumExp", ReduceLogSumExp);
        add("ArgMax", ctx => Arg(ctx, BuiltinOperator.ArgMax));
        add("ArgMin", ctx => Arg(ctx, BuiltinOperator.ArgMin));
        add("TopK", TopK);
        add("CumSum", CumSum);
    }

    /// <summary>The reduction axes (normalised; all axes by default) and keepdims; null axes = nothing to reduce (noop_with_empty_axes).</summary>
    internal static (int[]? Axes, bool Keep) AxesOf(LoweringContext ctx, int rank)
    {
        var node = ctx.Node;
        bool keep = node.Int("keepdims", 1) != 0;
        bool axesAsInput = node.OpType == "ReduceSum" ? node.Opset >= 13 : node.Opset >= 18;
        long[]? axes = axesAsInput ? (node.HasInput(1) ? ctx.ConstInts(1, "axes") : null) : node.Ints("axes");
        if (axes is null || axes.Length == 0)
        {
            if (node.Int("noop_with_empty_axes", 0) != 0) return (null, keep);
            return (Enumerable.Range(0, rank).ToArray(), keep);
        }
        return (axes.Select(a => ctx.Axis(a, rank)).Distinct().Order().ToArray(), keep);
    }

    internal static int ReduceOp(LoweringContext ctx, BuiltinOperator op, int x, int[] axes, bool keep) =>
        ctx.B.Op(op, [x, ctx.B.Int32s(ctx.Name("axes"), axes)], ctx.Type(x),
            IrBuilder.Options(BuiltinOptionsType.ReducerOptions, ("keep_dims", keep)), ctx.Name(op.Name().ToLowerInvariant()));

    private static void Reduce(LoweringContext ctx, BuiltinOperator op, Func<int, int>? pre, Func<int, int>? post, TensorType[] allowed)
    {
        int x = ctx.Required(0);
        int rank = ctx.Rank(x);
        var (axes, keep) = AxesOf(ctx, rank);
        if (axes is null)
        {
            ctx.Output(0, ctx.Computed([x], allowed, c =>
            {
                int v = pre is null ? c[0] : pre(c[0]);
                return post is null ? v : post(v);
            }));
            return;
        }
        ctx.Output(0, ctx.Computed([x], allowed, c =>
        {
            int v = pre is null ? c[0] : pre(c[0]);
            if (rank == 0) return post is null ? v : post(v);
            int r = ReduceOp(ctx, op, v, axes, keep);
            return post is null ? r : post(r);
        }));
    }

    private static void ReduceLogSumExp(LoweringContext ctx)
    {
        int x = ctx.Required(0);
        int rank = ctx.Rank(x);
        var (axes, keep) = AxesOf(ctx, rank);
        ctx.Output(0, ctx.Computed([x], F32, c =>
        {
            var b = ctx.B;
            if (axes is null) return c[0];
            // m + log Σ exp(x − m), m = max over the axes.
            int m = ReduceOp(ctx, BuiltinOperator.ReduceMax, c[0], axes, true);
            int s = ReduceOp(ctx, BuiltinOperator.Sum, b.Unary(BuiltinOperator.Exp, Sub(ctx, c[0], m), ctx.Name("exp")), axes, keep);
            int mk = keep ? m : ShapeLowering.ReshapeTo(ctx, m, ctx.Dims(s));
            return Add(ctx, b.Unary(BuiltinOperator.Log, s, ctx.Name("log")), mk);
        }));
    }

    private static void Arg(LoweringContext ctx, BuiltinOperator op)
    {
        var node = ctx.Node;
        int x = ctx.Required(0);
        var d = ctx.Dims(x);
        int axis = ctx.Axis(node.Int("axis", 0), d.Length);
        bool keep = node.Int("keepdims", 1) != 0, last = node.Int("select_last_index", 0) != 0;
        var b = ctx.B;
        var ct = ctx.ComputeType(ctx.Type(x), Numeric);
        int v = ctx.CastTo(x, ct);
        if (last) v = b.Op(BuiltinOperator.ReverseV2, [v, b.Int32s(ctx.Name("axis"), axis)], ct, null, ctx.Name("reverse"));
        var options = op == BuiltinOperator.ArgMax
            ? IrBuilder.Options(BuiltinOptionsType.ArgMaxOptions, ("output_type", TensorType.Int64))
            : IrBuilder.Options(BuiltinOptionsType.ArgMinOptions, ("output_type", TensorType.Int64));
        int r = b.Op(op, [v, b.Int32s(ctx.Name("axis"), axis)], TensorType.Int64, options, ctx.Name(op.Name().ToLowerInvariant()));
        if (last)
        {
            if (d[axis] < 0) throw node.Error(ErrorCodes.DynamicShape, "select_last_index over a dynamic dim");
            r = Sub(ctx, b.Scalar(ctx.Name("last"), TensorType.Int64, d[axis] - 1), r);
        }
        if (keep)
        {
            var kd = d.Select(v2 => v2).ToArray();
            kd[axis] = 1;
            r = ShapeLowering.ReshapeTo(ctx, r, kd);
        }
        ctx.Output(0, r);
    }

    private static void TopK(LoweringContext ctx)
    {
        var node = ctx.Node;
        int x = ctx.Required(0);
        long k = node.Opset < 10 ? node.Int("k", 0) : ctx.ConstInts(1, "K")[0];
        int rank = ctx.Rank(x);
        int axis = ctx.Axis(node.Int("axis", -1), rank);
        bool largest = node.Int("largest", 1) != 0;
        var b = ctx.B;
        var type = ctx.Type(x);
        var ct = ctx.ComputeType(type, Numeric);
        int v = ctx.CastTo(x, ct);
        var perm = NormalizationLowering.ToLast(axis, rank);
        if (perm is not null) v = b.Transpose(v, perm, ctx.Name("axis_last"));
        if (!largest) v = b.Unary(BuiltinOperator.Neg, v, ctx.Name("negate"));
        var outs = b.OpN(BuiltinOperator.TopkV2, [v, b.ScalarInt32(ctx.Name("k"), checked((int)k))], [ct, TensorType.Int32], null, ctx.Name("topk"));
        int values = outs[0], indices = outs[1];
        if (!largest) values = b.Unary(BuiltinOperator.Neg, values, ctx.Name("values"));
        if (perm is not null)
        {
            var inv = NormalizationLowering.Inverse(perm);
            values = b.Transpose(values, inv, ctx.Name("values_back"));
            indices = b.Transpose(indices, inv, ctx.Name("indices_back"));
        }
        ctx.Output(0, ctx.CastTo(values, type));
        ctx.Output(1, ctx.CastTo(indices, TensorType.Int64));
    }

    private static void CumSum(LoweringContext ctx)
    {
        var node = ctx.Node;
        int x = ctx.Required(0);
        int axis = ctx.Axis(ctx.ConstInts(1, "axis")[0], ctx.Rank(x));
        var o = IrBuilder.Options(BuiltinOptionsType.CumsumOptions, ("exclusive", node.Int("exclusive", 0) != 0), ("reverse", node.Int("reverse", 0) != 0));
        ctx.Output(0, ctx.Computed([x], Numeric, c => ctx.B.Op(BuiltinOperator.Cumsum, [c[0], ctx.B.ScalarInt32(ctx.Name("axis"), axis)], ctx.Type(c[0]), o, ctx.Name("cumsum"))));
    }
}
