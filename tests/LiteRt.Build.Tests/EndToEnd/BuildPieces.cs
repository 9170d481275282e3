using System.Diagnostics;
using System.Reflection;
using System.Text;
using LiteRt.TestSupport;

namespace LiteRt.Build.Tests.EndToEnd;

/// <summary>
/// Where the pieces of LiteRt.Build this test project was built with live (recorded by the test project's build),
/// and a way to run <c>dotnet</c> on fixture projects with a clean environment.
/// </summary>
internal static class BuildPieces
{
    private static readonly Dictionary<string, string> Paths = typeof(BuildPieces).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Where(a => a.Key.StartsWith("LiteRtPiece:", StringComparison.Ordinal))
        .ToDictionary(a => a.Key["LiteRtPiece:".Length..], a => a.Value!);

    public static string Configuration { get; } = typeof(BuildPieces).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "LiteRtConfiguration").Value!;

    /// <summary>LITERT_ARTIFACTS as the test project was built with it (so repository builds find the same outputs).</summary>
    public static string Artifacts { get; } = typeof(BuildPieces).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "LiteRtArtifacts").Value ?? "";

    public static string Piece(string name) => Paths.TryGetValue(name, out var p) && File.Exists(p) ? p
        : throw new InvalidOperationException($"the test build did not record where {name} is (found: {string.Join(", ", Paths.Keys)})");

    public static string Cli => Piece("litert");
    public static string Tasks => Piece("LiteRt.Build.Tasks");
    public static string Generator => Piece("LiteRt.Build.Generator");

    public static string RepoRoot => SharedData.RepoRoot ?? throw new InvalidOperationException("repository root not found");
    public static string BuildFolder => Path.Combine(RepoRoot, "build");

    public static IEnumerable<string> RuntimeAssemblies =>
        new[] { "LiteRt.Runtime", "LiteRt.Graph", "LiteRt.Format", "System.Numerics.Tensors" }.Select(Piece);

    /// <summary>LiteRt.Lm and what it needs beyond the runtime (for wrappers of decoder bundles).</summary>
    public static IEnumerable<string> LmAssemblies =>
        new[] { "LiteRt.Lm", "Microsoft.Extensions.AI.Abstractions" }.Select(Piece);

    /// <summary>Runs dotnet; MSBuild state inherited from the test run (dotnet test is itself an MSBuild child) is removed.</summary>
    public static (int Exit, string Output) Dotnet(string workingDirectory, string arguments, IDictionary<string, string>? environment = null, int timeoutSeconds = 300)
    {
        var psi = new ProcessStartInfo("dotnet", arguments)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string key in psi.Environment.Keys.ToList())
            if (key.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) || key.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)
                || key is "MSBuildExtensionsPath" or "MSBuildSDKsPath" or "LITERT_ARTIFACTS")
                psi.Environment.Remove(key);
        psi.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["DOTNET_NOLOGO"] = "1";
        psi.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        psi.Environment["DOTNET_CLI_WORKLOAD_UPDATE_NOTIFY_DISABLE"] = "1";
        if (environment is not null)
            foreach (var (k, v) in environment) psi.Environment[k] = v;

        using var process = Process.Start(psi)!;
        var output = new StringBuilder();
        var gate = new object();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (gate) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (gate) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(timeoutSeconds * 1000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet {arguments} took over {timeoutSeconds} s:\n{output}");
        }
        process.WaitForExit();
        lock (gate) return (process.ExitCode, output.ToString());
    }
}
