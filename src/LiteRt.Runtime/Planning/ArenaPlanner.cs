namespace LiteRt.Runtime.Planning;

/// <summary>A block of arena memory needed from step <see cref="First"/> to step <see cref="Last"/> inclusive.</summary>
public readonly record struct ArenaRequest(int Id, long Bytes, int First, int Last);

/// <summary>
/// Static memory plan: assigns each request an offset in one arena so that requests whose lifetimes overlap never
/// share bytes. Greedy by size (largest first), placing each block in the lowest gap that fits among the blocks
/// already placed whose lifetimes overlap it — the strategy TFLite's arena planner uses, deterministic.
/// </summary>
public static class ArenaPlanner
{
    public const int Alignment = 64;

    public static (long[] Offsets, long ArenaBytes) Plan(IReadOnlyList<ArenaRequest> requests)
    {
        var offsets = new long[requests.Count];
        var order = Enumerable.Range(0, requests.Count)
            .OrderByDescending(i => requests[i].Bytes).ThenBy(i => requests[i].First).ThenBy(i => i).ToArray();
        var placed = new List<int>(requests.Count);
        long arena = 0;
        var overlapping = new List<(long Start, long End)>();
        foreach (int i in order)
        {
            var r = requests[i];
            long size = AlignUp(Math.Max(r.Bytes, 1));
            overlapping.Clear();
            foreach (int j in placed)
            {
                var o = requests[j];
                if (o.First <= r.Last && r.First <= o.Last) overlapping.Add((offsets[j], offsets[j] + AlignUp(Math.Max(o.Bytes, 1))));
            }
            overlapping.Sort((a, b) => a.Start.CompareTo(b.Start));
            long candidate = 0;
            foreach (var (start, end) in overlapping)
            {
                if (candidate + size <= start) break;
                candidate = Math.Max(candidate, end);
            }
            offsets[i] = candidate;
            arena = Math.Max(arena, candidate + size);
            placed.Add(i);
        }
        return (offsets, arena);
    }

    public static long AlignUp(long v) => (v + Alignment - 1) / Alignment * Alignment;
}
