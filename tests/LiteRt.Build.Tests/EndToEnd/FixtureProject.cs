using System.Text;

namespace LiteRt.Build.Tests.EndToEnd;

/// <summary>
/// A console app in a temp folder that uses &lt;LiteRtModel&gt; through build/LiteRt.Build.props/.targets imported from
/// source, exactly as the package imports them, with the tool, tasks and generator this test run was built with.
/// </summary>
internal sealed class FixtureProject : IDisposable
{
    public FixtureProject(string name)
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("litert-e2e-" + name).FullName;
    }

    public string Directory { get; }
    public List<string> ModelItems { get; } = [];
    public string ProjectFile => Path.Combine(Directory, "Fixture.csproj");
    public string ObjLitert => Path.Combine(Directory, "obj", BuildPieces.Configuration, "net10.0", "litert");
    public string Bin => Path.Combine(Directory, "bin", BuildPieces.Configuration, "net10.0");

    public string In(string relative) => Path.Combine(Directory, relative);

    /// <param name="lm">Also reference LiteRt.Lm (decoder bundles' wrappers need it).</param>
    public void WriteProject(string extraProperties = "", bool lm = false)
    {
        var sb = new StringBuilder();
        sb.AppendLine("<Project>");
        sb.AppendLine($"  <Import Project=\"{BuildPieces.BuildFolder}/LiteRt.Build.props\" />");
        sb.AppendLine("  <Import Project=\"Sdk.props\" Sdk=\"Microsoft.NET.Sdk\" />");
        sb.AppendLine("  <PropertyGroup>");
        sb.AppendLine("    <OutputType>Exe</OutputType>");
        sb.AppendLine("    <TargetFramework>net10.0</TargetFramework>");
        sb.AppendLine("    <RootNamespace>Fixture</RootNamespace>");
        sb.AppendLine("    <Nullable>enable</Nullable>");
        sb.AppendLine("    <ImplicitUsings>enable</ImplicitUsings>");
        sb.AppendLine("    <TreatWarningsAsErrors>true</TreatWarningsAsErrors>");
        sb.AppendLine("    <GenerateDocumentationFile>true</GenerateDocumentationFile>");
        sb.AppendLine("    <NoWarn>$(NoWarn);CS1591</NoWarn>");
        sb.AppendLine($"    <LiteRtToolPath>{BuildPieces.Cli}</LiteRtToolPath>");
        sb.AppendLine($"    <LiteRtTasksAssembly>{BuildPieces.Tasks}</LiteRtTasksAssembly>");
        sb.AppendLine(extraProperties);
        sb.AppendLine("  </PropertyGroup>");
        sb.AppendLine("  <ItemGroup>");
        sb.AppendLine($"    <Analyzer Include=\"{BuildPieces.Generator}\" />");
        foreach (string r in BuildPieces.RuntimeAssemblies.Concat(lm ? BuildPieces.LmAssemblies : [])) sb.AppendLine($"    <Reference Include=\"{r}\" />");
        sb.AppendLine("  </ItemGroup>");
        sb.AppendLine("  <ItemGroup>");
        foreach (string item in ModelItems) sb.AppendLine("    " + item);
        sb.AppendLine("  </ItemGroup>");
        sb.AppendLine("  <Import Project=\"Sdk.targets\" Sdk=\"Microsoft.NET.Sdk\" />");
        sb.AppendLine($"  <Import Project=\"{BuildPieces.BuildFolder}/LiteRt.Build.targets\" />");
        sb.AppendLine("</Project>");
        File.WriteAllText(ProjectFile, sb.ToString());
    }

    public void WriteProgram(string code) => File.WriteAllText(Path.Combine(Directory, "Program.cs"), code);

    private int _builds;

    /// <summary>dotnet build with a detailed file log (for "Skipping target" lines); returns the exit code, console output and log.</summary>
    public (int Exit, string Console, string Log) Build(string extra = "")
    {
        string log = Path.Combine(Directory, $"build{++_builds}.log");
        var (exit, console) = BuildPieces.Dotnet(Directory,
            $"build Fixture.csproj -c {BuildPieces.Configuration} -nr:false {extra} -flp:\"logfile={log};verbosity=detailed\"");
        return (exit, console, File.Exists(log) ? File.ReadAllText(log) : "");
    }

    public (int Exit, string Output) Run(string arguments = "") => BuildPieces.Dotnet(Directory, $"{Path.Combine(Bin, "Fixture.dll")} {arguments}".TrimEnd());

    public void Dispose()
    {
        try { System.IO.Directory.Delete(Directory, recursive: true); }
        catch (IOException) { }
    }
}
