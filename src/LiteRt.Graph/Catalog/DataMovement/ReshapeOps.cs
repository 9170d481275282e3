using LiteRt.Format.Schema;
using static LiteRt.Graph.Catalog.DataMovementHelpers;

namespace LiteRt.Graph.Catalog;

// RESHAPE, SQUEEZE, EXPAND_DIMS: same elements in the same order, a different shape.
internal static partial class DataMovementOps
{
    private static void RegisterReshapes(Action<OpDefinition> add)
    {
        add(new OpDefinition
        {
            Op = BuiltinOperator.Reshape,
            Summary = "Same elements, new shape: from the constant 1-D shape tensor when given, else ReshapeOptions.new_shape ([0] = scalar); one -1 is inferred.",
            Inputs = ["input", "shape?"],
            OptionsType = BuiltinOptionsType.ReshapeOptions,
            InferShapes = ReshapeShape,
            Reference = CopyReference,
        });
        add(new OpDefinition
        {
            Op = BuiltinOperator.Squeeze,
            Summary = "Removes size-1 dims: those listed in squeeze_dims (negative counts from the end), or all of them when the list is empty.",
            Inputs = ["input"],
            OptionsType = BuiltinOptionsType.SqueezeOptions,
            InferShapes = SqueezeShape,
            Reference = CopyReference,
        });
        add(new OpDefinition
        {
            Op = BuiltinOperator.ExpandDims,
            Summary = "Inserts a size-1 dim at the constant axis (in [-rank-1, rank]; negative counts from the end).",
            Inputs = ["input", "axis"],
            OptionsType = BuiltinOptionsType.ExpandDimsOptions,
            InferShapes = ExpandDimsShape,
            Reference = CopyReference,
        });
    }

    /// <summary>The shape RESHAPE asks for, before -1 inference.</summary>
    internal static int[] ReshapeTarget(ShapeContext ctx)
    {
        var shapeTensor = ctx.InputTensor(1);
        bool newShapePresent = ctx.Op.Options is { } o && o.Descriptor.Find("new_shape") is not null && o.IsPresent("new_shape");
        // As in LiteRT, the shape tensor is used when it is a vector of integers; otherwise the attribute.
        if (shapeTensor is not null && ctx.InputShape(1).Length == 1 && shapeTensor.Type is TensorType.Int32 or TensorType.Int64)
        {
            if (TryConstantInt32s(ctx, 1, "shape", out var shape)) return shape;
            if (!newShapePresent)
                throw ctx.Error($"RESHAPE needs a constant shape tensor: '{shapeTensor.Name}' is computed at run time, so the output shape cannot be known before running");
        }
        var ns = ctx.Op.IntsAttr("new_shape");
        if (ns.Length == 1 && ns[0] == 0) return []; // legacy scalar encoding
        return ns;
    }

    private static void ReshapeShape(ShapeContext ctx)
    {
        var input = ctx.InputShape(0);
        var target = ReshapeTarget(ctx);
        try
        {
            ctx.SetOutputShape(0, ReshapeResolver.Resolve(target, input));
        }
        catch (ArgumentException e)
        {
            throw ctx.Error(e.Message);
        }
    }

    private static void SqueezeShape(ShapeContext ctx)
    {
        var input = ctx.InputShape(0);
        var dims = ctx.Op.IntsAttr("squeeze_dims");
        var remove = new bool[input.Length];
        if (dims.Length == 0)
        {
            for (int i = 0; i < input.Length; i++) remove[i] = input[i] == 1;
        }
        else
        {
            foreach (int d in dims)
            {
                int a = NormalizeAxis(ctx, d, input.Length, "squeeze dim");
                if (input[a] != 1 && input[a] >= 0)
                    throw ctx.Error($"cannot squeeze dimension {d} of {Shapes.Format(input)}: its size is {input[a]}, not 1");
                remove[a] = true;
            }
        }
        var output = new List<int>(input.Length);
        for (int i = 0; i < input.Length; i++)
            if (!remove[i]) output.Add(input[i]);
        ctx.SetOutputShape(0, [.. output]);
    }

    private static void ExpandDimsShape(ShapeContext ctx)
    {
        var input = ctx.InputShape(0);
        int axis = ConstantScalarAxis(ctx, 1, "axis");
        int a = axis < 0 ? axis + input.Length + 1 : axis;
        if (a < 0 || a > input.Length) throw ctx.Error($"axis {axis} is out of range for inserting into rank {input.Length}");
        var output = new int[input.Length + 1];
        for (int i = 0, k = 0; i < output.Length; i++) output[i] = i == a ? 1 : input[k++];
        ctx.SetOutputShape(0, output);
    }

    /// <summary>Output 0 = input 0, element for element (the shapes differ).</summary>
    private static void CopyReference(ReferenceContext ctx) =>
        ctx.Input(0).Data.AsSpan().CopyTo(ctx.Output(0).Data);
}
