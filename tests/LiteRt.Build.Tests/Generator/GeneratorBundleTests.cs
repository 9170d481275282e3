using Microsoft.CodeAnalysis;
using static LiteRt.Build.Tests.Generator.GeneratorHarness;

namespace LiteRt.Build.Tests.Generator;

/// <summary>
/// A manifest with an <c>llm</c> section (a decoder checkpoint compiled to a .litertlm bundle): the wrapper loads the
/// bundle through LiteRt.Lm, exposes the checkpoint's generation settings as they are (unset stays null) and a
/// session factory; without LiteRt.Lm referenced the project gets LRT5011 and no code.
/// </summary>
public sealed class GeneratorBundleTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("litert-genbundle").FullName;
    private readonly string _bundle;

    public GeneratorBundleTests()
    {
        string edges = TestModels.CompileManifest(TestModels.Edges(), "Edges", _dir);
        const string llm = """
            "llm": { "startTokenIds": [1], "stopTokenSequences": [[2], [7, 8]], "doSample": true, "temperature": 0.7, "topK": 20,
                     "topP": null, "repetitionPenalty": 1.1, "maxNumTokens": 512, "maxContext": 512, "prefillLengths": [32, 128], "chatTemplate": true },

            """;
        string withContainer = edges.Replace("\"quantize\": \"none\"", "\"quantize\": \"none\",\n    \"container\": \"litertlm\"");
        _bundle = withContainer.Insert(withContainer.IndexOf("\"signatures\": [", StringComparison.Ordinal), llm);
        Assert.Contains("\"container\": \"litertlm\"", _bundle);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private Manifest M(bool embed = false) => new(Path.Combine(_dir, "Chat.litert.json"), _bundle, Item("Chat", embed: embed));

    private static Compilation WithLm() => Compilation().AddReferences(
        MetadataReference.CreateFromFile(typeof(LiteRt.Lm.Bundle.LlmBundle).Assembly.Location),
        MetadataReference.CreateFromFile(typeof(Microsoft.Extensions.AI.IChatClient).Assembly.Location));

    [Fact]
    public void A_bundle_wrapper_loads_through_LiteRt_Lm_and_exposes_the_checkpoint_settings()
    {
        var (_, output, diagnostics) = Run(WithLm(), M());
        Assert.DoesNotContain(diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        var errors = output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors));
        string code = output.SyntaxTrees.Single(t => t.FilePath.EndsWith("Chat.g.cs", StringComparison.Ordinal)).ToString();
        Assert.Contains("global::LiteRt.Lm.Bundle.LlmBundle.Open(path)", code);
        Assert.Contains("bundle.LoadModel(Plan, options ?? DefaultOptions)", code);
        Assert.Contains("public global::LiteRt.Lm.Engine.LlmSession CreateSession()", code);
        Assert.Contains("StopTokenSequences { get; } =", code);
        Assert.Contains("new int[] { 7, 8 }", code);
        Assert.Contains("public static float? Temperature => 0.7f;", code);
        Assert.Contains("public static float? TopP => null;", code);
        Assert.Contains("public const int MaxContext = 512;", code);
        Assert.DoesNotContain("ReadOnlyMemory<byte> bytes", code);   // no Load(bytes): a bundle is mapped from its file
    }

    [Fact]
    public void Without_LiteRt_Lm_a_bundle_is_LRT5011_and_no_code()
    {
        var (_, output, diagnostics) = Run(Compilation(), M());
        Assert.Contains(diagnostics, d => d.Id == "LRT5011" && d.GetMessage().Contains("PackageReference Include=\"LiteRt.Lm\""));
        Assert.Single(output.SyntaxTrees);
    }

    [Fact]
    public void Embedding_a_bundle_is_LRT5010()
    {
        var (_, _, diagnostics) = Run(WithLm(), M(embed: true));
        Assert.Contains(diagnostics, d => d.Id == "LRT5010" && d.GetMessage().Contains("Embed"));
    }
}
