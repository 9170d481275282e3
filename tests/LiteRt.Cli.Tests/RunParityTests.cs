using System.Text.Json;
using LiteRt.Graph;
using LiteRt.Graph.IO;
using LiteRt.TestSupport;
using Xunit.Abstractions;

namespace LiteRt.Cli.Tests;

/// <summary><c>litert run</c> on every model in ../shared/models reproduces real LiteRT's stored outputs.</summary>
public sealed class RunParityTests(ITestOutputHelper output)
{
    public static TheoryData<string> Models()
    {
        var data = new TheoryData<string>();
        foreach (var dir in SharedData.ModelFolders())
            if (File.Exists(Path.Combine(dir, "litert_output_0.npy"))) data.Add(Path.GetFileName(dir));
        if (data.Count == 0) data.Add("(none)");
        return data;
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Litert_run_matches_real_LiteRT(string name)
    {
        if (!SharedData.TryGetRoot(out var root, output.WriteLine) || name == "(none)") return;
        string dir = Path.Combine(root, "models", name);
        using var io = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "io.json")));
        string key = io.RootElement.GetProperty("signature").GetString()!;
        var inputs = io.RootElement.GetProperty("inputs").EnumerateArray().Select(e => e.GetString()!).ToArray();
        var outputs = io.RootElement.GetProperty("outputs").EnumerateArray().Select(e => e.GetString()!).ToArray();
        string outDir = Directory.CreateTempSubdirectory("litert-run").FullName;
        try
        {
            var args = new List<string> { "run", Path.Combine(dir, "model.tflite"), "--output-dir", outDir };
            if (!key.StartsWith('<')) args.AddRange(["--signature", key]);
            for (int i = 0; i < inputs.Length; i++) args.AddRange(["--input", $"{inputs[i]}={Path.Combine(dir, $"input_{i}.npy")}"]);
            var (exit, stdout, stderr) = CliRunner.Run([.. args]);
            output.WriteLine(stdout + stderr);
            Assert.Equal(0, exit);
            for (int i = 0; i < outputs.Length; i++)
            {
                var want = NpyArray.Read(Path.Combine(dir, $"litert_output_{i}.npy"));
                var got = NpyArray.Read(Path.Combine(outDir, outputs[i].Replace('/', '_') + ".npy"));
                Assert.Equal(want.Shape, got.Shape);
                Assert.Equal(want.Type, got.Type);
                var w = want.ToDoubles();
                var g = got.ToDoubles();
                double maxDiff = w.Zip(g, (a, b) => Math.Abs(a - b)).Max();
                double limit = want.Type.IsFloat() ? 1e-4 * Math.Max(w.Max(Math.Abs), 1e-30) : 1;
                output.WriteLine($"{name} '{outputs[i]}': max |diff| {maxDiff:G3} (limit {limit:G3})");
                Assert.True(maxDiff <= limit, $"{name} '{outputs[i]}': max |diff| {maxDiff:G3} > {limit:G3}");
            }
        }
        finally
        {
            Directory.Delete(outDir, true);
        }
    }
}
