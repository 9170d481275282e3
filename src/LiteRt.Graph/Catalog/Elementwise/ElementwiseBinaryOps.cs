using LiteRt.Format.Schema;

namespace LiteRt.Graph.Catalog;

/// <summary>Binary arithmetic with NumPy broadcasting: ADD, SUB, MUL, DIV, SQUARED_DIFFERENCE, MAXIMUM, MINIMUM, POW, PRELU.</summary>
internal static class ElementwiseBinaryOps
{
    public static void Register(Action<OpDefinition> add)
    {
        add(Binary(BuiltinOperator.Add, "out = act(x + y), NumPy broadcasting.", BuiltinOptionsType.AddOptions, fused: true));
        add(Binary(BuiltinOperator.Sub, "out = act(x − y), NumPy broadcasting.", BuiltinOptionsType.SubOptions, fused: true));
        add(Binary(BuiltinOperator.Mul, "out = act(x · y), NumPy broadcasting.", BuiltinOptionsType.MulOptions, fused: true));
        add(Binary(BuiltinOperator.Div, "out = act(x / y), NumPy broadcasting (integer division truncates).", BuiltinOptionsType.DivOptions, fused: true));
        add(Binary(BuiltinOperator.SquaredDifference, "out = (x − y)², NumPy broadcasting.", BuiltinOptionsType.SquaredDifferenceOptions, fused: false));
        add(Binary(BuiltinOperator.Maximum, "out = max(x, y), NumPy broadcasting.", BuiltinOptionsType.MaximumMinimumOptions, fused: false));
        add(Binary(BuiltinOperator.Minimum, "out = min(x, y), NumPy broadcasting.", BuiltinOptionsType.MaximumMinimumOptions, fused: false));
        add(Binary(BuiltinOperator.Pow, "out = x^y, NumPy broadcasting.", BuiltinOptionsType.PowOptions, fused: false));
        add(new OpDefinition
        {
            Op = BuiltinOperator.Prelu,
            Summary = "out = x ≥ 0 ? x : alpha · x, alpha broadcast against x (NumPy rules).",
            Inputs = ["input", "alpha"],
            InferShapes = ctx =>
            {
                ctx.Require(ctx.InputType(0) == ctx.InputType(1), $"alpha type {ctx.InputType(1).Name()} differs from input type {ctx.InputType(0).Name()}");
                ElementwiseReference.BroadcastShape(ctx);
            },
            Reference = ctx => ElementwiseReference.Binary(ctx, ElementwiseFunctions.Prelu),
        });
    }

    private static OpDefinition Binary(BuiltinOperator op, string summary, BuiltinOptionsType options, bool fused)
    {
        var f = ElementwiseFunctions.Binary(op)!;
        return new OpDefinition
        {
            Op = op,
            Summary = summary,
            Inputs = ["x", "y"],
            OptionsType = options,
            InferShapes = ctx =>
            {
                ctx.Require(ctx.InputType(0) == ctx.InputType(1), $"input types differ ({ctx.InputType(0).Name()} and {ctx.InputType(1).Name()})");
                if (fused) FusedActivationReference.Validate(ctx);
                ElementwiseReference.BroadcastShape(ctx);
            },
            Reference = fused
                ? ctx =>
                {
                    var act = ctx.Op.FusedActivation;
                    ElementwiseReference.Binary(ctx, (a, b) => FusedActivationReference.Apply(f(a, b), act));
                }
                : ctx => ElementwiseReference.Binary(ctx, f),
        };
    }
}
