using LiteRt.Lm.Engine;
using LiteRt.Runtime;
using Xunit.Abstractions;

namespace LiteRt.Lm.Tests.Engine;

/// <summary>The backend on a real model run by the runtime (<see cref="TinyDecoderModel"/>), checked against its C# twin.</summary>
public sealed class CompiledModelBackendTests(ITestOutputHelper output)
{
    private const double Tolerance = 1e-4;

    [Theory]
    [InlineData(32, false, new[] { 4, 8 }, 13)]     // chunks 8 + 5 (prefill_8 padded)
    [InlineData(32, true, new[] { 4, 8 }, 13)]      // last-position logits only: padded final chunk is split
    [InlineData(14, false, new[] { 4, 8 }, 13)]     // near the end: 8, then 4 exact, then one decode step
    [InlineData(20, true, new[] { 4, 8 }, 6)]
    [InlineData(16, false, new int[0], 5)]          // no prefill signatures: decode only
    public void PrefillAndDecodeMatchTheReference(int context, bool lastOnly, int[] prefill, int promptLength)
    {
        var m = new TinyDecoderModel(vocab: 50, context: context);
        using var backend = new CompiledModelBackend(CompiledModel.FromGraph(m.Build(prefill, lastOnly)));
        Assert.Equal(50, backend.VocabSize);
        Assert.Equal(context, backend.MaxContext);
        Assert.Equal(prefill.Length > 0 ? prefill : [1], backend.PrefillLengths);

        var reference = new TinyDecoderModel.Reference(m);
        var rng = new Random(3);
        int[] prompt = Enumerable.Range(0, promptLength).Select(_ => rng.Next(50)).ToArray();
        var logits = new float[50];
        double[] expected = [];
        int max = backend.PrefillLengths[^1];
        for (int at = 0; at < prompt.Length; at += max)
        {
            var chunk = prompt.AsSpan(at, Math.Min(max, prompt.Length - at));
            backend.Prefill(chunk, at, logits);
            for (int i = 0; i < chunk.Length; i++) expected = reference.Feed(chunk[i], at + i);
        }
        AssertClose(expected, logits, "prefill");

        // Greedy decoding to the end of the context: every step's logits as the reference's.
        for (int position = prompt.Length; position < context; position++)
        {
            int next = Generation.Sampler.ArgMax(logits);
            backend.Decode(next, position, logits);
            AssertClose(reference.Feed(next, position), logits, $"decode at {position}");
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => backend.Decode(0, context, logits));
        output.WriteLine($"context {context}, prefill [{string.Join(",", prefill)}], last-only {lastOnly}: {context - prompt.Length} decode steps match");
    }

    [Fact]
    public void RewindAndResetStartOver()
    {
        var m = new TinyDecoderModel(vocab: 30, context: 24);
        using var backend = new CompiledModelBackend(CompiledModel.FromGraph(m.Build([4])));
        var logits = new float[30];
        backend.Prefill([1, 2, 3, 4], 0, logits);
        backend.Decode(5, 4, logits);
        // Rewind: positions 2.. are rewritten with other tokens; the result is as if they had always been there.
        backend.Prefill([7, 8], 2, logits);
        var reference = new TinyDecoderModel.Reference(m);
        double[] expected = [];
        foreach (var (t, p) in new[] { (1, 0), (2, 1), (7, 2), (8, 3) }) expected = reference.Feed(t, p);
        AssertClose(expected, logits, "rewind");

        backend.Reset();
        backend.Prefill([9], 0, logits);
        AssertClose(new TinyDecoderModel.Reference(m).Feed(9, 0), logits, "after reset");
        Assert.Throws<ArgumentOutOfRangeException>(() => backend.Decode(1, 5, logits));   // a gap: only position 0 is cached
    }

    [Fact]
    public void DecodeAndSampleAllocateNothing()
    {
        var m = new TinyDecoderModel(vocab: 40, context: 16);
        using var backend = new CompiledModelBackend(CompiledModel.FromGraph(m.Build([4])));
        var logits = new float[40];
        var sampler = new Generation.Sampler(40, new Generation.SamplingOptions { DoSample = true, Temperature = 0.8f, TopK = 10, TopP = 0.9f, Seed = 1 });
        int[] history = [1, 2, 3, 4];
        backend.Prefill(history, 0, logits);
        // Step at the same position (a rewind of one row) so the loop never runs out of context.
        long bytes = TestSupport.Allocations.SteadyState(() =>
        {
            int next = sampler.Sample(logits, history);
            backend.Decode(next, 4, logits);
        }, callsPerRound: 20);
        Assert.Equal(0, bytes);
    }

    [Fact]
    public void ModelsOutsideTheContractAreRefusedByName()
    {
        var m = new TinyDecoderModel(vocab: 10, context: 8);
        var noDecode = Assert.Throws<NotSupportedException>(() => new CompiledModelBackend(CompiledModel.FromGraph(m.Build([4], withDecode: false))));
        Assert.Contains("'decode'", noDecode.Message);
    }

    private static void AssertClose(double[] expected, float[] actual, string what)
    {
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= Tolerance * (1 + Math.Abs(expected[i])), $"{what}: logit {i} is {actual[i]}, expected {expected[i]}");
    }
}
