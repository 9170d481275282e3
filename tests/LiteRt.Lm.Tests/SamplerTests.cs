using LiteRt.Lm.Generation;

namespace LiteRt.Lm.Tests;

public sealed class SamplerTests
{
    private static float[] LogitsOf(params double[] probabilities) => probabilities.Select(p => (float)Math.Log(p)).ToArray();

    private static int[] Histogram(SamplingOptions options, float[] logits, int draws, int[]? previous = null)
    {
        var sampler = new Sampler(logits.Length, options);
        var counts = new int[logits.Length];
        var work = new float[logits.Length];
        for (int i = 0; i < draws; i++)
        {
            logits.CopyTo(work, 0);
            counts[sampler.Sample(work, previous ?? [])]++;
        }
        return counts;
    }

    [Fact]
    public void GreedyIsArgMaxFirstOnTies()
    {
        var s = new Sampler(5, SamplingOptions.Greedy);
        Assert.Equal(3, s.Sample(new float[] { 0, 1, 2, 5, 5 }, []));
        Assert.Equal(0, s.Sample(new float[] { float.NaN, -1, -2, -3, -4 }.Select((v, i) => i == 0 ? 7f : v).ToArray(), []));
        Assert.Equal(1, s.Sample(new float[] { float.NaN, 1, 0, 0, 0 }, []));
    }

    [Fact]
    public void RepetitionPenaltyDividesPositiveAndMultipliesNegativeLogitsOnce()
    {
        var opts = SamplingOptions.Greedy with { RepetitionPenalty = 1.2f };
        var s = new Sampler(4, opts);
        float[] logits = [2.0f, 1.9f, -1f, -1.1f];
        // token 0 was seen three times: penalized once, 2.0 / 1.2 = 1.667 < 1.9
        Assert.Equal(1, s.Sample(logits, [0, 0, 2, 0]));
        Assert.Equal(2.0f / 1.2f, logits[0]);
        Assert.Equal(1.9f, logits[1]);
        Assert.Equal(-1f * 1.2f, logits[2]);
        Assert.Equal(-1.1f, logits[3]);
        // Out-of-range ids in the history are ignored.
        Assert.Equal(0, new Sampler(2, opts).Sample(new float[] { 1f, 0.5f }, [7, -1]));
    }

    [Fact]
    public void SameSeedSameTokensDifferentSeedDifferentTokens()
    {
        float[] logits = LogitsOf(0.3, 0.25, 0.2, 0.15, 0.1);
        int[] Run(ulong seed)
        {
            var s = new Sampler(5, new SamplingOptions { DoSample = true, Seed = seed });
            return Enumerable.Range(0, 64).Select(_ => s.Sample((float[])logits.Clone(), [])).ToArray();
        }
        Assert.Equal(Run(42), Run(42));
        Assert.NotEqual(Run(42), Run(43));
        var again = new Sampler(5, new SamplingOptions { DoSample = true, Seed = 42 });
        var first = Enumerable.Range(0, 8).Select(_ => again.Sample((float[])logits.Clone(), [])).ToArray();
        again.Reseed(42);
        Assert.Equal(first, Enumerable.Range(0, 8).Select(_ => again.Sample((float[])logits.Clone(), [])).ToArray());
    }

    [Fact]
    public void SamplingFollowsTheSoftmax()
    {
        double[] p = [0.5, 0.3, 0.15, 0.05];
        var counts = Histogram(new SamplingOptions { DoSample = true, Seed = 1 }, LogitsOf(p), 40_000);
        for (int i = 0; i < p.Length; i++)
            Assert.InRange(counts[i] / 40_000.0, p[i] - 0.01, p[i] + 0.01);
    }

    [Fact]
    public void TemperatureSharpensAndFlattens()
    {
        double[] p = [0.5, 0.3, 0.2];
        var cold = Histogram(new SamplingOptions { DoSample = true, Temperature = 0.5f, Seed = 2 }, LogitsOf(p), 40_000);
        var hot = Histogram(new SamplingOptions { DoSample = true, Temperature = 2f, Seed = 2 }, LogitsOf(p), 40_000);
        // p^(1/T) renormalized
        double[] Expected(double t) { var w = p.Select(x => Math.Pow(x, 1 / t)).ToArray(); return w.Select(x => x / w.Sum()).ToArray(); }
        for (int i = 0; i < 3; i++)
        {
            Assert.InRange(cold[i] / 40_000.0, Expected(0.5)[i] - 0.01, Expected(0.5)[i] + 0.01);
            Assert.InRange(hot[i] / 40_000.0, Expected(2)[i] - 0.01, Expected(2)[i] + 0.01);
        }
    }

    [Fact]
    public void TopKKeepsTheKBestAndTheirTies()
    {
        var counts = Histogram(new SamplingOptions { DoSample = true, TopK = 2, Seed = 3 }, LogitsOf(0.4, 0.1, 0.3, 0.2), 20_000);
        Assert.Equal(0, counts[1]);
        Assert.Equal(0, counts[3]);
        Assert.InRange(counts[0] / 20_000.0, 4 / 7.0 - 0.015, 4 / 7.0 + 0.015);
        // A tie with the k-th value is kept (HF: remove only logits < k-th largest).
        var ties = Histogram(new SamplingOptions { DoSample = true, TopK = 1, Seed = 3 }, [1f, 3f, 3f, 0f], 10_000);
        Assert.True(ties[1] > 4000 && ties[2] > 4000 && ties[0] == 0 && ties[3] == 0);
        // top_k = 1 is greedy whatever the seed.
        for (ulong seed = 0; seed < 20; seed++)
            Assert.Equal(2, new Sampler(4, new SamplingOptions { DoSample = true, TopK = 1, Seed = seed }).Sample(LogitsOf(0.3, 0.1, 0.5, 0.1), []));
    }

    [Theory]
    [InlineData(0.7f, 2)]    // ascending cumulative 0.05, 0.20, 0.50, 1.0: <= 0.3 removes two
    [InlineData(0.79f, 2)]   // <= 0.21 removes two
    [InlineData(0.85f, 3)]   // <= 0.15 removes one
    [InlineData(0.99f, 4)]
    [InlineData(0.3f, 1)]    // at least one token is always kept
    public void TopPKeepsTheSmallestLikelySet(float topP, int kept)
    {
        var counts = Histogram(new SamplingOptions { DoSample = true, TopP = topP, Seed = 4 }, LogitsOf(0.5, 0.3, 0.15, 0.05), 20_000);
        for (int i = 0; i < 4; i++)
        {
            if (i < kept) Assert.True(counts[i] > 0, $"token {i} should be possible with top_p {topP}");
            else Assert.Equal(0, counts[i]);
        }
        if (kept == 2) Assert.InRange(counts[0] / 20_000.0, 0.625 - 0.015, 0.625 + 0.015);
    }

    [Fact]
    public void MinusInfinityIsNeverChosenAndOrderIsPenaltyTemperatureTopKTopP()
    {
        var counts = Histogram(new SamplingOptions { DoSample = true, Seed = 5 }, [float.NegativeInfinity, 0f, float.NegativeInfinity, 0f], 1000);
        Assert.Equal(0, counts[0] + counts[2]);
        // Penalty first: token 0 (logit 2) seen, penalty 4 → 0.5 < token 1 (1.0); then top_k 1 picks token 1.
        var s = new Sampler(3, new SamplingOptions { DoSample = true, RepetitionPenalty = 4f, TopK = 1, Temperature = 0.7f, Seed = 5 });
        Assert.Equal(1, s.Sample(new float[] { 2f, 1f, 0f }, [0]));
    }

    [Fact]
    public void SampleAllocatesNothing()
    {
        const int vocab = 8_000;
        var rnd = new Random(6);
        var logits = Enumerable.Range(0, vocab).Select(_ => (float)rnd.NextDouble() * 10).ToArray();
        int[] history = Enumerable.Range(0, 200).Select(_ => rnd.Next(vocab)).ToArray();
        foreach (var options in new[]
                 {
                     SamplingOptions.Greedy with { RepetitionPenalty = 1.1f },
                     new SamplingOptions { DoSample = true, Temperature = 0.7f, TopK = 20, TopP = 0.8f, RepetitionPenalty = 1.1f, Seed = 1 },
                     new SamplingOptions { DoSample = true, TopP = 0.9f, Seed = 1 },
                     new SamplingOptions { DoSample = true, Seed = 1 },
                 })
        {
            var s = new Sampler(vocab, options);
            var work = new float[vocab];
            logits.CopyTo(work, 0);
            s.Sample(work, history);   // warm up (JIT)
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 5; i++)
            {
                logits.CopyTo(work, 0);
                s.Sample(work, history);
            }
            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        }
    }

    [Fact]
    public void InvalidOptionsAreRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Sampler(4, new SamplingOptions { DoSample = true, Temperature = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Sampler(4, new SamplingOptions { TopP = 1.5f }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Sampler(4, new SamplingOptions { TopK = -1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Sampler(4, new SamplingOptions { RepetitionPenalty = 0 }));
        Assert.Throws<ArgumentException>(() => new Sampler(4, SamplingOptions.Greedy).Sample(new float[3], []));
    }
}

public sealed class StopSequenceTests
{
    [Fact]
    public void TokenSequencesMatchAtTheEnd()
    {
        var m = new TokenStopMatcher([[999], [27, 91, 318], [91, 318]]);
        Assert.True(m.EndsWithStop([5, 6, 999], out int len) && len == 1);
        Assert.True(m.EndsWithStop([5, 27, 91, 318], out len) && len == 3);
        Assert.True(m.EndsWithStop([5, 26, 91, 318], out len) && len == 2);
        Assert.False(m.EndsWithStop([999, 5], out _));
        Assert.False(m.EndsWithStop([], out _));
        Assert.True(TokenStopMatcher.FromEosIds([999, 997]).EndsWithStop([1, 997], out _));
    }

    [Fact]
    public void TextStopsHoldBackPossiblePrefixesAndCutAtTheMatch()
    {
        var m = new TextStopMatcher(["<|im_end|>", "\n\nUser:"]);
        Assert.Equal("Hello", m.Push("Hello"));
        Assert.Equal(" wor", m.Push(" wor<|im"));
        Assert.Equal("<|imx", m.Push("x"));                // not a stop after all: released
        Assert.Equal("ld.", m.Push("ld.\n"));               // "\n" could start "\n\nUser:"
        Assert.Equal("", m.Push("\nUs"));
        Assert.Equal("", m.Push("er: more"));
        Assert.True(m.Stopped);
        Assert.Equal("\n\nUser:", m.MatchedStop);
        Assert.Equal("", m.Push("anything"));
        Assert.Equal("", m.Flush());

        var n = new TextStopMatcher(["STOP"]);
        Assert.Equal("abc", n.Push("abcST"));
        Assert.Equal("ST", n.Flush());
        Assert.False(n.Stopped);
        var o = new TextStopMatcher(["ab", "abc"]);
        Assert.Equal("x", o.Push("xabcd"));
        Assert.Equal("abc", o.MatchedStop);   // same start: the longer stop is reported
    }
}

public sealed class GenerationConfigTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public void ReadsWhatTheFileSaysAndNothingElse()
    {
        var c = GenerationConfig.FromJson("""
            {"bos_token_id": 997, "pad_token_id": 997, "do_sample": true, "eos_token_id": [999, 997],
             "repetition_penalty": 1.1, "temperature": 0.7, "top_p": 0.8, "top_k": 20, "transformers_version": "4.43.1"}
            """);
        Assert.True(c.DoSample);
        Assert.Equal(0.7, c.Temperature);
        Assert.Equal(20, c.TopK);
        Assert.Equal(0.8, c.TopP);
        Assert.Equal(1.1, c.RepetitionPenalty);
        Assert.Equal([999, 997], c.EosTokenIds);
        Assert.Equal(997, c.BosTokenId);
        Assert.Null(c.MaxNewTokens);
        Assert.Null(c.MaxLength);
        Assert.Empty(c.UnsupportedKeys);

        var d = GenerationConfig.FromJson("""{"eos_token_id": 2, "max_length": 512, "max_new_tokens": null, "num_beams": 1, "min_p": 0.05, "no_repeat_ngram_size": 3}""");
        Assert.Equal([2], d.EosTokenIds);
        Assert.Equal(512, d.MaxLength);
        Assert.Null(d.MaxNewTokens);
        Assert.Null(d.DoSample);
        Assert.Null(d.Temperature);
        Assert.Equal(["min_p", "no_repeat_ngram_size"], d.UnsupportedKeys);

        var o = SamplingOptions.FromGenerationConfig(d);
        Assert.False(o.DoSample);
        Assert.Null(o.TopK);
        Assert.Throws<InvalidDataException>(() => GenerationConfig.FromJson("""{"top_k": "20"}"""));
        Assert.Throws<InvalidDataException>(() => GenerationConfig.FromJson("""{"eos_token_id": [1, null]}"""));
    }

    [Fact]
    public void SharedCheckpointsLoad()
    {
        if (SharedLlm.RootOrSkip(output) is not { } root) return;
        var qwen = GenerationConfig.Load(Path.Combine(root, "llm/synthetic/qwen2-tiny/hf/generation_config.json"));
        Assert.Equal(new GenerationConfig
        {
            DoSample = true, Temperature = 0.7, TopK = 20, TopP = 0.8, RepetitionPenalty = 1.1,
            EosTokenIds = qwen.EosTokenIds, BosTokenId = 997, PadTokenId = 997, UnsupportedKeys = qwen.UnsupportedKeys,
        }, qwen);
        Assert.Equal([999, 997], qwen.EosTokenIds);
        var stories = GenerationConfig.Load(Path.Combine(root, "llm/stories260K/hf/generation_config.json"));
        Assert.Equal([2], stories.EosTokenIds);
        Assert.Equal(1, stories.BosTokenId);
        Assert.Null(stories.DoSample);
        Assert.Null(stories.TopK);
        var options = SamplingOptions.FromGenerationConfig(qwen, seed: 7);
        Assert.Equal(new SamplingOptions { DoSample = true, Temperature = 0.7f, TopK = 20, TopP = 0.8f, RepetitionPenalty = 1.1f, Seed = 7 }, options);
    }
}
