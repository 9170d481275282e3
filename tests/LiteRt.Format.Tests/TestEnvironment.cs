using System.Diagnostics;

namespace LiteRt.Format.Tests;

/// <summary>Locates the repository and the optional ../shared folder (models, reference schema) and runs flatc.</summary>
internal static class TestEnvironment
{
    private static readonly Lazy<string?> Shared = new(FindShared);

    /// <summary>The ../shared folder next to the repository root, or null when absent.</summary>
    public static string? SharedDir => Shared.Value;

    private static string? FindShared()
    {
        // LITERT_SHARED overrides the location ("none" simulates a checkout without ../shared).
        if (Environment.GetEnvironmentVariable("LITERT_SHARED") is { Length: > 0 } overridden)
            return overridden == "none" || !Directory.Exists(overridden) ? null : Path.GetFullPath(overridden);
        var root = FindRepoRoot();
        if (root is null) return null;
        var shared = Path.GetFullPath(Path.Combine(root, "..", "shared"));
        return Directory.Exists(shared) ? shared : null;
    }

    /// <summary>Walks up from the test assembly to LiteRt.Build.sln; falls back to the root recorded at build time
    /// (build outputs may be redirected outside the repository).</summary>
    private static string? FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "LiteRt.Build.sln"))) return dir.FullName;
        var recorded = typeof(TestEnvironment).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
            .Cast<System.Reflection.AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "RepoRoot")?.Value;
        return recorded is not null && File.Exists(Path.Combine(recorded, "LiteRt.Build.sln")) ? recorded : null;
    }

    /// <summary>Every ../shared/models/*/model.tflite, sorted; empty when ../shared is absent.</summary>
    public static IReadOnlyList<string> AllModels() => SharedDir is { } s && Directory.Exists(Path.Combine(s, "models"))
        ? Directory.GetDirectories(Path.Combine(s, "models")).Select(d => Path.Combine(d, "model.tflite")).Where(File.Exists).Order(StringComparer.Ordinal).ToList()
        : [];

    /// <summary>The path of ../shared/models/NAME/model.tflite, or null.</summary>
    public static string? Model(string name) =>
        SharedDir is { } s && File.Exists(Path.Combine(s, "models", name, "model.tflite")) ? Path.Combine(s, "models", name, "model.tflite") : null;

    public static string? ReferenceSchema(string file = "schema.fbs") =>
        SharedDir is { } s && File.Exists(Path.Combine(s, "peers", "reference", file)) ? Path.Combine(s, "peers", "reference", file) : null;

    /// <summary>Prints a skip notice; tests needing ../shared are also marked skipped at discovery (RequiresShared attributes).</summary>
    public static void Skip(string test, string why) => Console.WriteLine($"SKIPPED {test}: {why}");

    public static string? FlatcPath()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
        {
            if (dir.Length == 0) continue;
            var p = Path.Combine(dir, "flatc");
            if (File.Exists(p)) return p;
        }
        return null;
    }

    /// <summary>Runs <c>flatc --json --strict-json --raw-binary</c> with the flatc-2.0-compatible schema; returns the JSON text.</summary>
    public static string FlatcJson(string flatc, string schema, string binaryPath, string outDir)
    {
        Directory.CreateDirectory(outDir);
        var psi = new ProcessStartInfo(flatc)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "--json", "--strict-json", "--raw-binary", "-o", outDir, schema, "--", binaryPath }) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"flatc failed ({p.ExitCode}) on {binaryPath}: {stdout} {stderr.Result}");
        return File.ReadAllText(Path.Combine(outDir, Path.GetFileNameWithoutExtension(binaryPath) + ".json"));
    }

    public static string NewTempDir()
    {
        var dir = Path.Combine(Path.GetTempPath(), "litert-format-tests-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>The first differing line of two JSON texts, with context, for failure messages.</summary>
    public static string FirstDifference(string a, string b)
    {
        var la = a.Split('\n');
        var lb = b.Split('\n');
        for (int i = 0; i < Math.Min(la.Length, lb.Length); i++)
            if (la[i] != lb[i])
                return $"line {i + 1}: original «{la[i].Trim()}» vs ours «{lb[i].Trim()}»; context: {string.Join(" ", la[Math.Max(0, i - 6)..i].Select(s => s.Trim()))}";
        return $"line counts {la.Length} vs {lb.Length}";
    }
}
