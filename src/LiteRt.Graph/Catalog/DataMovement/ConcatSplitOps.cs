using LiteRt.Format.Schema;
using static LiteRt.Graph.Catalog.DataMovementHelpers;

namespace LiteRt.Graph.Catalog;

// CONCATENATION, SPLIT, SPLIT_V: joining and cutting along one axis.
internal static partial class DataMovementOps
{
    private static void RegisterConcatSplit(Action<OpDefinition> add)
    {
        add(new OpDefinition
        {
            Op = BuiltinOperator.Concatenation,
            Summary = "Joins the inputs along axis (negative counts from the end; scalars join into a vector), then applies the fused activation.",
            Inputs = ["inputs..."],
            OptionsType = BuiltinOptionsType.ConcatenationOptions,
            InferShapes = ConcatenationShape,
            Reference = ConcatenationReference,
        });
        add(new OpDefinition
        {
            Op = BuiltinOperator.Split,
            Summary = "Cuts input into num_splits equal parts along the constant axis (input 0).",
            Inputs = ["axis", "input"],
            Outputs = ["outputs..."],
            OptionsType = BuiltinOptionsType.SplitOptions,
            InferShapes = SplitShape,
            Reference = ctx => SplitReference(ctx, ctx.Input(1), SplitAxis(ctx.Input(0), ctx.Input(1).Rank)),
        });
        add(new OpDefinition
        {
            Op = BuiltinOperator.SplitV,
            Summary = "Cuts input along the constant axis into parts of the constant size_splits (one -1 takes the rest).",
            Inputs = ["input", "size_splits", "axis"],
            Outputs = ["outputs..."],
            OptionsType = BuiltinOptionsType.SplitVOptions,
            InferShapes = SplitVShape,
            Reference = ctx => SplitReference(ctx, ctx.Input(0), SplitAxis(ctx.Input(2), ctx.Input(0).Rank)),
        });
    }

    /// <summary>The normalised concatenation axis; rank-0 inputs concatenate along axis 0 into a vector.</summary>
    internal static int ConcatAxis(int axis, int rank, Func<string, Exception> error)
    {
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || !(a < rank || (rank == 0 && a == 0))) throw error($"axis {axis} is out of range for rank {rank}");
        return a;
    }

    private static void ConcatenationShape(ShapeContext ctx)
    {
        int n = ctx.InputCount;
        ctx.Require(n >= 1, "CONCATENATION needs at least one input");
        var first = ctx.InputShape(0);
        int rank = first.Length;
        int axis = ConcatAxis(ctx.Op.IntAttr("axis"), rank, ctx.Error);
        if (!IsSupportedActivation(ctx.Op.FusedActivation))
            throw ctx.Error($"fused activation {ctx.Op.FusedActivation} is not supported by CONCATENATION");
        var type = ctx.InputType(0);
        if (rank == 0)
        {
            for (int i = 1; i < n; i++)
                ctx.Require(ctx.InputRank(i) == 0, $"input {i} has rank {ctx.InputRank(i)}, input 0 has rank 0");
            ctx.SetOutputShape(0, [n]);
            return;
        }
        var output = (int[])first.Clone();
        for (int i = 1; i < n; i++)
        {
            var s = ctx.InputShape(i);
            if (s.Length != rank) throw ctx.Error($"input {i} has rank {s.Length}, input 0 has rank {rank}");
            if (ctx.InputType(i) != type) throw ctx.Error($"input {i} is {ctx.InputType(i).Name()}, input 0 is {type.Name()}");
            for (int d = 0; d < rank; d++)
            {
                if (d == axis) output[d] = AddDims(output[d], s[d]);
                else if (!Compatible(output[d], s[d]))
                    throw ctx.Error($"input {i} {Shapes.Format(s)} does not match input 0 {Shapes.Format(first)} outside axis {axis}");
                else if (output[d] < 0) output[d] = s[d];
            }
        }
        ctx.SetOutputShape(0, output);
    }

    private static void ConcatenationReference(ReferenceContext ctx)
    {
        var y = ctx.Output(0);
        int rank = ctx.Input(0).Rank;
        int axis = ConcatAxis(ctx.Op.IntAttr("axis"), rank, m => new LiteRtModelException(m, ctx.Node));
        long outer = rank == 0 ? 1 : Product(y.Shape, 0, axis);
        int o = 0;
        for (long b = 0; b < outer; b++)
            for (int i = 0; i < ctx.InputCount; i++)
            {
                var x = ctx.Input(i);
                long chunk = rank == 0 ? 1 : Product(x.Shape, axis, rank);
                x.Data.AsSpan((int)(b * chunk), (int)chunk).CopyTo(y.Data.AsSpan(o));
                o += (int)chunk;
            }
        ApplyActivation(y.Data, ctx.Op.FusedActivation);
    }

    private static int SplitAxis(RefTensor axis, int rank)
    {
        int a = (int)axis.Data[0];
        return a < 0 ? a + rank : a;
    }

    private static void SplitShape(ShapeContext ctx)
    {
        var input = ctx.InputShape(1);
        int axis = NormalizeAxis(ctx, ConstantScalarAxis(ctx, 0, "axis"), input.Length);
        int n = ctx.Op.IntAttr("num_splits");
        ctx.Require(n > 0, $"num_splits must be positive, got {n}");
        ctx.Require(ctx.OutputCount == n, $"num_splits is {n} but the op has {ctx.OutputCount} outputs");
        int dim = input[axis];
        if (dim >= 0 && dim % n != 0) throw ctx.Error($"dimension {axis} of {Shapes.Format(input)} is not divisible by {n}");
        var part = (int[])input.Clone();
        part[axis] = dim < 0 ? -1 : dim / n;
        ctx.SetAllOutputs(part);
    }

    private static void SplitVShape(ShapeContext ctx)
    {
        var input = ctx.InputShape(0);
        int axis = NormalizeAxis(ctx, ConstantScalarAxis(ctx, 2, "axis"), input.Length);
        ctx.Require(ctx.InputRank(1) == 1, "size_splits must be a vector");
        var sizes = ConstantInt32s(ctx, 1, "size_splits");
        ctx.Require(sizes.Length == ctx.OutputCount, $"size_splits has {sizes.Length} entries but the op has {ctx.OutputCount} outputs");
        int num = ctx.Op.IntAttr("num_splits", sizes.Length);
        ctx.Require(num == sizes.Length, $"num_splits is {num} but size_splits has {sizes.Length} entries");
        int dim = input[axis];
        int inferred = -1;
        long sum = 0;
        for (int i = 0; i < sizes.Length; i++)
        {
            if (sizes[i] == -1)
            {
                if (inferred >= 0) throw ctx.Error("size_splits may contain at most one -1");
                inferred = i;
            }
            else if (sizes[i] < 0) throw ctx.Error($"size_splits {Shapes.Format(sizes)} has a negative size");
            else sum += sizes[i];
        }
        if (dim >= 0)
        {
            if (inferred >= 0)
            {
                if (sum > dim) throw ctx.Error($"size_splits {Shapes.Format(sizes)} exceed dimension {axis} of {Shapes.Format(input)}");
                sizes[inferred] = (int)(dim - sum);
            }
            else if (sum != dim)
                throw ctx.Error($"size_splits {Shapes.Format(sizes)} do not add up to dimension {axis} of {Shapes.Format(input)}");
        }
        for (int i = 0; i < sizes.Length; i++)
        {
            var part = (int[])input.Clone();
            part[axis] = sizes[i];
            ctx.SetOutputShape(i, part);
        }
    }

    private static void SplitReference(ReferenceContext ctx, RefTensor x, int axis)
    {
        long outer = Product(x.Shape, 0, axis);
        int src = 0;
        for (long b = 0; b < outer; b++)
            for (int k = 0; k < ctx.OutputCount; k++)
            {
                var y = ctx.Output(k);
                int chunk = (int)Product(y.Shape, axis, y.Rank);
                x.Data.AsSpan(src, chunk).CopyTo(y.Data.AsSpan((int)(b * chunk)));
                src += chunk;
            }
    }
}
