using LiteRt.Compiler.Ir;
using LiteRt.Format.Schema;
using LiteRt.Graph;
using static LiteRt.Compiler.Import.Onnx.OnnxOpLowering.ElementwiseLowering;

namespace LiteRt.Compiler.Import.Onnx.OnnxOpLowering;

/// <summary>
/// BatchNormalization (inference: one MUL and one ADD per channel, folded into constants and later into the
/// preceding convolution by the fusion pass), InstanceNormalization, LayerNormalization, GroupNormalization and
/// MeanVarianceNormalization (MEAN / SQUARED_DIFFERENCE / RSQRT, as Google's converter writes them), LRN →
/// LOCAL_RESPONSE_NORMALIZATION, Softmax / LogSoftmax (over the last axis, transposing other axes there), Hardmax,
/// LpNormalization.
/// </summary>
internal static class NormalizationLowering
{
    private static readonly TensorType[] F32 = [TensorType.Float32];

    public static void Register(Action<string, OnnxLowering> add)
    {
        add("BatchNormalization", BatchNorm);
        add("InstanceNormalization", InstanceNorm);
        add("LayerNormalization", LayerNorm);
        add("GroupNormalization", GroupNorm);
        add("MeanVarianceNormalization", Mvn);
        add("LRN", Lrn);
        add("Softmax", ctx => SoftmaxLike(ctx, BuiltinOperator.Softmax));
        add("LogSoftmax", ctx => SoftmaxLike(ctx, BuiltinOperator.LogSoftmax));
        add("Hardmax", Hardmax);
        add("LpNormalization", LpNorm);
    }

    /// <summary>A per-channel vector [C] reshaped to broadcast along axis 1 of a rank-<paramref name="rank"/> tensor.</summary>
    internal static int PerChannel(LoweringContext ctx, int v, int rank)
    {
        var shape = new int[rank - 1];
        Array.Fill(shape, 1);
        shape[0] = ctx.Dims(v)[0];
        return rank <= 2 ? v : ctx.B.Reshape(v, shape, ctx.Name("per_channel"));
    }

    internal static int Mean(LoweringContext ctx, int x, int[] axes, bool keep = true) =>
        ctx.B.Op(BuiltinOperator.Mean, [x, ctx.B.Int32s(ctx.Name("axes"), axes)], ctx.Type(x),
            IrBuilder.Options(BuiltinOptionsType.ReducerOptions, ("keep_dims", keep)), ctx.Name("mean"));

    /// <summary>(x − mean) · rsqrt(mean((x − mean)²) + ε) over <paramref name="axes"/>; also returns the mean and rsqrt.</summary>
    internal static (int Normalized, int Mean, int InvStd) Normalize(LoweringContext ctx, int x, int[] axes, double epsilon)
    {
        var b = ctx.B;
        int mean = Mean(ctx, x, axes);
        int d = Sub(ctx, x, mean);
        int variance = Mean(ctx, b.Binary(BuiltinOperator.Mul, d, d, ctx.Name("square")), axes);
        int inv = b.Unary(BuiltinOperator.Rsqrt, Add(ctx, variance, Const(ctx, epsilon)), ctx.Name("rsqrt"));
        return (Mul(ctx, d, inv), mean, inv);
    }

    private static void BatchNorm(LoweringContext ctx)
    {
        var node = ctx.Node;
        int x = ctx.Required(0), scale = ctx.Required(1), bias = ctx.Required(2), mean = ctx.Required(3), variance = ctx.Required(4);
        double eps = node.Float("epsilon", 1e-5f);
        bool training = node.Int("training_mode", 0) != 0 || (node.Opset < 7 && node.Has("is_test") && node.Int("is_test", 0) == 0 && node.OutputCount > 1);
        var inputs = new[] { x, scale, bias, mean, variance };
        if (training)
        {
            TrainingBatchNorm(ctx, inputs, eps, node.Float("momentum", 0.9f));
            return;
        }
        ctx.Output(0, ctx.Computed(inputs, F32, c =>
        {
            int rank = ctx.Rank(c[0]);
            // y = x · s + t, s = scale / √(var + ε), t = bias − mean · s (constants fold).
            int s = Mul(ctx, c[1], ctx.B.Unary(BuiltinOperator.Rsqrt, Add(ctx, c[4], Const(ctx, eps)), ctx.Name("rsqrt")));
            int t = Sub(ctx, c[2], Mul(ctx, c[3], s));
            return Add(ctx, Mul(ctx, c[0], PerChannel(ctx, s, rank)), PerChannel(ctx, t, rank));
        }));
    }

    private static void TrainingBatchNorm(LoweringContext ctx, int[] inputs, double eps, float momentum)
    {
        var type = ctx.Type(inputs[0]);
        var c = inputs.Select(i => ctx.CastTo(i, TensorType.Float32)).ToArray();
        int rank = ctx.Rank(c[0]);
        int[] axes = [0, .. Enumerable.Range(2, rank - 2)];
        var b = ctx.B;
        int mean = Mean(ctx, c[0], axes);
        int d = Sub(ctx, c[0], mean);
        int variance = Mean(ctx, Mul(ctx, d, d), axes);
        int inv = b.Unary(BuiltinOperator.Rsqrt, Add(ctx, variance, Const(ctx, eps)), ctx.Name("rsqrt"));
        int y = Add(ctx, Mul(ctx, Mul(ctx, d, inv), PerChannel(ctx, c[1], rank)), PerChannel(ctx, c[2], rank));
        ctx.Output(0, ctx.CastTo(y, type));
        int channels = ctx.Dims(c[1])[0];
        int meanVec = b.Reshape(mean, [channels], ctx.Name("batch_mean"));
        int varVec = b.Reshape(variance, [channels], ctx.Name("batch_var"));
        // running = running · momentum + batch · (1 − momentum)
        ctx.Output(1, ctx.CastTo(Add(ctx, Mul(ctx, c[3], Const(ctx, momentum)), Mul(ctx, meanVec, Const(ctx, 1 - momentum))), type));
        ctx.Output(2, ctx.CastTo(Add(ctx, Mul(ctx, c[4], Const(ctx, momentum)), Mul(ctx, varVec, Const(ctx, 1 - momentum))), type));
    }

    private static void InstanceNorm(LoweringContext ctx)
    {
        int x = ctx.Required(0), scale = ctx.Required(1), bias = ctx.Required(2);
        double eps = ctx.Node.Float("epsilon", 1e-5f);
        ctx.Output(0, ctx.Computed([x, scale, bias], F32, c =>
        {
            int rank = ctx.Rank(c[0]);
            var (n, _, _) = Normalize(ctx, c[0], [.. Enumerable.Range(2, rank - 2)], eps);
            return Add(ctx, Mul(ctx, n, PerChannel(ctx, c[1], rank)), PerChannel(ctx, c[2], rank));
        }));
    }

    private static void LayerNorm(LoweringContext ctx)
    {
        var node = ctx.Node;
        int x = ctx.Required(0), scale = ctx.Required(1), bias = ctx.Input(2);
        double eps = node.Float("epsilon", 1e-5f);
        int rank = ctx.Rank(x);
        int axis = ctx.Axis(node.Int("axis", -1), rank);
        var type = ctx.Type(x);
        var c = new[] { x, scale, bias }.Select(i => i < 0 ? i : ctx.CastTo(i, TensorType.Float32)).ToArray();
        var (n, mean, inv) = Normalize(ctx, c[0], [.. Enumerable.Range(axis, rank - axis)], eps);
        int y = Mul(ctx, n, c[1]);
        if (c[2] >= 0) y = Add(ctx, y, c[2]);
        ctx.Output(0, ctx.CastTo(y, type));
        if (node.HasOutput(1)) ctx.Output(1, mean);
        if (node.HasOutput(2)) ctx.Output(2, inv);
    }

    private static void GroupNorm(LoweringContext ctx)
    {
        var node = ctx.Node;
        int x = ctx.Required(0), scale = ctx.Required(1), bias = ctx.Required(2);
        double eps = node.Float("epsilon", 1e-5f);
        int groups = node.Int32("num_groups", 1);
        ctx.Output(0, ctx.Computed([x, scale, bias], F32, c =>
        {
            var dims = ctx.KnownDims(c[0], "the input");
            int rank = dims.Length;
            int channels = dims[1];
            // [N, C, ...] → [N, G, C/G · ...], normalize over the last axis, back; then per-channel (opset 21) or per-group scale.
            int grouped = ctx.B.Reshape(c[0], [dims[0], groups, -1], ctx.Name("groups"));
            var (n, _, _) = Normalize(ctx, grouped, [2], eps);
            int y = ctx.B.Reshape(n, dims, ctx.Name("ungroup"));
            int s = c[1], t = c[2];
            if (ctx.Dims(s)[0] == groups && groups != channels)
            {
                // Opset 18: one scale per group → repeat per channel.
                s = ctx.B.Reshape(ctx.B.Op(BuiltinOperator.Tile, [ctx.B.Reshape(s, [groups, 1], ctx.Name("s")), ctx.B.Int32s(ctx.Name("rep"), 1, channels / groups)],
                    TensorType.Float32, null, ctx.Name("tile")), [channels], ctx.Name("scale"));
                t = ctx.B.Reshape(ctx.B.Op(BuiltinOperator.Tile, [ctx.B.Reshape(t, [groups, 1], ctx.Name("t")), ctx.B.Int32s(ctx.Name("rep"), 1, channels / groups)],
                    TensorType.Float32, null, ctx.Name("tile")), [channels], ctx.Name("bias"));
            }
            return Add(ctx, Mul(ctx, y, PerChannel(ctx, s, rank)), PerChannel(ctx, t, rank));
        }));
    }

    private static void Mvn(LoweringContext ctx)
    {
        int x = ctx.Required(0);
        var axes = ctx.Node.Ints("axes") ?? [0, 2, 3];
        ctx.Output(0, ctx.Computed([x], F32, c =>
        {
            int rank = ctx.Rank(c[0]);
            var (n, _, _) = Normalize(ctx, c[0], [.. axes.Select(a => ctx.Axis(a, rank))], 1e-9);
            return n;
        }));
    }

    private static void Lrn(LoweringContext ctx)
    {
        var node = ctx.Node;
        int x = ctx.Required(0);
        int size = node.Int32("size", 0);
        if (size <= 0 || size % 2 == 0) throw node.Unsupported($"LRN size {size} is not supported (odd sizes are)");
        float alpha = node.Float("alpha", 1e-4f), beta = node.Float("beta", 0.75f), bias = node.Float("bias", 1f);
        ctx.Output(0, ctx.Computed([x], F32, c =>
        {
            int nhwc = Layout.Nhwc(ctx, c[0]);
            var o = IrBuilder.Options(BuiltinOptionsType.LocalResponseNormalizationOptions,
                ("radius", (size - 1) / 2), ("bias", bias), ("alpha", alpha / size), ("beta", beta));
            int y = ctx.B.Op(BuiltinOperator.LocalResponseNormalization, [nhwc], TensorType.Float32, o, ctx.Name("lrn"));
            return Layout.Nchw(ctx, y);
        }));
    }

    /// <summary>Moves <paramref name="axis"/> to the end: the permutation, or null when it is already last.</summary>
    internal static int[]? ToLast(int axis, int rank)
    {
        if (axis == rank - 1) return null;
        var p = Enumerable.Range(0, rank).Where(i => i != axis).Append(axis).ToArray();
        return p;
    }

    internal static int[] Inverse(int[] perm)
    {
        var inv = new int[perm.Length];
        for (int i = 0; i < perm.Length; i++) inv[perm[i]] = i;
        return inv;
    }

    private static void SoftmaxLike(LoweringContext ctx, BuiltinOperator op)
    {
        var node = ctx.Node;
        int x = ctx.Required(0);
        ctx.Output(0, ctx.Computed([x], F32, c => OverAxis(ctx, c[0], node.Opset < 13 ? node.Int("axis", 1) : node.Int("axis", -1), node.Opset < 13,
            v => ctx.B.Op(op, [v], TensorType.Float32, op == BuiltinOperator.Softmax ? IrBuilder.Options(BuiltinOptionsType.SoftmaxOptions, ("beta", 1f)) : null,
                ctx.Name(op.Name().ToLowerInvariant())))));
    }

    /// <summary>
    /// Applies a last-axis op over the axis <paramref name="axisAttr"/>: opset &lt; 13 semantics coerce the input to 2-D
    /// [prod(dims before axis), prod(dims from axis)]; otherwise the axis is transposed to the end and back.
    /// </summary>
    internal static int OverAxis(LoweringContext ctx, int x, long axisAttr, bool coerce2D, Func<int, int> lastAxisOp)
    {
        var b = ctx.B;
        int rank = ctx.Rank(x);
        if (rank == 0) throw ctx.Node.Unsupported("a scalar input is not supported");
        int axis = ctx.Axis(axisAttr, rank);
        if (coerce2D)
        {
            if (axis == rank - 1) return lastAxisOp(x);
            var dims = ctx.KnownDims(x, "the input");
            int inner = 1;
            for (int i = axis; i < rank; i++) inner *= dims[i];
            int flat = b.Reshape(x, [-1, inner], ctx.Name("as_2d"));
            return b.Reshape(lastAxisOp(flat), dims, ctx.Name("restore"));
        }
        var perm = ToLast(axis, rank);
        if (perm is null) return lastAxisOp(x);
        int t = b.Transpose(x, perm, ctx.Name("axis_last"));
        return b.Transpose(lastAxisOp(t), Inverse(perm), ctx.Name("axis_back"));
    }

    private static void Hardmax(LoweringContext ctx)
    {
        var node = ctx.Node;
        int x = ctx.Required(0);
        ctx.Output(0, ctx.Computed([x], F32, c => OverAxis(ctx, c[0], node.Opset < 13 ? node.Int("axis", 1) : node.Int("axis", -1), node.Opset < 13, v =>
        {
            var b = ctx.B;
            var dims = ctx.Dims(v);
            int depth = dims[^1];
            int arg = b.Op(BuiltinOperator.ArgMax, [v, b.ScalarInt32(ctx.Name("axis"), -1)], TensorType.Int32,
                IrBuilder.Options(BuiltinOptionsType.ArgMaxOptions, ("output_type", TensorType.Int32)), ctx.Name("argmax"));
            return b.Op(BuiltinOperator.OneHot, [arg, b.ScalarInt32(ctx.Name("depth"), depth), Const(ctx, 1), Const(ctx, 0)], TensorType.Float32,
                IrBuilder.Options(BuiltinOptionsType.OneHotOptions, ("axis", -1)), ctx.Name("one_hot"));
        })));
    }

    private static void LpNorm(LoweringContext ctx)
    {
        var node = ctx.Node;
        int x = ctx.Required(0);
        long p = node.Int("p", 2);
        ctx.Output(0, ctx.Computed([x], F32, c =>
        {
            var b = ctx.B;
            int rank = ctx.Rank(c[0]);
            int axis = ctx.Axis(node.Int("axis", -1), rank);
            int norm = p switch
            {
                1 => b.Op(BuiltinOperator.Sum, [b.Unary(BuiltinOperator.Abs, c[0], ctx.Name("abs")), b.Int32s(ctx.Name("axes"), axis)], TensorType.Float32,
                    IrBuilder.Options(BuiltinOptionsType.ReducerOptions, ("keep_dims", true)), ctx.Name("l1")),
                2 => b.Unary(BuiltinOperator.Sqrt, b.Op(BuiltinOperator.Sum, [Mul(ctx, c[0], c[0]), b.Int32s(ctx.Name("axes"), axis)], TensorType.Float32,
                    IrBuilder.Options(BuiltinOptionsType.ReducerOptions, ("keep_dims", true)), ctx.Name("sumsq")), ctx.Name("l2")),
                _ => throw node.Unsupported($"p = {p} (1 and 2 are supported)"),
            };
            return Div(ctx, c[0], norm);
        }));
    }
}
