using System.Text;
using System.Text.Json.Nodes;
using LiteRt.Lm.Tokenization;
using Xunit.Abstractions;

namespace LiteRt.Lm.Tests;

/// <summary>
/// The shared checkpoints' tokenizers as a model runner loads them (tokenizer.json + tokenizer_config.json), against
/// their torch oracles: prompt ids from the real HF tokenizer, and the text of the generated ids.
/// </summary>
public sealed class CheckpointTokenizerTests(ITestOutputHelper output)
{
    public static TheoryData<string> Checkpoints() => new("llm/stories260K/hf", "llm/synthetic/qwen2-tiny/hf");

    private static string OracleOf(string checkpoint) => Path.Combine(Path.GetDirectoryName(checkpoint)!, "oracle.json");

    [Theory]
    [MemberData(nameof(Checkpoints))]
    public void PromptIdsAndGeneratedTextMatchOracle(string checkpoint)
    {
        if (SharedLlm.RootOrSkip(output) is not { } root) return;
        var tok = Tokenizer.FromDirectory(Path.Combine(root, checkpoint));
        var oracle = JsonNode.Parse(File.ReadAllText(Path.Combine(root, OracleOf(checkpoint))))!;
        int n = 0;
        foreach (var c in oracle["cases"]!.AsArray())
        {
            string prompt = c!["prompt"]!.GetValue<string>();
            int[] promptIds = c["prompt_ids"]!.AsArray().Select(x => x!.GetValue<int>()).ToArray();
            int[] generated = c["generated_ids"]!.AsArray().Select(x => x!.GetValue<int>()).ToArray();
            string fullText = c["full_text"]!.GetValue<string>();

            Assert.Equal(promptIds, tok.Encode(prompt));
            int[] all = [.. promptIds, .. generated];
            Assert.Equal(fullText, tok.Decode(all, skipSpecialTokens: true));

            // Streaming the same ids gives the same text, piece by piece.
            var stream = tok.CreateStreamDecoder(skipSpecialTokens: true);
            var sb = new StringBuilder();
            foreach (int id in all) sb.Append(stream.Push(id));
            sb.Append(stream.Flush());
            Assert.Equal(fullText, sb.ToString());
            n++;
        }
        output.WriteLine($"{checkpoint}: {n}/{n} prompts encode to the oracle's ids; decoded and streamed text equal full_text");
    }

    [Fact]
    public void StoriesConfigAddsBosAsTransformersDoes()
    {
        if (SharedLlm.RootOrSkip(output) is not { } root) return;
        var tok = Tokenizer.FromDirectory(Path.Combine(root, "llm/stories260K/hf"));
        Assert.Equal([1], tok.PrefixTokenIds);
        Assert.Empty(tok.SuffixTokenIds);
        Assert.Equal(1, tok.BosTokenId);
        Assert.Equal(2, tok.EosTokenId);
        Assert.Equal(512, tok.VocabSize);
        Assert.True(tok.IsSpecialToken(1));
        Assert.False(tok.IsSpecialToken(3));
        Assert.Equal("<0x00>", tok.IdToToken(3));
    }

    [Fact]
    public void QwenConfigHasChatTemplateAndSpecialTokens()
    {
        if (SharedLlm.RootOrSkip(output) is not { } root) return;
        var tok = Tokenizer.FromDirectory(Path.Combine(root, "llm/synthetic/qwen2-tiny/hf"));
        Assert.Empty(tok.PrefixTokenIds);
        Assert.Equal(999, tok.EosTokenId);
        Assert.Equal(997, tok.PadTokenId);
        Assert.Null(tok.BosTokenId);
        Assert.Equal(1000, tok.VocabSize);
        Assert.NotNull(tok.ChatTemplateSource);
        Assert.Equal([997, 998, 999], tok.AddedTokens.Where(a => a.Special).Select(a => a.Id));
        Assert.Equal(998, tok.TokenToId("<|im_start|>"));
    }

    /// <summary>Streaming equals decoding at once, for every 4th corpus line, hard string and the oracle's random id sequences
    /// (skip_special_tokens alternating).</summary>
    [Theory]
    [InlineData("stories260K")]
    [InlineData("qwen2")]
    public void StreamingEqualsDecode(string name)
    {
        if (SharedLlm.RootOrSkip(output) is not { } root) return;
        var oracle = JsonNode.Parse(File.ReadAllText(SharedLlm.OracleFile("tokenizer_oracle.json")))!;
        var c = oracle["cases"]!.AsArray().Single(x => x!["name"]!.GetValue<string>() == name)!.AsObject();
        var tok = TokenizerOracleTests.Load(root, c, out _);
        var sequences = new List<int[]>();
        var lines = File.ReadAllText(Path.Combine(root, oracle["corpus"]!.GetValue<string>())).Split('\n');
        for (int i = 0; i < lines.Length; i += 4) sequences.Add(tok.Encode(lines[i]));   // a quarter keeps the test fast
        foreach (var text in oracle["hard_strings"]!.AsArray()) sequences.Add(tok.Encode(text!.GetValue<string>()));
        int random = 0;
        foreach (var d in c["decode"]!.AsArray())
        {
            sequences.Add(d!["ids"]!.GetValue<string>().Split(' ').Select(int.Parse).ToArray());
            random++;
        }

        int same = 0, rerendered = 0;
        var differing = new List<string>();
        for (int k = 0; k < sequences.Count; k++)
        {
            var ids = sequences[k];
            bool skip = k % 2 == 1;
            {
                string expected = tok.Decode(ids, skip);
                var stream = tok.CreateStreamDecoder(skip);
                var sb = new StringBuilder();
                foreach (int id in ids)
                {
                    string piece = stream.Push(id);
                    Assert.False(piece.EndsWith('\uFFFD'), "a streamed piece ended in U+FFFD (an unfinished character)");
                    sb.Append(piece);
                }
                sb.Append(stream.Flush());
                if (sb.ToString() == expected) { same++; continue; }
                if (IsAppendOnly(tok, ids, skip)) differing.Add($"{string.Join(' ', ids)} skip={skip}: {sb} vs {expected}");
                else rerendered++;
            }
        }
        output.WriteLine($"{name}: {same}/{sequences.Count} streamed texts equal Decode; the other {rerendered} are random id " +
                         "sequences where HF's own decode re-renders earlier text (a valid byte run turned invalid)");
        Assert.True(differing.Count == 0, string.Join("\n", differing.Take(5)));
    }

    /// <summary>True when decoding each prefix of ids (cut where it does not end in U+FFFD) only ever appends text.</summary>
    private static bool IsAppendOnly(Tokenizer tok, int[] ids, bool skip)
    {
        string previous = "";
        for (int k = 1; k <= ids.Length; k++)
        {
            string text = tok.Decode(ids.AsSpan(0, k), skip);
            if (text.EndsWith('\uFFFD') && k < ids.Length) continue;
            if (!text.StartsWith(previous, StringComparison.Ordinal)) return false;
            previous = text;
        }
        return true;
    }
}
