using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace LiteRt.Build.Generator;

/// <summary>
/// One typed wrapper per <c>*.litert.json</c> manifest in AdditionalFiles. Pipeline (each step's output is an
/// equatable model, so an unrelated edit re-runs nothing but the cheap compilation facts):
/// manifest text + item metadata → parsed spec → (+ compilation facts, + class-name collisions) → source.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class LiteRtGenerator : IIncrementalGenerator
{
    /// <summary>Names of the pipeline steps, for incremental-caching tests.</summary>
    public static class TrackingNames
    {
        public const string Input = "LiteRt.ManifestInput";
        public const string Parse = "LiteRt.Parse";
        public const string Facts = "LiteRt.CompilationFacts";
        public const string Collisions = "LiteRt.Collisions";
        public const string Output = "LiteRt.Output";
    }

    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var inputs = context.AdditionalTextsProvider
            .Where(static t => t.Path.EndsWith(".litert.json", StringComparison.OrdinalIgnoreCase))
            .Combine(context.AnalyzerConfigOptionsProvider)
            .Select(static (pair, ct) => new ManifestInput(pair.Left.Path, pair.Left.GetText(ct)?.ToString() ?? "", ReadOptions(pair.Right.GetOptions(pair.Left))))
            .WithTrackingName(TrackingNames.Input);

        var parsed = inputs.Select(static (input, _) => ManifestParser.Parse(input)).WithTrackingName(TrackingNames.Parse);

        var facts = context.CompilationProvider.Select(static (c, _) => ReadFacts(c)).WithTrackingName(TrackingNames.Facts);

        var collisions = parsed
            .Select(static (r, _) => r.Spec is { } s ? new ClassName(s.FullName, s.Source) : null)
            .Collect()
            .Select(static (names, _) => FindCollisions(names))
            .WithTrackingName(TrackingNames.Collisions);

        var outputs = parsed.Combine(facts).Combine(collisions)
            .Select(static (x, _) => Generate(x.Left.Left, x.Left.Right, x.Right))
            .WithTrackingName(TrackingNames.Output);

        context.RegisterSourceOutput(outputs, static (spc, g) =>
        {
            foreach (var d in g.Diagnostics) spc.ReportDiagnostic(d.ToDiagnostic());
            if (g.HintName is not null && g.Source is not null) spc.AddSource(g.HintName, SourceText.From(g.Source, Encoding.UTF8));
        });
    }

    private static ItemOptions ReadOptions(AnalyzerConfigOptions o)
    {
        string? Get(string name) => o.TryGetValue("build_metadata.AdditionalFiles." + name, out string? v) && !string.IsNullOrWhiteSpace(v) ? v : null;
        return new ItemOptions(Get("LiteRtClassName"), Get("LiteRtNamespace"), Get("LiteRtAccess"),
            string.Equals(Get("LiteRtEmbed"), "true", StringComparison.OrdinalIgnoreCase), Get("LiteRtFileName"), Get("LiteRtResourceName"), Get("LiteRtSource"));
    }

    private static CompilationFacts ReadFacts(Compilation c)
    {
        bool referenced = c.GetTypeByMetadataName("LiteRt.Runtime.CompiledModel") is not null;
        int? format = c.GetTypeByMetadataName("LiteRt.Runtime.RuntimeInfo")?.GetMembers("PlanFormatVersion")
            .OfType<IFieldSymbol>().FirstOrDefault(f => f.HasConstantValue)?.ConstantValue as int?;
        bool allowUnsafe = c.Options is CSharpCompilationOptions o && o.AllowUnsafe;
        bool lm = c.GetTypeByMetadataName("LiteRt.Lm.Bundle.LlmBundle") is not null;
        return new CompilationFacts(referenced, format, allowUnsafe, lm);
    }

    internal sealed record ClassName(string FullName, string Source);

    internal sealed record Collision(string FullName, string First, string Second);

    private static EquatableArray<Collision> FindCollisions(ImmutableArray<ClassName?> names)
    {
        var result = new List<Collision>();
        foreach (var group in names.Where(n => n is not null).GroupBy(n => n!.FullName, StringComparer.Ordinal))
        {
            var list = group.OrderBy(n => n!.Source, StringComparer.Ordinal).ToList();
            if (list.Count > 1) result.Add(new Collision(group.Key, list[0]!.Source, list[1]!.Source));
        }
        return result.ToEquatable();
    }

    /// <summary>The result for one manifest: a file to add (or none) and diagnostics.</summary>
    internal sealed record Generated(string? HintName, string? Source, EquatableArray<DiagnosticInfo> Diagnostics);

    private static Generated Generate(ManifestResult parsed, CompilationFacts facts, EquatableArray<Collision> collisions)
    {
        var diagnostics = new List<DiagnosticInfo>(parsed.Diagnostics);
        if (parsed.Spec is not { } m) return new Generated(null, null, diagnostics.ToEquatable());

        if (!facts.RuntimeReferenced)
            diagnostics.Add(DiagnosticInfo.Create("LRT5003", m.Source));
        else if (facts.RuntimePlanFormat is { } runtimeFormat && runtimeFormat != m.FormatVersion)
            diagnostics.Add(DiagnosticInfo.Create("LRT5004", runtimeFormat.ToString(System.Globalization.CultureInfo.InvariantCulture), m.Source, m.FormatVersion.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        if (!facts.AllowUnsafe) diagnostics.Add(DiagnosticInfo.Create("LRT5008", m.Source));
        if (m.IsBundle && !facts.LmReferenced) diagnostics.Add(DiagnosticInfo.Create("LRT5011", m.Source));
        var collision = collisions.FirstOrDefault(c => c.FullName == m.FullName);
        if (collision is not null) diagnostics.Add(DiagnosticInfo.Create("LRT5005", collision.First, collision.Second, m.FullName));
        diagnostics.AddRange(Emitter.CheckNames(m));
        if (diagnostics.Any(d => Diagnostics.ById(d.Id).DefaultSeverity == DiagnosticSeverity.Error))
            return new Generated(null, null, diagnostics.ToEquatable());

        string source = Emitter.Emit(m, diagnostics);
        return new Generated(m.FullName + ".g.cs", source, diagnostics.ToEquatable());
    }
}
