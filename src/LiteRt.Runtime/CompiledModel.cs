using System.Text;
using LiteRt.Graph;
using LiteRt.Runtime.Planning;

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

    private CompiledModel(ModelGraph graph, IDisposable? owner, RuntimeOptions? options, PrecomputedPlan? plan = null, string? planRejected = null)
    {
        Graph = graph;
        _owner = owner;
        options ??= RuntimeOptions.Default;
        var created = new List<SignatureRunner>();
        try
        {
            Accelerator = AcceleratorSupport.Choose(options.Accelerators, options.StrictAccelerators, out string? fallback);
            var acceleratorPlan = plan?.For(Accelerator);
            foreach (var s in graph.SignaturesOrDefault())
            {
                var signaturePlan = acceleratorPlan?.For(s.Key);
                string? note = planRejected is not null ? $"build-time plan not used: {planRejected}"
                    : plan is not null && signaturePlan is null ? $"build-time plan not used: it has no {Accelerator.Name()} plan for this signature"
                    : null;
                created.Add(new SignatureRunner(graph, s, options, Accelerator, fallback, signaturePlan, note));
            }
            _signatures = [.. created];
        }
        catch (LiteRtModelException e)
        {
            foreach (var r in created) r.Dispose();
            throw e.WithFile(graph.SourcePath);
        }
        catch (Exception e) when (e is not OutOfMemoryException and not NotSupportedException)
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

    /// <summary>The accelerator the model runs on (the first available one in <see cref="RuntimeOptions.Accelerators"/>).</summary>
    public Accelerator Accelerator { get; }

    /// <summary>Which accelerator ran which ops, why any fell back, and where the plan came from; one block per signature.</summary>
    public string PlacementReport
    {
        get
        {
            var sb = new StringBuilder();
            foreach (var s in _signatures) sb.Append(s.PlacementReport);
            return sb.ToString();
        }
    }

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
