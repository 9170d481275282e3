namespace LiteRt.TestSupport;

/// <summary>
/// Locates <c>../shared</c> (models, oracles and peers that stay outside the repository) from the test assembly.
/// Tests that need it call <see cref="TryGetRoot"/> and, when it is absent, print why they skip and return.
/// </summary>
public static class SharedData
{
    public static string? RepoRoot { get; } = FindRepoRoot();

    public static string? Root { get; } = RepoRoot is { } r && Directory.Exists(Path.Combine(r, "..", "shared"))
        ? Path.GetFullPath(Path.Combine(r, "..", "shared"))
        : null;

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
        // Artifacts may live outside the tree (LITERT_ARTIFACTS): fall back to the working directory's ancestors.
        dir = new DirectoryInfo(Directory.GetCurrentDirectory());
        while (dir is not null)
        {
            if (File.Exists(Path.Combine(dir.FullName, "LiteRt.Build.sln"))) return dir.FullName;
            dir = dir.Parent;
        }
        return null;
    }
}
