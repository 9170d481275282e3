using LiteRt.Format.Schema;
using static LiteRt.Graph.Catalog.DataMovementHelpers;

namespace LiteRt.Graph.Catalog;

// ARG_MAX: index of the largest element along one axis (ARG_MIN, in the Extra family, shares the shape rule and reference).
internal static partial class DataMovementOps
{
    private static void RegisterArgMax(Action<OpDefinition> add) => add(new OpDefinition
    {
        Op = BuiltinOperator.ArgMax,
        Summary = "Index (int32 or int64, per output_type) of the first largest element along the constant axis, which is removed.",
        Inputs = ["input", "axis"],
        OptionsType = BuiltinOptionsType.ArgMaxOptions,
        InferShapes = ctx => ArgReduceShape(ctx, "ARG_MAX"),
        Reference = ctx => ArgReduceReference(ctx, largest: true),
    });

    /// <summary>ARG_MAX / ARG_MIN: the input's shape without the constant axis.</summary>
    internal static void ArgReduceShape(ShapeContext ctx, string op)
    {
        var input = ctx.InputShape(0);
        ctx.Require(input.Length >= 1, $"{op} needs an input of rank 1 or more");
        int axis = NormalizeAxis(ctx, ConstantScalarAxis(ctx, 1, "axis"), input.Length);
        ctx.Require(input[axis] != 0, $"{op} over dimension {axis} of {Shapes.Format(input)}, which is empty");
        var output = new int[input.Length - 1];
        for (int i = 0, k = 0; i < input.Length; i++)
            if (i != axis) output[k++] = input[i];
        ctx.SetOutputShape(0, output);
    }

    /// <summary>ARG_MAX (<paramref name="largest"/>) / ARG_MIN: index of the first extreme element along the axis.</summary>
    internal static void ArgReduceReference(ReferenceContext ctx, bool largest)
    {
        var x = ctx.Input(0);
        int axis = (int)ctx.Input(1).Data[0];
        if (axis < 0) axis += x.Rank;
        long outer = Product(x.Shape, 0, axis);
        int n = x.Shape[axis];
        long inner = Product(x.Shape, axis + 1, x.Rank);
        var y = ctx.Output(0);
        for (long o = 0; o < outer; o++)
            for (long i = 0; i < inner; i++)
            {
                long baseIndex = o * n * inner + i;
                double best = x.Data[baseIndex];
                int bestIndex = 0;
                for (int k = 1; k < n; k++)
                {
                    double v = x.Data[baseIndex + k * inner];
                    if (largest ? v > best : v < best)
                    {
                        best = v;
                        bestIndex = k;
                    }
                }
                y.Data[o * inner + i] = bestIndex;
            }
    }
}
