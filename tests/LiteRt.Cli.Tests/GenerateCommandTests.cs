using System.Text.Json.Nodes;
using LiteRt.Graph.TfLite;
using LiteRt.Lm.Bundle;
using LiteRt.Lm.Tests.Engine;

namespace LiteRt.Cli.Tests;

/// <summary><c>litert generate</c> and <c>litert inspect</c> on a .litertlm bundle of the tiny contract decoder.</summary>
public sealed class GenerateCommandTests(Xunit.Abstractions.ITestOutputHelper log) : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "litert-cli-generate", Guid.NewGuid().ToString("N"));
    private string _bundle = "";
    private string _tflite = "";

    private readonly Xunit.Abstractions.ITestOutputHelper _log = log;

    private void Init()
    {
        Directory.CreateDirectory(_root);
        _tflite = Path.Combine(_root, "model.tflite");
        using (var f = File.Create(_tflite)) TfLiteModel.Save(new TinyDecoderModel(TinyTokenizer.Vocab, 32, seed: 5).Build([4, 8]), f);
        string hf = Path.Combine(_root, "hf");
        TinyTokenizer.WriteCheckpoint(hf, """{"eos_token_id": 2}""");
        _bundle = Path.Combine(_root, "tiny.litertlm");
        LlmBundle.Write(_bundle, _tflite, hf);
    }

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public void JsonAndStreamedTextAgree()
    {
        Init();
        var (exit, output, error) = CliRunner.Run("generate", _bundle, "--prompt", "ab", "--max-tokens", "6", "--json");
        Assert.True(exit == 0, error);
        _log.WriteLine(output);
        var json = JsonNode.Parse(output)!;
        Assert.Equal([TinyTokenizer.Bos, TinyTokenizer.Id('a'), TinyTokenizer.Id('b')], json["prompt_ids"]!.AsArray().Select(x => x!.GetValue<int>()));
        int generated = json["generated_ids"]!.AsArray().Count;
        Assert.InRange(generated, 1, 6);
        string text = json["text"]!.GetValue<string>();

        (exit, output, error) = CliRunner.Run("generate", _bundle, "--prompt", "ab", "--max-tokens", "6");
        Assert.Equal(0, exit);
        Assert.Equal(text + Environment.NewLine, output);
        Assert.Contains("3 prompt tokens", error);

        (exit, output, _) = CliRunner.Run("generate", _bundle, "--prompt", "hi", "--chat", "--max-tokens", "2", "--json", "--temperature", "0.7", "--seed", "3");
        Assert.Equal(0, exit);
        Assert.Equal(1 + 8 + 2 + 1 + 13, JsonNode.Parse(output)!["prompt_ids"]!.AsArray().Count);   // <s> <|user|> hi </s> <|assistant|>
    }

    [Fact]
    public void InspectListsTheSections()
    {
        Init();
        var (exit, output, error) = CliRunner.Run("inspect", _bundle);
        Assert.True(exit == 0, error);
        _log.WriteLine(output);
        Assert.Contains("LiteRT-LM bundle v1.9.0", output);
        Assert.Contains("HF_Tokenizer_Zlib", output);
        Assert.Contains("model_type=tf_lite_prefill_decode", output);
        Assert.Contains("stop tokens:    [2]", output);
        Assert.Contains("decoder (section 2)", output);
        Assert.Contains("prefill_8", output);

        (exit, output, _) = CliRunner.Run("inspect", _bundle, "--json");
        Assert.Equal(0, exit);
        Assert.Equal(3, JsonNode.Parse(output)!["sections"]!.AsArray().Count);
    }

    [Fact]
    public void BundleCommandWritesWhatGenerateReads()
    {
        Init();
        string hf = Path.Combine(_root, "hf");
        string path = Path.Combine(_root, "cli.litertlm");
        var (exit, output, error) = CliRunner.Run("bundle", _tflite, "--checkpoint", hf, "-o", path, "--max-tokens", "16");
        Assert.True(exit == 0, error);
        Assert.Contains("start token [1]", output);
        Assert.Contains("max tokens 16", output);
        using (var b = LlmBundle.Open(path)) Assert.Equal(16, b.Metadata!.MaxNumTokens);
        (exit, _, error) = CliRunner.Run("generate", path, "--prompt", "ab", "--max-tokens", "3");
        Assert.True(exit == 0, error);
        (exit, _, error) = CliRunner.Run("bundle", _tflite, "--checkpoint", _root, "-o", path);
        Assert.Equal(3, exit);                                   // no tokenizer.json in that folder
        Assert.Contains("tokenizer.json", error);
    }

    [Fact]
    public void NotABundle()
    {
        Init();
        var (exit, _, error) = CliRunner.Run("generate", _tflite, "--prompt", "x");
        Assert.Equal(1, exit);
        Assert.Contains("magic", error);
        (exit, _, error) = CliRunner.Run("generate", _bundle, "--prompt", "x", "--on-context-full", "wrap");
        Assert.Equal(2, exit);
        Assert.Contains("--on-context-full", error);
    }
}
