namespace LiteRt.Graph.Catalog;

/// <summary>Reshapes, transposes, concat/split, slices, pads, gathers, reductions and arg-max.</summary>
internal static partial class DataMovementOps
{
    public static void Register(Action<OpDefinition> add)
    {
        RegisterReshapes(add);
        RegisterTranspose(add);
        RegisterConcatSplit(add);
        RegisterSlices(add);
        RegisterPads(add);
        RegisterGathers(add);
        RegisterReductions(add);
        RegisterArgMax(add);
    }
}
