using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using LiteRt.Lm.Generation;
using LiteRt.Lm.Tokenization;

namespace LiteRt.Lm.Engine;

/// <summary>
/// One generation, step by step: the prompt is prefilled by <see cref="LlmSession"/>, then each <see cref="Step"/>
/// samples a token, checks stops, turns held-back-free tokens into text (whole characters only) and decodes the token.
/// Text pieces collect in <see cref="Pieces"/> for the caller to hand out.
/// </summary>
internal sealed class GenerationRun
{
    private readonly LlmSession _session;
    private readonly GenerationOptions _options;
    private readonly Sampler _sampler;
    private readonly int[] _suppress;
    private readonly StopHoldback _stops;
    private readonly TokenStreamDecoder _decoder;
    private readonly TextStopMatcher? _textStops;
    private readonly List<int> _history;      // prompt + generated: the sampler's repetition context
    private readonly int _promptLength;
    private readonly StringBuilder _text = new();
    private readonly Stopwatch _decodeClock = new();
    private int _emitted;                     // generated ids already given to the text decoder

    public GenerationRun(LlmSession session, int[] prompt, GenerationOptions options)
    {
        _session = session;
        _options = options;
        Prompt = prompt;
        _promptLength = prompt.Length;
        _history = new List<int>(prompt.Length + Math.Min(options.MaxNewTokens ?? 256, 1 << 16));
        _history.AddRange(prompt);
        _sampler = new Sampler(session.Backend.VocabSize, options.Sampling ?? session.Settings.DefaultSampling);
        _suppress = [.. session.Settings.SuppressTokens];
        _stops = new StopHoldback([.. session.Settings.StopTokenSequences, .. options.StopTokenSequences]);
        _decoder = session.Tokenizer.CreateStreamDecoder(options.SkipSpecialTokens);
        _textStops = options.StopStrings.Count > 0 ? new TextStopMatcher(options.StopStrings) : null;
    }

    public int[] Prompt { get; }
    public GenerationOptions Options => _options;
    public List<string> Pieces { get; } = [];
    public FinishReason? Finished { get; private set; }
    public int ReusedPromptTokens { get; set; }
    public int WindowShifts { get; set; }
    public TimeSpan PrefillTime { get; set; }
    private ReadOnlySpan<int> Generated => CollectionsMarshal.AsSpan(_history)[_promptLength..];

    /// <summary>Samples from <paramref name="logits"/> (the last fed token's), handles stops and limits, and unless finished
    /// feeds the new token to the model, refilling <paramref name="logits"/>.</summary>
    public void Step(Span<float> logits)
    {
        _decodeClock.Start();
        try
        {
            foreach (int id in _suppress)
                if ((uint)id < (uint)logits.Length) logits[id] = float.NegativeInfinity;
            int token = _sampler.Sample(logits, CollectionsMarshal.AsSpan(_history));
            _history.Add(token);
            var generated = Generated;

            int stop = _stops.Match(generated);
            if (stop > 0)
            {
                Emit(generated.Length - stop);
                Finish(FinishReason.StopToken);
                return;
            }
            Emit(generated.Length - _stops.Pending(generated));
            if (_textStops is { Stopped: true })
            {
                Finish(FinishReason.StopString);
                return;
            }
            if (generated.Length >= _options.MaxNewTokens)
            {
                Emit(generated.Length);
                Finish(FinishReason.MaxTokens);
                return;
            }
            if (!_session.Feed(this, token, logits))
            {
                Emit(generated.Length);
                Finish(FinishReason.ContextFull);
            }
        }
        finally
        {
            _decodeClock.Stop();
        }
    }

    /// <summary>The ids (prompt and generated) the window keeps, ending with the token still to be fed.</summary>
    public List<int> History => _history;

    /// <summary>Gives generated ids up to <paramref name="upTo"/> to the text decoder and the stop-string matcher.</summary>
    private void Emit(int upTo)
    {
        var generated = Generated;
        for (; _emitted < upTo; _emitted++)
        {
            string piece = _decoder.Push(generated[_emitted]);
            if (piece.Length > 0) Add(piece);
            if (_textStops is { Stopped: true }) return;
        }
    }

    private void Add(string piece)
    {
        if (_textStops is { } m) piece = m.Push(piece);
        if (piece.Length == 0) return;
        _text.Append(piece);
        Pieces.Add(piece);
    }

    /// <summary>Ends the run before any token (e.g. MaxNewTokens 0).</summary>
    public void FinishNow(FinishReason reason) => Finish(reason);

    private void Finish(FinishReason reason)
    {
        if (_textStops is not { Stopped: true })
        {
            string rest = _decoder.Flush();
            if (rest.Length > 0) Add(rest);
            if (_textStops is { } m && !m.Stopped && m.Flush() is { Length: > 0 } held) { _text.Append(held); Pieces.Add(held); }
            if (_textStops is { Stopped: true }) reason = FinishReason.StopString;
        }
        Finished = reason;
    }

    /// <summary>The result so far (final once <see cref="Finished"/> is set).</summary>
    public GenerationResult Result(FinishReason reason) => new(Prompt, Generated.ToArray(), _text.ToString(), reason)
    {
        ReusedPromptTokens = ReusedPromptTokens,
        WindowShifts = WindowShifts,
        PrefillTime = PrefillTime,
        DecodeTime = _decodeClock.Elapsed,
    };

    /// <summary>For a context overflow: the text still held back, then the partial result.</summary>
    public GenerationResult Abort()
    {
        Emit(Generated.Length);
        Finish(FinishReason.ContextFull);
        return Result(FinishReason.ContextFull);
    }
}
