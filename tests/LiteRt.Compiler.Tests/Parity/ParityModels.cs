using System.Diagnostics;
using System.Security.Cryptography;
using LiteRt.Graph;
using LiteRt.Graph.IO;
using LiteRt.Runtime;
using LiteRt.TestSupport;

namespace LiteRt.Compiler.Tests.Parity;

/// <summary>
/// The PyTorch parity models of scripts/onnx/export_parity_models.py: small ones are committed under
/// tests/LiteRt.Compiler.Tests/Data/parity; the torchvision ones are exported on first use into a temp folder keyed by
/// the script's hash (Debian python3-torch, python3-torchvision, python3-onnx; without them the tests skip).
/// </summary>
public static class ParityModels
{
    public static readonly string[] Torchvision =
    [
        "resnet18", "mobilenet_v2", "mobilenet_v3_small", "mobilenet_v3_large", "efficientnet_b0", "squeezenet1_1",
        "shufflenet_v2_x0_5", "regnet_y_400mf", "densenet121", "vgg11", "alexnet", "googlenet",
    ];

    public static readonly string[] Committed = ["transformer_encoder", "transformer_encoder_opset17"];

    public static readonly string[] Generated = [.. Torchvision, "mobilenet_v2_unfused"];

    private static readonly Lock Gate = new();
    private static string? _generationProblem;

    public static string? Script => SharedData.RepoRoot is { } r ? Path.Combine(r, "scripts", "onnx", "export_parity_models.py") : null;

    /// <summary>The folder holding model.onnx, input.npy and expected.npy, or null (with the reason logged) when it cannot be had.</summary>
    public static string? Get(string name, Action<string> log)
    {
        if (SharedData.RepoRoot is not { } root)
        {
            log("SKIPPED: the repository root is not known");
            return null;
        }
        string committed = Path.Combine(root, "tests", "LiteRt.Compiler.Tests", "Data", "parity", name);
        if (File.Exists(Path.Combine(committed, "model.onnx"))) return committed;
        lock (Gate)
        {
            string cache = CacheFolder();
            string folder = Path.Combine(cache, name);
            if (Complete(folder)) return folder;
            if (_generationProblem is null)
            {
                var missing = Generated.Where(n => !Complete(Path.Combine(cache, n))).ToList();
                _generationProblem = Export(cache, missing);
            }
            if (Complete(folder)) return folder;
            log($"SKIPPED: cannot export the PyTorch model {name}: {_generationProblem ?? "unknown"}");
            return null;
        }
    }

    private static bool Complete(string folder) =>
        File.Exists(Path.Combine(folder, "model.onnx")) && File.Exists(Path.Combine(folder, "expected.npy")) && File.Exists(Path.Combine(folder, "info.json"));

    private static string CacheFolder()
    {
        var hash = Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(Script!)))[..12];
        return Path.Combine(Path.GetTempPath(), $"litert-onnx-parity-{hash}");
    }

    /// <summary>Runs the export script; null on success, else the reason.</summary>
    private static string? Export(string cache, List<string> names)
    {
        if (names.Count == 0) return null;
        const string python = "/usr/bin/python3";
        if (!File.Exists(python)) return "/usr/bin/python3 not found";
        Directory.CreateDirectory(cache);
        var psi = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Script!);
        psi.ArgumentList.Add(cache);
        foreach (var n in names) psi.ArgumentList.Add(n);
        try
        {
            using var p = Process.Start(psi)!;
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            if (!p.WaitForExit(TimeSpan.FromMinutes(20)))
            {
                p.Kill(entireProcessTree: true);
                return "the export script timed out";
            }
            return p.ExitCode == 0 ? null : $"the export script failed (exit {p.ExitCode}): {Last(stderr.Result)}";
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return e.Message;
        }
    }

    private static string Last(string s) => s.Length > 600 ? s[^600..] : s;

    /// <summary>Converts and runs a parity model with our runtime: (graph, outputs as doubles, expected as doubles, shape).</summary>
    public static (ModelGraph Graph, double[] Ours, double[] Expected, int[] Shape) ConvertAndRun(string folder)
    {
        var graph = ModelConverter.Convert(Path.Combine(folder, "model.onnx"));
        var input = NpyArray.Read(Path.Combine(folder, "input.npy"));
        var expected = NpyArray.Read(Path.Combine(folder, "expected.npy"));
        using var model = CompiledModel.FromGraph(graph);
        var runner = model.DefaultSignature;
        var buffer = runner.Inputs[0];
        Assert.Equal(input.Type, buffer.Type);
        Assert.Equal(input.Shape, buffer.Shape);
        input.Data.CopyTo(buffer.Bytes);
        runner.Run();
        var output = runner.Outputs[0];
        Assert.Equal(expected.Shape, output.Shape);
        var ours = TensorData.Decode(output.Type, output.Bytes, [.. output.Shape], null);
        return (graph, ours, TensorData.Decode(expected.Type, expected.Data, expected.Shape, null), expected.Shape);
    }

    /// <summary>max |a − b| / max |b|.</summary>
    public static double RelativeError(double[] a, double[] b)
    {
        double maxAbs = b.Max(Math.Abs), maxDiff = 0;
        for (int i = 0; i < b.Length; i++) maxDiff = Math.Max(maxDiff, Math.Abs(a[i] - b[i]));
        return maxDiff / Math.Max(maxAbs, 1e-30);
    }

    /// <summary>The index of the largest value of each row of the last axis.</summary>
    public static int[] Top1(double[] v, int[] shape)
    {
        int n = shape[^1];
        return Enumerable.Range(0, v.Length / n).Select(r => Array.IndexOf(v, v.Skip(r * n).Take(n).Max(), r * n) - r * n).ToArray();
    }

    public static string OpHistogram(ModelGraph g) =>
        string.Join(" ", g.Main.Operations.GroupBy(o => o.OpName).OrderByDescending(x => x.Count()).Select(x => $"{x.Key}×{x.Count()}"));
}
