using LiteRt.Format.Schema;
using static LiteRt.Graph.Catalog.DataMovementHelpers;

namespace LiteRt.Graph.Catalog;

// MEAN, SUM, REDUCE_MAX over the axes of a constant axis tensor.
internal static partial class DataMovementOps
{
    private static void RegisterReductions(Action<OpDefinition> add)
    {
        add(Reduction(BuiltinOperator.Mean, "Mean over the axes (negative and duplicate axes allowed); keep_dims keeps them as size 1."));
        add(Reduction(BuiltinOperator.Sum, "Sum over the axes (negative and duplicate axes allowed); keep_dims keeps them as size 1."));
        add(Reduction(BuiltinOperator.ReduceMax, "Maximum over the axes (negative and duplicate axes allowed); keep_dims keeps them as size 1. " +
                                                 "An empty reduction gives the lowest value of the output type."));
    }

    private static OpDefinition Reduction(BuiltinOperator op, string summary) => new()
    {
        Op = op,
        Summary = summary,
        Inputs = ["input", "axis"],
        OptionsType = BuiltinOptionsType.ReducerOptions,
        InferShapes = ReductionShape,
        Reference = ReductionReference,
    };

    private static void ReductionShape(ShapeContext ctx)
    {
        var input = ctx.InputShape(0);
        ctx.Require(ctx.InputRank(1) <= 1, "axis must be a scalar or a vector");
        var axes = ConstantInt32s(ctx, 1, "axis");
        bool[] mask;
        try
        {
            mask = ReductionAxes.Mask(axes, input.Length);
        }
        catch (ArgumentException e)
        {
            throw ctx.Error(e.Message);
        }
        ctx.SetOutputShape(0, ReductionAxes.OutputShape(input, mask, ctx.Op.BoolAttr("keep_dims")));
    }

    private static void ReductionReference(ReferenceContext ctx)
    {
        var x = ctx.Input(0);
        var y = ctx.Output(0);
        var mask = ReductionAxes.Mask(Ints(ctx.Input(1)), x.Rank);
        // Output index of every input element: the non-reduced coordinates in the output's row-major order.
        var outStride = new long[x.Rank];
        long acc = 1;
        for (int i = x.Rank - 1; i >= 0; i--)
        {
            if (mask[i]) continue;
            outStride[i] = acc;
            acc *= x.Shape[i];
        }
        long reducedCount = 1;
        for (int i = 0; i < x.Rank; i++) if (mask[i]) reducedCount *= x.Shape[i];

        bool max = ctx.Op.Op == BuiltinOperator.ReduceMax;
        var values = y.Data;
        // LiteRT starts REDUCE_MAX at the type's lowest value and keeps it unless an element is greater (NaN never is).
        values.AsSpan().Fill(max ? LowestValue(y.Type, y.Quantization) : 0);
        var index = new int[x.Rank];
        for (int s = 0; s < x.Length; s++)
        {
            long o = 0;
            for (int i = 0; i < x.Rank; i++) o += index[i] * outStride[i];
            values[o] = max ? (x.Data[s] > values[o] ? x.Data[s] : values[o]) : values[o] + x.Data[s];
            for (int i = x.Rank - 1; i >= 0; i--)
            {
                if (++index[i] < x.Shape[i]) break;
                index[i] = 0;
            }
        }
        if (ctx.Op.Op == BuiltinOperator.Mean)
            for (int i = 0; i < values.Length; i++) values[i] /= reducedCount;
    }

    /// <summary>The lowest value a tensor of this type can hold, as a real number (LiteRT's REDUCE_MAX initial value).</summary>
    internal static double LowestValue(TensorType type, QuantizationParams? q)
    {
        if (type == TensorType.Float32) return float.MinValue;
        if (type == TensorType.Float64) return double.MinValue;
        if (type == TensorType.Float16) return (double)Half.MinValue;
        var (min, _) = type.IntegerRange();
        return q is { IsEmpty: false, Scale.Length: > 0 } ? q.ScaleAt(0) * (min - q.ZeroPointAt(0)) : min;
    }
}
