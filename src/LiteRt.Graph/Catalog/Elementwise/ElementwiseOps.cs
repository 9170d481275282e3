namespace LiteRt.Graph.Catalog;

/// <summary>Binary and unary elementwise ops, activations, casts and (de)quantization.</summary>
internal static partial class ElementwiseOps
{
    public static void Register(Action<OpDefinition> add)
    {
        ElementwiseBinaryOps.Register(add);
        ElementwiseUnaryOps.Register(add);
        ElementwiseConversionOps.Register(add);
    }
}
