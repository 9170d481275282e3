namespace LiteRt.TestSupport;

/// <summary>
/// Measures the managed bytes a hot path allocates once warm. The runtime itself can allocate on the calling thread
/// while tiered JIT or OSR swaps code in (seen once on a loaded CI machine), so a measurement is repeated a few
/// times: an allocation made by the code under test shows up in every round, a JIT artefact in at most one or two.
/// </summary>
public static class Allocations
{
    /// <summary>Bytes allocated by <paramref name="callsPerRound"/> calls in the last round measured (0 ends early).</summary>
    public static long SteadyState(Action call, int callsPerRound = 3, int rounds = 5, int warmUp = 2)
    {
        for (int i = 0; i < warmUp; i++) call();
        long allocated = -1;
        for (int round = 0; round < rounds && allocated != 0; round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < callsPerRound; i++) call();
            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        }
        return allocated;
    }
}
