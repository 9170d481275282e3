using LiteRt.Compiler.Import.HuggingFace;
using Xunit.Abstractions;

namespace LiteRt.Compiler.Tests.HuggingFace;

/// <summary>
/// Self-contained conversion tests (no shared data): random Llama (GQA, untied) and Qwen2-like (qkv bias, tied)
/// checkpoints written from C#, converted, run with prompts that exercise padding, chunked prefill and decode, and
/// compared with an independent float64 forward pass.
/// </summary>
public sealed class TinyLlamaTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("litert-tiny-").FullName;

    public static IEnumerable<object[]> Cases() =>
    [
        ["llama", 5, 20],   // fits prefill_8 (padded) then decode
        ["llama", 19, 6],   // chunked: 16 + 3
        ["qwen2", 11, 10],
    ];

    [Theory]
    [MemberData(nameof(Cases))]
    public void ConversionMatchesFloat64Reference(string family, int promptLength, int decodeSteps)
    {
        var spec = family == "qwen2" ? TinyLlama.QwenLike : TinyLlama.Default;
        var model = new TinyLlama(spec, seed: 7);
        model.Save(_dir);
        string path = Path.Combine(_dir, "tiny.tflite");
        LlmConverter.Convert(_dir, path, new LlmConvertOptions { MaxContext = 64, PrefillLengths = [8, 16] });

        var rng = new Random(promptLength);
        var prompt = Enumerable.Range(0, promptLength).Select(_ => rng.Next(spec.Vocab)).ToArray();
        using var dec = new GreedyDecoder(path);
        model.Reset();
        double[] expected = [];
        for (int i = 0; i < prompt.Length; i++) expected = model.Step(prompt[i], i);
        var logits = dec.Prefill(prompt);
        double worst = Compare(expected, logits);
        int pos = prompt.Length;
        for (int s = 0; s < decodeSteps; s++, pos++)
        {
            int next = GreedyDecoder.ArgMax(logits);
            expected = model.Step(next, pos);
            logits = dec.Decode(next, pos);
            worst = Math.Max(worst, Compare(expected, logits));
        }
        output.WriteLine($"{family}: prompt {promptLength}, {decodeSteps} decode steps; worst |logit diff| / (1 + |logit|) = {worst:E2}");
        Assert.True(worst < 2e-4, $"float32 conversion differs from the float64 reference by {worst}");
    }

    private static double Compare(double[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        double worst = 0;
        for (int i = 0; i < expected.Length; i++) worst = Math.Max(worst, Math.Abs(expected[i] - actual[i]) / (1 + Math.Abs(expected[i])));
        return worst;
    }

    [Fact]
    public void SignaturesFollowTheGenerativeApiContract()
    {
        var spec = TinyLlama.Default;
        new TinyLlama(spec, 1).Save(_dir);
        string path = Path.Combine(_dir, "tiny.tflite");
        LlmConverter.Convert(_dir, path, new LlmConvertOptions { MaxContext = 40, PrefillLengths = [4, 12] });
        using var m = LiteRt.Runtime.CompiledModel.Load(path);
        Assert.Equal(["prefill_4", "prefill_12", "decode"], m.Signatures.Select(s => s.Key));
        var p = m.Signature("prefill_12");
        Assert.Equal([1, 12], p.Input("tokens").Shape);
        Assert.Equal([12], p.Input("input_pos").Shape);
        Assert.Equal([1, 40, spec.KvHeads, spec.HeadDim], p.Input("kv_cache_k_1").Shape);
        Assert.Equal([1, 40, spec.KvHeads, spec.HeadDim], p.Output("kv_cache_v_0").Shape);
        Assert.Equal([1, 1, spec.Vocab], m.Signature("decode").Output("logits").Shape);
        Assert.Equal(2 + 2 * spec.Layers, p.Inputs.Count);
        Assert.Equal(1 + 2 * spec.Layers, p.Outputs.Count);
    }

    [Fact]
    public void UnboundCachesStillGiveTheUpdatedCacheAsOutput()
    {
        // Without BindInPlace the op has value semantics: output cache = input cache with the new rows.
        new TinyLlama(TinyLlama.Default, 3).Save(_dir);
        string path = Path.Combine(_dir, "tiny.tflite");
        LlmConverter.Convert(_dir, path, new LlmConvertOptions { MaxContext = 16, PrefillLengths = [4] });
        using var m = LiteRt.Runtime.CompiledModel.Load(path);
        var d = m.Signature("decode");
        var kin = d.Input("kv_cache_k_0").AsSpan<float>();
        kin.Fill(0.5f);
        d.Input("tokens").AsSpan<int>()[0] = 3;
        d.Input("input_pos").AsSpan<int>()[0] = 2;
        d.Run();
        var kout = d.Output("kv_cache_k_0").AsSpan<float>();
        int row = TinyLlama.Default.KvHeads * TinyLlama.Default.HeadDim;
        for (int i = 0; i < kout.Length; i++)
            if (i / row != 2) Assert.Equal(0.5f, kout[i]);
        Assert.Contains(kout.Slice(2 * row, row).ToArray(), v => v != 0.5f);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
