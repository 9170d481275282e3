using System.Collections.Immutable;
using LiteRt.Build.Generator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace LiteRt.Build.Tests.Generator;

/// <summary>Runs <see cref="LiteRtGenerator"/> with CSharpGeneratorDriver over in-memory manifests and sources.</summary>
internal static class GeneratorHarness
{
    public sealed record Manifest(string Path, string Text, Dictionary<string, string>? Metadata = null);

    private static readonly Lazy<MetadataReference[]> FrameworkReferences = new(() =>
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(p) is "netstandard.dll" or "mscorlib.dll")
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToArray());

    public static MetadataReference[] RuntimeReferences { get; } =
    [
        MetadataReference.CreateFromFile(typeof(LiteRt.Runtime.CompiledModel).Assembly.Location),
        MetadataReference.CreateFromFile(typeof(LiteRt.Graph.ModelGraph).Assembly.Location),
        MetadataReference.CreateFromFile(typeof(LiteRt.Format.LiteRtFormatException).Assembly.Location),
    ];

    public static CSharpCompilation Compilation(string source = "class Program { static void Main() { } }", bool withRuntime = true, bool allowUnsafe = true) =>
        CSharpCompilation.Create("App",
            [CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest), path: "Program.cs")],
            [.. FrameworkReferences.Value, .. withRuntime ? RuntimeReferences : []],
            new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable,
                allowUnsafe: allowUnsafe, generalDiagnosticOption: ReportDiagnostic.Error, specificDiagnosticOptions:
                // CS1701/1702: assembly version unification between the references (not about generated code).
                new Dictionary<string, ReportDiagnostic> { ["CS1701"] = ReportDiagnostic.Suppress, ["CS1702"] = ReportDiagnostic.Suppress }));

    public static GeneratorDriver Driver(params Manifest[] manifests) => DriverWithTexts(manifests).Driver;

    /// <summary>The driver and the additional texts it was given (to replace one later).</summary>
    public static (GeneratorDriver Driver, AdditionalText[] Texts) DriverWithTexts(params Manifest[] manifests)
    {
        var texts = manifests.Select(Text).ToArray();
        var driver = CSharpGeneratorDriver.Create(
            [new LiteRtGenerator().AsSourceGenerator()],
            texts,
            new CSharpParseOptions(LanguageVersion.Latest),
            new Options(manifests.ToDictionary(m => m.Path, m => m.Metadata ?? [])),
            new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));
        return (driver, texts);
    }

    public static AdditionalText Text(Manifest m) => new InMemoryText(m.Path, m.Text);

    public static (GeneratorDriver Driver, Compilation Output, ImmutableArray<Diagnostic> Diagnostics) Run(Compilation compilation, params Manifest[] manifests)
    {
        var driver = Driver(manifests).RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);
        return (driver, output, diagnostics);
    }

    /// <summary>Metadata as the build passes it (CompilerVisibleItemMetadata → build_metadata.AdditionalFiles.*).</summary>
    public static Dictionary<string, string> Item(string className, string ns = "App", string access = "public", bool embed = false) => new()
    {
        ["build_metadata.AdditionalFiles.LiteRtManifest"] = "true",
        ["build_metadata.AdditionalFiles.LiteRtClassName"] = className,
        ["build_metadata.AdditionalFiles.LiteRtNamespace"] = ns,
        ["build_metadata.AdditionalFiles.LiteRtAccess"] = access,
        ["build_metadata.AdditionalFiles.LiteRtEmbed"] = embed ? "true" : "false",
    };

    private sealed class InMemoryText(string path, string text) : AdditionalText
    {
        public override string Path => path;
        public override SourceText GetText(CancellationToken cancellationToken = default) => SourceText.From(text);
    }

    private sealed class Options(Dictionary<string, Dictionary<string, string>> byPath) : AnalyzerConfigOptionsProvider
    {
        public override AnalyzerConfigOptions GlobalOptions { get; } = new Values([]);
        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => new Values([]);
        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) =>
            new Values(byPath.TryGetValue(textFile.Path, out var v) ? v : []);
    }

    private sealed class Values(Dictionary<string, string> values) : AnalyzerConfigOptions
    {
        public override bool TryGetValue(string key, out string value)
        {
            bool found = values.TryGetValue(key, out var v);
            value = v ?? "";
            return found;
        }
    }
}
