using LiteRt.Graph;

namespace LiteRt.Runtime;

/// <summary>
/// A model ready to run, shaped like LiteRT's Compiled Model API: created from a file, bytes or a graph; one
/// <see cref="SignatureRunner"/> per signature (a model without SignatureDefs gets <c>serving_default</c>).
/// Each instance owns its memory, so separate instances can run on separate threads at once.
/// Unsupported ops are rejected here, at load, naming each op and node.
/// </summary>
public sealed partial class CompiledModel : IDisposable
{
    private readonly SignatureRunner[] _signatures;
    private readonly IDisposable? _owner;

    private CompiledModel(ModelGraph graph, IDisposable? owner, RuntimeOptions? options)
    {
        Graph = graph;
        _owner = owner;
        var created = new List<SignatureRunner>();
        try
        {
            foreach (var s in graph.SignaturesOrDefault()) created.Add(new SignatureRunner(graph, s, options ?? RuntimeOptions.Default));
            _signatures = [.. created];
        }
        catch (LiteRtModelException e)
        {
            foreach (var r in created) r.Dispose();
            throw e.WithFile(graph.SourcePath);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Loading validates untrusted data; whatever slipped past the checks is still a bad model, not a crash.
            foreach (var r in created) r.Dispose();
            throw new LiteRtModelException($"invalid model: {e.Message}", file: graph.SourcePath, inner: e);
        }
    }

    public ModelGraph Graph { get; }
    public IReadOnlyList<SignatureRunner> Signatures => _signatures;

    /// <summary>The first signature (the only one for most models).</summary>
    public SignatureRunner DefaultSignature => _signatures[0];

    public SignatureRunner Signature(string key) =>
        _signatures.FirstOrDefault(s => s.Key == key)
        ?? throw new KeyNotFoundException($"the model has no signature '{key}' (signatures: {string.Join(", ", _signatures.Select(s => s.Key))})");

    /// <summary>Runs a graph already in memory (constant data must stay valid while the model lives).</summary>
    public static CompiledModel FromGraph(ModelGraph graph, RuntimeOptions? options = null) => new(graph, null, options);

    public void Dispose()
    {
        foreach (var s in _signatures) s.Dispose();
        _owner?.Dispose();
    }
}
