using LiteRt.Format.Schema;
using LiteRt.Graph;

namespace LiteRt.Quantization.Transforms;

/// <summary>The scheme chosen for one operation (subgraph, index) and the rule it came from.</summary>
internal sealed record OpPlan(int Subgraph, int OpIndex, BuiltinOperator Op, string Output, QuantizationScheme Scheme, RecipeRule? Rule, string? Note = null)
{
    public int BlockSize => Rule?.BlockSize ?? 32;
    public bool PerChannel => Rule?.PerChannel ?? true;
    public bool AsymmetricInputs => Rule?.AsymmetricInputs ?? true;
}

/// <summary>Where an op keeps its weights, and which axis holds its output channels.</summary>
internal readonly record struct WeightSlot(int Input, int ChannelAxis, int Bias);

internal static class WeightedOps
{
    /// <summary>The weights input of ops that have one (FC, convolutions, BATCH_MATMUL's rhs, EMBEDDING_LOOKUP's params).</summary>
    public static WeightSlot? Find(Subgraph sg, Operation op)
    {
        WeightSlot? slot = op.Op switch
        {
            BuiltinOperator.FullyConnected => new WeightSlot(1, 0, 2),
            BuiltinOperator.Conv2d => new WeightSlot(1, 0, 2),
            BuiltinOperator.DepthwiseConv2d => new WeightSlot(1, 3, 2),
            BuiltinOperator.TransposeConv => new WeightSlot(1, 0, 3),
            BuiltinOperator.EmbeddingLookup => new WeightSlot(1, 0, -1),
            BuiltinOperator.BatchMatmul when op.HasInput(1) && sg.Tensors[op.Inputs[1]].Shape.Length >= 2 =>
                new WeightSlot(1, sg.Tensors[op.Inputs[1]].Shape.Length - (op.BoolAttr("adj_y") ? 2 : 1), -1),
            _ => null,
        };
        if (slot is not { } s || !op.HasInput(s.Input)) return null;
        var w = sg.Tensors[op.Inputs[s.Input]];
        if (!w.IsConstant || w.Type != TensorType.Float32 || w.IsQuantized) return null;
        if (s.ChannelAxis >= w.Shape.Length) return null;
        return s;
    }

    public static long Elements(Subgraph sg, Operation op, WeightSlot s) => Shapes.ElementCount(sg.Tensors[op.Inputs[s.Input]].Shape);
}
