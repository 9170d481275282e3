using LiteRt.Format.Schema;
using static LiteRt.Graph.Catalog.DataMovementHelpers;

namespace LiteRt.Graph.Catalog;

// ARG_MAX: index of the largest element along one axis.
internal static partial class DataMovementOps
{
    private static void RegisterArgMax(Action<OpDefinition> add) => add(new OpDefinition
    {
        Op = BuiltinOperator.ArgMax,
        Summary = "Index (int32 or int64, per output_type) of the first largest element along the constant axis, which is removed.",
        Inputs = ["input", "axis"],
        OptionsType = BuiltinOptionsType.ArgMaxOptions,
        InferShapes = ArgMaxShape,
        Reference = ArgMaxReference,
    });

    private static void ArgMaxShape(ShapeContext ctx)
    {
        var input = ctx.InputShape(0);
        ctx.Require(input.Length >= 1, "ARG_MAX needs an input of rank 1 or more");
        int axis = NormalizeAxis(ctx, ConstantScalarAxis(ctx, 1, "axis"), input.Length);
        ctx.Require(input[axis] != 0, $"ARG_MAX over dimension {axis} of {Shapes.Format(input)}, which is empty");
        var output = new int[input.Length - 1];
        for (int i = 0, k = 0; i < input.Length; i++)
            if (i != axis) output[k++] = input[i];
        ctx.SetOutputShape(0, output);
    }

    private static void ArgMaxReference(ReferenceContext ctx)
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
                    if (v > best)
                    {
                        best = v;
                        bestIndex = k;
                    }
                }
                y.Data[o * inner + i] = bestIndex;
            }
    }
}
