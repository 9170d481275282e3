using LiteRt.Format.Schema;
using static LiteRt.Graph.Catalog.DataMovementHelpers;

namespace LiteRt.Graph.Catalog;

// PAD and PADV2: constant padding before and after every dim.
internal static partial class DataMovementOps
{
    private static void RegisterPads(Action<OpDefinition> add)
    {
        add(new OpDefinition
        {
            Op = BuiltinOperator.Pad,
            Summary = "Pads every dim with paddings[i] = [before, after] (constant, non-negative) elements of value 0 (the zero point when quantized).",
            Inputs = ["input", "paddings"],
            OptionsType = BuiltinOptionsType.PadOptions,
            InferShapes = PadShape,
            Reference = PadReference,
        });
        add(new OpDefinition
        {
            Op = BuiltinOperator.Padv2,
            Summary = "PAD with the value of the scalar constant_values input (0 when absent).",
            Inputs = ["input", "paddings", "constant_values?"],
            OptionsType = BuiltinOptionsType.PadV2Options,
            InferShapes = PadShape,
            Reference = PadReference,
        });
    }

    /// <summary>Paddings as [rank][2] after validation.</summary>
    internal static int[] CheckedPaddings(int[] paddings, int[] paddingsShape, int rank, Func<string, Exception> error)
    {
        if (paddingsShape.Length != 2 || paddingsShape[0] != rank || paddingsShape[1] != 2)
            throw error($"paddings must have shape [{rank},2], got {Shapes.Format(paddingsShape)}");
        foreach (int p in paddings)
            if (p < 0) throw error($"paddings {Shapes.Format(paddings)} must be non-negative");
        return paddings;
    }

    private static void PadShape(ShapeContext ctx)
    {
        var input = ctx.InputShape(0);
        var pads = CheckedPaddings(ConstantInt32s(ctx, 1, "paddings"), ctx.InputShape(1), input.Length, ctx.Error);
        if (ctx.HasInput(2))
        {
            ctx.Require(Shapes.ElementCount(ctx.InputShape(2)) == 1, "constant_values must hold exactly one value");
            ctx.Require(ctx.InputType(2) == ctx.InputType(0), $"constant_values is {ctx.InputType(2).Name()}, the input is {ctx.InputType(0).Name()}");
        }
        var output = new int[input.Length];
        for (int i = 0; i < input.Length; i++)
            output[i] = input[i] < 0 ? -1 : checked(input[i] + pads[2 * i] + pads[2 * i + 1]);
        ctx.SetOutputShape(0, output);
    }

    private static void PadReference(ReferenceContext ctx)
    {
        var x = ctx.Input(0);
        var pads = Ints(ctx.Input(1));
        double value = ctx.HasInput(2) ? ctx.Input(2).Data[0] : 0;
        var y = ctx.Output(0);
        y.Data.AsSpan().Fill(value);
        var outStrides = Shapes.Strides(y.Shape);
        var index = new int[x.Rank];
        for (int s = 0; s < x.Length; s++)
        {
            long dst = 0;
            for (int i = 0; i < x.Rank; i++) dst += (index[i] + pads[2 * i]) * outStrides[i];
            y.Data[dst] = x.Data[s];
            for (int i = x.Rank - 1; i >= 0; i--)
            {
                if (++index[i] < x.Shape[i]) break;
                index[i] = 0;
            }
        }
    }
}
