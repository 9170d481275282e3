using LiteRt.Format.Schema;

namespace LiteRt.Graph.Catalog;

/// <summary>
/// Elementwise additions: FLOOR, CEIL, ROUND, SIN, COS, SIGN, SQUARE, ELU; FLOOR_DIV, FLOOR_MOD, ATAN2, RIGHT_SHIFT;
/// comparisons (EQUAL … GREATER_EQUAL → bool); LOGICAL_AND/OR/NOT; SELECT_V2.
/// </summary>
public static class ExtraElementwiseOps
{
    internal static void Register(Action<OpDefinition> add)
    {
        add(Unary(BuiltinOperator.Floor, "out = ⌊x⌋.", Math.Floor));
        add(Unary(BuiltinOperator.Ceil, "out = ⌈x⌉.", Math.Ceiling));
        add(Unary(BuiltinOperator.Round, "out = x rounded to the nearest integer, halves to even.", static x => Math.Round(x, MidpointRounding.ToEven)));
        add(Unary(BuiltinOperator.Sin, "out = sin x.", Math.Sin));
        add(Unary(BuiltinOperator.Cos, "out = cos x.", Math.Cos));
        add(Unary(BuiltinOperator.Sign, "out = −1, 0 or 1 by the sign of x (NaN stays NaN).", static x => double.IsNaN(x) ? x : Math.Sign(x)));
        add(Unary(BuiltinOperator.Square, "out = x².", static x => x * x));
        add(Unary(BuiltinOperator.Elu, "out = x < 0 ? eˣ − 1 : x.", static x => x < 0 ? Math.Exp(x) - 1 : x));
        add(Unary(BuiltinOperator.LogicalNot, "out = !x (bool).", static x => x != 0 ? 0 : 1, BuiltinOptionsType.LogicalNotOptions));

        add(Binary(BuiltinOperator.FloorDiv, "out = ⌊x / y⌋ (integers: floor division), NumPy broadcasting.", FloorDiv, BuiltinOptionsType.FloorDivOptions));
        add(Binary(BuiltinOperator.FloorMod, "out = x − ⌊x / y⌋·y: the remainder with the divisor's sign, NumPy broadcasting.", FloorMod, BuiltinOptionsType.FloorModOptions));
        add(Binary(BuiltinOperator.Atan2, "out = atan2(x, y): the angle of the point (y, x), NumPy broadcasting.", Math.Atan2, BuiltinOptionsType.ATan2Options));
        add(Binary(BuiltinOperator.RightShift, "out = x >> y (arithmetic for signed integers), NumPy broadcasting.",
            static (a, b) => (double)((long)a >> (int)Math.Clamp(b, 0, 63)), BuiltinOptionsType.RightShiftOptions));

        add(Comparison(BuiltinOperator.Equal, "out = x == y (bool), NumPy broadcasting.", static (a, b) => a == b, BuiltinOptionsType.EqualOptions));
        add(Comparison(BuiltinOperator.NotEqual, "out = x != y (bool), NumPy broadcasting.", static (a, b) => a != b, BuiltinOptionsType.NotEqualOptions));
        add(Comparison(BuiltinOperator.Less, "out = x < y (bool), NumPy broadcasting.", static (a, b) => a < b, BuiltinOptionsType.LessOptions));
        add(Comparison(BuiltinOperator.LessEqual, "out = x <= y (bool), NumPy broadcasting.", static (a, b) => a <= b, BuiltinOptionsType.LessEqualOptions));
        add(Comparison(BuiltinOperator.Greater, "out = x > y (bool), NumPy broadcasting.", static (a, b) => a > b, BuiltinOptionsType.GreaterOptions));
        add(Comparison(BuiltinOperator.GreaterEqual, "out = x >= y (bool), NumPy broadcasting.", static (a, b) => a >= b, BuiltinOptionsType.GreaterEqualOptions));
        add(Comparison(BuiltinOperator.LogicalAnd, "out = x && y (bool), NumPy broadcasting.", static (a, b) => a != 0 && b != 0, BuiltinOptionsType.LogicalAndOptions));
        add(Comparison(BuiltinOperator.LogicalOr, "out = x || y (bool), NumPy broadcasting.", static (a, b) => a != 0 || b != 0, BuiltinOptionsType.LogicalOrOptions));

        add(new OpDefinition
        {
            Op = BuiltinOperator.SelectV2,
            Summary = "out = condition ? x : y elementwise, the three inputs broadcast together (NumPy rules).",
            Inputs = ["condition", "x", "y"],
            OptionsType = BuiltinOptionsType.SelectV2Options,
            InferShapes = SelectShape,
            Reference = SelectReference,
        });
    }

    /// <summary>TFLite's floor division: integers round toward −∞, floats ⌊x/y⌋.</summary>
    public static double FloorDiv(double a, double b) => Math.Floor(a / b);

    /// <summary>TFLite's FLOOR_MOD: the truncated remainder moved to the divisor's sign.</summary>
    public static double FloorMod(double a, double b)
    {
        double r = a % b;
        return r != 0 && (b < 0) != (r < 0) ? r + b : r;
    }

    private static OpDefinition Unary(BuiltinOperator op, string summary, Func<double, double> f, BuiltinOptionsType options = BuiltinOptionsType.None) => new()
    {
        Op = op,
        Summary = summary,
        Inputs = ["input"],
        OptionsType = options,
        InferShapes = ElementwiseReference.SameShape,
        Reference = ctx => ElementwiseReference.Unary(ctx, f),
    };

    private static OpDefinition Binary(BuiltinOperator op, string summary, Func<double, double, double> f, BuiltinOptionsType options) => new()
    {
        Op = op,
        Summary = summary,
        Inputs = ["x", "y"],
        OptionsType = options,
        InferShapes = ctx =>
        {
            ctx.Require(ctx.InputType(0) == ctx.InputType(1), $"input types differ ({ctx.InputType(0).Name()} and {ctx.InputType(1).Name()})");
            ElementwiseReference.BroadcastShape(ctx);
        },
        Reference = ctx => ElementwiseReference.Binary(ctx, f),
    };

    private static OpDefinition Comparison(BuiltinOperator op, string summary, Func<double, double, bool> f, BuiltinOptionsType options) => new()
    {
        Op = op,
        Summary = summary,
        Inputs = ["x", "y"],
        OptionsType = options,
        InferShapes = ctx =>
        {
            ctx.Require(ctx.InputType(0) == ctx.InputType(1), $"input types differ ({ctx.InputType(0).Name()} and {ctx.InputType(1).Name()})");
            ElementwiseReference.BroadcastShape(ctx);
        },
        Reference = ctx => ElementwiseReference.Binary(ctx, (a, b) => f(a, b) ? 1 : 0),
    };

    private static void SelectShape(ShapeContext ctx)
    {
        ctx.Require(ctx.InputType(0) == TensorType.Bool, $"condition must be bool, not {ctx.InputType(0).Name()}");
        ctx.Require(ctx.InputType(1) == ctx.InputType(2), $"x and y types differ ({ctx.InputType(1).Name()} and {ctx.InputType(2).Name()})");
        int[] c = ctx.InputShape(0), x = ctx.InputShape(1), y = ctx.InputShape(2);
        var xy = Shapes.Broadcast(x, y) ?? throw ctx.Error($"shapes {Shapes.Format(x)} and {Shapes.Format(y)} do not broadcast");
        var all = Shapes.Broadcast(c, xy) ?? throw ctx.Error($"condition {Shapes.Format(c)} does not broadcast with {Shapes.Format(xy)}");
        ctx.SetOutputShape(0, all);
    }

    private static void SelectReference(ReferenceContext ctx)
    {
        RefTensor c = ctx.Input(0), x = ctx.Input(1), y = ctx.Input(2), o = ctx.Output(0);
        long[] sc = ElementwiseReference.BroadcastStrides(c.Shape, o.Shape);
        long[] sx = ElementwiseReference.BroadcastStrides(x.Shape, o.Shape);
        long[] sy = ElementwiseReference.BroadcastStrides(y.Shape, o.Shape);
        for (int i = 0; i < o.Length; i++)
        {
            long oc = 0, ox = 0, oy = 0, rem = i;
            for (int d = o.Rank - 1; d >= 0; d--)
            {
                long k = rem % o.Shape[d];
                rem /= o.Shape[d];
                oc += k * sc[d];
                ox += k * sx[d];
                oy += k * sy[d];
            }
            o.Data[i] = c.Data[oc] != 0 ? x.Data[ox] : y.Data[oy];
        }
    }
}
