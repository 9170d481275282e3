using LiteRt.Compiler.Import.HuggingFace;
using LiteRt.Lm.Bundle;
using LiteRt.Lm.Engine;
using LiteRt.Lm.Generation;
using LiteRt.Lm.Templates;
using LiteRt.TestSupport;
using Xunit.Abstractions;

namespace LiteRt.Compiler.Tests.HuggingFace;

/// <summary>
/// The repository's own tiny story model (samples/TextGeneration/Model, trained by Training/train_tiny_llama.py):
/// checkpoint → <see cref="LlmConverter"/> → <c>.litertlm</c> → <see cref="LlmSession"/>. Self-contained (no
/// ../shared): our tokenizer must give the oracle's prompt ids and greedy generation every token of
/// Model/oracle.json (Training/greedy_oracle.py, an independent float64 numpy forward).
/// </summary>
public sealed class RepoTinyModelTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _tmp = Directory.CreateTempSubdirectory("litert-repo-tiny-").FullName;

    private static string ModelFolder()
    {
        string root = SharedData.RepoRoot ?? throw new InvalidOperationException("repository root not found from the test assembly");
        return Path.Combine(root, "samples", "TextGeneration", "Model");
    }

    [Fact]
    public void Converted_bundle_reproduces_every_oracle_token()
    {
        string dir = ModelFolder();
        string tflite = Path.Combine(_tmp, "model.tflite"), bundle = Path.Combine(_tmp, "model.litertlm");
        LlmConverter.Convert(dir, tflite, new LlmConvertOptions { MaxContext = 256, PrefillLengths = [8, 32] });
        LlmBundle.Write(bundle, tflite, dir);
        var cases = OracleCase.Load(Path.Combine(dir, "oracle.json"));
        Assert.Equal(3, cases.Count);

        using var session = LlmSession.Open(bundle);
        foreach (var c in cases)
        {
            // The oracle's prompt ids are <s> then the text (special tokens in it recognised).
            int[] ours = session.EncodePrompt(c.Prompt);
            Assert.True(ours.SequenceEqual(c.PromptIds), $"'{c.Prompt}': ours [{string.Join(",", ours)}], oracle [{string.Join(",", c.PromptIds)}]");

            var r = session.Generate(c.PromptIds, new GenerationOptions { MaxNewTokens = c.GeneratedIds.Length, Sampling = SamplingOptions.Greedy });
            output.WriteLine($"'{c.Prompt}': {r.GeneratedIds.Length}/{c.GeneratedIds.Length} tokens ({r.FinishReason}): {session.Tokenizer.Decode(r.GeneratedIds)}");
            // A stop token the oracle generated ends ours there too (the oracle keeps going past it).
            int n = r.GeneratedIds.Length;
            Assert.Equal(c.GeneratedIds[..n], r.GeneratedIds);
            if (r.FinishReason == FinishReason.MaxTokens) Assert.Equal(c.GeneratedIds.Length, n);
        }
    }

    [Fact]
    public void Chat_template_gives_the_prompt_the_model_was_trained_on()
    {
        string dir = ModelFolder();
        var tokenizer = LiteRt.Lm.Tokenization.Tokenizer.FromDirectory(dir);
        var chat = OracleCase.Load(Path.Combine(dir, "oracle.json")).Single(c => c.Prompt.StartsWith("<|user|>", StringComparison.Ordinal));
        string text = tokenizer.ApplyChatTemplate([new ChatMessage("user", "Tell me a story about a fox.")], addGenerationPrompt: true);
        Assert.Equal("<s>" + chat.Prompt, text);
        Assert.Equal(chat.PromptIds, tokenizer.Encode(text, addSpecialTokens: false));
    }

    public void Dispose() => Directory.Delete(_tmp, recursive: true);
}
