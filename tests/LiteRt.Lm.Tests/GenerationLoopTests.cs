using System.Text;
using System.Text.Json.Nodes;
using LiteRt.Lm.Generation;
using LiteRt.Lm.Templates;
using LiteRt.Lm.Tokenization;
using Xunit.Abstractions;

namespace LiteRt.Lm.Tests;

/// <summary>
/// The pieces together, as a generation loop uses them, with the model replaced by the oracle: at each step the
/// "logits" are one-hot on the oracle's next id, the greedy sampler picks it, the stream decoder turns it into text.
/// </summary>
public sealed class GenerationLoopTests(ITestOutputHelper output)
{
    [Fact]
    public void ChatPromptToStreamedTextLikeTheOracle()
    {
        if (SharedLlm.RootOrSkip(output) is not { } root) return;
        string dir = Path.Combine(root, "llm/synthetic/qwen2-tiny/hf");
        var tok = Tokenizer.FromDirectory(dir);
        var config = GenerationConfig.Load(Path.Combine(dir, "generation_config.json"));
        var chat = JsonNode.Parse(File.ReadAllText(Path.Combine(root, "llm/synthetic/qwen2-tiny/oracle.json")))!["cases"]![2]!;
        int[] oracleNext = chat["generated_ids"]!.AsArray().Select(x => x!.GetValue<int>()).ToArray();

        string prompt = tok.ApplyChatTemplate([new ChatMessage("user", "Tell me a story.")]);
        var history = new List<int>(tok.Encode(prompt));
        int promptLength = history.Count;

        var sampler = new Sampler(tok.VocabSize, SamplingOptions.FromGenerationConfig(config with { DoSample = false }));
        var eos = TokenStopMatcher.FromEosIds(config.EosTokenIds ?? []);
        var stream = tok.CreateStreamDecoder(skipSpecialTokens: true);
        var text = new StringBuilder();
        var logits = new float[tok.VocabSize];
        foreach (int next in oracleNext)
        {
            Array.Fill(logits, -10f);
            logits[next] = 10f;
            int id = sampler.Sample(logits, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(history));
            history.Add(id);
            if (eos.EndsWithStop(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(history)[promptLength..], out _)) break;
            text.Append(stream.Push(id));
        }
        text.Append(stream.Flush());

        Assert.Equal(oracleNext, history.Skip(promptLength));
        string expected = chat["full_text"]!.GetValue<string>()[tok.Decode(history.Take(promptLength).ToArray(), skipSpecialTokens: true).Length..];
        Assert.Equal(expected, text.ToString());
        output.WriteLine($"64 steps: {text.Length} characters streamed, equal to the oracle's text");
    }
}
