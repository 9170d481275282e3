using System.Text;
using LiteRt.Graph;
using LiteRt.Runtime.Execution;
using LiteRt.Runtime.Planning;

namespace LiteRt.Runtime;

/// <summary>
/// Runs one signature of a <see cref="CompiledModel"/>. Write inputs through <see cref="Input(string)"/>, call
/// <see cref="Run"/>, read <see cref="Output(string)"/>. Not thread-safe: use one <see cref="CompiledModel"/> per thread.
/// </summary>
public sealed class SignatureRunner : IDisposable
{
    private readonly ExecutionPlan _plan;
    private readonly TensorBuffer[] _inputs;
    private readonly TensorBuffer[] _outputs;
    private readonly Dictionary<string, TensorBuffer> _inputsByName;
    private readonly Dictionary<string, TensorBuffer> _outputsByName;
    private readonly NodePlacement[] _placement;
    private readonly string? _planNote;

    internal SignatureRunner(ModelGraph graph, Signature signature, RuntimeOptions options)
        : this(graph, signature, options, Accelerator.Cpu, null, null, null)
    {
    }

    internal SignatureRunner(ModelGraph graph, Signature signature, RuntimeOptions options, Accelerator accelerator, string? fallback,
        SignaturePlan? precomputed, string? planNote)
    {
        Signature = signature;
        _plan = new ExecutionPlan(graph, signature, options, precomputed);
        _inputs = signature.Inputs.Select(i => new TensorBuffer(i.Name, _plan.Tensors[i.TensorIndex])).ToArray();
        _outputs = signature.Outputs.Select(o => new TensorBuffer(o.Name, _plan.Tensors[o.TensorIndex])).ToArray();
        _inputsByName = _inputs.ToDictionary(b => b.Name, StringComparer.Ordinal);
        _outputsByName = _outputs.ToDictionary(b => b.Name, StringComparer.Ordinal);
        Accelerator = accelerator;
        Fallback = fallback;
        UsesPrecomputedKernels = precomputed is not null;
        _planNote = planNote;
        _placement = _plan.Nodes.Select(n => new NodePlacement(n.Description, n.Kernel!.Id, accelerator, fallback)).ToArray();
    }

    public Signature Signature { get; }
    public string Key => Signature.Key;
    public IReadOnlyList<TensorBuffer> Inputs => _inputs;
    public IReadOnlyList<TensorBuffer> Outputs => _outputs;

    /// <summary>Bytes of the activation arena (excluding constants).</summary>
    public long ArenaBytes => _plan.ArenaBytes;

    /// <summary>The accelerator that runs this signature.</summary>
    public Accelerator Accelerator { get; }

    /// <summary>Why <see cref="Accelerator"/> is not the first one asked for (e.g. <c>fell back from npu: not available…</c>), or null.</summary>
    public string? Fallback { get; }

    /// <summary>True when the kernels came from a build-time plan (generated code) rather than being chosen at load.</summary>
    public bool UsesPrecomputedKernels { get; }

    /// <summary>True while the arena layout is the build-time one (false after a resize to other shapes, or without one).</summary>
    public bool UsesPrecomputedMemoryPlan => _plan.UsesPrecomputedLayout;

    /// <summary>The kernel and accelerator of each node, in execution order.</summary>
    public IReadOnlyList<NodePlacement> Placement => _placement;

    /// <summary>A readable account of where and how this signature runs, for logs and <c>model.Placement</c>.</summary>
    public string PlacementReport
    {
        get
        {
            var sb = new StringBuilder();
            sb.Append($"signature '{Key}': {_placement.Length} ops ran on {Accelerator.Name()}");
            if (Fallback is not null) sb.Append($", {Fallback}");
            sb.AppendLine();
            sb.Append("  kernels: ").Append(UsesPrecomputedKernels ? "build-time table (generated code)" : "chosen at load");
            sb.Append("; memory: ").Append(UsesPrecomputedMemoryPlan ? "build-time plan" : "planned at run time");
            sb.Append($" (arena {ArenaBytes} bytes)");
            if (_planNote is not null) sb.Append("; ").Append(_planNote);
            sb.AppendLine();
            foreach (var p in _placement) sb.AppendLine($"  {p.Node}: {p.Kernel}");
            return sb.ToString();
        }
    }

    public TensorBuffer Input(string name) => _inputsByName.TryGetValue(name, out var b) ? b
        : throw new KeyNotFoundException($"signature '{Key}' has no input '{name}' (inputs: {string.Join(", ", _inputsByName.Keys)})");

    public TensorBuffer Output(string name) => _outputsByName.TryGetValue(name, out var b) ? b
        : throw new KeyNotFoundException($"signature '{Key}' has no output '{name}' (outputs: {string.Join(", ", _outputsByName.Keys)})");

    /// <summary>
    /// Gives an input a new shape (for dynamic dims) and re-plans memory. Earlier spans of inputs and outputs become
    /// invalid. Dims the model declares static must keep their size.
    /// </summary>
    public void ResizeInput(string name, ReadOnlySpan<int> shape)
    {
        _ = Input(name); // validates the name
        int index = Signature.Inputs.First(i => i.Name == name).TensorIndex;
        var declared = _plan.Tensors[index].Source.Dims;
        if (declared.Length != shape.Length)
            throw new ArgumentException($"input '{name}' has rank {declared.Length}; got shape {Shapes.Format(shape)}");
        for (int d = 0; d < shape.Length; d++)
        {
            if (shape[d] < 0 || (declared[d] >= 0 && declared[d] != shape[d]))
                throw new ArgumentException($"input '{name}' is declared {Shapes.Format(declared)}; dim {d} cannot be {shape[d]}");
        }
        var shapes = Signature.Inputs.ToDictionary(i => i.TensorIndex, i => _plan.Tensors[i.TensorIndex].Shape);
        shapes[index] = shape.ToArray();
        _plan.Replan(shapes);
    }

    /// <summary>
    /// Places the input and the output called <paramref name="name"/> in <paramref name="memory"/> (the same bytes for
    /// both), instead of in this signature's arena: an op whose output aliases its input then updates it in place (the
    /// KV cache: <c>litert.gqa_attention</c> writes only the new rows), and the same memory can be bound to several
    /// signatures so that prefill and decode share one cache with no copies. The binding survives
    /// <see cref="ResizeInput"/>; <paramref name="memory"/> must stay alive while the runner is used.
    /// </summary>
    public void BindInPlace(string name, TensorMemory memory) => BindInPlace([new KeyValuePair<string, TensorMemory>(name, memory)]);

    /// <summary>
    /// Several <see cref="BindInPlace(string, TensorMemory)"/> at once, re-planning memory once (a model's 2 × layers
    /// caches: bind them together).
    /// </summary>
    public void BindInPlace(IEnumerable<KeyValuePair<string, TensorMemory>> bindings)
    {
        var all = new List<(int[] Indices, TensorMemory Memory)>();
        foreach (var (name, memory) in bindings)
        {
            ArgumentNullException.ThrowIfNull(memory);
            var indices = Signature.Inputs.Where(i => i.Name == name).Concat(Signature.Outputs.Where(o => o.Name == name)).Select(s => s.TensorIndex).ToArray();
            if (indices.Length == 0) throw new KeyNotFoundException($"signature '{Key}' has no input or output '{name}'");
            foreach (int index in indices)
            {
                long need = _plan.Tensors[index].ByteLength;
                if (memory.ByteLength < need)
                    throw new ArgumentException($"'{name}' needs {need} bytes; the memory holds {memory.ByteLength}");
            }
            all.Add((indices, memory));
        }
        _plan.Bind(all);
    }

    /// <summary>Runs the signature on the current inputs. Allocates nothing once planned.</summary>
    public void Run() => _plan.Run();

    /// <summary>
    /// Runs <paramref name="runs"/> times timing every operation (for profiling: which kernels dominate); returns each
    /// operation's kernel, description and mean milliseconds per run, in execution order.
    /// </summary>
    public IReadOnlyList<OpTiming> ProfileOps(int runs)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(runs, 1);
        var ticks = new long[_plan.NodeCount];
        for (int r = 0; r < runs; r++) _plan.RunProfiled(ticks);
        var result = new List<OpTiming>(ticks.Length);
        for (int i = 0; i < ticks.Length; i++)
        {
            var (kernel, node) = _plan.NodeInfo(i);
            result.Add(new OpTiming(i, kernel, node, ticks[i] * 1000.0 / System.Diagnostics.Stopwatch.Frequency / runs));
        }
        return result;
    }

    public void Dispose() => _plan.Dispose();
}

/// <summary>One operation's share of a profiled run (<see cref="SignatureRunner.ProfileOps"/>).</summary>
public sealed record OpTiming(int Index, string Kernel, string Operation, double Milliseconds);
