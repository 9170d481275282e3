using System.Collections;
using System.Reflection;
using LiteRt.Build.Generator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using static LiteRt.Build.Tests.Generator.GeneratorHarness;

namespace LiteRt.Build.Tests.Generator;

/// <summary>The pipeline caches: an unrelated edit re-runs nothing that depends on the manifests.</summary>
public sealed class GeneratorIncrementalTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("litert-geninc").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static IEnumerable<IncrementalStepRunReason> Reasons(GeneratorDriver driver, string step) =>
        driver.GetRunResult().Results.Single().TrackedSteps[step].SelectMany(s => s.Outputs).Select(o => o.Reason);

    [Fact]
    public void An_unrelated_edit_leaves_every_manifest_step_cached()
    {
        var edges = new Manifest(Path.Combine(_dir, "Edges.litert.json"), TestModels.CompileManifest(TestModels.Edges(), "Edges", _dir), Item("Edges"));
        var scaler = new Manifest(Path.Combine(_dir, "Scaler.litert.json"), TestModels.CompileManifest(TestModels.Scaler(), "Scaler", _dir), Item("Scaler"));
        var compilation = Compilation();
        var driver = Driver(edges, scaler).RunGenerators(compilation);

        var edited = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("class Unrelated { int X => 1; }", new CSharpParseOptions(LanguageVersion.Latest)));
        driver = driver.RunGenerators(edited);

        foreach (string step in new[] { LiteRtGenerator.TrackingNames.Input, LiteRtGenerator.TrackingNames.Parse, LiteRtGenerator.TrackingNames.Output })
            Assert.All(Reasons(driver, step), r => Assert.True(r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{step}: {r}"));
        // The compilation facts are recomputed on every edit (cheap) but come out equal.
        Assert.All(Reasons(driver, LiteRtGenerator.TrackingNames.Facts), r => Assert.Equal(IncrementalStepRunReason.Unchanged, r));
    }

    [Fact]
    public void Editing_one_manifest_regenerates_only_that_model()
    {
        string edgesText = TestModels.CompileManifest(TestModels.Edges(), "Edges", _dir);
        var edges = new Manifest(Path.Combine(_dir, "Edges.litert.json"), edgesText, Item("Edges"));
        var scaler = new Manifest(Path.Combine(_dir, "Scaler.litert.json"), TestModels.CompileManifest(TestModels.Scaler(), "Scaler", _dir), Item("Scaler"));
        var compilation = Compilation();
        var (initial, texts) = DriverWithTexts(edges, scaler);
        var driver = initial.RunGenerators(compilation);

        var changed = edges with { Text = edgesText.Replace("\"arenaBytes\": ", "\"arenaBytes\": 1") };
        driver = driver.ReplaceAdditionalText(texts[0], Text(changed)).RunGenerators(compilation);
        var reasons = Reasons(driver, LiteRtGenerator.TrackingNames.Output).ToList();
        Assert.Equal(1, reasons.Count(r => r == IncrementalStepRunReason.Modified));
        Assert.Equal(1, reasons.Count(r => r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged));
    }

    /// <summary>
    /// The models flowing between steps hold no ISymbol, SyntaxNode, Location or Compilation (which would defeat caching
    /// and keep old compilations alive): walk every field type of the generator's model types.
    /// </summary>
    [Fact]
    public void Pipeline_models_hold_no_symbols_or_syntax()
    {
        var assembly = typeof(LiteRtGenerator).Assembly;
        string[] roots = ["ManifestInput", "ManifestResult", "CompilationFacts", "Generated", "Collision", "ClassName"];
        var seen = new HashSet<Type>();
        var queue = new Queue<Type>(assembly.GetTypes().Where(t => roots.Contains(t.Name)));
        Assert.Equal(roots.Length, queue.Count);
        while (queue.Count > 0)
        {
            var t = queue.Dequeue();
            if (!seen.Add(t) || t.IsPrimitive || t == typeof(string) || t.IsEnum) continue;
            Assert.False(typeof(ISymbol).IsAssignableFrom(t) || typeof(SyntaxNode).IsAssignableFrom(t) || typeof(Location).IsAssignableFrom(t)
                || typeof(Compilation).IsAssignableFrom(t) || typeof(SyntaxTree).IsAssignableFrom(t), $"{t} must not flow through the pipeline");
            Assert.False(t.IsArray || (typeof(IEnumerable).IsAssignableFrom(t) && t.Name != "EquatableArray`1"), $"{t}: use EquatableArray (structural equality)");
            if (t.IsGenericType) foreach (var a in t.GetGenericArguments()) queue.Enqueue(a);
            if (Nullable.GetUnderlyingType(t) is { } u) queue.Enqueue(u);
            if (t.Assembly != assembly) continue;
            foreach (var f in t.GetFields(BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public))
                if (!(t.Name == "EquatableArray`1" && f.FieldType.IsArray)) queue.Enqueue(f.FieldType);
        }
    }
}
