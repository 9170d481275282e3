using LiteRt.Compiler.Ir;
using LiteRt.Format.Schema;
using LiteRt.Graph;
using static LiteRt.Compiler.Import.Onnx.OnnxOpLowering.ElementwiseLowering;

namespace LiteRt.Compiler.Import.Onnx.OnnxOpLowering;

/// <summary>
/// Activations: Relu, Sigmoid, Tanh, LeakyRelu, HardSwish, Gelu map to builtins; Clip to RELU6 / RELU / RELU_N1_TO_1
/// when its bounds match (so the fusion pass can fold it into the producer), else MAXIMUM/MINIMUM; Elu, Selu, Celu,
/// HardSigmoid, Softplus, Softsign, ThresholdedRelu, Shrink, Mish are composed from elementwise builtins.
/// </summary>
internal static class ActivationLowering
{
    private static readonly TensorType[] F32 = [TensorType.Float32];
    private static readonly TensorType[] Arith = [TensorType.Float32, TensorType.Int32, TensorType.Int64];

    public static void Register(Action<string, OnnxLowering> add)
    {
        add("Relu", Relu);
        add("Sigmoid", ctx => Float(ctx, x => ctx.B.Unary(BuiltinOperator.Logistic, x, ctx.Name("sigmoid"))));
        add("Tanh", ctx => Float(ctx, x => ctx.B.Unary(BuiltinOperator.Tanh, x, ctx.Name("tanh"))));
        add("LeakyRelu", ctx => Float(ctx, x => ctx.B.Op(BuiltinOperator.LeakyRelu, [x], TensorType.Float32,
            IrBuilder.Options(BuiltinOptionsType.LeakyReluOptions, ("alpha", ctx.Node.Float("alpha", 0.01f))), ctx.Name("leaky_relu"))));
        add("HardSwish", ctx => Float(ctx, x => ctx.B.Unary(BuiltinOperator.HardSwish, x, ctx.Name("hard_swish"))));
        add("Gelu", ctx => Float(ctx, x => ctx.B.Op(BuiltinOperator.Gelu, [x], TensorType.Float32,
            IrBuilder.Options(BuiltinOptionsType.GeluOptions, ("approximate", ctx.Node.String("approximate", "none") == "tanh")), ctx.Name("gelu"))));
        add("Elu", ctx => Float(ctx, x => Elu(ctx, x, ctx.Node.Float("alpha", 1f))));
        add("Celu", ctx => Float(ctx, x => Celu(ctx, x, ctx.Node.Float("alpha", 1f))));
        add("Selu", ctx => Float(ctx, x => Mul(ctx, Elu(ctx, x, ctx.Node.Float("alpha", 1.67326319217681884765625f)),
            Const(ctx, ctx.Node.Float("gamma", 1.05070102214813232421875f)))));
        add("HardSigmoid", ctx => Float(ctx, x => HardSigmoid(ctx, x, ctx.Node.Float("alpha", 0.2f), ctx.Node.Float("beta", 0.5f))));
        add("Softplus", ctx => Float(ctx, x => Softplus(ctx, x)));
        add("Softsign", ctx => Float(ctx, x => Div(ctx, x, Add(ctx, One(ctx), ctx.B.Unary(BuiltinOperator.Abs, x, ctx.Name("abs"))))));
        add("ThresholdedRelu", ctx => Float(ctx, x =>
        {
            int cond = ctx.B.Op(BuiltinOperator.Greater, [x, Const(ctx, ctx.Node.Float("alpha", 1f))], TensorType.Bool, null, ctx.Name("above"));
            return ctx.B.Op(BuiltinOperator.SelectV2, [cond, x, Const(ctx, 0)], TensorType.Float32, null, ctx.Name("thresholded"));
        }));
        add("Shrink", Shrink);
        add("Mish", ctx => Float(ctx, x => Mul(ctx, x, ctx.B.Unary(BuiltinOperator.Tanh, Softplus(ctx, x), ctx.Name("tanh")))));
        add("PRelu", PRelu);
        add("Clip", Clip);
    }

    private static void Float(LoweringContext ctx, Func<int, int> f)
    {
        int x = ctx.Required(0);
        ctx.Output(0, ctx.Computed([x], F32, c => f(c[0])));
    }

    private static void Relu(LoweringContext ctx)
    {
        int x = ctx.Required(0);
        if (ctx.Type(x).IsFloat())
        {
            ctx.Output(0, ctx.Computed([x], F32, c => ctx.B.Unary(BuiltinOperator.Relu, c[0], ctx.Name("relu"))));
            return;
        }
        ctx.Output(0, ctx.Computed([x], Arith, c => ctx.B.Binary(BuiltinOperator.Maximum, c[0], Const(ctx, 0, ctx.Type(c[0])), ctx.Name("relu"))));
    }

    private static int Elu(LoweringContext ctx, int x, float alpha)
    {
        var b = ctx.B;
        if (alpha == 1f) return b.Unary(BuiltinOperator.Elu, x, ctx.Name("elu"));
        // alpha · (eˣ − 1) below zero, x above.
        int neg = Mul(ctx, Sub(ctx, b.Unary(BuiltinOperator.Exp, x, ctx.Name("exp")), One(ctx)), Const(ctx, alpha));
        int cond = b.Op(BuiltinOperator.Less, [x, Const(ctx, 0)], TensorType.Bool, null, ctx.Name("negative"));
        return b.Op(BuiltinOperator.SelectV2, [cond, neg, x], TensorType.Float32, null, ctx.Name("elu"));
    }

    private static int Celu(LoweringContext ctx, int x, float alpha)
    {
        // max(0, x) + min(0, alpha · (exp(x / alpha) − 1))
        var b = ctx.B;
        int e = Mul(ctx, Sub(ctx, b.Unary(BuiltinOperator.Exp, Div(ctx, x, Const(ctx, alpha)), ctx.Name("exp")), One(ctx)), Const(ctx, alpha));
        return Add(ctx, b.Unary(BuiltinOperator.Relu, x, ctx.Name("relu")), b.Binary(BuiltinOperator.Minimum, e, Const(ctx, 0), ctx.Name("min")));
    }

    /// <summary>max(0, min(1, αx + β)) = relu6(6αx + 6β) / 6: the clamp becomes the ADD's fused RELU6.</summary>
    private static int HardSigmoid(LoweringContext ctx, int x, float alpha, float beta)
    {
        var b = ctx.B;
        int scaled = Math.Abs(6.0 * alpha - 1) < 1e-6 ? x : Mul(ctx, x, Const(ctx, 6.0 * alpha));
        int clamped = b.Binary(BuiltinOperator.Add, scaled, Const(ctx, 6.0 * beta), ctx.Name("hard_sigmoid"), ActivationFunctionType.Relu6);
        return Mul(ctx, clamped, Const(ctx, 1.0 / 6));
    }

    /// <summary>ln(1 + eˣ) = max(x, 0) + ln(1 + e^−|x|), without overflow.</summary>
    private static int Softplus(LoweringContext ctx, int x)
    {
        var b = ctx.B;
        int negAbs = b.Unary(BuiltinOperator.Neg, b.Unary(BuiltinOperator.Abs, x, ctx.Name("abs")), ctx.Name("neg_abs"));
        int log = b.Unary(BuiltinOperator.Log, Add(ctx, One(ctx), b.Unary(BuiltinOperator.Exp, negAbs, ctx.Name("exp"))), ctx.Name("log1p"));
        return Add(ctx, b.Unary(BuiltinOperator.Relu, x, ctx.Name("relu")), log);
    }

    private static void Shrink(LoweringContext ctx)
    {
        int x = ctx.Required(0);
        float lambd = ctx.Node.Float("lambd", 0.5f), bias = ctx.Node.Float("bias", 0f);
        ctx.Output(0, ctx.Computed([x], F32, c =>
        {
            var b = ctx.B;
            int v = c[0];
            int below = b.Op(BuiltinOperator.Less, [v, Const(ctx, -lambd)], TensorType.Bool, null, ctx.Name("below"));
            int above = b.Op(BuiltinOperator.Greater, [v, Const(ctx, lambd)], TensorType.Bool, null, ctx.Name("above"));
            int zero = Const(ctx, 0);
            int hi = b.Op(BuiltinOperator.SelectV2, [above, Sub(ctx, v, Const(ctx, bias)), zero], TensorType.Float32, null, ctx.Name("hi"));
            return b.Op(BuiltinOperator.SelectV2, [below, Add(ctx, v, Const(ctx, bias)), hi], TensorType.Float32, null, ctx.Name("shrink"));
        }));
    }

    private static void PRelu(LoweringContext ctx)
    {
        int x = ctx.Required(0), slope = ctx.Required(1);
        var node = ctx.Node;
        // Opset ≤ 6 and PyTorch's per-channel slopes: a 1-D slope of C values applies to axis 1 (channels), not the
        // last axis; ONNX ≥ 7 broadcasts unidirectionally, which for [C] means the last axis.
        ctx.Output(0, ctx.Computed([x, slope], F32, c =>
        {
            int s = c[1];
            int rank = ctx.Rank(c[0]);
            var sd = ctx.Dims(s);
            if (node.Opset < 7 && sd.Length == 1 && rank > 2 && sd[0] > 1)
            {
                var shape = new int[rank - 1];
                Array.Fill(shape, 1);
                shape[0] = sd[0];
                s = ctx.B.Reshape(s, shape, ctx.Name("slope"));
            }
            return ctx.B.Op(BuiltinOperator.Prelu, [c[0], s], TensorType.Float32, null, ctx.Name("prelu"));
        }));
    }

    private static void Clip(LoweringContext ctx)
    {
        var node = ctx.Node;
        int x = ctx.Required(0);
        var b = ctx.B;
        var type = ctx.Type(x);
        double? lo = null, hi = null;
        int loT = -1, hiT = -1;
        if (node.Opset < 11)
        {
            lo = node.Has("min") ? node.Float("min", 0) : null;
            hi = node.Has("max") ? node.Float("max", 0) : null;
        }
        else
        {
            loT = ctx.Input(1);
            hiT = ctx.Input(2);
            if (loT >= 0 && ctx.IsConst(loT)) { lo = b.Values(loT)[0]; loT = -1; }
            if (hiT >= 0 && ctx.IsConst(hiT)) { hi = b.Values(hiT)[0]; hiT = -1; }
        }
        ctx.Output(0, ctx.Computed([x], Arith, c =>
        {
            int v = c[0];
            var ct = ctx.Type(v);
            if (ct == TensorType.Float32 && loT < 0 && hiT < 0)
            {
                if (lo == 0 && hi == 6) return b.Unary(BuiltinOperator.Relu6, v, ctx.Name("relu6"));
                if (lo == 0 && hi is null) return b.Unary(BuiltinOperator.Relu, v, ctx.Name("relu"));
                if (lo == -1 && hi == 1) return b.Unary(BuiltinOperator.ReluN1To1, v, ctx.Name("relu_n1_to_1"));
            }
            if (lo is double l) v = b.Binary(BuiltinOperator.Maximum, v, b.Scalar(ctx.Name("min"), ct, l), ctx.Name("clip_min"));
            else if (loT >= 0) v = b.Binary(BuiltinOperator.Maximum, v, ctx.CastTo(loT, ct), ctx.Name("clip_min"));
            if (hi is double h) v = b.Binary(BuiltinOperator.Minimum, v, b.Scalar(ctx.Name("max"), ct, h), ctx.Name("clip_max"));
            else if (hiT >= 0) v = b.Binary(BuiltinOperator.Minimum, v, ctx.CastTo(hiT, ct), ctx.Name("clip_max"));
            return v;
        }));
        _ = type;
    }
}
