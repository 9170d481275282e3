using System.Text.Json;
using LiteRt.Format.Schema;
using LiteRt.Graph;
using LiteRt.Graph.IO;
using LiteRt.TestSupport;
using Xunit.Abstractions;

namespace LiteRt.Runtime.Tests.SharedModels;

/// <summary>
/// Every model in ../shared/models runs on our runtime and matches what real LiteRT (2.5.3, XNNPack) produced for the
/// same inputs: float outputs within 1e-4 of the largest magnitude, quantized outputs within 1 step.
/// </summary>
public class SharedModelParityTests(ITestOutputHelper output)
{
    public static TheoryData<string> Models()
    {
        var data = new TheoryData<string>();
        foreach (var dir in SharedData.ModelFolders())
            if (File.Exists(Path.Combine(dir, "model.tflite")) && File.Exists(Path.Combine(dir, "litert_output_0.npy")))
                data.Add(Path.GetFileName(dir));
        if (data.Count == 0) data.Add("(none)");
        return data;
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Matches_real_LiteRT(string name)
    {
        if (!SharedData.TryGetRoot(out var root, output.WriteLine) || name == "(none)") return;
        string dir = Path.Combine(root, "models", name);
        using var io = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "io.json")));
        string? key = io.RootElement.TryGetProperty("signature", out var s) ? s.GetString() : null;
        var inputs = io.RootElement.GetProperty("inputs").EnumerateArray().Select(e => e.GetString()!).ToArray();
        var outputs = io.RootElement.GetProperty("outputs").EnumerateArray().Select(e => e.GetString()!).ToArray();

        using var model = CompiledModel.Load(Path.Combine(dir, "model.tflite"));
        var runner = key is null || key.StartsWith('<') ? model.DefaultSignature : model.Signature(key);
        var arrays = inputs.Select((n, i) => (n, NpyArray.Read(Path.Combine(dir, $"input_{i}.npy")))).ToList();
        foreach (var (n, a) in arrays)
            if (!a.Shape.AsSpan().SequenceEqual([.. runner.Input(n).Shape])) runner.ResizeInput(n, a.Shape);
        foreach (var (n, a) in arrays) a.Data.CopyTo(runner.Input(n).Bytes);
        runner.Run();

        for (int i = 0; i < outputs.Length; i++)
        {
            var expected = NpyArray.Read(Path.Combine(dir, $"litert_output_{i}.npy"));
            var got = runner.Output(outputs[i]);
            Assert.Equal(expected.Shape, got.Shape.ToArray());
            Assert.Equal(expected.Type, got.Type);
            var want = expected.ToDoubles();
            var have = TensorData.Decode(got.Type, got.Bytes, [.. got.Shape], null);
            double maxDiff = want.Zip(have, (a, b) => Math.Abs(a - b)).Max();
            if (got.Type.IsFloat())
            {
                double scale = Math.Max(want.Max(Math.Abs), 1e-30);
                output.WriteLine($"{name} '{outputs[i]}': max |diff| {maxDiff:G3} = {maxDiff / scale:G3} of max |ref| {scale:G3}");
                Assert.True(maxDiff <= 1e-4 * scale, $"{name} '{outputs[i]}': max |diff| {maxDiff:G3} exceeds 1e-4 × {scale:G3}");
            }
            else
            {
                int mismatches = want.Zip(have, (a, b) => a != b).Count(x => x);
                output.WriteLine($"{name} '{outputs[i]}': max diff {maxDiff} steps, {mismatches}/{want.Length} elements differ");
                Assert.True(maxDiff <= 1, $"{name} '{outputs[i]}': max diff {maxDiff} quantization steps (allowed 1)");
            }
        }
    }
}
