using System.Buffers;
using System.Runtime.InteropServices;
using LiteRt.Format.Schema;
using LiteRt.Graph;
using LiteRt.Graph.Catalog;
using LiteRt.Runtime.Cpu;
using LiteRt.Runtime.Planning;

namespace LiteRt.Runtime.Execution;

/// <summary>
/// One signature of one model instance, ready to run on the CPU: tensors bound to memory, a kernel chosen and
/// prepared per node, and a single arena laid out by <see cref="ArenaPlanner"/>. Re-planned only when input shapes
/// change; <see cref="Run"/> then calls each kernel through its function pointer and allocates nothing.
/// </summary>
internal sealed unsafe class ExecutionPlan : IDisposable
{
    private readonly Subgraph _subgraph;
    private readonly RuntimeTensor[] _tensors;
    private readonly PreparedNode[] _nodes;
    private readonly List<MemoryHandle> _pins = [];
    private readonly HashSet<int> _persistent;
    private readonly Dictionary<int, TensorMemory> _bound = [];
    private byte* _arena;
    private byte* _arenaBase;
    private long _arenaBytes;
    private byte* _variables;
    private readonly RuntimeOptions _options;
    private readonly SignaturePlan? _precomputed;
    private readonly bool _planOnly;

    /// <param name="precomputed">
    /// A build-time plan for this signature (kernel entry points per node and the arena layout for the declared
    /// shapes). Its kernels are used as given; its layout is used whenever the runtime's own arena requests match it
    /// exactly (ids and sizes), and re-planned otherwise (e.g. after a resize).
    /// </param>
    /// <param name="planOnly">Plan without allocating the arena (for <see cref="ModelPlanner"/>): unsupported ops are
    /// listed in <see cref="Unsupported"/> instead of thrown, and tensors get no memory.</param>
    public ExecutionPlan(ModelGraph graph, Signature signature, RuntimeOptions options, SignaturePlan? precomputed = null, bool planOnly = false)
    {
        _options = options;
        _planOnly = planOnly;
        Signature = signature;
        _subgraph = graph.Subgraphs[signature.SubgraphIndex];
        var sg = _subgraph;
        _tensors = new RuntimeTensor[sg.Tensors.Count];
        for (int i = 0; i < _tensors.Length; i++) _tensors[i] = new RuntimeTensor(i, sg.Tensors[i]);

        // Constants: pin the source bytes for the plan's lifetime (zero-copy from the file or byte array).
        for (int i = 0; i < _tensors.Length; i++)
        {
            var t = sg.Tensors[i];
            if (!t.IsConstant) continue;
            var handle = t.Buffer!.Data!.Value.Pin();
            _pins.Add(handle);
            var rt = _tensors[i];
            rt.Data = (byte*)handle.Pointer;
            rt.ByteLength = t.Buffer.Length;
            rt.ElementCount = Shapes.ElementCount(t.Shape);
            long need = t.Type.HasFixedSize() ? t.Type.ByteCount(Math.Max(rt.ElementCount, 0)) : 0;
            if (rt.ElementCount < 0 || need > rt.ByteLength)
                throw new LiteRtModelException($"constant tensor {t} holds {rt.ByteLength} bytes but its shape needs {need}");
            rt.ByteLength = need;
        }

        // Inputs, outputs and variables live for the whole run (callers read outputs and reuse inputs).
        _persistent = [.. signature.Inputs.Select(s => s.TensorIndex), .. signature.Outputs.Select(s => s.TensorIndex), .. sg.Inputs, .. sg.Outputs];

        _nodes = new PreparedNode[sg.Operations.Count];
        if (precomputed is not null && (precomputed.Kernels.Length != _nodes.Length || precomputed.TensorCount != _tensors.Length))
            throw new LiteRtModelException($"the build-time plan for signature '{signature.Key}' has {precomputed.Kernels.Length} nodes and {precomputed.TensorCount} tensors; the model has {_nodes.Length} and {_tensors.Length}");
        _precomputed = precomputed;
        var unsupported = new List<(string Node, string Reason)>();
        for (int i = 0; i < _nodes.Length; i++)
        {
            var op = sg.Operations[i];
            var inputs = op.Inputs.Select(k => k >= 0 ? _tensors[k] : null).ToArray();
            var outputs = op.Outputs.Select(k => _tensors[k]).ToArray();
            var node = new PreparedNode(i, op, sg.Describe(i), inputs, outputs) { SubgraphTensors = _tensors, Threads = Math.Max(1, options.IntraOpThreads) };
            _nodes[i] = node;
            if (OpCatalog.Find(op.Op) is null)
            {
                unsupported.Add((node.Description, $"operator {op.OpName} is not supported"));
                continue;
            }
            if (precomputed is not null)
            {
                // Build-time plan: the generated code named the kernel; nothing is looked up.
                var planned = precomputed.Kernels[i];
                node.Kernel = new CpuKernel(planned.Id, op.Op, AcceptsAll, planned.Prepare, planned.Eval);
                continue;
            }
            if (!CpuKernelRegistry.SupportsOp(op.Op))
            {
                unsupported.Add((node.Description, $"operator {op.OpName} is not supported"));
                continue;
            }
            var kernel = CpuKernelRegistry.Select(node);
            if (kernel is null)
            {
                string types = string.Join(", ", inputs.Select(t => t is null ? "-" : DescribeType(t)));
                string outTypes = string.Join(", ", outputs.Select(DescribeType));
                unsupported.Add((node.Description, $"no CPU kernel for {op.OpName} with inputs ({types}) and outputs ({outTypes})"));
                continue;
            }
            node.Kernel = kernel;
        }
        Unsupported = unsupported;
        if (unsupported.Count > 0)
        {
            if (planOnly) return;
            throw new LiteRtModelException(string.Join("; ", unsupported.Select(u => $"{u.Node}: {u.Reason}")));
        }

        foreach (var v in sg.Tensors.Where(t => t.IsVariable))
            if (!Shapes.IsKnown(v.Dims)) throw new LiteRtModelException($"variable tensor {v} must have a static shape");

        Replan(sg.Inputs.ToDictionary(i => i, i => sg.Tensors[i].Shape));
    }

    public Signature Signature { get; }
    public IReadOnlyList<RuntimeTensor> Tensors => _tensors;
    public IReadOnlyList<PreparedNode> Nodes => _nodes;
    public long ArenaBytes => _arenaBytes;

    /// <summary>Nodes without a kernel (only non-empty for plan-only instances; otherwise the constructor throws).</summary>
    public IReadOnlyList<(string Node, string Reason)> Unsupported { get; }

    /// <summary>The arena layout last planned: requests in order, their offsets, arena and variable bytes.</summary>
    public ArenaLayout? Layout { get; private set; }

    /// <summary>True when the current arena layout came from the build-time plan rather than from <see cref="ArenaPlanner"/>.</summary>
    public bool UsesPrecomputedLayout { get; private set; }

    private static bool AcceptsAll(PreparedNode node) => true;

    /// <summary>Puts these tensors in caller memory (see <see cref="SignatureRunner.BindInPlace(string, TensorMemory)"/>) from now on.</summary>
    public void Bind(IEnumerable<(int[] Indices, TensorMemory Memory)> bindings)
    {
        foreach (var (indices, memory) in bindings)
            foreach (int i in indices) _bound[i] = memory;
        AllocateMemory();
    }

    /// <summary>Recomputes shapes, re-prepares kernels and lays out the arena for these subgraph-input shapes.</summary>
    public void Replan(IReadOnlyDictionary<int, int[]> inputShapes)
    {
        var sg = _subgraph;
        foreach (var rt in _tensors)
            if (!rt.IsConstant) rt.Shape = rt.Source.Shape;
        foreach (var (index, shape) in inputShapes)
        {
            if (!Shapes.IsKnown(shape)) throw new LiteRtModelException($"input {_tensors[index]} needs a concrete shape, got {Shapes.Format(shape)}");
            _tensors[index].Shape = shape;
        }

        foreach (var node in _nodes)
        {
            var op = node.Op;
            var ctx = new ShapeContext(op, node.Description, k => node.Inputs[k]?.Shape, k => op.HasInput(k) ? sg.Tensors[op.Inputs[k]] : null);
            Guard(node, () => OpCatalog.Get(op.Op, node.Description).InferShapes(ctx));
            for (int k = 0; k < node.Outputs.Length; k++)
            {
                var shape = ctx.OutputShape(k) ?? throw node.Error($"no shape for output {k}");
                if (!Shapes.IsKnown(shape)) throw node.Error($"output {k} has unknown dims {Shapes.Format(shape)} at run time");
                node.Outputs[k].Shape = shape;
            }
        }

        foreach (var rt in _tensors)
        {
            if (rt.IsConstant) continue;
            try
            {
                rt.ElementCount = Shapes.ElementCount(rt.Shape);
                rt.ByteLength = rt.Type.HasFixedSize() ? rt.Type.ByteCount(rt.ElementCount) : 0;
            }
            catch (OverflowException)
            {
                throw new LiteRtModelException($"tensor {rt} has more elements than can be addressed");
            }
            if (rt.ByteLength > _options.MaxArenaBytes)
                throw new LiteRtModelException($"tensor {rt} needs {rt.ByteLength} bytes, over the {_options.MaxArenaBytes}-byte memory limit");
            rt.Data = null;
        }

        foreach (var node in _nodes)
        {
            node.ScratchBytes = 0;
            node.State = null;
            Guard(node, () => node.Kernel!.Prepare(node));
        }

        AllocateMemory();
    }

    private void AllocateMemory()
    {
        var sg = _subgraph;
        int steps = _nodes.Length;
        var first = new int[_tensors.Length];
        var last = new int[_tensors.Length];
        Array.Fill(first, int.MaxValue);
        Array.Fill(last, -1);
        for (int n = 0; n < steps; n++)
        {
            foreach (int k in sg.Operations[n].Outputs) { first[k] = Math.Min(first[k], n); last[k] = Math.Max(last[k], n); }
            foreach (int k in sg.Operations[n].Inputs) if (k >= 0) { first[k] = Math.Min(first[k], n); last[k] = Math.Max(last[k], n); }
        }

        var requests = new List<ArenaRequest>();
        long variableBytes = 0;
        var variableOffsets = new Dictionary<int, long>();
        for (int i = 0; i < _tensors.Length; i++)
        {
            var rt = _tensors[i];
            if (rt.IsConstant || _bound.ContainsKey(i)) continue;
            if (rt.Source.IsVariable)
            {
                variableOffsets[i] = variableBytes;
                variableBytes += ArenaPlanner.AlignUp(Math.Max(rt.ByteLength, 1));
                continue;
            }
            bool persistent = _persistent.Contains(i);
            if (!persistent && last[i] < 0) continue; // unused tensor
            requests.Add(new ArenaRequest(i, rt.ByteLength, persistent ? 0 : first[i], persistent ? steps : last[i]));
        }
        for (int n = 0; n < steps; n++)
            if (_nodes[n].ScratchBytes > 0) requests.Add(new ArenaRequest(-1 - n, _nodes[n].ScratchBytes, n, n));

        long[] offsets;
        long arenaBytes;
        if (_precomputed is not null && Matches(_precomputed.Allocations, requests))
        {
            offsets = new long[requests.Count];
            for (int r = 0; r < offsets.Length; r++) offsets[r] = _precomputed.Allocations[r].Offset;
            arenaBytes = _precomputed.ArenaBytes;
            UsesPrecomputedLayout = true;
        }
        else
        {
            (offsets, arenaBytes) = ArenaPlanner.Plan(requests);
            UsesPrecomputedLayout = false;
        }
        Layout = new ArenaLayout([.. requests], offsets, arenaBytes, variableBytes);
        if (arenaBytes + variableBytes > _options.MaxArenaBytes)
            throw new LiteRtModelException($"the model needs {arenaBytes + variableBytes} bytes of working memory, over the {_options.MaxArenaBytes}-byte limit (RuntimeOptions.MaxArenaBytes)");
        if (_planOnly) return;
        // Reallocate when the arena must grow, or shrinks a lot (e.g. KV caches moved out by Bind): a fresh zeroed
        // allocation is not touched until used, so large arenas cost no resident memory before they run.
        if (_arena is not null && (arenaBytes > _arenaBytes || arenaBytes < _arenaBytes / 2)) FreeArena();
        if (_arena is null)
        {
            long size = Math.Max(arenaBytes, ArenaPlanner.Alignment);
            _arenaBase = (byte*)NativeMemory.AllocZeroed((nuint)(size + ArenaPlanner.Alignment));
            _arena = (byte*)(((nint)_arenaBase + ArenaPlanner.Alignment - 1) & ~(nint)(ArenaPlanner.Alignment - 1));
            _arenaBytes = arenaBytes;
        }
        else NativeMemory.Clear(_arena, (nuint)Math.Max(arenaBytes, 1));
        for (int r = 0; r < requests.Count; r++)
        {
            int id = requests[r].Id;
            if (id >= 0) _tensors[id].Data = _arena + offsets[r];
            else _nodes[-1 - id].Scratch = _arena + offsets[r];
        }

        if (variableBytes > 0 && _variables is null)
        {
            // Variables keep their contents across runs (e.g. recurrent state); allocated once, zeroed.
            _variables = (byte*)NativeMemory.AlignedAlloc((nuint)variableBytes, ArenaPlanner.Alignment);
            NativeMemory.Clear(_variables, (nuint)variableBytes);
        }
        foreach (var (i, off) in variableOffsets) _tensors[i].Data = _variables + off;
        foreach (var (i, memory) in _bound) _tensors[i].Data = memory.Pointer;
    }

    private void FreeArena()
    {
        if (_arenaBase is not null) NativeMemory.Free(_arenaBase);
        _arenaBase = null;
        _arena = null;
    }

    /// <summary>A build-time layout applies when the runtime asks for exactly the same blocks (ids and sizes, in order).</summary>
    private static bool Matches(PlannedAllocation[] planned, List<ArenaRequest> requests)
    {
        if (planned.Length != requests.Count) return false;
        for (int r = 0; r < planned.Length; r++)
            if (planned[r].Id != requests[r].Id || planned[r].Bytes != requests[r].Bytes) return false;
        return true;
    }

    public void Run()
    {
        var nodes = _nodes;
        int i = 0;
        try
        {
            for (; i < nodes.Length; i++)
            {
                var node = nodes[i];
                node.Kernel!.Eval(node);
            }
        }
        catch (Exception e) when (e is not LiteRtModelException and not OutOfMemoryException)
        {
            // Kernels index spans, so bad data surfaces as a managed exception: report it against the node.
            throw new LiteRtModelException($"kernel {nodes[i].Kernel!.Id} failed: {e.Message}", nodes[i].Description, inner: e);
        }
    }

    /// <summary>One run like <see cref="Run"/>, adding each node's elapsed <see cref="System.Diagnostics.Stopwatch"/> ticks to <paramref name="ticks"/>.</summary>
    public void RunProfiled(long[] ticks)
    {
        var nodes = _nodes;
        for (int i = 0; i < nodes.Length; i++)
        {
            long t0 = System.Diagnostics.Stopwatch.GetTimestamp();
            nodes[i].Kernel!.Eval(nodes[i]);
            ticks[i] += System.Diagnostics.Stopwatch.GetTimestamp() - t0;
        }
    }

    public int NodeCount => _nodes.Length;

    public (string Kernel, string Node) NodeInfo(int i) => (_nodes[i].Kernel!.Id, _nodes[i].Description);

    /// <summary>Shape functions and Prepare validate untrusted model data; any failure there is a model error.</summary>
    private static void Guard(PreparedNode node, Action action)
    {
        try
        {
            action();
        }
        catch (Exception e) when (e is not LiteRtModelException and not OutOfMemoryException)
        {
            throw new LiteRtModelException($"invalid operation: {e.Message}", node.Description, inner: e);
        }
    }

    private static string DescribeType(RuntimeTensor t) =>
        t.Type.Name() + (t.Quantization is { } q ? (q.IsPerChannel ? " per-channel" : " quantized") : "");

    public void Dispose()
    {
        FreeArena();
        if (_variables is not null) { NativeMemory.AlignedFree(_variables); _variables = null; }
        foreach (var p in _pins) p.Dispose();
        _pins.Clear();
    }
}

/// <summary>
/// An arena layout: the blocks requested (tensor index ≥ 0, or <c>-1 - node</c> for scratch), each block's offset,
/// the arena size, and the separate bytes kept for variable tensors.
/// </summary>
public sealed record ArenaLayout(ArenaRequest[] Requests, long[] Offsets, long ArenaBytes, long VariableBytes);
