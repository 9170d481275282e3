using LiteRt.Format.Schema;
using LiteRt.Runtime.Execution;

namespace LiteRt.Runtime.Cpu;

/// <summary>All CPU kernels, by op, in preference order. Families register from their own folders.</summary>
public static class CpuKernelRegistry
{
    private static readonly Dictionary<BuiltinOperator, List<CpuKernel>> ByOp = Build();
    private static readonly Dictionary<string, CpuKernel> ById =
        ByOp.Values.SelectMany(k => k).ToDictionary(k => k.Id, StringComparer.Ordinal);

    public static IEnumerable<CpuKernel> All => ByOp.Values.SelectMany(k => k);

    public static bool SupportsOp(BuiltinOperator op) => ByOp.ContainsKey(op);

    public static IReadOnlyList<CpuKernel> For(BuiltinOperator op) => ByOp.TryGetValue(op, out var l) ? l : [];

    public static CpuKernel? FindById(string id) => ById.GetValueOrDefault(id);

    /// <summary>The first kernel for the node's op that accepts its tensor types, or null.</summary>
    public static CpuKernel? Select(PreparedNode node)
    {
        foreach (var k in For(node.Op.Op))
            if (k.Accepts(node)) return k;
        return null;
    }

    private static Dictionary<BuiltinOperator, List<CpuKernel>> Build()
    {
        var d = new Dictionary<BuiltinOperator, List<CpuKernel>>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        void Add(CpuKernel k)
        {
            if (!ids.Add(k.Id)) throw new InvalidOperationException($"kernel id {k.Id} is registered twice");
            if (!d.TryGetValue(k.Op, out var list)) d[k.Op] = list = [];
            list.Add(k);
        }
        Kernels.DecoderKernels.Register(Add); // first: its direct int8 FULLY_CONNECTED reads weights in place (same results)
        Kernels.QuantizedKernels.Register(Add); // next: its fast int8 kernels take precedence where they accept a node
        Kernels.ElementwiseKernels.Register(Add);
        Kernels.NeuralNetKernels.Register(Add);
        Kernels.DataMovementKernels.Register(Add);
        Kernels.ExtraKernels.Register(Add);
        return d;
    }
}
