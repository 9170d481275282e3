namespace LiteRt.TestSupport;

/// <summary>
/// Locates <c>../shared</c> (models, oracles and peers that stay outside the repository) from the test assembly.
/// Tests that need it call <see cref="TryGetRoot"/> and, when it is absent, print why they skip and return.
/// </summary>
public static class SharedData
{
    public static string? RepoRoot { get; } = FindRepoRoot();

    /// <summary>../shared, or the folder LITERT_SHARED names ("none" simulates a checkout without it).</summary>
    public static string? Root { get; } = Environment.GetEnvironmentVariable("LITERT_SHARED") is { Length: > 0 } env
        ? (env == "none" || !Directory.Exists(env) ? null : Path.GetFullPath(env))
        : RepoRoot is { } r && Directory.Exists(Path.Combine(r, "..", "shared")) ? Path.GetFullPath(Path.Combine(r, "..", "shared")) : null;

    public static bool TryGetRoot(out string root, Action<string>? log = null)
    {
        root = Root ?? "";
        if (Root is null)
        {
            string msg = "SKIPPED: ../shared not found next to the repository; test needs shared models/oracles.";
            Console.WriteLine(msg);
            log?.Invoke(msg);
            return false;
        }
        return true;
    }

    public static IEnumerable<string> ModelFolders() =>
        Root is null ? [] : Directory.GetDirectories(Path.Combine(Root, "models")).OrderBy(d => d, StringComparer.Ordinal);

    private static string? FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null)
        {
            if (File.Exists(Path.Combine(dir.FullName, "LiteRt.Build.sln"))) return dir.FullName;
            dir = dir.Parent;
        }
        // Build outputs may live outside the tree (LITERT_ARTIFACTS): use the root recorded at build time.
        var recorded = typeof(SharedData).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
            .Cast<System.Reflection.AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "RepoRoot")?.Value;
        return recorded is not null && File.Exists(Path.Combine(recorded, "LiteRt.Build.sln")) ? Path.GetFullPath(recorded) : null;
    }
}
