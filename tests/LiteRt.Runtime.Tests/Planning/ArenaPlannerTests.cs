using LiteRt.Runtime.Planning;

namespace LiteRt.Runtime.Tests.Planning;

public class ArenaPlannerTests
{
    [Fact]
    public void Blocks_with_overlapping_lifetimes_never_share_bytes()
    {
        var rng = new Random(7);
        for (int trial = 0; trial < 200; trial++)
        {
            var requests = new List<ArenaRequest>();
            int n = rng.Next(1, 40);
            for (int i = 0; i < n; i++)
            {
                int first = rng.Next(0, 20);
                requests.Add(new ArenaRequest(i, rng.Next(0, 5000), first, first + rng.Next(0, 6)));
            }
            var (offsets, arena) = ArenaPlanner.Plan(requests);
            for (int i = 0; i < n; i++)
            {
                Assert.Equal(0, offsets[i] % ArenaPlanner.Alignment);
                Assert.True(offsets[i] + requests[i].Bytes <= arena);
                for (int j = i + 1; j < n; j++)
                {
                    bool liveTogether = requests[i].First <= requests[j].Last && requests[j].First <= requests[i].Last;
                    bool bytesOverlap = offsets[i] < offsets[j] + Math.Max(requests[j].Bytes, 1) && offsets[j] < offsets[i] + Math.Max(requests[i].Bytes, 1);
                    Assert.False(liveTogether && bytesOverlap, $"trial {trial}: blocks {i} and {j} overlap");
                }
            }
        }
    }

    [Fact]
    public void Disjoint_lifetimes_reuse_memory()
    {
        var (offsets, arena) = ArenaPlanner.Plan([new(0, 1000, 0, 1), new(1, 1000, 2, 3), new(2, 1000, 4, 5)]);
        Assert.Equal(ArenaPlanner.AlignUp(1000), arena);
        Assert.All(offsets, o => Assert.Equal(0, o));
    }
}
