using Microsoft.CodeAnalysis;
using static LiteRt.Build.Tests.Generator.GeneratorHarness;

namespace LiteRt.Build.Tests.Generator;

/// <summary>LRT5xxx: malformed or unknown manifests, a missing runtime, collisions, unsafe code off.</summary>
public sealed class GeneratorDiagnosticTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("litert-gendiag").FullName;
    private readonly string _edges;

    public GeneratorDiagnosticTests() => _edges = TestModels.CompileManifest(TestModels.Edges(), "Edges", _dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private Manifest M(string text, string name = "Edges", string? className = null, string ns = "App") =>
        new(Path.Combine(_dir, name + ".litert.json"), text, Item(className ?? name, ns));

    private static Diagnostic Single(IEnumerable<Diagnostic> diagnostics, string id)
    {
        var list = diagnostics.ToList();
        Assert.True(list.Count(d => d.Id == id) >= 1, $"expected {id}; got: {string.Join("\n", list)}");
        return list.First(d => d.Id == id);
    }

    [Fact]
    public void Malformed_json_is_LRT5001_at_the_position_in_the_manifest()
    {
        string broken = _edges.Replace("\"formatVersion\": 1,", "\"formatVersion\": 1,,");
        var (_, output, diagnostics) = Run(Compilation(), M(broken));
        var d = Single(diagnostics, "LRT5001");
        Assert.Equal(DiagnosticSeverity.Error, d.Severity);
        Assert.EndsWith("Edges.litert.json", d.Location.GetLineSpan().Path);
        Assert.Equal(1, d.Location.GetLineSpan().StartLinePosition.Line); // line 2 (0-based 1)
        Assert.DoesNotContain(output.SyntaxTrees, t => t.FilePath.EndsWith("Edges.g.cs", StringComparison.Ordinal));
    }

    [Fact]
    public void A_missing_field_is_LRT5001()
    {
        string missing = _edges.Replace("\"signatures\":", "\"signaturez\":");
        var (_, _, diagnostics) = Run(Compilation(), M(missing));
        Assert.Contains("'signatures' is missing", Single(diagnostics, "LRT5001").GetMessage());
    }

    [Fact]
    public void An_unknown_format_version_is_LRT5002()
    {
        var (_, _, diagnostics) = Run(Compilation(), M(_edges.Replace("\"formatVersion\": 1,", "\"formatVersion\": 99,")));
        Assert.Contains("format version 99", Single(diagnostics, "LRT5002").GetMessage());
    }

    [Fact]
    public void A_project_without_LiteRt_Runtime_gets_LRT5003_and_no_code()
    {
        var (_, output, diagnostics) = Run(Compilation(withRuntime: false), M(_edges));
        Assert.Contains("PackageReference Include=\"LiteRt.Runtime\"", Single(diagnostics, "LRT5003").GetMessage());
        Assert.Single(output.SyntaxTrees);
    }

    [Fact]
    public void A_runtime_reading_another_plan_format_is_LRT5004()
    {
        const string fakeRuntime = """
            namespace LiteRt.Runtime { public static class RuntimeInfo { public const int PlanFormatVersion = 2; } public sealed class CompiledModel { } }
            class Program { static void Main() { } }
            """;
        var (_, _, diagnostics) = Run(Compilation(fakeRuntime, withRuntime: false), M(_edges));
        Assert.Contains("reads plan format 2", Single(diagnostics, "LRT5004").GetMessage());
    }

    [Fact]
    public void Two_models_with_one_class_name_are_LRT5005()
    {
        var (_, output, diagnostics) = Run(Compilation(), M(_edges, "Edges"), M(_edges, "Other", className: "Edges"));
        Assert.Equal(2, diagnostics.Count(d => d.Id == "LRT5005"));
        Assert.Single(output.SyntaxTrees);
        // Different namespaces are fine.
        var (_, ok, none) = Run(Compilation(), M(_edges, "Edges"), M(_edges, "Other", className: "Edges", ns: "Other"));
        Assert.Empty(none);
        Assert.Equal(3, ok.SyntaxTrees.Count());
    }

    [Fact]
    public void Bad_identifiers_and_member_collisions_are_LRT5006_and_LRT5007()
    {
        var (_, _, bad) = Run(Compilation(), M(_edges.Replace("\"identifier\": \"Image\"", "\"identifier\": \"1mage\"")));
        Assert.Contains("'1mage'", Single(bad, "LRT5006").GetMessage());
        var (_, _, clash) = Run(Compilation(), M(_edges.Replace("\"identifier\": \"Edges\"", "\"identifier\": \"Outputs\"")));
        Assert.Contains("'Outputs'", Single(clash, "LRT5007").GetMessage());
        var (_, _, badClass) = Run(Compilation(), M(_edges, className: "class"));
        Assert.Contains("ClassName", Single(badClass, "LRT5006").GetMessage());
    }

    [Fact]
    public void Unsafe_code_disabled_is_LRT5008()
    {
        var (_, _, diagnostics) = Run(Compilation(allowUnsafe: false), M(_edges));
        Assert.Contains("AllowUnsafeBlocks", Single(diagnostics, "LRT5008").GetMessage());
    }

    [Fact]
    public void Files_that_are_not_manifests_are_ignored()
    {
        var other = new Manifest(Path.Combine(_dir, "notes.json"), "{ not json", null);
        var (_, output, diagnostics) = Run(Compilation(), other);
        Assert.Empty(diagnostics);
        Assert.Single(output.SyntaxTrees);
    }
}
