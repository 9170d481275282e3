using LiteRt.Format.Schema;
using static LiteRt.Graph.Catalog.DataMovementHelpers;

namespace LiteRt.Graph.Catalog;

// TRANSPOSE: output dim i is input dim perm[i].
internal static partial class DataMovementOps
{
    private static void RegisterTranspose(Action<OpDefinition> add) => add(new OpDefinition
    {
        Op = BuiltinOperator.Transpose,
        Summary = "Permutes dims: output dim i is input dim perm[i] (perm is a constant permutation of [0, rank)).",
        Inputs = ["input", "perm"],
        OptionsType = BuiltinOptionsType.TransposeOptions,
        InferShapes = TransposeShape,
        Reference = TransposeReference,
    });

    internal static int[] CheckedPermutation(ShapeContext ctx, int rank)
    {
        var perm = ConstantInt32s(ctx, 1, "perm");
        if (perm.Length != rank) throw ctx.Error($"perm has {perm.Length} entries but the input has rank {rank}");
        var seen = new bool[rank];
        foreach (int p in perm)
        {
            if (p < 0 || p >= rank) throw ctx.Error($"perm {Shapes.Format(perm)} is out of bounds for rank {rank}");
            if (seen[p]) throw ctx.Error($"perm {Shapes.Format(perm)} is not a permutation");
            seen[p] = true;
        }
        return perm;
    }

    private static void TransposeShape(ShapeContext ctx)
    {
        var input = ctx.InputShape(0);
        var perm = CheckedPermutation(ctx, input.Length);
        var output = new int[input.Length];
        for (int i = 0; i < output.Length; i++) output[i] = input[perm[i]];
        ctx.SetOutputShape(0, output);
    }

    private static void TransposeReference(ReferenceContext ctx)
    {
        var x = ctx.Input(0);
        var perm = Ints(ctx.Input(1));
        var y = ctx.Output(0);
        var inStrides = Shapes.Strides(x.Shape);
        int rank = y.Rank;
        var index = new int[rank];
        for (int o = 0; o < y.Length; o++)
        {
            long src = 0;
            for (int i = 0; i < rank; i++) src += index[i] * inStrides[perm[i]];
            y.Data[o] = x.Data[src];
            for (int i = rank - 1; i >= 0; i--)
            {
                if (++index[i] < y.Shape[i]) break;
                index[i] = 0;
            }
        }
    }
}
