using System.Buffers.Binary;
using System.Text;
using LiteRt.Lm.Bundle;
using LiteRt.Lm.Engine;
using LiteRt.Lm.Generation;
using LiteRt.Lm.Tests.Engine;
using LiteRt.Lm.Tokenization;
using Xunit.Abstractions;
using TemplateMessage = LiteRt.Lm.Templates.ChatMessage;

namespace LiteRt.Lm.Tests.Bundle;

/// <summary>Writing a .litertlm bundle from a model and a checkpoint folder, reading it back, and generating from it.</summary>
public sealed class BundleRoundTripTests(ITestOutputHelper output)
{
    [Fact]
    public void LayoutFollowsLiteRtLm()
    {
        using var fx = new BundleFixture();
        string path = fx.In("tiny.litertlm");
        var written = LlmBundle.Write(path, fx.ModelPath, fx.Checkpoint);
        byte[] bytes = File.ReadAllBytes(path);
        Assert.Equal("LITERTLM", Encoding.ASCII.GetString(bytes, 0, 8));
        Assert.Equal((1u, 9u, 0u), (BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8)), BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(12)), BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(16))));
        Assert.Equal(0, bytes.Length % LitertLmFormat.BlockSize);

        using var bundle = LlmBundle.Open(path);
        Assert.Equal([SectionDataType.LlmMetadataProto, SectionDataType.HFTokenizerZlib, SectionDataType.TFLiteModel], bundle.Sections.Select(s => s.DataType));
        Assert.All(bundle.Sections, s => Assert.Equal(0, s.Begin % LitertLmFormat.BlockSize));
        Assert.Equal(written.Sections.Select(s => (s.Begin, s.End)), bundle.Sections.Select(s => (s.Begin, s.End)));
        Assert.Equal("tf_lite_prefill_decode", bundle.Sections[2].Item("model_type"));
        Assert.Equal(new FileInfo(fx.ModelPath).Length, bundle.Sections[2].Length);
        Assert.Equal(File.ReadAllBytes(fx.ModelPath), bundle.SectionBytes(bundle.Sections[2]).ToArray());
        Assert.Contains(bundle.SystemMetadata, i => i.Key == "producer");
        Assert.Equal(TinyTokenizer.Json(), bundle.ReadTokenizerJson());

        var m = bundle.Metadata!;
        Assert.Equal([1], m.StartToken!.Ids!);               // the post-processor puts <s> first
        Assert.Equal([2], Assert.Single(m.StopTokens).Ids!);
        Assert.Equal(32, m.MaxNumTokens);                    // the model's kv_cache_k_0 length
        Assert.Equal(TinyTokenizer.ChatTemplate, m.JinjaPromptTemplate);
        Assert.Null(m.SamplerParams);                        // do_sample absent: not stated
        Assert.Null(m.PadToken);
        Assert.Equal(written.Metadata.ToBytes(), bundle.SectionBytes(bundle.Sections[0]).ToArray());

        // Writing is deterministic.
        LlmBundle.Write(fx.In("again.litertlm"), fx.ModelPath, fx.Checkpoint);
        Assert.Equal(bytes, File.ReadAllBytes(fx.In("again.litertlm")));
    }

    [Fact]
    public void StreamsOptionsAndNotes()
    {
        using var fx = new BundleFixture(generationConfig: null);
        var output = new MemoryStream();
        LlmBundleWriteResult written;
        using (var model = new MemoryStream(File.ReadAllBytes(fx.ModelPath)))
            written = LlmBundle.Write(output, model, fx.Checkpoint, new LlmBundleWriteOptions { MaxNumTokens = 1234, SystemMetadata = [new BundleItem("Authors", "tests"), new BundleItem("n", 7)] });
        Assert.Contains(written.Notes, n => n.Contains("no generation_config.json"));
        Assert.Equal([2], Assert.Single(written.Metadata.StopTokens).Ids!);     // from tokenizer_config.json's eos_token
        File.WriteAllBytes(fx.In("s.litertlm"), output.ToArray());
        using var bundle = LlmBundle.Open(fx.In("s.litertlm"));
        Assert.Equal(1234, bundle.Metadata!.MaxNumTokens);
        Assert.Equal(["producer=LiteRt.Build", "Authors=tests", "n=7"], bundle.SystemMetadata.Select(i => i.ToString()));
        Assert.True(LlmBundle.HasMagic(fx.In("s.litertlm")));
        Assert.False(LlmBundle.HasMagic(fx.ModelPath));
        Assert.Throws<FileNotFoundException>(() => LlmBundle.Write(fx.In("x.litertlm"), fx.ModelPath, fx.Root));   // no tokenizer.json there
        Assert.False(File.Exists(fx.In("x.litertlm")) || File.Exists(fx.In("x.litertlm.tmp")));
    }

    [Fact]
    public void TheBundlesTokenizerIsTheCheckpoints()
    {
        using var fx = new BundleFixture();
        string path = fx.In("tiny.litertlm");
        LlmBundle.Write(path, fx.ModelPath, fx.Checkpoint);
        using var bundle = LlmBundle.Open(path);
        var fromBundle = bundle.CreateTokenizer();
        var original = Tokenizer.FromDirectory(fx.Checkpoint);
        foreach (string text in new[] { "hello world", "héllo € <s> x</s>", "" })
            Assert.Equal(original.Encode(text), fromBundle.Encode(text));
        var chat = new[] { new TemplateMessage("user", "hi") };
        Assert.Equal(original.ApplyChatTemplate(chat), fromBundle.ApplyChatTemplate(chat));
        Assert.Equal(original.EosToken, fromBundle.EosToken);
    }

    [Fact]
    public void GeneratesFromTheBundleLikeTheReference()
    {
        using var fx = new BundleFixture(context: 24);
        string path = fx.In("tiny.litertlm");
        LlmBundle.Write(path, fx.ModelPath, fx.Checkpoint);
        using var session = LlmSession.Open(path);
        Assert.Equal(24, session.Backend.MaxContext);
        var result = session.Generate("ab", new GenerationOptions { MaxNewTokens = 12 });

        // The reference: <s>, the prompt, then the greedy choice of the C# twin at each step.
        var reference = new TinyDecoderModel.Reference(fx.Model);
        int[] prompt = [TinyTokenizer.Bos, TinyTokenizer.Id('a'), TinyTokenizer.Id('b')];
        Assert.Equal(prompt, result.PromptIds);
        double[] logits = [];
        for (int i = 0; i < prompt.Length; i++) logits = reference.Feed(prompt[i], i);
        var expected = new List<int>();
        for (int position = prompt.Length; expected.Count < 12; position++)
        {
            int next = ArgMax(logits);
            expected.Add(next);
            if (next == TinyTokenizer.Eos) break;
            logits = reference.Feed(next, position);
        }
        Assert.Equal(expected, result.GeneratedIds);
        Assert.Equal(session.Tokenizer.Decode(expected.Where(t => t != TinyTokenizer.Eos).ToArray(), skipSpecialTokens: true), result.Text);
        output.WriteLine($"generated {result.GeneratedIds.Length} tokens ({result.FinishReason}): {result.Text}");
    }

    [Fact]
    public void AModelOutsideTheContractIsRefusedByName()
    {
        using var fx = new BundleFixture();
        string noDecode = fx.In("prefill-only.tflite");
        using (var f = File.Create(noDecode)) LiteRt.Graph.TfLite.TfLiteModel.Save(fx.Model.Build([4], withDecode: false), f);
        string path = fx.In("bad.litertlm");
        var written = LlmBundle.Write(path, noDecode, fx.Checkpoint);
        Assert.Equal(32, written.Metadata.MaxNumTokens);      // read from the first signature's cache when there is no decode
        var e = Assert.Throws<NotSupportedException>(() => LlmSession.Open(path));
        Assert.Contains("'decode'", e.Message);
        File.Delete(path);
    }

    [Fact]
    public void SharedCheckpointsCarryTheirOwnMetadata()
    {
        if (SharedLlm.RootOrSkip(output) is not { } root) return;
        using var fx = new BundleFixture();

        string qwenDir = Path.Combine(root, "llm/synthetic/qwen2-tiny/hf");
        string qwen = fx.In("qwen.litertlm");
        var written = LlmBundle.Write(qwen, fx.ModelPath, qwenDir);
        using (var bundle = LlmBundle.Open(qwen))
        {
            var m = bundle.Metadata!;
            var original = Tokenizer.FromDirectory(qwenDir);
            Assert.Null(m.StartToken);                                  // Qwen2 adds no BOS
            Assert.Equal([[999], [997]], m.StopTokens.Select(t => t.Ids!.ToArray()));
            Assert.Equal(new SamplerParameters { Type = SamplerType.TopP, K = 20, P = 0.8f, Temperature = 0.7f }, m.SamplerParams);
            Assert.Equal(original.PadTokenId, m.PadToken!.Ids![0]);
            Assert.Equal(original.ChatTemplateSource, m.JinjaPromptTemplate);
            // repetition_penalty (1.1, as Qwen2.5-Instruct asks) has no LlmMetadata field: it rides as an item of that section.
            Assert.DoesNotContain(written.Notes, n => n.Contains("repetition_penalty"));
            Assert.Equal(1.1f, bundle.FindSection(SectionDataType.LlmMetadataProto)!.Item(CheckpointMetadata.RepetitionPenaltyKey));
            var fromBundle = bundle.CreateTokenizer();
            var chat = new[] { new TemplateMessage("user", "Tell me a story. ✓") };
            Assert.Equal(original.Encode(original.ApplyChatTemplate(chat)), fromBundle.Encode(fromBundle.ApplyChatTemplate(chat)));
            var settings = LlmSessionSettings.FromMetadata(m, fromBundle);
            Assert.Equal(new SamplingOptions { DoSample = true, Temperature = 0.7f, TopK = 20, TopP = 0.8f }, settings.DefaultSampling);
            // What a session over the bundle uses: the metadata plus the carried penalty, as the checkpoint folder says.
            var expected = new SamplingOptions { DoSample = true, Temperature = 0.7f, TopK = 20, TopP = 0.8f, RepetitionPenalty = 1.1f };
            Assert.Equal(expected, LlmSessionSettings.FromBundle(bundle, fromBundle).DefaultSampling);
            Assert.Equal(expected, LlmSessionSettings.FromCheckpoint(qwenDir, original).DefaultSampling);
        }

        string storiesDir = Path.Combine(root, "llm/stories260K/hf");
        string stories = fx.In("stories.litertlm");
        LlmBundle.Write(stories, fx.ModelPath, storiesDir);
        using (var bundle = LlmBundle.Open(stories))
        {
            var m = bundle.Metadata!;
            Assert.Equal([1], m.StartToken!.Ids!);
            Assert.Equal([2], Assert.Single(m.StopTokens).Ids!);
            Assert.Null(m.SamplerParams);
            Assert.Null(m.JinjaPromptTemplate);
            var original = Tokenizer.FromDirectory(storiesDir);
            Assert.Equal(original.Encode("Once upon a time"), bundle.CreateTokenizer().Encode("Once upon a time"));
        }
    }

    private static int ArgMax(double[] v)
    {
        int best = 0;
        for (int i = 1; i < v.Length; i++) if (v[i] > v[best]) best = i;
        return best;
    }
}
