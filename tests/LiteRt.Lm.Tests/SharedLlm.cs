using Xunit.Abstractions;

namespace LiteRt.Lm.Tests;

/// <summary>
/// Locates <c>../shared/llm</c> (the LLM checkpoints and oracles kept outside the repository), with the same rules as
/// LiteRt.TestSupport's SharedData (LITERT_SHARED overrides; "none" simulates a checkout without it), checking for llm/.
/// </summary>
internal static class SharedLlm
{
    public static string? RepoRoot { get; } = FindRepoRoot();

    public static string? SharedRoot { get; } = Environment.GetEnvironmentVariable("LITERT_SHARED") is { Length: > 0 } env
        ? (env == "none" || !Directory.Exists(env) ? null : Path.GetFullPath(env))
        : RepoRoot is { } r && Directory.Exists(Path.Combine(r, "..", "shared")) ? Path.GetFullPath(Path.Combine(r, "..", "shared")) : null;

    /// <summary>The shared root (holding llm/…), or null after printing why the caller skips.</summary>
    public static string? RootOrSkip(ITestOutputHelper? output = null)
    {
        if (SharedRoot is { } root && Directory.Exists(Path.Combine(root, "llm"))) return root;
        const string msg = "SKIPPED: ../shared/llm not found next to the repository; test needs the shared LLM tokenizers/oracles.";
        Console.WriteLine(msg);
        output?.WriteLine(msg);
        return null;
    }

    public static string OracleFile(string name) => Path.Combine(AppContext.BaseDirectory, "oracle", name);

    private static string? FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null)
        {
            if (File.Exists(Path.Combine(dir.FullName, "LiteRt.Build.sln"))) return dir.FullName;
            dir = dir.Parent;
        }
        var recorded = typeof(SharedLlm).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
            .Cast<System.Reflection.AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "RepoRoot")?.Value;
        return recorded is not null && File.Exists(Path.Combine(recorded, "LiteRt.Build.sln")) ? Path.GetFullPath(recorded) : null;
    }
}
