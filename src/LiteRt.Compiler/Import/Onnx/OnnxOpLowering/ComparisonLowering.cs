using LiteRt.Format.Schema;
using LiteRt.Graph;

namespace LiteRt.Compiler.Import.Onnx.OnnxOpLowering;

/// <summary>Comparisons (→ EQUAL … GREATER_EQUAL, computed in float32/int32/int64), logic on bool, and Where → SELECT_V2.</summary>
internal static class ComparisonLowering
{
    private static readonly TensorType[] Numeric = [TensorType.Float32, TensorType.Int32, TensorType.Int64];

    public static void Register(Action<string, OnnxLowering> add)
    {
        add("Equal", ctx => Compare(ctx, BuiltinOperator.Equal));
        add("Less", ctx => Compare(ctx, BuiltinOperator.Less));
        add("LessOrEqual", ctx => Compare(ctx, BuiltinOperator.LessEqual));
        add("Greater", ctx => Compare(ctx, BuiltinOperator.Greater));
        add("GreaterOrEqual", ctx => Compare(ctx, BuiltinOperator.GreaterEqual));
        add("And", ctx => Logic(ctx, BuiltinOperator.LogicalAnd));
        add("Or", ctx => Logic(ctx, BuiltinOperator.LogicalOr));
        add("Xor", ctx => Logic(ctx, BuiltinOperator.NotEqual));
        add("Not", ctx =>
        {
            int x = ctx.Required(0);
            RequireBool(ctx, x);
            ctx.Output(0, ctx.B.Op(BuiltinOperator.LogicalNot, [x], TensorType.Bool, null, ctx.Name("not")));
        });
        add("Where", Where);
    }

    private static void RequireBool(LoweringContext ctx, int t)
    {
        if (ctx.Type(t) != TensorType.Bool)
            throw ctx.Node.Error(ErrorCodes.UnsupportedDataType, $"{ctx.Node.OpType} needs bool inputs, got {ctx.Type(t).Name()}");
    }

    private static void Compare(LoweringContext ctx, BuiltinOperator op)
    {
        var (a, b) = ElementwiseLowering.Operands(ctx);
        if (ctx.Type(a) == TensorType.Bool && op == BuiltinOperator.Equal)
        {
            ctx.Output(0, ctx.B.Op(op, [a, b], TensorType.Bool, null, ctx.Name("equal")));
            return;
        }
        var ct = ctx.ComputeType(ctx.Type(a), Numeric);
        ctx.Output(0, ctx.B.Op(op, [ctx.CastTo(a, ct), ctx.CastTo(b, ct)], TensorType.Bool, null, ctx.Name(op.Name().ToLowerInvariant())));
    }

    private static void Logic(LoweringContext ctx, BuiltinOperator op)
    {
        var (a, b) = ElementwiseLowering.Operands(ctx);
        RequireBool(ctx, a);
        RequireBool(ctx, b);
        ctx.Output(0, ctx.B.Op(op, [a, b], TensorType.Bool, null, ctx.Name(op.Name().ToLowerInvariant())));
    }

    private static void Where(LoweringContext ctx)
    {
        int c = ctx.Required(0), x = ctx.Required(1), y = ctx.Required(2);
        RequireBool(ctx, c);
        if (ctx.Type(x) != ctx.Type(y)) throw ctx.Node.Error(ErrorCodes.InvalidGraph, "X and Y types differ");
        if (ctx.Type(x) == TensorType.String) throw ctx.Node.Error(ErrorCodes.UnsupportedDataType, "Where on STRING is not supported");
        ctx.Output(0, ctx.B.Op(BuiltinOperator.SelectV2, [c, x, y], ctx.Type(x), null, ctx.Name("where")));
    }
}
