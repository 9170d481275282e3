using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using LiteRt.Lm.Bundle;
using LiteRt.Lm.Templates;
using LiteRt.Lm.Tokenization;
using LiteRt.Runtime;

namespace LiteRt.Lm.Engine;

/// <summary>
/// Text generation over an <see cref="ILlmBackend"/>: tokenizes (optionally through the chat template), prefills in
/// chunks of the model's prefill lengths, samples with <see cref="Generation.Sampler"/>, stops on stop token
/// sequences, stop strings or a token limit, and handles a full context as <see cref="GenerationOptions.OnContextOverflow"/>
/// says. Text is streamed in whole characters. KV rows of the previous generation are reused when the next prompt
/// starts with the same tokens (a chat that grows turn by turn is prefilled only for its new part).
/// One generation at a time: a session is not thread-safe.
/// </summary>
public sealed class LlmSession : IDisposable
{
    private readonly bool _ownsBackend;
    private readonly float[] _logits;
    private readonly List<int> _cached = [];   // ids whose KV rows the backend holds, at positions 0..Count-1

    public LlmSession(ILlmBackend backend, Tokenizer tokenizer, LlmSessionSettings? settings = null, bool ownsBackend = true)
    {
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentNullException.ThrowIfNull(tokenizer);
        Backend = backend;
        Tokenizer = tokenizer;
        Settings = settings ?? new LlmSessionSettings();
        _ownsBackend = ownsBackend;
        _logits = new float[backend.VocabSize];
    }

    /// <summary>Opens a <c>.litertlm</c> bundle: its decoder on the runtime, its tokenizer, its metadata's settings.</summary>
    public static LlmSession Open(string path, RuntimeOptions? options = null)
    {
        var bundle = LlmBundle.Open(path);
        try
        {
            var tokenizer = bundle.CreateTokenizer();
            var settings = LlmSessionSettings.FromBundle(bundle, tokenizer);
            var model = bundle.LoadModel(options);
            CompiledModelBackend backend;
            try
            {
                backend = new CompiledModelBackend(model, ownsModel: true, owner: bundle);
            }
            catch
            {
                model.Dispose();
                throw;
            }
            return new LlmSession(backend, tokenizer, settings);
        }
        catch
        {
            bundle.Dispose();
            throw;
        }
    }

    public ILlmBackend Backend { get; }
    public Tokenizer Tokenizer { get; }
    public LlmSessionSettings Settings { get; }

    /// <summary>Whether <see cref="EncodeChat"/> can work: a Jinja chat template, or the metadata's prefix/suffix templates.</summary>
    public bool ChatTemplateAvailable => Tokenizer.ChatTemplates.ContainsKey("default") || Settings.PromptTemplates is not null;

    /// <summary>The result of the last generation (also after streaming, or the partial one after an error).</summary>
    public GenerationResult? LastResult { get; private set; }

    /// <summary>The start token(s), then the text's tokens (special tokens in the text are recognised).</summary>
    public int[] EncodePrompt(string prompt) => [.. Settings.StartTokenIds, .. Tokenizer.Encode(prompt, addSpecialTokens: false)];

    /// <summary>The chat template applied with a generation prompt; the start token(s) unless the template wrote them.</summary>
    public int[] EncodeChat(IReadOnlyList<ChatMessage> messages)
    {
        string text = Tokenizer.ChatTemplates.ContainsKey("default") || Settings.PromptTemplates is not { } affixes
            ? Tokenizer.ApplyChatTemplate(messages, addGenerationPrompt: true)
            : FormatWithAffixes(messages, affixes);
        int[] ids = Tokenizer.Encode(text, addSpecialTokens: false);
        var start = Settings.StartTokenIds;
        return start.Count == 0 || ids.AsSpan().StartsWith(start.ToArray()) ? ids : [.. start, .. ids];
    }

    /// <summary>LiteRT-LM's session formatting: each message as its role's prefix + content + suffix, then the model prefix.</summary>
    private static string FormatWithAffixes(IReadOnlyList<ChatMessage> messages, PromptTemplates t)
    {
        var sb = new System.Text.StringBuilder();
        foreach (var m in messages)
        {
            var a = m.Role switch
            {
                "user" => t.User,
                "assistant" or "model" => t.Model,
                "system" => t.System,
                _ => throw new NotSupportedException($"role '{m.Role}' has no prompt template (user, model/assistant, system)"),
            };
            sb.Append(a?.Prefix).Append(m.Content).Append(a?.Suffix);
        }
        return sb.Append(t.Model?.Prefix).ToString();
    }

    public GenerationResult Generate(string prompt, GenerationOptions? options = null, CancellationToken cancellation = default) =>
        Generate(EncodePrompt(prompt), options, cancellation);

    public GenerationResult GenerateChat(IReadOnlyList<ChatMessage> messages, GenerationOptions? options = null, CancellationToken cancellation = default) =>
        Generate(EncodeChat(messages), options, cancellation);

    /// <summary>Generates from prompt ids; <paramref name="onText"/> gets each piece of text as it is complete.</summary>
    public GenerationResult Generate(IReadOnlyList<int> promptIds, GenerationOptions? options = null, CancellationToken cancellation = default, Action<string>? onText = null)
    {
        var run = Start(promptIds, options ?? new GenerationOptions(), cancellation);
        while (run.Finished is null)
        {
            Step(run, cancellation);
            if (onText is not null) foreach (var piece in run.Pieces) onText(piece);
            run.Pieces.Clear();
        }
        return LastResult!;
    }

    public IAsyncEnumerable<string> GenerateStreamingAsync(string prompt, GenerationOptions? options = null, CancellationToken cancellation = default) =>
        GenerateStreamingAsync(EncodePrompt(prompt), options, cancellation);

    public IAsyncEnumerable<string> GenerateChatStreamingAsync(IReadOnlyList<ChatMessage> messages, GenerationOptions? options = null, CancellationToken cancellation = default) =>
        GenerateStreamingAsync(EncodeChat(messages), options, cancellation);

    /// <summary>Streams the text in pieces of whole characters; <see cref="LastResult"/> holds the ids afterwards.</summary>
    public async IAsyncEnumerable<string> GenerateStreamingAsync(IReadOnlyList<int> promptIds, GenerationOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellation = default)
    {
        await Task.Yield();   // the caller gets the enumerator back before the prefill runs
        var run = Start(promptIds, options ?? new GenerationOptions(), cancellation);
        while (run.Finished is null)
        {
            Step(run, cancellation);
            for (int i = 0; i < run.Pieces.Count; i++) yield return run.Pieces[i];
            run.Pieces.Clear();
        }
    }

    /// <summary>Forgets the cached conversation (the next prompt is prefilled from position 0).</summary>
    public void Reset()
    {
        _cached.Clear();
        Backend.Reset();
    }

    private GenerationRun Start(IReadOnlyList<int> promptIds, GenerationOptions options, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(promptIds);
        if (promptIds.Count == 0) throw new ArgumentException("the prompt has no tokens", nameof(promptIds));
        if (options.MaxNewTokens is < 0) throw new ArgumentOutOfRangeException(nameof(options), "MaxNewTokens must be >= 0");
        cancellation.ThrowIfCancellationRequested();
        int[] prompt = [.. promptIds];
        foreach (int id in prompt)
            if ((uint)id >= (uint)Backend.VocabSize) throw new ArgumentOutOfRangeException(nameof(promptIds), $"token id {id} is outside the model's vocabulary of {Backend.VocabSize}");
        var run = new GenerationRun(this, prompt, options);
        LastResult = null;
        if (options.MaxNewTokens == 0)
        {
            run.FinishNow(FinishReason.MaxTokens);
            LastResult = run.Result(FinishReason.MaxTokens);
            return run;
        }
        var clock = Stopwatch.StartNew();
        if (prompt.Length > Backend.MaxContext)
        {
            if (options.OnContextOverflow != ContextOverflow.SlidingWindow)
                throw new ContextOverflowException($"the prompt has {prompt.Length} tokens; the model's context holds {Backend.MaxContext}", Backend.MaxContext, null);
            run.WindowShifts++;
            PrefillFrom(Window(prompt, options), 0, cancellation);
        }
        else
        {
            // Reuse the rows of the previous generation that hold the same tokens; at least one token is fed for logits.
            int reuse = Math.Min(CollectionsMarshal.AsSpan(_cached).CommonPrefixLength(prompt), prompt.Length - 1);
            run.ReusedPromptTokens = reuse;
            PrefillFrom(prompt, reuse, cancellation);
        }
        run.PrefillTime = clock.Elapsed;
        return run;
    }

    private void Step(GenerationRun run, CancellationToken cancellation)
    {
        cancellation.ThrowIfCancellationRequested();
        run.Step(_logits);
        if (run.Finished is { } reason) LastResult = run.Result(reason);
    }

    /// <summary>Feeds <paramref name="ids"/> from <paramref name="from"/> on (rows before it are already cached).</summary>
    private void PrefillFrom(IReadOnlyList<int> ids, int from, CancellationToken cancellation = default)
    {
        if (from < _cached.Count) _cached.RemoveRange(from, _cached.Count - from);
        int chunk = Backend.PrefillLengths[^1];
        var all = ids is int[] array ? array : ids.ToArray();
        for (int at = from; at < all.Length; at += chunk)
        {
            cancellation.ThrowIfCancellationRequested();   // between chunks: a long prompt can be abandoned
            var part = all.AsSpan(at, Math.Min(chunk, all.Length - at));
            Backend.Prefill(part, at, _logits);
            _cached.AddRange(part);
        }
    }

    /// <summary>Feeds the sampled <paramref name="token"/>; false when the context is full and the run should stop.</summary>
    internal bool Feed(GenerationRun run, int token, Span<float> logits)
    {
        int position = _cached.Count;
        if (position < Backend.MaxContext)
        {
            Backend.Decode(token, position, logits);
            _cached.Add(token);
            return true;
        }
        var options = run.Options;
        switch (options.OnContextOverflow)
        {
            case ContextOverflow.Stop:
                return false;
            case ContextOverflow.SlidingWindow:
                run.WindowShifts++;
                PrefillFrom(Window(run.History, options), 0);
                return true;
            default:
                var partial = run.Abort();
                LastResult = partial;
                throw new ContextOverflowException(
                    $"the context of {Backend.MaxContext} tokens is full after {partial.GeneratedIds.Length} generated tokens (prompt: {partial.PromptIds.Length}); " +
                    "limit MaxNewTokens, or choose ContextOverflow.Stop or SlidingWindow", Backend.MaxContext, partial);
        }
    }

    /// <summary>The start tokens (when <paramref name="ids"/> begins with them) and the most recent ids, <see cref="GenerationOptions.SlidingWindowKeep"/> in all.</summary>
    private int[] Window(IReadOnlyList<int> ids, GenerationOptions options)
    {
        int keep = Math.Clamp(options.SlidingWindowKeep ?? Backend.MaxContext / 2, 1, Math.Max(1, Backend.MaxContext - 1));
        var start = Settings.StartTokenIds;
        bool startsWithStart = start.Count > 0 && start.Count < keep && ids.Count >= start.Count && start.Select((t, i) => ids[i] == t).All(x => x);
        int head = startsWithStart ? start.Count : 0;
        int tail = keep - head;
        var window = new int[keep];
        for (int i = 0; i < head; i++) window[i] = ids[i];
        for (int i = 0; i < tail; i++) window[head + i] = ids[ids.Count - tail + i];
        return window;
    }

    public void Dispose()
    {
        if (_ownsBackend) Backend.Dispose();
    }
}
