using LiteRt.Format.Schema;

namespace LiteRt.Graph.Catalog;

/// <summary>SOFTMAX, LOG_SOFTMAX and L2_NORMALIZATION over the last axis: definitions and float64 reference kernels.</summary>
internal static class NormalizationOps
{
    /// <summary>TFLite's floor on the L2 norm (<c>L2NormalizationParams</c> epsilon).</summary>
    public const double L2Epsilon = 1e-6;

    public static void Register(Action<OpDefinition> add)
    {
        add(new OpDefinition
        {
            Op = BuiltinOperator.Softmax,
            Summary = "Softmax over the last axis: exp(beta·(x − max)) / Σ exp(beta·(x − max)).",
            Inputs = ["input"],
            OptionsType = BuiltinOptionsType.SoftmaxOptions,
            InferShapes = SameShapeRank1,
            Reference = SoftmaxReference,
        });
        add(new OpDefinition
        {
            Op = BuiltinOperator.LogSoftmax,
            Summary = "Log-softmax over the last axis: x − max − log Σ exp(x − max).",
            Inputs = ["input"],
            OptionsType = BuiltinOptionsType.LogSoftmaxOptions,
            InferShapes = SameShapeRank1,
            Reference = LogSoftmaxReference,
        });
        add(new OpDefinition
        {
            Op = BuiltinOperator.L2Normalization,
            Summary = "L2 normalization over the last axis: x / max(sqrt(Σ x²), 1e-6), then the fused activation.",
            Inputs = ["input"],
            OptionsType = BuiltinOptionsType.L2NormOptions,
            InferShapes = L2Shape,
            Reference = L2Reference,
        });
    }

    private static void SameShapeRank1(ShapeContext ctx)
    {
        var input = ctx.InputShape(0);
        ctx.Require(input.Length >= 1, "input must have at least one dim");
        ctx.SetOutputShape(0, (int[])input.Clone());
    }

    private static void L2Shape(ShapeContext ctx)
    {
        ActivationClamp.Require(ctx.Op.FusedActivation, ctx.Node);
        SameShapeRank1(ctx);
    }

    private static void SoftmaxReference(ReferenceContext ctx)
    {
        double beta = NeuralNetAttributes.SoftmaxBeta(ctx.Op);
        var input = ctx.Input(0);
        ForEachRow(input.Data, ctx.Output(0).Data, input.Shape[^1], (x, y) =>
        {
            double max = double.NegativeInfinity;
            foreach (double v in x) max = Math.Max(max, v);
            double sum = 0;
            for (int i = 0; i < x.Length; i++) sum += y[i] = Math.Exp(beta * (x[i] - max));
            for (int i = 0; i < x.Length; i++) y[i] /= sum;
        });
    }

    private static void LogSoftmaxReference(ReferenceContext ctx)
    {
        var input = ctx.Input(0);
        ForEachRow(input.Data, ctx.Output(0).Data, input.Shape[^1], (x, y) =>
        {
            double max = double.NegativeInfinity;
            foreach (double v in x) max = Math.Max(max, v);
            double sum = 0;
            foreach (double v in x) sum += Math.Exp(v - max);
            double log = Math.Log(sum);
            for (int i = 0; i < x.Length; i++) y[i] = x[i] - max - log;
        });
    }

    private static void L2Reference(ReferenceContext ctx)
    {
        var act = ctx.Op.FusedActivation;
        var input = ctx.Input(0);
        ForEachRow(input.Data, ctx.Output(0).Data, input.Shape[^1], (x, y) =>
        {
            double sq = 0;
            foreach (double v in x) sq += v * v;
            double norm = Math.Max(Math.Sqrt(sq), L2Epsilon);
            for (int i = 0; i < x.Length; i++) y[i] = ActivationClamp.Apply(x[i] / norm, act);
        });
    }

    private delegate void RowAction(ReadOnlySpan<double> x, Span<double> y);

    private static void ForEachRow(double[] x, double[] y, int depth, RowAction action)
    {
        if (depth == 0) return;
        for (int r = 0; r < x.Length / depth; r++)
            action(x.AsSpan(r * depth, depth), y.AsSpan(r * depth, depth));
    }
}
