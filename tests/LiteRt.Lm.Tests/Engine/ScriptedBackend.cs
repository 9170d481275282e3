using LiteRt.Lm.Engine;

namespace LiteRt.Lm.Tests.Engine;

/// <summary>
/// A fake decoder whose next token is a function of the last token fed (<see cref="Next"/>; unknown: EOS). It keeps a
/// token per cache row and checks the contract: no gaps, nothing past the context, chunks no longer than the largest
/// prefill length. Every call is recorded.
/// </summary>
internal sealed class ScriptedBackend(int maxContext, int[] prefillLengths, Dictionary<int, int> next, int vocab = TinyTokenizer.Vocab) : ILlmBackend
{
    private readonly int[] _rows = Enumerable.Repeat(-1, maxContext).ToArray();
    private int _valid;

    public int VocabSize => vocab;
    public int MaxContext => maxContext;
    public IReadOnlyList<int> PrefillLengths => prefillLengths;
    public Dictionary<int, int> Next => next;
    public List<(int Start, int[] Tokens)> Prefills { get; } = [];
    public List<int> Decodes { get; } = [];
    public int Resets { get; private set; }

    /// <summary>The token in each cache row (-1: never written).</summary>
    public IReadOnlyList<int> Rows => _rows;

    public void Prefill(ReadOnlySpan<int> tokens, int startPosition, Span<float> lastLogits)
    {
        if (tokens.Length == 0 || tokens.Length > prefillLengths[^1]) throw new InvalidOperationException($"prefill of {tokens.Length} tokens");
        Write(tokens, startPosition);
        Prefills.Add((startPosition, tokens.ToArray()));
        Fill(lastLogits, tokens[^1]);
    }

    public void Decode(int token, int position, Span<float> logits)
    {
        Write([token], position);
        Decodes.Add(position);
        Fill(logits, token);
    }

    public void Reset()
    {
        Array.Fill(_rows, -1);
        _valid = 0;
        Resets++;
    }

    private void Write(ReadOnlySpan<int> tokens, int start)
    {
        if (start < 0 || start > _valid) throw new InvalidOperationException($"write at {start} leaves a gap (valid rows: {_valid})");
        if (start + tokens.Length > maxContext) throw new InvalidOperationException($"write past the context: [{start}, {start + tokens.Length}) of {maxContext}");
        tokens.CopyTo(_rows.AsSpan(start));
        _valid = start + tokens.Length;
    }

    private void Fill(Span<float> logits, int last)
    {
        for (int i = 0; i < logits.Length; i++) logits[i] = (i % 7) * 0.1f;
        logits[next.TryGetValue(last, out int n) ? n : TinyTokenizer.Eos] = 4f;
    }

    public void Dispose() { }
}
