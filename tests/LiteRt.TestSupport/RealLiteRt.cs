using System.Diagnostics;
using LiteRt.Graph.IO;

namespace LiteRt.TestSupport;

/// <summary>
/// Google's LiteRT (the @litertjs/core 2.5.3 WASM build under Node, via ../shared/peers/node's scripts) as an
/// oracle for files we write. Set up once per machine in a temp folder: the peer scripts are copied there (nothing
/// enters the repository) and the npm package installed. Unavailable (no node, npm or ../shared) → tests skip.
/// </summary>
public static class RealLiteRt
{
    private static readonly Lazy<string?> Folder = new(Setup);
    private static string _setupLog = "";

    public static bool IsAvailable(Action<string> log)
    {
        if (Folder.Value is not null) return true;
        log("SKIPPED: real LiteRT (node + @litertjs/core) is not available: " + _setupLog);
        return false;
    }

    /// <summary>Runs <paramref name="model"/> on the inputs (in signature order); returns the outputs in order.</summary>
    public static NpyArray[] Run(string model, IReadOnlyList<NpyArray> inputs, string? signature = null)
    {
        string dir = Directory.CreateTempSubdirectory("litert-real").FullName;
        try
        {
            var args = new List<string> { "--experimental-wasm-relaxed-simd", "litert_run.mjs", "--model", model, "--threads", "1", "--runs", "1", "--warmup", "0", "--out-dir", dir };
            for (int i = 0; i < inputs.Count; i++)
            {
                string p = Path.Combine(dir, $"in_{i}.npy");
                inputs[i].Write(p);
                args.AddRange(["--input", p]);
            }
            if (signature is not null) args.AddRange(["--signature", signature]);
            var (code, output) = Exec("node", args, Folder.Value!, TimeSpan.FromMinutes(3));
            if (code != 0) throw new InvalidOperationException($"real LiteRT failed on {model} (exit {code}):\n{output}");
            return Directory.GetFiles(dir, "output_*.npy").OrderBy(f => int.Parse(Path.GetFileNameWithoutExtension(f)["output_".Length..]))
                .Select(NpyArray.Read).ToArray();
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    private static string? Setup()
    {
        if (SharedData.Root is not { } shared) { _setupLog = "../shared not found"; return null; }
        string peers = Path.Combine(shared, "peers", "node");
        string folder = Path.Combine(Path.GetTempPath(), "litert-build-real-litert-2.5.3");
        string marker = Path.Combine(folder, ".ready");
        if (File.Exists(marker)) return folder;
        try
        {
            Directory.CreateDirectory(folder);
            foreach (var f in Directory.GetFiles(peers, "*.mjs")) File.Copy(f, Path.Combine(folder, Path.GetFileName(f)), true);
            File.WriteAllText(Path.Combine(folder, "package.json"), "{\"name\":\"litert-peer\",\"private\":true,\"type\":\"module\"}");
            var (code, output) = Exec("npm", ["install", "--ignore-scripts", "--no-audit", "--no-fund", "@litertjs/core@2.5.3"], folder, TimeSpan.FromMinutes(5));
            if (code != 0) { _setupLog = "npm install failed: " + output; return null; }
            (code, output) = Exec("node", ["setup_litert_wasm.mjs"], folder, TimeSpan.FromMinutes(2));
            if (code != 0) { _setupLog = "setup_litert_wasm.mjs failed: " + output; return null; }
            File.WriteAllText(marker, "ok");
            return folder;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or IOException or InvalidOperationException)
        {
            _setupLog = e.Message;
            return null;
        }
    }

    private static (int Code, string Output) Exec(string file, IEnumerable<string> args, string cwd, TimeSpan timeout)
    {
        var psi = new ProcessStartInfo(file) { WorkingDirectory = cwd, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {file}");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeout))
        {
            p.Kill(entireProcessTree: true);
            return (-1, $"{file} timed out after {timeout}");
        }
        return (p.ExitCode, stdout.Result + stderr.Result);
    }
}
