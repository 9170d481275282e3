using System.Runtime.CompilerServices;
using LiteRt.Runtime.Execution;

namespace LiteRt.Runtime.Cpu.Kernels.Decoder;

/// <summary>
/// Values kernels derive from constant weights in Prepare (row or block sums), computed once per weight buffer rather
/// than once per signature: a decoder's prefill_N and decode subgraphs share every weight buffer. Keyed weakly by the
/// IR buffer (gone with its model), and checked against the data address and kind, so replaced bytes are recomputed.
/// </summary>
internal static unsafe class WeightDerivedCache
{
    private static readonly ConditionalWeakTable<object, Dictionary<string, (nint Address, object Value)>> Table = new();

    public static T GetOrAdd<T>(RuntimeTensor weights, string kind, Func<T> compute) where T : class
    {
        object key = (object?)weights.Source.Buffer ?? weights.Source;
        nint address = (nint)weights.Data;
        lock (Table)
        {
            if (Table.TryGetValue(key, out var byKind) && byKind.TryGetValue(kind, out var hit) && hit.Address == address && hit.Value is T cached)
                return cached;
        }
        var value = compute();
        lock (Table) Table.GetOrCreateValue(key)[kind] = (address, value);
        return value;
    }
}
