using LiteRt.Runtime;

namespace LiteRt.Lm.Engine;

/// <summary>
/// <see cref="ILlmBackend"/> over a converted decoder's signatures: <c>prefill_N</c> (one per prefill length) and
/// <c>decode</c>, each with <c>tokens</c>, <c>input_pos</c>, <c>kv_cache_k_i</c>/<c>kv_cache_v_i</c> in and out and
/// <c>logits</c>. The KV cache lives in the signatures' own cache input buffers between calls.
/// </summary>
/// <remarks>
/// Models whose caches are updated by the converter's attention op (<c>litert.gqa_attention</c>: it writes only the
/// new rows, and a padding slot with <c>input_pos = -1</c> writes and attends nothing) share one memory per cache
/// between every signature's input and output (<see cref="SignatureRunner.BindInPlace(IEnumerable{KeyValuePair{string, TensorMemory}})"/>):
/// nothing is copied, and padded prefill chunks give the last real token's logits directly.
/// Other models get the general path: the runtime gives every signature its own input and output buffers, so after a run the updated cache rows —
/// only <c>[position, position + N)</c>, the rows a call writes — are copied from the output back into the input
/// (a few KB per decoded token, not the whole cache). When the next call uses another signature, the valid rows
/// are copied once into that signature's inputs. A chunk shorter than the chosen signature is padded with token 0 at
/// the following positions: a causal model writes those rows but never attends to them before the real tokens at
/// those positions overwrite them. Padding never goes past the cache end; near it, exact-length prefills and then
/// single decode steps are used. Not thread-safe (like <see cref="SignatureRunner"/>).
/// </remarks>
public sealed class CompiledModelBackend : ILlmBackend
{
    private readonly CompiledModel _model;
    private readonly bool _ownsModel;
    private readonly IDisposable? _owner;
    private readonly DecoderSignature[] _prefill;   // ascending length
    private readonly DecoderSignature _decode;
    private readonly int _rowFloats;                 // floats per cache row (heads × head_dim); 0 when rows are not contiguous
    private DecoderSignature? _holder;               // the signature whose cache inputs hold rows [0, _valid)
    private int _valid;
    private readonly TensorMemory[]? _shared;        // one memory per cache, bound in place on every signature

    /// <param name="model">A model following the decoder contract.</param>
    /// <param name="ownsModel">Dispose the model with the backend.</param>
    /// <param name="owner">Disposed after the model (e.g. the bundle the model's weights are mapped from).</param>
    /// <exception cref="NotSupportedException">The model does not follow the contract; the message says where.</exception>
    public CompiledModelBackend(CompiledModel model, bool ownsModel = true, IDisposable? owner = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        _model = model;
        _ownsModel = ownsModel;
        _owner = owner;
        var decodeRunner = model.Signatures.FirstOrDefault(s => s.Key == "decode")
            ?? throw new NotSupportedException($"the model has no 'decode' signature (signatures: {string.Join(", ", model.Signatures.Select(s => s.Key))})");
        _decode = new DecoderSignature(decodeRunner, 1);
        if (_decode.Logits is null) throw new NotSupportedException("signature 'decode' has no 'logits' output");
        _prefill = model.Signatures
            .Where(s => s.Key.StartsWith("prefill_", StringComparison.Ordinal) && int.TryParse(s.Key.AsSpan(8), out int n) && n > 0)
            .Select(s => new DecoderSignature(s, int.Parse(s.Key.AsSpan(8))))
            .OrderBy(s => s.Length).ToArray();

        VocabSize = _decode.Vocab;
        var shape = _decode.CacheIn[0].Shape;
        if (shape.Count < 2) throw new NotSupportedException($"signature 'decode': cache {_decode.CacheIn[0]} has no context dimension");
        MaxContext = shape[1];
        _rowFloats = shape[0] == 1 ? (int)(_decode.CacheIn[0].ElementCount / MaxContext) : 0;
        foreach (var s in _prefill.Append(_decode))
        {
            if (s.CacheIn.Length != _decode.CacheIn.Length || s.CacheIn.Where((b, i) => b.Name != _decode.CacheIn[i].Name || !b.Shape.SequenceEqual(_decode.CacheIn[i].Shape)).Any())
                throw new NotSupportedException($"signature '{s.Runner.Key}': its caches differ from decode's ({string.Join(", ", _decode.CacheIn.Select(b => b.ToString()))})");
            if (s.Logits is not null && s.Vocab != VocabSize)
                throw new NotSupportedException($"signature '{s.Runner.Key}': {s.Vocab} logits per position; decode has {VocabSize}");
        }
        PrefillLengths = _prefill.Length > 0 ? _prefill.Select(s => s.Length).ToArray() : [1];
        if (UpdatesCachesInPlace(_decode.Runner))
        {
            _shared = _decode.CacheIn.Select(b => new TensorMemory(b.ByteLength)).ToArray();
            foreach (var s in _prefill.Append(_decode))
                s.Runner.BindInPlace(s.CacheIn.Select((b, i) => new KeyValuePair<string, TensorMemory>(b.Name, _shared[i])).ToList());
        }
        _scratchTokens = new int[Math.Max(PrefillLengths[^1], 1)];
    }

    private readonly int[] _scratchTokens;

    public int VocabSize { get; }
    public int MaxContext { get; }
    public IReadOnlyList<int> PrefillLengths { get; }

    /// <summary>Layers × 2 cache tensors.</summary>
    public int CacheTensorCount => _decode.CacheIn.Length;

    public CompiledModel Model => _model;

    /// <summary>True when the caches are shared in place (no copies between calls or signatures).</summary>
    public bool SharesCacheInPlace => _shared is not null;

    /// <summary>Every cache of the model goes through the converter's in-place attention op (one per layer, two caches each).</summary>
    private static bool UpdatesCachesInPlace(SignatureRunner decode) =>
        decode.Placement.Count(p => p.Kernel.StartsWith("cpu.custom.gqa_attention", StringComparison.Ordinal)) * 2
        == decode.Inputs.Count(b => b.Name.StartsWith("kv_cache_", StringComparison.Ordinal));

    public void Prefill(ReadOnlySpan<int> tokens, int startPosition, Span<float> lastLogits)
    {
        if (tokens.IsEmpty) throw new ArgumentException("nothing to prefill", nameof(tokens));
        if (tokens.Length > PrefillLengths[^1]) throw new ArgumentException($"{tokens.Length} tokens exceed the largest prefill length {PrefillLengths[^1]}", nameof(tokens));
        CheckRange(startPosition, tokens.Length);
        CheckLogits(lastLogits);
        while (!tokens.IsEmpty)
        {
            int n = Run(tokens, startPosition, lastLogits);
            tokens = tokens[n..];
            startPosition += n;
        }
    }

    public void Decode(int token, int position, Span<float> logits)
    {
        CheckRange(position, 1);
        CheckLogits(logits);
        _scratchTokens[0] = token;
        RunSignature(_decode, _scratchTokens.AsSpan(0, 1), position, logits);
    }

    public void Reset()
    {
        // Rows past the valid prefix are never attended by a causal model; zeroing keeps runs reproducible anyway.
        if (_shared is not null) foreach (var m in _shared) m.Clear();
        else
            foreach (var s in _prefill.Append(_decode))
                foreach (var b in s.CacheIn) b.Bytes.Clear();
        _valid = 0;
    }

    /// <summary>Whether running <paramref name="count"/> real tokens on <paramref name="s"/> yields the last one's logits.</summary>
    private bool GivesLogitsFor(DecoderSignature s, int count) => s.GivesLogitsFor(count) || (_shared is not null && s.Logits is not null);

    /// <summary>Runs the best signature for the start of <paramref name="tokens"/>; returns how many tokens it consumed.</summary>
    private int Run(ReadOnlySpan<int> tokens, int position, Span<float> lastLogits)
    {
        int r = tokens.Length;
        int room = MaxContext - position;
        // The smallest prefill that holds the rest without padding past the cache end.
        foreach (var s in _prefill)
        {
            if (s.Length < r || s.Length > room) continue;
            if (GivesLogitsFor(s, r)) { RunSignature(s, tokens, position, lastLogits); return r; }
            // Its logits would not be the last token's: prefill all but the last token, then decode that one.
            if (r == 1) break;
            RunSignature(s, tokens[..(r - 1)], position, default);
            return r - 1;
        }
        // No padded fit: the longest exact chunk that fits, else one decode step.
        for (int i = _prefill.Length - 1; i >= 0; i--)
        {
            var s = _prefill[i];
            if (s.Length > r || s.Length > room) continue;
            bool last = s.Length == r;
            if (last && !GivesLogitsFor(s, r)) continue;
            RunSignature(s, tokens[..s.Length], position, last ? lastLogits : default);
            return s.Length;
        }
        RunSignature(_decode, tokens[..1], position, r == 1 ? lastLogits : default);
        return 1;
    }

    private void RunSignature(DecoderSignature s, ReadOnlySpan<int> tokens, int position, Span<float> logits)
    {
        MoveCacheTo(s);
        var ids = s.Tokens.AsSpan<int>();
        var pos = s.Positions.AsSpan<int>();
        tokens.CopyTo(ids);
        ids[tokens.Length..].Clear();
        // In-place attention: padding slots say -1 (no write, no logits); otherwise they take the following positions.
        for (int i = 0; i < pos.Length; i++) pos[i] = _shared is not null && i >= tokens.Length ? -1 : position + i;
        if (s.Mask is { } mask) FillMask(mask.AsSpan<float>(), position, s.Length);
        s.Runner.Run();

        // Bring the rows this run wrote back into the inputs, for the next run (shared caches are already there).
        int rows = _shared is null ? Math.Min(s.Length, MaxContext - position) : 0;
        for (int i = 0; i < s.CacheIn.Length && rows > 0; i++)
        {
            if (_rowFloats > 0)
            {
                int at = position * _rowFloats, count = rows * _rowFloats;
                s.CacheOut[i].AsSpan<float>().Slice(at, count).CopyTo(s.CacheIn[i].AsSpan<float>().Slice(at, count));
            }
            else s.CacheOut[i].Bytes.CopyTo(s.CacheIn[i].Bytes);
        }
        _valid = position + tokens.Length;

        if (!logits.IsEmpty)
        {
            int row = s.LogitRows == 1 ? 0 : tokens.Length - 1;
            s.Logits!.AsSpan<float>().Slice(row * VocabSize, VocabSize).CopyTo(logits);
        }
    }

    /// <summary>Makes <paramref name="s"/>'s cache inputs hold the valid rows (a copy when another signature ran last).</summary>
    private void MoveCacheTo(DecoderSignature s)
    {
        if (_holder == s || _shared is not null) { _holder = s; return; }
        if (_holder is not null && _valid > 0)
        {
            for (int i = 0; i < s.CacheIn.Length; i++)
            {
                if (_rowFloats > 0) _holder.CacheIn[i].AsSpan<float>()[..(_valid * _rowFloats)].CopyTo(s.CacheIn[i].AsSpan<float>());
                else _holder.CacheIn[i].Bytes.CopyTo(s.CacheIn[i].Bytes);
            }
        }
        _holder = s;
    }

    /// <summary>Causal mask [1,1,N,context]: 0 where a position may attend, the lowest float elsewhere (as transformers does).</summary>
    private void FillMask(Span<float> mask, int position, int n)
    {
        if (mask.Length != n * MaxContext) throw new NotSupportedException($"mask has {mask.Length} elements; [1,1,{n},{MaxContext}] expected");
        for (int row = 0; row < n; row++)
        {
            var line = mask.Slice(row * MaxContext, MaxContext);
            int visible = Math.Min(position + row + 1, MaxContext);
            line[..visible].Clear();
            line[visible..].Fill(float.MinValue);
        }
    }

    private void CheckRange(int start, int count)
    {
        if (start < 0 || start + count > MaxContext)
            throw new ArgumentOutOfRangeException(nameof(start), $"positions [{start}, {start + count}) are outside the model's context of {MaxContext}");
        if (start > _valid)
            throw new ArgumentOutOfRangeException(nameof(start), $"position {start} leaves a gap: the cache holds positions [0, {_valid})");
    }

    private void CheckLogits(Span<float> logits)
    {
        if (logits.Length != VocabSize) throw new ArgumentException($"expected room for {VocabSize} logits, got {logits.Length}", nameof(logits));
    }

    public void Dispose()
    {
        if (_ownsModel) _model.Dispose();
        _owner?.Dispose();
        if (_shared is not null) foreach (var m in _shared) m.Dispose();
    }
}
