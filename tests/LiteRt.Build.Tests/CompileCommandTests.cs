using System.Text.Json;
using LiteRt.Build.Tasks;
using LiteRt.Format.Schema;
using LiteRt.Graph;
using Xunit.Abstractions;

namespace LiteRt.Build.Tests;

/// <summary><c>litert compile</c>: the manifest's contents, write-only-when-changed outputs, and LRT diagnostics.</summary>
public sealed class CompileCommandTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("litert-compile").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private (int Exit, string Out, string Err) Compile(string model, params string[] extra)
    {
        var r = Cli.Run(["compile", model, "--out", Path.Combine(_dir, "out"), .. extra]);
        output.WriteLine(r.Out + r.Err);
        return r;
    }

    private static Diagnostic SingleDiagnostic(string stderr, string code)
    {
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var parsed = lines.Select(l => CanonicalLine.TryParse(l, out var d) ? d : (Diagnostic?)null).Where(d => d is not null).Select(d => d!.Value).ToList();
        Assert.True(parsed.Any(d => d.Code == code), $"expected {code} in: {stderr}");
        return parsed.First(d => d.Code == code);
    }

    [Fact]
    public void The_manifest_describes_signatures_tensors_and_a_plan_per_accelerator()
    {
        string model = TestModels.Write(TestModels.Scaler(), Path.Combine(_dir, "scaler.tflite"));
        var (exit, stdout, _) = Compile(model, "--name", "Scaler");
        Assert.Equal(0, exit);
        Assert.Contains("litert: compiled", stdout);
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir, "out", "Scaler.litert.json")));
        var root = doc.RootElement;
        Assert.Equal(1, root.GetProperty("formatVersion").GetInt32());
        Assert.Equal(64, root.GetProperty("model").GetProperty("sha256").GetString()!.Length);
        var input = root.GetProperty("signatures")[0].GetProperty("inputs")[0];
        Assert.Equal("x", input.GetProperty("name").GetString());
        Assert.Equal("X", input.GetProperty("identifier").GetString());
        Assert.Equal("float32", input.GetProperty("dtype").GetString());
        Assert.Equal([-1, 4], input.GetProperty("shapeSignature").EnumerateArray().Select(d => d.GetInt32()));
        Assert.Equal([1, 4], input.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()));
        Assert.True(input.GetProperty("dynamic").GetBoolean());

        var accelerators = root.GetProperty("accelerators").EnumerateArray().ToList();
        Assert.Equal(["npu", "gpu", "cpu"], accelerators.Select(a => a.GetProperty("name").GetString()));
        Assert.False(accelerators[0].GetProperty("available").GetBoolean());
        Assert.Equal("cpu", accelerators[0].GetProperty("fallback").GetString());
        Assert.True(accelerators[2].GetProperty("available").GetBoolean());

        var plan = root.GetProperty("plans").EnumerateArray().Single();
        Assert.Equal("cpu", plan.GetProperty("accelerator").GetString());
        var sig = plan.GetProperty("signatures")[0];
        Assert.Equal(["cpu.mul.f32", "cpu.add.f32"], sig.GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("kernel").GetString()));
        Assert.All(sig.GetProperty("nodes").EnumerateArray(), n => Assert.StartsWith("global::LiteRt.Runtime.", n.GetProperty("entryType").GetString()));
        long arena = sig.GetProperty("arenaBytes").GetInt64();
        var tensors = sig.GetProperty("tensors").EnumerateArray().ToList();
        Assert.Contains(tensors, t => t.GetProperty("name").GetString() == "x" && t.GetProperty("bytes").GetInt64() == 16);
        Assert.All(tensors, t => Assert.True(t.GetProperty("offset").GetInt64() + t.GetProperty("bytes").GetInt64() <= arena));
    }

    [Fact]
    public void Outputs_are_written_only_when_their_bytes_change()
    {
        string model = TestModels.Write(TestModels.Edges(), Path.Combine(_dir, "edges.tflite"));
        Assert.Equal(0, Compile(model).Exit);
        string tflite = Path.Combine(_dir, "out", "Edges.tflite"), manifest = Path.Combine(_dir, "out", "Edges.litert.json");
        var old = DateTime.UtcNow.AddHours(-1);
        File.SetLastWriteTimeUtc(tflite, old);
        File.SetLastWriteTimeUtc(manifest, old);
        var (exit, stdout, _) = Compile(model);
        Assert.Equal(0, exit);
        Assert.Contains("(outputs unchanged)", stdout);
        Assert.Equal(old, File.GetLastWriteTimeUtc(tflite));
        Assert.Equal(old, File.GetLastWriteTimeUtc(manifest));
        Assert.Equal(File.ReadAllBytes(model), File.ReadAllBytes(tflite));
    }

    [Fact]
    public void A_corrupt_model_is_LRT1901_naming_the_file()
    {
        string model = Path.Combine(_dir, "broken.tflite");
        File.WriteAllBytes(model, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
        var (exit, _, stderr) = Compile(model);
        Assert.Equal(1, exit);
        var d = SingleDiagnostic(stderr, "LRT1901");
        Assert.True(d.IsError);
        Assert.Equal(model, d.File);
    }

    [Fact]
    public void Quantize_writes_the_quantized_model_and_its_report_and_a_fidelity_gate_stops_the_compile()
    {
        string model = TestModels.Write(TestModels.Dense(), Path.Combine(_dir, "dense.tflite"));
        var (exit, stdout, _) = Compile(model, "--name", "Dense", "--quantize", "dynamic_int8", "--fidelity-threshold", "cosine>=0.99");
        Assert.Equal(0, exit);
        Assert.Contains("litert: quantized", stdout);
        string tflite = Path.Combine(_dir, "out", "Dense.tflite");
        using (var compiled = LiteRt.Graph.TfLite.TfLiteModel.Open(tflite))
            Assert.Contains(compiled.Graph.Subgraphs[0].Tensors, t => t.Type == TensorType.Int8 && t.IsConstant);
        using (var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir, "out", "Dense.quant.json"))))
            Assert.Equal("dynamic_int8", report.RootElement.GetProperty("recipe").GetString());
        Assert.True(File.Exists(Path.Combine(_dir, "out", "Dense.quant.html")));

        // A threshold no model can meet (mse is never negative): LRT2021 naming the file, and nothing written.
        Directory.Delete(Path.Combine(_dir, "out"), recursive: true);
        var (e2, _, err2) = Compile(model, "--name", "Dense", "--quantize", "dynamic_int8", "--fidelity-threshold", "mse<0");
        Assert.Equal(1, e2);
        var d = SingleDiagnostic(err2, "LRT2021");
        Assert.Equal(model, d.File);
        Assert.Contains("below the fidelity threshold", d.Message);
        Assert.False(File.Exists(tflite));
        Assert.False(File.Exists(Path.Combine(_dir, "out", "Dense.litert.json")));

        // A static scheme without calibration data falls back with a warning; an unknown recipe is LRT0005.
        var (e3, _, err3) = Compile(model, "--name", "Dense", "--quantize", "static_int8");
        Assert.Equal(0, e3);
        Assert.False(SingleDiagnostic(err3, "LRT2001").IsError);
        var (e4, _, err4) = Compile(model, "--quantize", "int3_magic");
        Assert.Equal(2, e4);
        Assert.Contains("int3_magic", SingleDiagnostic(err4, "LRT0005").Message);
    }

    [Fact]
    public void Options_and_inputs_are_checked_with_their_own_codes()
    {
        string model = TestModels.Write(TestModels.Edges(), Path.Combine(_dir, "edges.tflite"));
        Assert.Equal(2, Compile(model, "--accelerators", "tpu;cpu").Exit);
        Assert.Equal(2, Compile(model, "--quantize", "int8").Exit);
        Assert.Equal(2, Compile(model, "--calibration", Path.Combine(_dir, "nope.npy")).Exit);
        var (_, _, err1) = Compile(model, "--accelerators", "tpu;cpu");
        Assert.Contains("unknown accelerator 'tpu'", SingleDiagnostic(err1, "LRT0004").Message);
        var (_, _, err2) = Compile(model, "--quantize", "int8");
        Assert.Contains("unknown recipe 'int8'", SingleDiagnostic(err2, "LRT0005").Message);
        var (_, _, err3) = Compile(model, "--calibration", Path.Combine(_dir, "nope.npy"));
        SingleDiagnostic(err3, "LRT0006");
        var (e4, _, err4) = Compile(Path.Combine(_dir, "missing.tflite"));
        Assert.Equal(3, e4);
        SingleDiagnostic(err4, "LRT0002");
        File.WriteAllText(Path.Combine(_dir, "m.pb"), "x");
        var (e5, _, err5) = Compile(Path.Combine(_dir, "m.pb"));
        Assert.Equal(1, e5);
        SingleDiagnostic(err5, "LRT0003");
        // A broken ONNX file reaches the converter, which reports its own LRT1xxx code.
        File.WriteAllBytes(Path.Combine(_dir, "m.onnx"), [0xFF, 0xFF, 0xFF, 0xFF, 0x0F]);
        var (e6, _, err6) = Compile(Path.Combine(_dir, "m.onnx"));
        Assert.Equal(1, e6);
        Assert.StartsWith("LRT1", SingleDiagnostic(err6, "LRT1002").Code);
    }

    [Fact]
    public void Onnx_models_are_converted_then_planned_as_the_runtime_will_load_them()
    {
        // A transformer encoder the repository's own export script wrote (tests/LiteRt.Compiler.Tests/Data/parity).
        string model = Path.Combine(LiteRt.TestSupport.SharedData.RepoRoot!, "tests", "LiteRt.Compiler.Tests", "Data", "parity", "transformer_encoder", "model.onnx");
        var (exit, stdout, _) = Compile(model, "--name", "Encoder", "--accelerators", "cpu");
        Assert.Equal(0, exit);
        Assert.Contains("litert: compiled", stdout);
        string tflite = Path.Combine(_dir, "out", "Encoder.tflite");
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir, "out", "Encoder.litert.json")));
        var sig = doc.RootElement.GetProperty("plans")[0].GetProperty("signatures")[0];
        using var runtime = LiteRt.Runtime.CompiledModel.Load(tflite);
        Assert.Equal(runtime.DefaultSignature.Placement.Select(p => p.Kernel), sig.GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("kernel").GetString()));
        Assert.Equal(runtime.DefaultSignature.ArenaBytes, sig.GetProperty("arenaBytes").GetInt64());
        // Converting again writes nothing (deterministic bytes).
        var before = File.GetLastWriteTimeUtc(tflite);
        Assert.Contains("(outputs unchanged)", Compile(model, "--name", "Encoder", "--accelerators", "cpu").Out);
        Assert.Equal(before, File.GetLastWriteTimeUtc(tflite));
    }

    [Fact]
    public void Unavailable_accelerators_only_warn_and_plan_the_cpu()
    {
        string model = TestModels.Write(TestModels.Edges(), Path.Combine(_dir, "edges.tflite"));
        var (exit, _, stderr) = Compile(model, "--accelerators", "gpu");
        Assert.Equal(0, exit);
        Assert.False(SingleDiagnostic(stderr, "LRT3002").IsError);
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir, "out", "Edges.litert.json")));
        var cpu = doc.RootElement.GetProperty("accelerators").EnumerateArray().Single(a => a.GetProperty("name").GetString() == "cpu");
        Assert.True(cpu.GetProperty("implicit").GetBoolean());
    }

    [Fact]
    public void An_op_without_a_kernel_is_LRT3001_naming_the_node()
    {
        var g = new ModelGraph();
        var sg = new Subgraph { Name = "main" };
        g.Subgraphs.Add(sg);
        int x = sg.AddTensor(new Tensor("x", TensorType.Float32, [4]));
        int y = sg.AddTensor(new Tensor("y", TensorType.Float32, [4]));
        sg.Operations.Add(new Operation(BuiltinOperator.Custom, [x], [y]) { CustomCode = "MyMagic" });
        sg.Inputs.Add(x);
        sg.Outputs.Add(y);
        string model = TestModels.Write(g, Path.Combine(_dir, "custom.tflite"));
        var (exit, _, stderr) = Compile(model);
        Assert.Equal(1, exit);
        var d = SingleDiagnostic(stderr, "LRT3001");
        Assert.Contains("#0 CUSTOM(MyMagic) 'y'", d.Message);
        Assert.False(File.Exists(Path.Combine(_dir, "out", "Custom.tflite")));
    }

    [Fact]
    public void Describe_writes_only_the_signatures()
    {
        string model = TestModels.Write(TestModels.AddSub(), Path.Combine(_dir, "add_sub.tflite"));
        var (exit, stdout, _) = Compile(model, "--describe");
        Assert.Equal(0, exit);
        Assert.Contains("litert: described", stdout);
        Assert.False(File.Exists(Path.Combine(_dir, "out", "AddSub.tflite")));
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir, "out", "AddSub.litert.json")));
        Assert.True(doc.RootElement.GetProperty("describeOnly").GetBoolean());
        Assert.Empty(doc.RootElement.GetProperty("plans").EnumerateArray());
        Assert.Equal(["Add", "Sub"], doc.RootElement.GetProperty("signatures").EnumerateArray().Select(s => s.GetProperty("identifier").GetString()));
    }

    [Theory]
    [InlineData("/p/m.tflite(3,7): error LRT1234: bad thing", "/p/m.tflite", 3, 7, true, "LRT1234", "bad thing")]
    [InlineData("C:\\p\\m.tflite: warning LRT3002: careful", "C:\\p\\m.tflite", 0, 0, false, "LRT3002", "careful")]
    [InlineData("litert: error LRT0001: oops: more", "litert", 0, 0, true, "LRT0001", "oops: more")]
    [InlineData("m.json(12): error LRT5001: x", "m.json", 12, 0, true, "LRT5001", "x")]
    public void Canonical_lines_parse_into_file_position_code_and_message(string line, string file, int l, int c, bool error, string code, string message)
    {
        Assert.True(CanonicalLine.TryParse(line, out var d));
        Assert.Equal((file, l, c, error, code, message), (d.File!, d.Line, d.Column, d.IsError, d.Code, d.Message));
        Assert.False(CanonicalLine.TryParse("litert: compiled Models/a.tflite -> A.tflite", out _));
    }
    [Fact]
    public void A_folder_without_config_json_or_calibration_on_a_checkpoint_are_clear_errors()
    {
        string folder = Directory.CreateDirectory(Path.Combine(_dir, "notacheckpoint")).FullName;
        var (exit, _, err) = Compile(folder);
        Assert.NotEqual(0, exit);
        Assert.Contains("is a folder without config.json", SingleDiagnostic(err, "LRT0002").Message);

        // A checkpoint folder takes MaxContext/PrefillLengths/Quantize; calibration and the like are rejected by name
        // before anything is converted.
        string checkpoint = Directory.CreateDirectory(Path.Combine(_dir, "ckpt")).FullName;
        File.WriteAllText(Path.Combine(checkpoint, "config.json"), "{}");
        string calibration = Path.Combine(_dir, "calib.npy");
        File.WriteAllBytes(calibration, [1, 2, 3]);
        (exit, _, err) = Compile(checkpoint, "--calibration", calibration, "--input-shapes", "x:1x2");
        Assert.NotEqual(0, exit);
        Assert.Contains(err.Split('\n'), l => l.Contains("LRT0015") && l.Contains("Calibration does not apply"));
        Assert.Contains(err.Split('\n'), l => l.Contains("LRT0015") && l.Contains("InputShapes does not apply"));
        Assert.False(File.Exists(Path.Combine(_dir, "out", "Ckpt.litertlm")));

        // …and MaxContext on a .tflite is rejected the other way round.
        string model = TestModels.Write(TestModels.Scaler(), Path.Combine(_dir, "scaler.tflite"));
        (exit, _, err) = Compile(model, "--max-context", "64");
        Assert.NotEqual(0, exit);
        Assert.Contains("apply to decoder checkpoints", SingleDiagnostic(err, "LRT0015").Message);
    }
}

/// <summary>Every CPU kernel can be named in generated code (registered entry type, or found by its pointers).</summary>
public sealed class KernelEntryPointTests
{
    [Fact]
    public void Every_registered_kernel_has_an_entry_point_generated_code_can_take_the_address_of()
    {
        var missing = LiteRt.Runtime.Cpu.CpuKernelRegistry.All
            .Where(k => LiteRt.Cli.Compile.KernelEntryPoints.Resolve(k) is null)
            .Select(k => k.Id).ToList();
        Assert.True(missing.Count == 0, "register these kernels with typeof(<entry class>): " + string.Join(", ", missing));
    }

    [Fact]
    public void Kernels_registered_without_an_entry_type_are_found_by_their_pointers()
    {
        var k = LiteRt.Runtime.Cpu.CpuKernelRegistry.FindById("cpu.conv_2d.f32")!;
        unsafe
        {
            var bare = new LiteRt.Runtime.Execution.CpuKernel(k.Id, k.Op, k.Accepts, k.Prepare, k.Eval);
            Assert.Equal("global::LiteRt.Runtime.Cpu.Kernels.NeuralNet.Conv2DFloatKernel", LiteRt.Cli.Compile.KernelEntryPoints.Resolve(bare));
        }
    }
}
