namespace LiteRt.Lm.Generation;

/// <summary>
/// How the next token is chosen. Null settings are not applied (no temperature scaling, no top-k, …); nothing is
/// defaulted. With <see cref="DoSample"/> false the choice is greedy (repetition penalty still applies, as in HF).
/// </summary>
public sealed record SamplingOptions
{
    public bool DoSample { get; init; }

    /// <summary>Logits are divided by it before top-k/top-p (must be &gt; 0).</summary>
    public float? Temperature { get; init; }

    /// <summary>Keep the k highest logits (ties with the k-th are kept too); 0 or null: off.</summary>
    public int? TopK { get; init; }

    /// <summary>Keep the smallest set of most likely tokens whose probability reaches top_p (HF semantics); 1 or null: off.</summary>
    public float? TopP { get; init; }

    /// <summary>HF repetition penalty: logits of tokens already present are divided by it when positive, multiplied when negative.</summary>
    public float? RepetitionPenalty { get; init; }

    /// <summary>Seed of the sampler's random generator; null: a random seed.</summary>
    public ulong? Seed { get; init; }

    public static SamplingOptions Greedy { get; } = new();

    /// <summary>The file's settings as they are: do_sample true → sampling; absent values stay off.</summary>
    public static SamplingOptions FromGenerationConfig(GenerationConfig config, ulong? seed = null) => new()
    {
        DoSample = config.DoSample == true,
        Temperature = (float?)config.Temperature,
        TopK = config.TopK,
        TopP = (float?)config.TopP,
        RepetitionPenalty = (float?)config.RepetitionPenalty,
        Seed = seed,
    };
}

/// <summary>
/// Picks the next token from a span of logits: repetition penalty, then greedy argmax, or temperature → top-k →
/// top-p → a draw from the softmax (the order of transformers' logits processors). Scratch buffers are allocated once
/// per sampler; <see cref="Sample"/> allocates nothing. The logits span is modified in place.
/// </summary>
public sealed class Sampler
{
    private readonly int _vocabSize;
    private readonly int[] _candidates;
    private readonly float[] _heap;
    private readonly byte[] _seen;
    private readonly float[] _sortKeys;
    private Xoshiro256 _rng;

    public SamplingOptions Options { get; }

    public Sampler(int vocabSize, SamplingOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(vocabSize);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Temperature is { } t && options.DoSample && !(t > 0 && float.IsFinite(t)))
            throw new ArgumentOutOfRangeException(nameof(options), $"temperature must be a positive number, not {t}");
        if (options.TopK is < 0) throw new ArgumentOutOfRangeException(nameof(options), $"top_k must be >= 0, not {options.TopK}");
        if (options.TopP is { } p && !(p > 0 && p <= 1)) throw new ArgumentOutOfRangeException(nameof(options), $"top_p must be in (0, 1], not {p}");
        if (options.RepetitionPenalty is { } r && !(r > 0 && float.IsFinite(r)))
            throw new ArgumentOutOfRangeException(nameof(options), $"repetition_penalty must be a positive number, not {r}");
        _vocabSize = vocabSize;
        Options = options;
        _candidates = new int[vocabSize];
        _heap = new float[Math.Min(Math.Max(options.TopK ?? 0, 1), vocabSize)];
        _seen = new byte[vocabSize];
        _sortKeys = new float[vocabSize];
        _rng = new Xoshiro256(options.Seed ?? (ulong)Random.Shared.NextInt64());
    }

    /// <summary>Restarts the random sequence (same seed, same tokens for the same logits).</summary>
    public void Reseed(ulong seed) => _rng = new Xoshiro256(seed);

    /// <summary>Chooses a token id. <paramref name="previousTokens"/>: the ids so far (prompt and generated), for the penalty.</summary>
    public int Sample(Span<float> logits, ReadOnlySpan<int> previousTokens)
    {
        if (logits.Length != _vocabSize) throw new ArgumentException($"expected {_vocabSize} logits, got {logits.Length}", nameof(logits));
        if (Options.RepetitionPenalty is { } penalty && penalty != 1f) ApplyRepetitionPenalty(logits, previousTokens, penalty);
        if (!Options.DoSample) return ArgMax(logits);

        if (Options.Temperature is { } t && t != 1f)
            for (int i = 0; i < logits.Length; i++) logits[i] /= t;

        // Candidates: every token with a finite-or-+inf logit, then the top-k cut.
        int n = 0;
        if (Options.TopK is { } k && k > 0 && k < logits.Length)
        {
            float threshold = KthLargest(logits, k);
            for (int i = 0; i < logits.Length; i++) if (logits[i] >= threshold) _candidates[n++] = i;
        }
        else
        {
            for (int i = 0; i < logits.Length; i++) if (!float.IsNegativeInfinity(logits[i]) && !float.IsNaN(logits[i])) _candidates[n++] = i;
        }
        if (n == 0) return ArgMax(logits);
        var cand = _candidates.AsSpan(0, n);

        float max = float.NegativeInfinity;
        foreach (int i in cand) max = Math.Max(max, logits[i]);
        if (float.IsPositiveInfinity(max))
        {
            foreach (int i in cand) if (float.IsPositiveInfinity(logits[i])) return i;
        }

        if (Options.TopP is { } topP && topP < 1f)
        {
            // Most likely first (ties: lower id first), then drop the tail whose cumulative probability,
            // summed from the least likely up, stays <= 1 - top_p (HF's TopPLogitsWarper); keep at least one.
            SortDescending(logits, cand);
            double total = 0;
            foreach (int i in cand) total += Math.Exp(logits[i] - max);
            double tail = 0, limit = 1 - topP;
            int keep = n;
            for (int j = n - 1; j > 0; j--)
            {
                tail += Math.Exp(logits[cand[j]] - max) / total;
                if (tail <= limit) keep = j;
                else break;
            }
            cand = cand[..keep];
        }

        double sum = 0;
        foreach (int i in cand) sum += Math.Exp(logits[i] - max);
        double u = _rng.NextDouble() * sum;
        double acc = 0;
        foreach (int i in cand)
        {
            acc += Math.Exp(logits[i] - max);
            if (u < acc) return i;
        }
        return cand[^1];
    }

    private void ApplyRepetitionPenalty(Span<float> logits, ReadOnlySpan<int> previous, float penalty)
    {
        foreach (int t in previous)
        {
            if ((uint)t >= (uint)_vocabSize || _seen[t] != 0) continue;   // each distinct token once
            _seen[t] = 1;
            float l = logits[t];
            logits[t] = l < 0 ? l * penalty : l / penalty;
        }
        foreach (int t in previous) if ((uint)t < (uint)_vocabSize) _seen[t] = 0;
    }

    /// <summary>The first index of the largest logit (NaN never wins).</summary>
    public static int ArgMax(ReadOnlySpan<float> logits)
    {
        int best = 0;
        float bestValue = float.NegativeInfinity;
        bool found = false;
        for (int i = 0; i < logits.Length; i++)
        {
            float v = logits[i];
            if (float.IsNaN(v)) continue;
            if (!found || v > bestValue) { best = i; bestValue = v; found = true; }
        }
        return best;
    }

    /// <summary>The k-th largest value, with a min-heap of size k over the logits.</summary>
    private float KthLargest(ReadOnlySpan<float> logits, int k)
    {
        var heap = _heap.AsSpan(0, k);
        int size = 0;
        foreach (float raw in logits)
        {
            float v = float.IsNaN(raw) ? float.NegativeInfinity : raw;
            if (size < k)
            {
                int i = size++;
                heap[i] = v;
                while (i > 0 && heap[(i - 1) / 2] > heap[i]) { (heap[i], heap[(i - 1) / 2]) = (heap[(i - 1) / 2], heap[i]); i = (i - 1) / 2; }
            }
            else if (v > heap[0])
            {
                heap[0] = v;
                int i = 0;
                while (true)
                {
                    int l = 2 * i + 1, r = l + 1, m = i;
                    if (l < k && heap[l] < heap[m]) m = l;
                    if (r < k && heap[r] < heap[m]) m = r;
                    if (m == i) break;
                    (heap[i], heap[m]) = (heap[m], heap[i]);
                    i = m;
                }
            }
        }
        return heap[0];
    }

    /// <summary>Most likely first; equal logits by ascending id (allocation-free).</summary>
    private void SortDescending(ReadOnlySpan<float> logits, Span<int> cand)
    {
        var keys = _sortKeys.AsSpan(0, cand.Length);
        for (int j = 0; j < cand.Length; j++) keys[j] = -logits[cand[j]];
        keys.Sort(cand);
        int start = 0;
        for (int j = 1; j <= cand.Length; j++)
        {
            if (j < cand.Length && keys[j] == keys[start]) continue;
            if (j - start > 1) cand[start..j].Sort();
            start = j;
        }
    }
}

/// <summary>xoshiro256** seeded through SplitMix64: a small, fast, reproducible generator (same seed, same numbers, everywhere).</summary>
internal struct Xoshiro256
{
    private ulong _s0, _s1, _s2, _s3;

    public Xoshiro256(ulong seed)
    {
        _s0 = SplitMix(ref seed);
        _s1 = SplitMix(ref seed);
        _s2 = SplitMix(ref seed);
        _s3 = SplitMix(ref seed);
    }

    private static ulong SplitMix(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public ulong NextUInt64()
    {
        ulong result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));
}
