namespace LiteRt.Graph.Catalog;

/// <summary>Convolutions, fully connected, matmul, pooling, softmax, normalization, resize.</summary>
internal static partial class NeuralNetOps
{
    public static void Register(Action<OpDefinition> add)
    {
        ConvOps.Register(add);
        MatMulOps.Register(add);
        PoolOps.Register(add);
        NormalizationOps.Register(add);
        ResizeOps.Register(add);
    }
}
