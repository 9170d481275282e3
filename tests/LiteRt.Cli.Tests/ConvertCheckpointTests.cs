using LiteRt.Runtime;
using LiteRt.TestSupport;
using Xunit.Abstractions;

namespace LiteRt.Cli.Tests;

/// <summary><c>litert convert &lt;checkpoint dir&gt;</c>: options reach the converter, progress goes to stderr, bad options exit 2.</summary>
public sealed class ConvertCheckpointTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("litert-cli-llm-").FullName;

    [Fact]
    public void ConvertsACheckpointFolderWithOptions()
    {
        if (!SharedData.TryGetRoot(out var root, output.WriteLine)) return;
        string outPath = Path.Combine(_dir, "stories.tflite");
        var (exit, stdout, stderr) = CliRunner.Run("convert", Path.Combine(root, "llm", "stories260K", "pt"), "-o", outPath,
            "--quantize", "dynamic_int8", "--max-context", "128", "--prefill-lengths", "64,16");
        output.WriteLine(stdout + stderr);
        Assert.Equal(0, exit);
        Assert.Contains("48 tensors in pytorch_model.bin", stderr);   // progress lines on stderr
        Assert.Contains("writing 47 weights", stderr);               // lm_head.weight is tied to the embedding
        using var model = CompiledModel.Load(outPath);
        Assert.Equal(["prefill_16", "prefill_64", "decode"], model.Signatures.Select(s => s.Key));
        Assert.Equal([1, 128, 4, 8], model.Signature("decode").Input("kv_cache_k_0").Shape);
    }

    [Fact]
    public void BadQuantizeNameIsAUsageError()
    {
        if (!SharedData.TryGetRoot(out var root, output.WriteLine)) return;
        var (exit, _, stderr) = CliRunner.Run("convert", Path.Combine(root, "llm", "stories260K", "hf"), "-o", Path.Combine(_dir, "x.tflite"), "--quantize", "int3");
        Assert.Equal(2, exit);
        Assert.Contains("LRT1010", stderr);
    }

    [Fact]
    public void FolderWithoutCheckpointIsAModelError()
    {
        var (exit, _, stderr) = CliRunner.Run("convert", _dir, "-o", Path.Combine(_dir, "x.tflite"));
        Assert.Equal(1, exit);
        Assert.Contains("LRT1105", stderr);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
