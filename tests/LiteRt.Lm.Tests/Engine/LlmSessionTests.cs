using System.Text;
using LiteRt.Lm.Bundle;
using LiteRt.Lm.Engine;
using LiteRt.Lm.Generation;
using static LiteRt.Lm.Tests.Engine.TinyTokenizer;
using TemplateMessage = LiteRt.Lm.Templates.ChatMessage;

namespace LiteRt.Lm.Tests.Engine;

/// <summary>The generation engine against <see cref="ScriptedBackend"/>, whose greedy choices are known in advance.</summary>
public sealed class LlmSessionTests
{
    private static readonly LlmSessionSettings Settings = new() { StartTokenIds = [Bos], StopTokenSequences = [[Eos]] };

    /// <summary>a→b→c→d→e→EOS; x→"é" (two byte tokens)→y→z→EOS; l→m→l… (never ends).</summary>
    private static Dictionary<int, int> Script() => new()
    {
        [Id('a')] = Id('b'), [Id('b')] = Id('c'), [Id('c')] = Id('d'), [Id('d')] = Id('e'),
        [Id('x')] = Byte(0xC3), [Byte(0xC3)] = Byte(0xA9), [Byte(0xA9)] = Id('y'), [Id('y')] = Id('z'),
        [Id('l')] = Id('m'), [Id('m')] = Id('l'), [Id('>')] = Id('a'),
    };

    private static (LlmSession Session, ScriptedBackend Backend) Create(int context = 64, int[]? prefill = null, LlmSessionSettings? settings = null)
    {
        var backend = new ScriptedBackend(context, prefill ?? [4, 8], Script());
        return (new LlmSession(backend, TinyTokenizer.Create(), settings ?? Settings), backend);
    }

    [Fact]
    public void GreedyFollowsTheModelAndStopsOnEos()
    {
        var (session, backend) = Create();
        var r = session.Generate("a");
        Assert.Equal([Bos, Id('a')], r.PromptIds);
        Assert.Equal([Id('b'), Id('c'), Id('d'), Id('e'), Eos], r.GeneratedIds);
        Assert.Equal("bcde", r.Text);
        Assert.Equal(FinishReason.StopToken, r.FinishReason);
        Assert.Single(backend.Prefills);
        Assert.Equal(0, backend.Prefills[0].Start);
        Assert.Equal([Bos, Id('a')], backend.Prefills[0].Tokens);
        Assert.Equal([2, 3, 4, 5], backend.Decodes);   // the EOS is never fed
    }

    [Fact]
    public void MultiTokenStopSequencesNeverReachTheText()
    {
        var (session, _) = Create();
        var pieces = new List<string>();
        var r = session.Generate(session.EncodePrompt("a"), new GenerationOptions { StopTokenSequences = [[Id('c'), Id('d')], [Id('c'), Id('x')]] }, onText: pieces.Add);
        Assert.Equal("b", r.Text);
        Assert.Equal("b", string.Concat(pieces));          // "c" was held back while it could begin "cd"
        Assert.Equal([Id('b'), Id('c'), Id('d')], r.GeneratedIds);
        Assert.Equal(FinishReason.StopToken, r.FinishReason);

        // A stop token given as text in the metadata is tokenized: "de" is two tokens here.
        var tokenizer = TinyTokenizer.Create();
        var fromMetadata = LlmSessionSettings.FromMetadata(new LlmMetadata { StartToken = LlmToken.FromIds(Bos), StopTokens = [LlmToken.FromText("de"), LlmToken.FromIds(Eos)] }, tokenizer);
        Assert.Equal([[Id('d'), Id('e')], [Eos]], fromMetadata.StopTokenSequences.Select(s => s.ToArray()));
        var (s2, _) = Create(settings: fromMetadata);
        Assert.Equal("bc", s2.Generate("a").Text);
    }

    [Fact]
    public void StopStringsAndTokenLimits()
    {
        var (session, _) = Create();
        var r = session.Generate("a", new GenerationOptions { StopStrings = ["cd"] });
        Assert.Equal(("b", FinishReason.StopString), (r.Text, r.FinishReason));
        r = session.Generate("a", new GenerationOptions { MaxNewTokens = 2 });
        Assert.Equal(("bc", FinishReason.MaxTokens), (r.Text, r.FinishReason));
        Assert.Equal(2, r.GeneratedIds.Length);
        r = session.Generate("a", new GenerationOptions { MaxNewTokens = 0 });
        Assert.Equal(("", FinishReason.MaxTokens), (r.Text, r.FinishReason));
        r = session.Generate("a", new GenerationOptions { StopStrings = ["zz"], MaxNewTokens = 3 });
        Assert.Equal("bcd", r.Text);                       // text held for a stop string that never came is flushed
    }

    [Fact]
    public void LongPromptsArePrefilledInChunksAtTheirPositions()
    {
        var (session, backend) = Create(prefill: [2, 4]);
        var r = session.Generate("lmlmlmlmlm", new GenerationOptions { MaxNewTokens = 1 });
        Assert.Equal(11, r.PromptIds.Length);
        Assert.Equal([(0, 4), (4, 4), (8, 3)], backend.Prefills.Select(p => (p.Start, p.Tokens.Length)));
        Assert.Equal(r.PromptIds, backend.Rows.Take(11));
        Assert.Equal([Id('l')], r.GeneratedIds);

        // The next prompt extends the conversation: only the new tokens are prefilled.
        backend.Prefills.Clear();
        var r2 = session.Generate("lmlmlmlmlmlmabc", new GenerationOptions { MaxNewTokens = 1 });
        Assert.Equal(11, r2.ReusedPromptTokens);
        Assert.Equal([(11, 4), (15, 1)], backend.Prefills.Select(p => (p.Start, p.Tokens.Length)));
        Assert.Equal([Id('d')], r2.GeneratedIds);
    }

    [Fact]
    public void ContextOverflowIsAnErrorByDefaultWithThePartialResult()
    {
        var (session, backend) = Create(context: 8);
        var e = Assert.Throws<ContextOverflowException>(() => session.Generate("lm"));
        Assert.Equal(8, e.Context);
        // Prompt rows 0..2, decodes at 3..7, then the 6th sampled token has no row.
        Assert.Equal(6, e.Partial!.GeneratedIds.Length);
        Assert.Equal("lmlmlm", e.Partial.Text);
        Assert.Same(e.Partial, session.LastResult);
        Assert.Equal(7, backend.Decodes.Max());

        var tooLong = Assert.Throws<ContextOverflowException>(() => session.Generate("lmlmlmlmlm"));
        Assert.Null(tooLong.Partial);
        Assert.Contains("11 tokens", tooLong.Message);

        var stop = session.Generate("lm", new GenerationOptions { OnContextOverflow = ContextOverflow.Stop });
        Assert.Equal((FinishReason.ContextFull, "lmlmlm"), (stop.FinishReason, stop.Text));
    }

    [Fact]
    public void SlidingWindowKeepsTheStartTokenAndRecentTokens()
    {
        var (session, backend) = Create(context: 8, prefill: [4]);
        var options = new GenerationOptions { OnContextOverflow = ContextOverflow.SlidingWindow, SlidingWindowKeep = 4, MaxNewTokens = 20 };
        var r = session.Generate("lm", options);
        Assert.Equal(20, r.GeneratedIds.Length);
        Assert.Equal(string.Concat(Enumerable.Repeat("lm", 10)), r.Text);
        Assert.True(r.WindowShifts >= 3, $"{r.WindowShifts} shifts");
        // Each shift re-prefills <s> + the 3 most recent tokens at position 0, the last being the one still to feed.
        var shifts = backend.Prefills.Skip(1).ToList();
        Assert.Equal(r.WindowShifts, shifts.Count);
        Assert.All(shifts, p => Assert.Equal((0, 4, Bos), (p.Start, p.Tokens.Length, p.Tokens[0])));

        // A prompt longer than the context is cut the same way: <s> and its last three tokens.
        int before = backend.Prefills.Count;
        var cut = session.Generate("lmlmlmlmlmlm", options with { MaxNewTokens = 2 });
        Assert.Equal(13, cut.PromptIds.Length);
        Assert.Equal(0, backend.Prefills[before].Start);
        Assert.Equal([Bos, Id('m'), Id('l'), Id('m')], backend.Prefills[before].Tokens);
        Assert.Equal("lm", cut.Text);
    }

    [Fact]
    public async Task StreamedPiecesAreWholeCharactersAndJoinToTheText()
    {
        var (session, _) = Create();
        var pieces = new List<string>();
        await foreach (string piece in session.GenerateStreamingAsync("x")) pieces.Add(piece);
        var r = session.LastResult!;
        Assert.Equal("éyz", r.Text);
        Assert.Equal(r.Text, string.Concat(pieces));
        Assert.Equal([Byte(0xC3), Byte(0xA9), Id('y'), Id('z'), Eos], r.GeneratedIds);
        Assert.DoesNotContain(pieces, p => p.Contains('\uFFFD') || p.Length == 0);
        Assert.Contains("é", pieces);
    }

    [Fact]
    public async Task CancellationStopsTheGeneration()
    {
        var (session, _) = Create();
        using var cts = new CancellationTokenSource();
        var pieces = new List<string>();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (string piece in session.GenerateStreamingAsync("l", cancellation: cts.Token))
            {
                pieces.Add(piece);
                if (pieces.Count == 3) cts.Cancel();
            }
        });
        Assert.Equal(["m", "l", "m"], pieces);
        Assert.ThrowsAny<OperationCanceledException>(() => session.Generate("a", cancellation: cts.Token));
        Assert.Equal("bcde", session.Generate("a").Text);       // the session is usable afterwards
    }

    [Fact]
    public void SamplingWithASeedIsReproducible()
    {
        var (session, _) = Create();
        var options = new GenerationOptions { MaxNewTokens = 12, Sampling = new SamplingOptions { DoSample = true, Temperature = 3f, Seed = 42 } };
        var first = session.Generate("l", options);
        var second = session.Generate("l", options);
        Assert.Equal(first.GeneratedIds, second.GeneratedIds);
        Assert.NotEqual(Enumerable.Range(0, 12).Select(i => i % 2 == 0 ? Id('m') : Id('l')), first.GeneratedIds);   // high temperature leaves the script
    }

    [Fact]
    public void ChatPromptsUseTheTemplateAndTheStartToken()
    {
        var (session, _) = Create();
        var ids = session.EncodeChat([new TemplateMessage("user", "hi")]);
        Assert.Equal(Bos, ids[0]);
        Assert.Equal("<s><|user|>hi</s><|assistant|>", session.Tokenizer.Decode(ids));
        var r = session.GenerateChat([new TemplateMessage("user", "hi")]);
        Assert.Equal("abcde", r.Text);                      // '>' → a → b …
    }

    [Fact]
    public void PrefixSuffixTemplatesWhenThereIsNoJinjaTemplate()
    {
        var metadata = new LlmMetadata
        {
            StartToken = LlmToken.FromIds(Bos),
            StopTokens = [LlmToken.FromIds(Eos)],
            PromptTemplates = new PromptTemplates { User = new PromptAffixes("U:", "|"), Model = new PromptAffixes("M>", "|"), System = new PromptAffixes("S:", "|") },
        };
        var tokenizer = LiteRt.Lm.Tokenization.Tokenizer.FromJson(TinyTokenizer.Json());   // no tokenizer_config: no Jinja template
        var settings = LlmSessionSettings.FromMetadata(metadata, tokenizer);
        using var session = new LlmSession(new ScriptedBackend(64, [4], Script()), tokenizer, settings);
        Assert.True(session.ChatTemplateAvailable);
        int[] ids = session.EncodeChat([new TemplateMessage("system", "s"), new TemplateMessage("user", "hi"), new TemplateMessage("assistant", "ok"), new TemplateMessage("user", "x")]);
        Assert.Equal("<s>S:s|U:hi|M>ok|U:x|M>", tokenizer.Decode(ids));
        Assert.Equal("abcde", session.GenerateChat([new TemplateMessage("user", "x")]).Text);   // "…M>": '>' → a → b …
    }
}
