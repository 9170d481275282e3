using LiteRt.Format.Schema;

namespace LiteRt.Graph.Catalog;

/// <summary>Unary elementwise math and activations: RELU family, LEAKY_RELU, LOGISTIC, TANH, HARD_SWISH, GELU, EXP, LOG, SQRT, RSQRT, ABS, NEG.</summary>
internal static class ElementwiseUnaryOps
{
    public static void Register(Action<OpDefinition> add)
    {
        add(Unary(BuiltinOperator.Relu, "out = max(x, 0)."));
        add(Unary(BuiltinOperator.Relu6, "out = min(max(x, 0), 6)."));
        add(Unary(BuiltinOperator.ReluN1To1, "out = min(max(x, −1), 1)."));
        add(Unary(BuiltinOperator.LeakyRelu, "out = x > 0 ? x : alpha · x.", BuiltinOptionsType.LeakyReluOptions));
        add(Unary(BuiltinOperator.Logistic, "out = 1 / (1 + e^−x)."));
        add(Unary(BuiltinOperator.Tanh, "out = tanh(x)."));
        add(Unary(BuiltinOperator.HardSwish, "out = x · relu6(x + 3) / 6.", BuiltinOptionsType.HardSwishOptions));
        add(Unary(BuiltinOperator.Gelu,
            "out = x · Φ(x) = ½x(1 + erf(x/√2)); approximate: ½x(1 + tanh(√(2/π)(x + 0.044715x³))).", BuiltinOptionsType.GeluOptions));
        add(Unary(BuiltinOperator.Exp, "out = e^x.", BuiltinOptionsType.ExpOptions));
        add(Unary(BuiltinOperator.Log, "out = ln x."));
        add(Unary(BuiltinOperator.Sqrt, "out = √x."));
        add(Unary(BuiltinOperator.Rsqrt, "out = 1 / √x."));
        add(Unary(BuiltinOperator.Abs, "out = |x|.", BuiltinOptionsType.AbsOptions));
        add(Unary(BuiltinOperator.Neg, "out = −x.", BuiltinOptionsType.NegOptions));
    }

    private static OpDefinition Unary(BuiltinOperator op, string summary, BuiltinOptionsType options = BuiltinOptionsType.None) => new()
    {
        Op = op,
        Summary = summary,
        Inputs = ["input"],
        OptionsType = options,
        InferShapes = ElementwiseReference.SameShape,
        Reference = ctx => ElementwiseReference.Unary(ctx, ElementwiseFunctions.Unary(ctx.Op)!),
    };
}
