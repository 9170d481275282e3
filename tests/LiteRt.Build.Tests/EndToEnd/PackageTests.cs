using System.IO.Compression;
using Xunit.Abstractions;

namespace LiteRt.Build.Tests.EndToEnd;

/// <summary>
/// Packs LiteRt.Build and LiteRt.Runtime (with its LiteRt.Graph and LiteRt.Format dependencies) into a local feed,
/// then builds and runs a fresh project that uses them only through PackageReference, with its own NuGet cache.
/// </summary>
[Collection("dotnet build")]
public sealed class PackageTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("litert-pkg").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); }
        catch (IOException) { }
    }

    private (int Exit, string Output) Repo(string args)
    {
        var env = new Dictionary<string, string>();
        if (BuildPieces.Artifacts.Length > 0) env["LITERT_ARTIFACTS"] = BuildPieces.Artifacts;
        var r = BuildPieces.Dotnet(BuildPieces.RepoRoot, args, env);
        output.WriteLine($"$ dotnet {args}\n{r.Output}");
        return r;
    }

    [Fact]
    public void A_fresh_project_builds_and_runs_with_the_packages_alone()
    {
        string feed = Path.Combine(_dir, "feed");
        string config = BuildPieces.Configuration;
        // The pieces were built with this test project; pack them without rebuilding (the packaging project only needs restoring).
        Assert.Equal(0, Repo($"restore src/LiteRt.Build/LiteRt.Build.csproj -nr:false").Exit);
        foreach (string project in new[] { "src/LiteRt.Format", "src/LiteRt.Graph", "src/LiteRt.Runtime", "src/LiteRt.Build" })
            Assert.Equal(0, Repo($"pack {project} -c {config} -o {feed} --no-build -nr:false").Exit);

        using (var zip = ZipFile.OpenRead(Path.Combine(feed, "LiteRt.Build.0.1.0.nupkg")))
        {
            var entries = zip.Entries.Select(e => e.FullName).ToHashSet();
            foreach (string expected in new[]
                     {
                         "build/LiteRt.Build.props", "build/LiteRt.Build.targets", "buildTransitive/LiteRt.Build.props", "buildTransitive/LiteRt.Build.targets",
                         "tasks/netstandard2.0/LiteRt.Build.Tasks.dll", "analyzers/dotnet/cs/LiteRt.Build.Generator.dll",
                         "tools/net10.0/any/litert.dll", "tools/net10.0/any/litert.runtimeconfig.json", "tools/net10.0/any/LiteRt.Runtime.dll",
                     })
                Assert.Contains(expected, entries);
            string nuspec = new StreamReader(zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open()).ReadToEnd();
            Assert.Contains("<developmentDependency>true</developmentDependency>", nuspec);
        }

        // A fresh project: no repository files, an isolated package cache, LiteRt.* only from the local feed.
        string app = Path.Combine(_dir, "app");
        TestModels.Write(TestModels.Edges(), Path.Combine(app, "Models", "edges.tflite"));
        string globalPackages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } gp ? gp
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        File.WriteAllText(Path.Combine(app, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{feed}" />
                <add key="offline" value="{globalPackages}" />
              </packageSources>
              <packageSourceMapping>
                <packageSource key="local"><package pattern="LiteRt.*" /></packageSource>
                <packageSource key="offline"><package pattern="*" /></packageSource>
              </packageSourceMapping>
            </configuration>
            """);
        File.WriteAllText(Path.Combine(app, "App.csproj"), """
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="LiteRt.Build" Version="0.1.0" PrivateAssets="all" />
                <PackageReference Include="LiteRt.Runtime" Version="0.1.0" />
                <LiteRtModel Include="Models/edges.tflite" ClassName="EdgeModel" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(app, "Program.cs"), """
            using var model = App.EdgeModel.Create();
            var outputs = model.Run(new float[64]);
            Console.WriteLine($"edges: {outputs.Edges.Span.Length} values");
            Console.WriteLine(model.Placement);
            """);
        var env = new Dictionary<string, string>
        {
            ["NUGET_PACKAGES"] = Path.Combine(_dir, "packages"),
            ["NUGET_HTTP_CACHE_PATH"] = Path.Combine(_dir, "http-cache"),
        };
        var build = BuildPieces.Dotnet(app, "build -nr:false", env);
        output.WriteLine(build.Output);
        Assert.True(build.Exit == 0, build.Output);
        Assert.Contains("litert: compiled Models/edges.tflite", build.Output);
        Assert.True(Directory.Exists(Path.Combine(_dir, "packages", "litert.build", "0.1.0")), "LiteRt.Build restored into the isolated cache");

        var run = BuildPieces.Dotnet(app, "run --no-build", env);
        output.WriteLine(run.Output);
        Assert.Equal(0, run.Exit);
        Assert.Contains("edges: 64 values", run.Output);
        Assert.Contains("kernels: build-time table (generated code); memory: build-time plan", run.Output);
    }
}
