using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace LiteRt.Build.Tests.EndToEnd;

[CollectionDefinition("dotnet build", DisableParallelization = true)]
public sealed class DotnetBuildCollection;

/// <summary>
/// Real <c>dotnet build</c> on fixture projects: first build compiles and the app runs the models; a second build
/// skips the compile; touching or re-configuring one of two models recompiles only that one; removing a model
/// removes its outputs; <c>dotnet clean</c> removes the rest; a corrupt model fails with an LRT error naming it.
/// </summary>
[Collection("dotnet build")]
public sealed class EndToEndBuildTests(ITestOutputHelper output)
{
    private const string SkipCompile = "Skipping target \"_LiteRt_CompileModels\" because all output files are up-to-date";

    private const string TwoModelProgram = """
        using var edges = Fixture.Edges.Create();
        var inputs = edges.CreateInputs();
        var image = inputs.Image.Span;
        for (int i = 0; i < image.Length; i++) image[i] = i % 8 < 4 ? 0f : 1f;
        var result = edges.Run(inputs);
        float sum = 0;
        foreach (float e in result.Edges.Span) sum += e;
        Console.WriteLine($"edges-sum: {sum}");
        using var scaler = Fixture.Scaler.Create();
        var y = scaler.Run(new float[] { 1, 2, 3, 4 });
        Console.WriteLine($"scaler: {string.Join(",", y.Y.Span.ToArray())}");
        Console.WriteLine(edges.Placement);
        Console.WriteLine(scaler.Placement);
        """;

    /// <summary>What the same model computes in process without generated code (the runtime's own plan).</summary>
    private static float ExpectedEdgesSum()
    {
        using var model = LiteRt.Runtime.CompiledModel.FromGraph(TestModels.Edges());
        var sig = model.DefaultSignature;
        var image = sig.Input("image").AsSpan<float>();
        for (int i = 0; i < image.Length; i++) image[i] = i % 8 < 4 ? 0f : 1f;
        sig.Run();
        float sum = 0;
        foreach (float e in sig.Output("edges").AsSpan<float>()) sum += e;
        return sum;
    }

    private static int Count(string text, string what) => Regex.Matches(text, Regex.Escape(what)).Count;

    private (int Exit, string Console, string Log) Build(FixtureProject p, string step, string extra = "")
    {
        var r = p.Build(extra);
        output.WriteLine($"==== {step}: exit {r.Exit}\n{r.Console}");
        return r;
    }

    [Fact]
    public void Builds_are_incremental_per_model_and_clean_removes_the_outputs()
    {
        using var p = new FixtureProject("incremental");
        TestModels.Write(TestModels.Edges(), p.In("Models/edges.tflite"));
        TestModels.Write(TestModels.Scaler(), p.In("Models/scaler.tflite"));
        p.ModelItems.Add("<LiteRtModel Include=\"Models/edges.tflite\" />");
        p.ModelItems.Add("<LiteRtModel Include=\"Models/scaler.tflite\" />");
        p.WriteProject();
        p.WriteProgram(TwoModelProgram);

        // 1. First build compiles both models; the app runs them with the build-time plan.
        var b1 = Build(p, "first build");
        Assert.True(b1.Exit == 0, b1.Console);
        Assert.Contains("litert: compiled Models/edges.tflite", b1.Console);
        Assert.Contains("litert: compiled Models/scaler.tflite", b1.Console);
        var run = p.Run();
        output.WriteLine(run.Output);
        Assert.Equal(0, run.Exit);
        Assert.Contains("scaler: 3,5,7,9", run.Output);
        Assert.Contains($"edges-sum: {ExpectedEdgesSum()}", run.Output);
        Assert.Contains("kernels: build-time table (generated code); memory: build-time plan", run.Output);
        Assert.Contains("ran on cpu, fell back from npu: not available", run.Output);
        Assert.True(File.Exists(Path.Combine(p.Bin, "Edges.tflite")));

        // 2. A second build skips the compile for both models and prints nothing about them.
        var b2 = Build(p, "no-op build");
        Assert.Equal(0, b2.Exit);
        Assert.Equal(2, Count(b2.Log, SkipCompile));
        Assert.DoesNotContain("litert: compiled", b2.Console);
        Assert.DoesNotContain("Task \"LiteRtCompile\"", b2.Log);

        // 3. Touching one model recompiles only that one.
        File.SetLastWriteTimeUtc(p.In("Models/edges.tflite"), DateTime.UtcNow);
        var b3 = Build(p, "touch edges");
        Assert.Equal(0, b3.Exit);
        Assert.Contains("litert: compiled Models/edges.tflite", b3.Console);
        Assert.DoesNotContain("Models/scaler.tflite ->", b3.Console);
        Assert.Equal(1, Count(b3.Log, SkipCompile));

        // 4. Editing one item's metadata recompiles only that one (its options stamp changed).
        p.ModelItems[1] = "<LiteRtModel Include=\"Models/scaler.tflite\" Accelerators=\"cpu\" />";
        p.WriteProject();
        var b4 = Build(p, "edit scaler metadata");
        Assert.Equal(0, b4.Exit);
        Assert.Contains("litert: compiled Models/scaler.tflite", b4.Console);
        Assert.DoesNotContain("Models/edges.tflite ->", b4.Console);
        run = p.Run();
        Assert.Contains("scaler: 3,5,7,9", run.Output);
        Assert.Contains("signature 'serving_default': 2 ops ran on cpu\n", run.Output.ReplaceLineEndings("\n"));

        // 5. Removing a model removes its outputs.
        p.ModelItems.RemoveAt(1);
        p.WriteProject();
        p.WriteProgram(TwoModelProgram[..TwoModelProgram.IndexOf("using var scaler", StringComparison.Ordinal)]);
        var b5 = Build(p, "remove scaler");
        Assert.Equal(0, b5.Exit);
        Assert.False(File.Exists(Path.Combine(p.ObjLitert, "Scaler.tflite")), "obj outputs of a removed model");
        Assert.False(File.Exists(Path.Combine(p.ObjLitert, "Scaler.litert.json")));
        Assert.False(File.Exists(Path.Combine(p.Bin, "Scaler.tflite")), "bin copy of a removed model");
        Assert.True(File.Exists(Path.Combine(p.ObjLitert, "Edges.litert.json")));

        // 6. dotnet clean removes every output.
        var clean = BuildPieces.Dotnet(p.Directory, $"clean Fixture.csproj -c {BuildPieces.Configuration} -nr:false");
        output.WriteLine(clean.Output);
        Assert.Equal(0, clean.Exit);
        Assert.Empty(Directory.Exists(p.ObjLitert) ? Directory.GetFiles(p.ObjLitert) : []);
        Assert.False(File.Exists(Path.Combine(p.Bin, "Edges.tflite")));
    }

    [Fact]
    public void Quantize_and_FidelityThreshold_quantize_in_the_build_and_gate_it()
    {
        using var p = new FixtureProject("quantize");
        TestModels.Write(TestModels.Dense(), p.In("Models/dense.tflite"));
        p.ModelItems.Add("<LiteRtModel Include=\"Models/dense.tflite\" Quantize=\"dynamic_int8\" FidelityThreshold=\"cosine>=0.99\" />");
        p.WriteProject();
        p.WriteProgram("""
            using var dense = Fixture.Dense.Create();
            var x = new float[64];
            for (int i = 0; i < x.Length; i++) x[i] = MathF.Sin(i);
            var y = dense.Run(x).Y.Span;
            Console.WriteLine("y: " + string.Join(" ", y.ToArray().Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture))));
            """);
        var b1 = Build(p, "dynamic_int8 within the threshold");
        Assert.True(b1.Exit == 0, b1.Console);
        Assert.Contains("litert: quantized Models/dense.tflite with dynamic_int8", b1.Console);
        Assert.True(File.Exists(Path.Combine(p.ObjLitert, "Dense.quant.json")));
        var run = p.Run();
        output.WriteLine(run.Output);
        Assert.Equal(0, run.Exit);
        double[] got = Regex.Match(run.Output, @"y: (.*)").Groups[1].Value.Trim().Split(' ')
            .Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();

        // Against the float model run in process: int8 weights keep the result within a few percent.
        using (var model = LiteRt.Runtime.CompiledModel.FromGraph(TestModels.Dense()))
        {
            var sig = model.DefaultSignature;
            var xs = sig.Input("x").AsSpan<float>();
            for (int i = 0; i < xs.Length; i++) xs[i] = MathF.Sin(i);
            sig.Run();
            var expected = sig.Output("y").AsSpan<float>().ToArray();
            Assert.Equal(expected.Length, got.Length);
            double scale = expected.Max(v => Math.Abs(v));
            for (int i = 0; i < got.Length; i++) Assert.True(Math.Abs(got[i] - expected[i]) <= 0.03 * scale, $"y[{i}]: {got[i]} vs float {expected[i]}");
        }

        // Editing the threshold reruns the compile; one no model can meet fails the build naming the file.
        p.ModelItems[0] = "<LiteRtModel Include=\"Models/dense.tflite\" Quantize=\"dynamic_int8\" FidelityThreshold=\"mse&lt;0\" />";
        p.WriteProject();
        var b2 = Build(p, "impossible threshold");
        Assert.NotEqual(0, b2.Exit);
        var line = b2.Console.Split('\n').First(l => l.Contains("error LRT2021", StringComparison.Ordinal));
        Assert.Contains("dense.tflite", line);
        Assert.Contains("below the fidelity threshold", line);
    }

    [Fact]
    public void A_corrupt_model_fails_the_build_with_an_LRT_error_naming_the_file()
    {
        using var p = new FixtureProject("corrupt");
        Directory.CreateDirectory(p.In("Models"));
        File.WriteAllBytes(p.In("Models/broken.tflite"), "TFL3 this is not a flatbuffer at all"u8.ToArray());
        p.ModelItems.Add("<LiteRtModel Include=\"Models/broken.tflite\" />");
        p.WriteProject();
        p.WriteProgram("Console.WriteLine(1);");
        var b = Build(p, "corrupt model");
        Assert.NotEqual(0, b.Exit);
        var line = b.Console.Split('\n').First(l => l.Contains("error LRT", StringComparison.Ordinal));
        Assert.Contains("broken.tflite", line);
        Assert.Contains("error LRT1901", line);
    }

    [Fact]
    public void Design_time_builds_only_describe_and_the_next_real_build_compiles()
    {
        using var p = new FixtureProject("designtime");
        TestModels.Write(TestModels.Edges(), p.In("Models/edges.tflite"));
        p.ModelItems.Add("<LiteRtModel Include=\"Models/edges.tflite\" Embed=\"true\" ClassName=\"EdgeModel\" Namespace=\"Models\" Access=\"internal\" />");
        p.WriteProject();
        p.WriteProgram("""
            using var m = Models.EdgeModel.Create();
            m.Run(new float[64]);
            Console.WriteLine(m.Placement);
            """);
        var dt = Build(p, "design-time", "-p:DesignTimeBuild=true");
        Assert.True(dt.Exit == 0, dt.Console);
        Assert.Contains("litert: described Models/edges.tflite", dt.Log);
        Assert.DoesNotContain("litert: compiled", dt.Log);
        var real = Build(p, "real build");
        Assert.Equal(0, real.Exit);
        Assert.Contains("litert: compiled Models/edges.tflite", real.Console);
        var run = p.Run();
        output.WriteLine(run.Output);
        Assert.Equal(0, run.Exit);
        Assert.Contains("kernels: build-time table", run.Output);
        Assert.False(File.Exists(Path.Combine(p.Bin, "EdgeModel.tflite")), "an embedded model is not copied");
    }
}
