using LiteRt.Graph.TfLite;
using LiteRt.TestSupport;
using Xunit.Abstractions;

namespace LiteRt.Cli.Tests;

/// <summary><c>litert convert</c> and <c>litert compile</c> on ONNX models.</summary>
public sealed class ConvertCommandTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("litert-convert").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>The ImageClassifier sample's ONNX model (committed).</summary>
    private static string SampleModel => Path.Combine(SharedData.RepoRoot!, "samples", "ImageClassifier", "Models", "shapes.onnx");

    [Fact]
    public void Convert_writes_a_tflite_that_loads_and_keeps_the_onnx_signature()
    {
        string outPath = Path.Combine(_dir, "shapes.tflite");
        var (exit, stdout, stderr) = CliRunner.Run("convert", SampleModel, "-o", outPath);
        output.WriteLine(stdout + stderr);
        Assert.Equal(0, exit);
        Assert.Contains("image FLOAT32[1,3,32,32]", stdout);
        Assert.Contains("logits FLOAT32[1,5]", stdout);
        using var model = TfLiteModel.Open(outPath);
        Assert.Equal(1, model.Graph.Main.Operations.Count(o => o.Op == LiteRt.Format.Schema.BuiltinOperator.Transpose));
    }

    [Fact]
    public void Convert_then_run_matches_pytorch_on_the_shared_mobilenet_v2()
    {
        if (!SharedData.TryGetRoot(out var root, output.WriteLine)) return;
        string dir = Path.Combine(root, "models", "torchvision_mobilenet_v2");
        string tflite = Path.Combine(_dir, "mnv2.tflite");
        var (exit, stdout, stderr) = CliRunner.Run("convert", Path.Combine(dir, "mobilenet_v2_seed0.onnx"), "-o", tflite);
        output.WriteLine(stdout + stderr);
        Assert.Equal(0, exit);
        Assert.Contains("TRANSPOSE ×1", stdout);
        (exit, stdout, stderr) = CliRunner.Run("run", tflite, "--input", Path.Combine(dir, "input_1x3x224x224.npy"), "--output-dir", _dir);
        output.WriteLine(stdout + stderr);
        Assert.Equal(0, exit);
        Assert.Contains("argmax 743", stdout);
    }

    [Fact]
    public void Convert_reports_lrt_errors_and_exit_codes()
    {
        string bad = Path.Combine(_dir, "bad.onnx");
        File.WriteAllBytes(bad, [0x0A, 0xFF, 0xFF, 0x01]);
        var (exit, _, stderr) = CliRunner.Run("convert", bad, "-o", Path.Combine(_dir, "bad.tflite"));
        Assert.Equal(ExitCodes.ModelError, exit);
        Assert.Contains("error LRT1002", stderr);
        Assert.Contains("bad.onnx", stderr);

        (exit, _, stderr) = CliRunner.Run("convert", SampleModel, "--input-shapes", "nosuchinput:1x2");
        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains("error LRT1010", stderr);

        (exit, _, _) = CliRunner.Run("convert", Path.Combine(_dir, "missing.onnx"));
        Assert.Equal(ExitCodes.Usage, exit);
    }

    [Fact]
    public void Compile_converts_an_onnx_model_for_the_build()
    {
        string outDir = Path.Combine(_dir, "obj");
        var (exit, stdout, stderr) = CliRunner.Run("compile", SampleModel, "--out", outDir, "--name", "Shapes", "--accelerators", "cpu");
        output.WriteLine(stdout + stderr);
        Assert.Equal(0, exit);
        Assert.True(File.Exists(Path.Combine(outDir, "Shapes.tflite")));
        string manifest = File.ReadAllText(Path.Combine(outDir, "Shapes.litert.json"));
        Assert.Contains("\"name\": \"image\"", manifest);
        Assert.Contains("CONV_2D", manifest);

        string bad = Path.Combine(_dir, "broken.onnx");
        File.WriteAllBytes(bad, [0x0A, 0xFF, 0xFF, 0x01]);
        (exit, _, stderr) = CliRunner.Run("compile", bad, "--out", outDir);
        Assert.Equal(ExitCodes.ModelError, exit);
        Assert.Contains("broken.onnx: error LRT1002", stderr);
    }
}
