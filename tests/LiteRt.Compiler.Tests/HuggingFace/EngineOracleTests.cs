using LiteRt.Compiler.Import.HuggingFace;
using LiteRt.Lm.Bundle;
using LiteRt.Lm.Engine;
using LiteRt.Lm.Generation;
using LiteRt.TestSupport;
using Xunit.Abstractions;

namespace LiteRt.Compiler.Tests.HuggingFace;

/// <summary>
/// The whole LLM path as a user runs it: checkpoint → <see cref="LlmConverter"/> → <c>.litertlm</c> bundle (tokenizer
/// and settings carried from the checkpoint) → <see cref="LlmSession"/> over the in-place KV cache. Our tokenizer
/// must give the oracle's prompt ids, and greedy generation every float32 PyTorch oracle token.
/// </summary>
public sealed class EngineOracleTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _tmp = Directory.CreateTempSubdirectory("litert-llm-engine-").FullName;

    [Theory]
    [InlineData("llm/stories260K/hf")]
    [InlineData("llm/synthetic/qwen2-tiny/hf")]
    public void Bundle_and_session_reproduce_every_oracle_token(string folder)
    {
        if (!SharedData.TryGetRoot(out var root, output.WriteLine)) return;
        string dir = Path.Combine(root, folder);
        string tflite = Path.Combine(_tmp, "model.tflite"), bundle = Path.Combine(_tmp, "model.litertlm");
        LlmConverter.Convert(dir, tflite, new LlmConvertOptions { MaxContext = 256, PrefillLengths = [8, 32] });
        LlmBundle.Write(bundle, tflite, dir);
        var cases = OracleCase.Load(Path.Combine(Path.GetDirectoryName(dir)!, "oracle.json"));

        using var session = LlmSession.Open(bundle);
        Assert.True(Assert.IsType<CompiledModelBackend>(session.Backend).SharesCacheInPlace);
        foreach (var c in cases)
        {
            // The oracle's prompts were encoded by the reference tokenizer with its own special-token rule.
            int[] ours = session.EncodePrompt(c.Prompt);
            int[] plain = session.Tokenizer.Encode(c.Prompt, addSpecialTokens: false);
            Assert.True(ours.SequenceEqual(c.PromptIds) || plain.SequenceEqual(c.PromptIds),
                $"'{c.Prompt}': ours [{string.Join(",", ours)}], oracle [{string.Join(",", c.PromptIds)}]");

            var r = session.Generate(c.PromptIds, new GenerationOptions { MaxNewTokens = c.GeneratedIds.Length, Sampling = SamplingOptions.Greedy });
            output.WriteLine($"'{c.Prompt}': {r.GeneratedIds.Length}/{c.GeneratedIds.Length} tokens ({r.FinishReason}), reused {r.ReusedPromptTokens}");
            // A stop token the oracle generated ends ours there too (the oracle keeps going past EOS).
            int n = r.GeneratedIds.Length;
            Assert.Equal(c.GeneratedIds[..n], r.GeneratedIds);
            if (r.FinishReason == FinishReason.MaxTokens) Assert.Equal(c.GeneratedIds.Length, n);
        }
    }

    public void Dispose() => Directory.Delete(_tmp, recursive: true);
}
