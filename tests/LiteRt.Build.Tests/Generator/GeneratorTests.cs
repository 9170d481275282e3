using System.Reflection;
using LiteRt.Build.Generator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit.Abstractions;
using static LiteRt.Build.Tests.Generator.GeneratorHarness;

namespace LiteRt.Build.Tests.Generator;

/// <summary>The wrapper's shape, and that it compiles cleanly (nullable, every warning an error) and runs.</summary>
public sealed class GeneratorTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("litert-gen").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private Manifest CompiledManifest(Func<LiteRt.Graph.ModelGraph> model, string name, string accelerators = "npu;gpu;cpu", bool embed = false, bool describe = false) =>
        new(Path.Combine(_dir, name + ".litert.json"), TestModels.CompileManifest(model(), name, _dir, accelerators, describe), Item(name, embed: embed));

    private static string Generated(Compilation output, string hint) =>
        output.SyntaxTrees.Single(t => t.FilePath.EndsWith(hint, StringComparison.Ordinal)).ToString();

    private static void AssertClean(Compilation output, IEnumerable<Diagnostic> generatorDiagnostics)
    {
        Assert.Empty(generatorDiagnostics);
        var problems = output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void Wrapper_has_typed_tensors_with_docs_a_dispatch_table_and_a_memory_plan()
    {
        var manifest = CompiledManifest(TestModels.Edges, "Edges");
        const string user = """
            using App;
            using var model = Edges.Create();
            Edges.Inputs inputs = model.CreateInputs();
            inputs.Image.Span.Fill(1f);
            Edges.Outputs outputs = model.Run(inputs);
            float first = outputs.Edges.Span[0];
            System.Console.WriteLine(first + " " + model.Placement);
            outputs = model.Run(new float[64]);
            var task = model.RunAsync(inputs);
            """;
        var (_, compiled, diagnostics) = Run(Compilation(user), manifest);
        AssertClean(compiled, diagnostics);
        string code = Generated(compiled, "App.Edges.g.cs");
        output.WriteLine(code);

        Assert.Contains("public sealed unsafe partial class Edges : global::System.IDisposable", code);
        Assert.Contains("public global::LiteRt.Runtime.TensorView<float> Image =>", code);
        Assert.Contains("Input <c>image</c>: float32 [1,8,8,1]; not quantized.", code);
        Assert.Contains("Output <c>edges</c>: float32 [1,8,8,1]; not quantized.", code);
        Assert.Contains("public static Edges Create(", code);
        Assert.Contains("public static Edges Load(string path", code);
        Assert.Contains("public global::System.Threading.Tasks.Task<Outputs> RunAsync(Inputs inputs", code);
        // The plan as code: kernel addresses, no lookups; npu and gpu say they fall back.
        Assert.Contains("&global::LiteRt.Runtime.Cpu.Kernels.NeuralNet.Conv2DFloatKernel.Eval", code);
        Assert.Contains("&global::LiteRt.Runtime.Cpu.Kernels.UnaryKernel<float, global::LiteRt.Runtime.Cpu.Kernels.AbsOp<float>>.Prepare", code);
        Assert.Contains("new global::LiteRt.Runtime.Planning.PlannedAllocation(0, 256L,", code);
        Assert.Contains("AcceleratorPlan(global::LiteRt.Runtime.Accelerator.Npu, \"not available: no NPU backend exists in this build\", global::LiteRt.Runtime.Accelerator.Cpu)", code);
        Assert.DoesNotContain("CpuKernelRegistry", code);
    }

    [Fact]
    public void Generated_code_runs_with_the_build_time_plan()
    {
        var manifest = CompiledManifest(TestModels.Scaler, "Scaler");
        var (_, compiled, diagnostics) = Run(Compilation("class Program { static void Main() { } }"), manifest);
        AssertClean(compiled, diagnostics);
        using var pe = new MemoryStream();
        var emit = compiled.Emit(pe);
        Assert.True(emit.Success, string.Join("\n", emit.Diagnostics));
        var assembly = Assembly.Load(pe.ToArray());
        var type = assembly.GetType("App.Scaler")!;
        string modelPath = Path.Combine(_dir, "Scaler.tflite");
        using var model = (IDisposable)type.GetMethod("Load", [typeof(string), typeof(LiteRt.Runtime.RuntimeOptions)])!.Invoke(null, [modelPath, null])!;
        var compiledModel = (LiteRt.Runtime.CompiledModel)type.GetProperty("Model")!.GetValue(model)!;
        var sig = compiledModel.DefaultSignature;
        sig.Input("x").Write<float>([1, 2, 3, 4]);
        sig.Run();
        Assert.Equal(new float[] { 3, 5, 7, 9 }, sig.Output("y").ToArray<float>());
        string placement = (string)type.GetProperty("Placement")!.GetValue(model)!;
        output.WriteLine(placement);
        Assert.Contains("kernels: build-time table (generated code); memory: build-time plan", placement);
        Assert.Contains("ran on cpu, fell back from npu: not available: no NPU backend exists in this build; gpu: not available: no GPU backend exists in this build", placement);

        // Dynamic batch: the runtime re-plans memory itself when the input is resized.
        sig.ResizeInput("x", [2, 4]);
        sig.Input("x").Write<float>([1, 2, 3, 4, 5, 6, 7, 8]);
        sig.Run();
        Assert.Equal(new float[] { 3, 5, 7, 9, 11, 13, 15, 17 }, sig.Output("y").ToArray<float>());
        Assert.Contains("memory: planned at run time", compiledModel.PlacementReport);
    }

    [Fact]
    public void Multi_signature_models_get_one_method_and_type_pair_per_signature()
    {
        var manifest = CompiledManifest(TestModels.AddSub, "AddSub");
        const string user = """
            using var model = App.AddSub.Create();
            App.AddSub.AddOutputs sum = model.Add(new float[] { 1, 2 }, new float[] { 3, 4 });
            App.AddSub.SubInputs d = model.CreateSubInputs();
            d.A.Span.Fill(5);
            App.AddSub.SubOutputs diff = model.Run(d);
            diff = model.Sub(d);
            System.Console.WriteLine(sum.Out.Span[0] + diff.Out.Span[0]);
            """;
        var (_, compiled, diagnostics) = Run(Compilation(user), manifest);
        AssertClean(compiled, diagnostics);
        string code = Generated(compiled, "App.AddSub.g.cs");
        Assert.Contains("public sealed class AddInputs", code);
        Assert.Contains("public sealed class SubOutputs", code);
        Assert.Contains("public global::System.Threading.Tasks.Task<SubOutputs> SubAsync(SubInputs inputs", code);
    }

    [Fact]
    public void Quantized_and_dynamic_tensors_are_documented_and_get_helpers()
    {
        var dq = CompiledManifest(TestModels.Dequantizer, "Dequantizer");
        var scaler = CompiledManifest(TestModels.Scaler, "Scaler");
        const string user = """
            using var d = App.Dequantizer.Create();
            var i = d.CreateInputs();
            i.Q.WriteReal(new float[] { 0.5f, 1, -1, 0 });
            byte raw = i.Q.Span[0];
            using var s = App.Scaler.Create();
            s.CreateInputs().ResizeX(3, 4);
            System.Console.WriteLine(raw);
            """;
        var (_, compiled, diagnostics) = Run(Compilation(user), dq, scaler);
        AssertClean(compiled, diagnostics);
        string dqCode = Generated(compiled, "App.Dequantizer.g.cs");
        Assert.Contains("Input <c>q</c>: uint8 [1,4]; quantized, real = 0.5 × (q − 128).", dqCode);
        Assert.Contains("TensorView<byte> Q", dqCode);
        string scalerCode = Generated(compiled, "App.Scaler.g.cs");
        Assert.Contains("float32 [1,4] (declared [-1,4]: -1 dims are dynamic, planned as shown)", scalerCode);
        Assert.Contains("public void ResizeX(params int[] shape)", scalerCode);
    }

    [Fact]
    public void Embedded_models_load_from_the_resource_and_describe_only_manifests_plan_at_load()
    {
        var embedded = CompiledManifest(TestModels.Edges, "Edges", embed: true);
        var described = CompiledManifest(TestModels.Scaler, "Scaler", describe: true);
        var (_, compiled, diagnostics) = Run(Compilation(), embedded, described);
        AssertClean(compiled, diagnostics);
        string edges = Generated(compiled, "App.Edges.g.cs");
        Assert.Contains("public const string ResourceName = \"LiteRt/Edges.tflite\";", edges);
        Assert.Contains("GetManifestResourceStream(ResourceName)", edges);
        string scaler = Generated(compiled, "App.Scaler.g.cs");
        Assert.Contains("public static global::LiteRt.Runtime.Planning.PrecomputedPlan? Plan => null;", scaler);
        Assert.DoesNotContain("PlannedKernel", scaler);
    }

    [Fact]
    public void Internal_access_and_no_namespace_are_honoured()
    {
        var m = CompiledManifest(TestModels.Edges, "Edges");
        m = m with { Metadata = Item("EdgeModel", ns: "", access: "internal") };
        var (_, compiled, diagnostics) = Run(Compilation("class Program { static void Main() { using var e = EdgeModel.Create(); } }"), m);
        AssertClean(compiled, diagnostics);
        string code = Generated(compiled, "EdgeModel.g.cs");
        Assert.Contains("internal sealed unsafe partial class EdgeModel", code);
        Assert.DoesNotContain("namespace", code);
    }
}
