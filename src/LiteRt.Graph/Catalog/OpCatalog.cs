using LiteRt.Format.Schema;

namespace LiteRt.Graph.Catalog;

/// <summary>
/// The single source of truth for op semantics: every op the IR can compute, with its shape rule and float64
/// reference kernel. Families register themselves from their own folders.
/// </summary>
public static class OpCatalog
{
    private static readonly Dictionary<BuiltinOperator, OpDefinition> Definitions = Build();

    public static IEnumerable<OpDefinition> All => Definitions.Values.OrderBy(d => d.Name, StringComparer.Ordinal);

    public static OpDefinition? Find(BuiltinOperator op) => Definitions.GetValueOrDefault(op);

    public static OpDefinition Get(BuiltinOperator op, string? node = null) =>
        Find(op) ?? throw new LiteRtModelException($"operator {op.Name()} is not supported", node);

    private static Dictionary<BuiltinOperator, OpDefinition> Build()
    {
        var d = new Dictionary<BuiltinOperator, OpDefinition>();
        void Add(OpDefinition def)
        {
            if (!d.TryAdd(def.Op, def)) throw new InvalidOperationException($"{def.Name} is registered twice");
        }
        ElementwiseOps.Register(Add);
        NeuralNetOps.Register(Add);
        DataMovementOps.Register(Add);
        ExtraOps.Register(Add);
        DecoderOps.Register(Add);
        return d;
    }
}
