using LiteRt.Compiler.Import.HuggingFace;
using Xunit.Abstractions;

namespace LiteRt.Compiler.Tests.HuggingFace;

/// <summary>Bad configs and malformed safetensors: LRT errors naming the file, field or tensor, never crashes.</summary>
public sealed class CheckpointErrorTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("litert-ckerr-").FullName;

    private LiteRtCompileException ConvertFails()
    {
        var e = Assert.Throws<LiteRtCompileException>(() => LlmConverter.Convert(_dir, Path.Combine(_dir, "out.tflite")));
        output.WriteLine(e.Message);
        return e;
    }

    [Theory]
    [InlineData("model_type", "mistral", "'mistral' is not supported")]
    [InlineData("hidden_act", "gelu", "'gelu'")]
    [InlineData("rope_scaling", "linear", "rope_scaling")]
    public void UnsupportedConfigIsNamed(string field, string value, string expected)
    {
        new TinyLlama(TinyLlama.Default, 1).Save(_dir);
        var cfg = (Dictionary<string, object?>)TinyLlama.ConfigObject(TinyLlama.Default);
        cfg[field] = field == "rope_scaling" ? new Dictionary<string, object> { ["type"] = value, ["factor"] = 2.0 } : value;
        CheckpointWriter.Config(_dir, cfg);
        var e = ConvertFails();
        Assert.Equal(ErrorCodes.UnsupportedModelConfig, e.Code);
        Assert.Contains($"field '{field}'", e.Message);
        Assert.Contains(expected, e.Message);
        Assert.Contains("config.json", e.Message);
    }

    [Fact]
    public void MissingTensorIsNamed()
    {
        var m = new TinyLlama(TinyLlama.Default, 1);
        m.Tensors.Remove("model.layers.1.mlp.up_proj.weight");
        m.Save(_dir);
        var e = ConvertFails();
        Assert.Equal(ErrorCodes.BadCheckpointTensor, e.Code);
        Assert.Contains("model.layers.1.mlp.up_proj.weight", e.Message);
    }

    [Fact]
    public void WrongShapeIsNamed()
    {
        var m = new TinyLlama(TinyLlama.Default, 1);
        m.Tensors["model.norm.weight"] = ([31], new float[31]);
        m.Save(_dir);
        var e = ConvertFails();
        Assert.Equal(ErrorCodes.BadCheckpointTensor, e.Code);
        Assert.Contains("'model.norm.weight' has shape [31]", e.Message);
    }

    [Theory]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,1000]}}", 16, "outside")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,12]}}", 16, "needs 16")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[4]}}", 16, "data_offsets")]
    [InlineData("{\"w\":", 16, "not valid JSON")]
    public void MalformedSafetensorsIsRejected(string header, int dataBytes, string expected)
    {
        CheckpointWriter.Config(_dir, TinyLlama.ConfigObject(TinyLlama.Default));
        CheckpointWriter.RawSafetensors(Path.Combine(_dir, "model.safetensors"), header, new byte[dataBytes]);
        var e = ConvertFails();
        Assert.Equal(ErrorCodes.BadCheckpoint, e.Code);
        Assert.Contains(expected, e.Message);
        Assert.Contains("model.safetensors", e.Message);
    }

    [Fact]
    public void HugeHeaderLengthIsBoundsChecked()
    {
        CheckpointWriter.Config(_dir, TinyLlama.ConfigObject(TinyLlama.Default));
        File.WriteAllBytes(Path.Combine(_dir, "model.safetensors"), [.. BitConverter.GetBytes(long.MaxValue - 3), .. "{}"u8]);
        Assert.Equal(ErrorCodes.BadCheckpoint, ConvertFails().Code);
    }

    [Fact]
    public void UnsupportedDtypeIsNamed()
    {
        CheckpointWriter.Config(_dir, TinyLlama.ConfigObject(TinyLlama.Default));
        CheckpointWriter.RawSafetensors(Path.Combine(_dir, "model.safetensors"), "{\"ids\":{\"dtype\":\"I64\",\"shape\":[2],\"data_offsets\":[0,16]}}", new byte[16]);
        var e = ConvertFails();
        Assert.Equal(ErrorCodes.BadCheckpointTensor, e.Code);
        Assert.Contains("'ids'", e.Message);
        Assert.Contains("I64", e.Message);
    }

    [Fact]
    public void FolderWithoutWeightsIsNamed()
    {
        CheckpointWriter.Config(_dir, TinyLlama.ConfigObject(TinyLlama.Default));
        Assert.Equal(ErrorCodes.NoCheckpoint, ConvertFails().Code);
    }

    [Fact]
    public void ShardedSafetensorsAreRead()
    {
        var m = new TinyLlama(TinyLlama.Default, 2);
        CheckpointWriter.Config(_dir, TinyLlama.ConfigObject(TinyLlama.Default));
        var names = m.Tensors.Keys.Order(StringComparer.Ordinal).ToList();
        var map = new Dictionary<string, string>();
        for (int s = 0; s < 2; s++)
        {
            string file = $"model-0000{s + 1}-of-00002.safetensors";
            var part = names.Where((_, i) => i % 2 == s).ToList();
            CheckpointWriter.Safetensors(Path.Combine(_dir, file), part.Select(n => (n, m.Tensors[n].Shape, m.Tensors[n].Values)));
            foreach (var n in part) map[n] = file;
        }
        File.WriteAllText(Path.Combine(_dir, "model.safetensors.index.json"), System.Text.Json.JsonSerializer.Serialize(new { metadata = new { }, weight_map = map }));
        using var ck = HfCheckpoint.Open(_dir);
        Assert.Equal(m.Tensors.Count, ck.Tensors.Count);
        Assert.Equal(2, ck.Files.Count());
        Assert.Equal(m.Tensors["model.norm.weight"].Values, ck.Tensors["model.norm.weight"].ReadAll());
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
