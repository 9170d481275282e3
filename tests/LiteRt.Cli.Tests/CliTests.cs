using System.Diagnostics;
using System.Text.Json;
using LiteRt.Format.Schema;
using LiteRt.Graph;
using LiteRt.Graph.IO;
using LiteRt.Graph.TfLite;
using LiteRt.TestSupport;
using Xunit.Abstractions;

namespace LiteRt.Cli.Tests;

public sealed class CliTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("litert-cli").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Inspect_lists_signatures_io_ops_and_sizes()
    {
        if (!SharedData.TryGetRoot(out var root, output.WriteLine)) return;
        var (exit, stdout, stderr) = CliRunner.Run("inspect", Path.Combine(root, "models", "mobilenet_v2_1.0_224_quant", "model.tflite"));
        output.WriteLine(stdout + stderr);
        Assert.Equal(0, exit);
        Assert.Contains("serving_default", stdout);
        Assert.Contains("UINT8", stdout);
        Assert.Contains("[1,224,224,3]", stdout);
        Assert.Contains("CONV_2D", stdout);
        Assert.Contains("DEPTHWISE_CONV_2D", stdout);
        Assert.Contains("Unsupported ops: none", stdout);
        Assert.Contains("Constant data:", stdout);
    }

    [Fact]
    public void Inspect_json_is_machine_readable()
    {
        if (!SharedData.TryGetRoot(out var root, output.WriteLine)) return;
        var (exit, stdout, _) = CliRunner.Run("inspect", Path.Combine(root, "models", "multi_signatures", "model.tflite"), "--json");
        Assert.Equal(0, exit);
        using var doc = JsonDocument.Parse(stdout);
        var keys = doc.RootElement.GetProperty("signatures").EnumerateArray().Select(s => s.GetProperty("key").GetString()!).ToArray();
        Assert.Equal(new[] { "add", "sub" }, keys.Order().ToArray());
        var input = doc.RootElement.GetProperty("signatures")[0].GetProperty("inputs")[0];
        Assert.Equal("FLOAT32", input.GetProperty("dtype").GetString());
        Assert.Contains(-1, input.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()));
    }

    [Fact]
    public void Run_writes_outputs_that_match_real_LiteRT()
    {
        if (!SharedData.TryGetRoot(out var root, output.WriteLine)) return;
        string dir = Path.Combine(root, "models", "multi_add");
        var (exit, stdout, stderr) = CliRunner.Run("run", Path.Combine(dir, "model.tflite"),
            "--input", $"a={dir}/input_0.npy", "--input", $"b={dir}/input_1.npy", "--input", $"c={dir}/input_2.npy", "--input", $"d={dir}/input_3.npy",
            "--output-dir", _dir);
        output.WriteLine(stdout + stderr);
        Assert.Equal(0, exit);
        foreach (var (name, i) in new[] { ("x", 0), ("y", 1) })
        {
            var got = NpyArray.Read(Path.Combine(_dir, name + ".npy"));
            var want = NpyArray.Read(Path.Combine(dir, $"litert_output_{i}.npy"));
            Assert.Equal(want.Shape, got.Shape);
            var diff = want.ToDoubles().Zip(got.ToDoubles(), (a, b) => Math.Abs(a - b)).Max();
            Assert.True(diff <= 1e-5, $"{name}: max diff {diff}");
        }
    }

    [Fact]
    public void Run_resizes_dynamic_inputs_and_selects_signatures()
    {
        if (!SharedData.TryGetRoot(out var root, output.WriteLine)) return;
        string dir = Path.Combine(root, "models", "multi_signatures");
        string input = Path.Combine(_dir, "x.npy");
        new NpyArray(TensorType.Float32, [3], TensorData.Encode(TensorType.Float32, [1, 2, 3], [3], null)).Write(input);
        var (exit, stdout, stderr) = CliRunner.Run("run", Path.Combine(dir, "model.tflite"), "--signature", "sub", "--input", $"x={input}", "--output-dir", _dir);
        output.WriteLine(stdout + stderr);
        Assert.Equal(0, exit);
        Assert.Contains("signature 'sub'", stdout);
        var result = NpyArray.Read(Directory.GetFiles(_dir, "output_0.npy").Single());
        Assert.Equal([3], result.Shape);
    }

    [Fact]
    public void Bad_command_lines_exit_2_with_a_message()
    {
        var (exit, _, err) = CliRunner.Run("inspect", "--no-such-option");
        Assert.Equal(2, exit);
        Assert.Contains("error", err);

        (exit, _, err) = CliRunner.Run("inspect", Path.Combine(_dir, "missing.tflite"));
        Assert.Equal(2, exit);
        Assert.Contains("not found", err);

        if (!SharedData.TryGetRoot(out var root, output.WriteLine)) return;
        string dir = Path.Combine(root, "models", "multi_add");
        (exit, _, err) = CliRunner.Run("run", Path.Combine(dir, "model.tflite"), "--input", $"a={dir}/input_0.npy");
        Assert.Equal(2, exit);
        Assert.Contains("missing input(s): b, c, d", err);

        (exit, _, err) = CliRunner.Run("run", Path.Combine(dir, "model.tflite"), "--input", $"zz={dir}/input_0.npy");
        Assert.Equal(2, exit);
        Assert.Contains("no input 'zz'", err);

        string ints = Path.Combine(_dir, "ints.npy");
        new NpyArray(TensorType.Int32, [1], new byte[4]).Write(ints);
        (exit, _, err) = CliRunner.Run("run", Path.Combine(dir, "model.tflite"), "-i", $"a={ints}", "-i", $"b={ints}", "-i", $"c={ints}", "-i", $"d={ints}");
        Assert.Equal(2, exit);
        Assert.Contains("is FLOAT32, but the .npy file holds INT32", err);
    }

    [Fact]
    public void Corrupt_models_exit_1_naming_the_file()
    {
        string path = Path.Combine(_dir, "corrupt.tflite");
        File.WriteAllBytes(path, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
        var (exit, _, err) = CliRunner.Run("inspect", path);
        output.WriteLine(err);
        Assert.Equal(1, exit);
        Assert.Contains(path, err);
        Assert.Contains("invalid model file", err);
    }

    [Fact]
    public void Unsupported_ops_are_listed_by_inspect_and_rejected_by_run_naming_the_node()
    {
        var g = new ModelGraph();
        var sg = new Subgraph();
        g.Subgraphs.Add(sg);
        int x = sg.AddTensor(new Tensor("x", TensorType.Float32, [4]));
        int length = sg.AddTensor(new Tensor("fft_length", TensorType.Int32, [2]) { Buffer = g.AddBuffer(new byte[8]) });
        int y = sg.AddTensor(new Tensor("y", TensorType.Complex64, [4]));
        sg.Operations.Add(new Operation(BuiltinOperator.Rfft2d, [x, length], [y], OptionsTable.Create(BuiltinOptionsType.Rfft2dOptions)));
        sg.Inputs.Add(x);
        sg.Outputs.Add(y);
        string path = Path.Combine(_dir, "rfft2d.tflite");
        using (var f = File.Create(path)) TfLiteModel.Save(g, f);

        var (exit, stdout, _) = CliRunner.Run("inspect", path);
        Assert.Equal(0, exit);
        Assert.Contains("Unsupported ops: RFFT2D", stdout);

        string input = Path.Combine(_dir, "x.npy");
        new NpyArray(TensorType.Float32, [4], new byte[16]).Write(input);
        (exit, _, var err) = CliRunner.Run("run", path, "--input", input);
        output.WriteLine(err);
        Assert.Equal(1, exit);
        Assert.Contains("#0 RFFT2D 'y'", err);
        Assert.Contains("not supported", err);
    }

    [Fact]
    public void Inspect_answers_quickly_on_a_model_over_2_GB_without_reading_weights()
    {
        // 1100 weight tensors of 2 MiB that share one array in memory: the file is 2.15 GiB (sparse on disk).
        const int count = 1100, size = 2 << 20;
        var zeros = new byte[size];
        var g = new ModelGraph { Description = "large" };
        var sg = new Subgraph();
        g.Subgraphs.Add(sg);
        int x = sg.AddTensor(new Tensor("x", TensorType.Float32, [1]));
        sg.Inputs.Add(x);
        sg.Outputs.Add(x);
        for (int i = 0; i < count; i++)
            sg.AddTensor(new Tensor($"w{i}", TensorType.Int8, [size]) { Buffer = g.AddBuffer(zeros) });
        string path = Path.Combine(_dir, "large.tflite");
        using (var f = File.Create(path)) TfLiteModel.Save(g, f);
        long length = new FileInfo(path).Length;
        Assert.True(length > 2L << 30, $"file is {length} bytes");

        var sw = Stopwatch.StartNew();
        var (exit, stdout, stderr) = CliRunner.Run("inspect", path, "--buffers", "3");
        sw.Stop();
        output.WriteLine($"inspect of {length} bytes took {sw.ElapsedMilliseconds} ms\n{stdout}{stderr}");
        Assert.Equal(0, exit);
        Assert.Contains("2.15 GiB", stdout);
        Assert.Contains($"in {count} buffer(s)", stdout);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(5), $"inspect took {sw.Elapsed}");
    }
}
