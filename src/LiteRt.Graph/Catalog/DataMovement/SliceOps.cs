using LiteRt.Format.Schema;
using static LiteRt.Graph.Catalog.DataMovementHelpers;

namespace LiteRt.Graph.Catalog;

// SLICE and STRIDED_SLICE.
internal static partial class DataMovementOps
{
    private static void RegisterSlices(Action<OpDefinition> add)
    {
        add(new OpDefinition
        {
            Op = BuiltinOperator.Slice,
            Summary = "Takes size[i] elements from begin[i] along every dim (constant begin/size; size -1 = to the end).",
            Inputs = ["input", "begin", "size"],
            OptionsType = BuiltinOptionsType.SliceOptions,
            InferShapes = SliceShape,
            Reference = SliceReference,
        });
        add(new OpDefinition
        {
            Op = BuiltinOperator.StridedSlice,
            Summary = "NumPy-style x[begin:end:stride] with begin/end/ellipsis/new-axis/shrink masks and the offset flag (LiteRT semantics).",
            Inputs = ["input", "begin", "end", "strides"],
            OptionsType = BuiltinOptionsType.StridedSliceOptions,
            InferShapes = ctx => ctx.SetOutputShape(0, StridedSliceOf(ctx, ctx.InputShape(0)).OutputShape),
            Reference = StridedSliceReference,
        });
    }

    /// <summary>Per-dim begin and size of a SLICE for a known or partly unknown input shape.</summary>
    internal static (int[] Begin, int[] Size) SliceBounds(int[] input, int[] begin, int[] size, Func<string, Exception> error)
    {
        int rank = input.Length;
        if (begin.Length != rank || size.Length != rank)
            throw error($"begin and size must have {rank} entries (got {begin.Length} and {size.Length})");
        var outSize = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            int dim = input[i], b = begin[i], s = size[i];
            if (b < 0 || (dim >= 0 && b > dim)) throw error($"begin {b} is out of range for dimension {i} of size {dim}");
            if (s < -1) throw error($"invalid size {s} for dimension {i}");
            if (s == -1) outSize[i] = dim < 0 ? -1 : dim - b;
            else
            {
                if (dim >= 0 && (long)b + s > dim) throw error($"begin {b} + size {s} exceeds dimension {i} of size {dim}");
                outSize[i] = s;
            }
        }
        return (begin, outSize);
    }

    private static void SliceShape(ShapeContext ctx)
    {
        var input = ctx.InputShape(0);
        var (_, size) = SliceBounds(input, ConstantInt32s(ctx, 1, "begin"), ConstantInt32s(ctx, 2, "size"), ctx.Error);
        ctx.SetOutputShape(0, size);
    }

    private static void SliceReference(ReferenceContext ctx)
    {
        var x = ctx.Input(0);
        var (begin, _) = SliceBounds(x.Shape, Ints(ctx.Input(1)), Ints(ctx.Input(2)), m => new LiteRtModelException(m, ctx.Node));
        var y = ctx.Output(0);
        var strides = Shapes.Strides(x.Shape);
        var index = new int[y.Rank];
        for (int o = 0; o < y.Length; o++)
        {
            long src = 0;
            for (int i = 0; i < y.Rank; i++) src += (begin[i] + index[i]) * strides[i];
            y.Data[o] = x.Data[src];
            for (int i = y.Rank - 1; i >= 0; i--)
            {
                if (++index[i] < y.Shape[i]) break;
                index[i] = 0;
            }
        }
    }

    /// <summary>Reads the op's attributes and constant index lists and resolves the slice for an input shape.</summary>
    internal static StridedSliceSpec StridedSliceOf(ShapeContext ctx, int[] input)
    {
        for (int i = 1; i <= 3; i++) ctx.Require(ctx.InputRank(i) == 1, $"input {i} of STRIDED_SLICE must be a vector");
        try
        {
            return BuildStridedSlice(ctx.Op, input, ConstantInt32s(ctx, 1, "begin"), ConstantInt32s(ctx, 2, "end"), ConstantInt32s(ctx, 3, "strides"));
        }
        catch (ArgumentException e)
        {
            throw ctx.Error(e.Message);
        }
    }

    internal static StridedSliceSpec BuildStridedSlice(Operation op, int[] input, int[] begin, int[] end, int[] strides) =>
        StridedSliceSpec.Build(input, begin, end, strides, op.IntAttr("begin_mask"), op.IntAttr("end_mask"),
            op.IntAttr("ellipsis_mask"), op.IntAttr("new_axis_mask"), op.IntAttr("shrink_axis_mask"), op.BoolAttr("offset"));

    private static void StridedSliceReference(ReferenceContext ctx)
    {
        var x = ctx.Input(0);
        StridedSliceSpec spec;
        try
        {
            spec = BuildStridedSlice(ctx.Op, x.Shape, Ints(ctx.Input(1)), Ints(ctx.Input(2)), Ints(ctx.Input(3)));
        }
        catch (ArgumentException e)
        {
            throw new LiteRtModelException(e.Message, ctx.Node);
        }
        var y = ctx.Output(0);
        var inStrides = Shapes.Strides(x.Shape);
        int eff = spec.Counts.Length;
        var index = new int[eff];
        for (int o = 0; o < y.Length; o++)
        {
            long src = 0;
            for (int i = 0; i < eff; i++)
            {
                int d = spec.InputDimOf[i];
                if (d >= 0) src += (long)(spec.Starts[i] + (long)index[i] * spec.Steps[i]) * inStrides[d];
            }
            y.Data[o] = x.Data[src];
            for (int i = eff - 1; i >= 0; i--)
            {
                if (++index[i] < spec.Counts[i]) break;
                index[i] = 0;
            }
        }
    }
}
