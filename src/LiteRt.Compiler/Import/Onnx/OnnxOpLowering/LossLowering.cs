using LiteRt.Compiler.Ir;
using LiteRt.Format.Schema;
using LiteRt.Graph;
using static LiteRt.Compiler.Import.Onnx.OnnxOpLowering.ElementwiseLowering;

namespace LiteRt.Compiler.Import.Onnx.OnnxOpLowering;

/// <summary>
/// NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss: the target class is picked by ONE_HOT · input summed over
/// the class axis (an out-of-range or ignored target picks nothing), weighted per class by GATHER, and reduced
/// (none / sum / weighted mean); SoftmaxCrossEntropyLoss first takes LOG_SOFTMAX over the class axis.
/// </summary>
internal static class LossLowering
{
    public static void Register(Action<string, OnnxLowering> add)
    {
        add("NegativeLogLikelihoodLoss", Nll);
        add("SoftmaxCrossEntropyLoss", Sce);
    }

    private static void Nll(LoweringContext ctx)
    {
        int input = ctx.Required(0), target = ctx.Required(1), weight = ctx.Input(2);
        var type = ctx.Type(input);
        int x = ctx.CastTo(input, TensorType.Float32);
        int w = weight < 0 ? -1 : ctx.CastTo(weight, TensorType.Float32);
        ctx.Output(0, ctx.CastTo(Loss(ctx, x, target, w), type));
    }

    private static void Sce(LoweringContext ctx)
    {
        int scores = ctx.Required(0), labels = ctx.Required(1), weight = ctx.Input(2);
        var type = ctx.Type(scores);
        int x = ctx.CastTo(scores, TensorType.Float32);
        int logProb = NormalizationLowering.OverAxis(ctx, x, 1, false,
            v => ctx.B.Op(BuiltinOperator.LogSoftmax, [v], TensorType.Float32, null, ctx.Name("log_softmax")));
        int w = weight < 0 ? -1 : ctx.CastTo(weight, TensorType.Float32);
        ctx.Output(0, ctx.CastTo(Loss(ctx, logProb, labels, w), type));
        if (ctx.Node.HasOutput(1)) ctx.Output(1, ctx.CastTo(logProb, type));
    }

    /// <summary>The loss of log-probabilities <paramref name="x"/> [N, C, d…] for targets [N, d…].</summary>
    private static int Loss(LoweringContext ctx, int x, int target, int weight)
    {
        var node = ctx.Node;
        var b = ctx.B;
        var d = ctx.KnownDims(x, "the input");
        int classes = d[1];
        int rank = d.Length;
        int t = ctx.Type(target) is TensorType.Int32 or TensorType.Int64 ? target : ctx.CastTo(target, TensorType.Int64);
        var tt = ctx.Type(t);
        // input[n, target, d…] = Σ_c onehot(target)[n, c, d…] · input[n, c, d…]
        int onehot = b.Op(BuiltinOperator.OneHot, [t, b.ScalarInt32(ctx.Name("classes"), classes), One(ctx), Const(ctx, 0)], TensorType.Float32,
            IrBuilder.Options(BuiltinOptionsType.OneHotOptions, ("axis", 1)), ctx.Name("one_hot"));
        int picked = ReductionLowering.ReduceOp(ctx, BuiltinOperator.Sum, Mul(ctx, onehot, x), [1], false);
        // Per-element weight: weight[target] (0 for an ignored target), or 1.
        int? mask = null;
        if (node.Has("ignore_index"))
        {
            int ii = b.Scalar(ctx.Name("ignore_index"), tt, node.Int("ignore_index", 0));
            mask = ctx.CastTo(b.Op(BuiltinOperator.NotEqual, [t, ii], TensorType.Bool, null, ctx.Name("kept")), TensorType.Float32);
        }
        int w;
        if (weight >= 0)
        {
            int safe = b.Binary(BuiltinOperator.Minimum, b.Binary(BuiltinOperator.Maximum, t, b.Scalar(ctx.Name("lo"), tt, 0), ctx.Name("clamp_lo")),
                b.Scalar(ctx.Name("hi"), tt, classes - 1), ctx.Name("clamp_hi"));
            w = b.Op(BuiltinOperator.Gather, [weight, safe], TensorType.Float32, IrBuilder.Options(BuiltinOptionsType.GatherOptions, ("axis", 0)), ctx.Name("class_weight"));
            if (mask is int m) w = Mul(ctx, w, m);
        }
        else w = mask ?? b.Filled(ctx.Name("ones"), TensorType.Float32, ctx.KnownDims(picked, "the loss"), 1);
        int loss = b.Unary(BuiltinOperator.Neg, Mul(ctx, picked, w), ctx.Name("loss"));
        string reduction = node.String("reduction", "mean");
        int[] all = [.. Enumerable.Range(0, rank - 1)];
        return reduction switch
        {
            "none" => loss,
            "sum" => ReductionLowering.ReduceOp(ctx, BuiltinOperator.Sum, loss, all, false),
            "mean" => Div(ctx, ReductionLowering.ReduceOp(ctx, BuiltinOperator.Sum, loss, all, false),
                ReductionLowering.ReduceOp(ctx, BuiltinOperator.Sum, w, all, false)),
            _ => throw node.Unsupported($"reduction '{reduction}'"),
        };
    }
}
