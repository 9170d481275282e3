using System.Diagnostics;

namespace LiteRt.TestSupport;

/// <summary>Debian's flatc as an independent .tflite decoder (JSON via the official schema in ../shared).</summary>
public static class Flatc
{
    public static string? Executable { get; } = new[] { "/usr/bin/flatc", "/usr/local/bin/flatc" }.FirstOrDefault(File.Exists);

    public static string? Schema => SharedData.Root is { } r && File.Exists(Path.Combine(r, "peers", "reference", "schema_flatc2.fbs"))
        ? Path.Combine(r, "peers", "reference", "schema_flatc2.fbs") : null;

    public static bool IsAvailable(Action<string>? log = null)
    {
        if (Executable is not null && Schema is not null) return true;
        string msg = Executable is null ? "SKIPPED: flatc not installed (apt-get install flatbuffers-compiler)" : "SKIPPED: ../shared/peers/reference/schema_flatc2.fbs not found";
        Console.WriteLine(msg);
        log?.Invoke(msg);
        return false;
    }

    /// <summary>Decodes a .tflite file to JSON text with the official schema.</summary>
    public static string ToJson(string tflitePath)
    {
        string outDir = Directory.CreateTempSubdirectory("flatc").FullName;
        try
        {
            var psi = new ProcessStartInfo(Executable!)
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
            };
            foreach (var a in new[] { "--json", "--strict-json", "--raw-binary", "-o", outDir, Schema!, "--", tflitePath }) psi.ArgumentList.Add(a);
            using var p = Process.Start(psi)!;
            string err = p.StandardError.ReadToEnd();
            p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            if (p.ExitCode != 0) throw new InvalidOperationException($"flatc failed on {tflitePath}: {err}");
            string json = Directory.GetFiles(outDir, "*.json").Single();
            return File.ReadAllText(json);
        }
        finally
        {
            Directory.Delete(outDir, true);
        }
    }
}
