using LiteRt.Runtime.Execution;

namespace LiteRt.Runtime.Planning;

/// <summary>
/// A plan made at build time by <c>litert compile</c> and emitted as code by the LiteRt.Build source generator: for
/// each accelerator, the kernel entry points of every node in execution order and the arena layout, so that loading
/// looks nothing up. The runtime checks it against the model (<see cref="ModelSha256"/>, <see cref="ModelBytes"/>,
/// node and tensor counts) and against itself (<see cref="FormatVersion"/>) before trusting it.
/// </summary>
public sealed class PrecomputedPlan
{
    public PrecomputedPlan(int formatVersion, string modelSha256, long modelBytes, IReadOnlyList<AcceleratorPlan> accelerators)
    {
        FormatVersion = formatVersion;
        ModelSha256 = modelSha256;
        ModelBytes = modelBytes;
        Accelerators = accelerators;
    }

    /// <summary>The plan format the generated code was made for; must equal <see cref="RuntimeInfo.PlanFormatVersion"/>.</summary>
    public int FormatVersion { get; }
    /// <summary>Lower-case hex SHA-256 of the .tflite bytes the plan was made for.</summary>
    public string ModelSha256 { get; }
    public long ModelBytes { get; }
    public IReadOnlyList<AcceleratorPlan> Accelerators { get; }

    public AcceleratorPlan? For(Accelerator accelerator)
    {
        foreach (var a in Accelerators)
            if (a.Accelerator == accelerator) return a;
        return null;
    }
}

/// <summary>
/// The plan for one accelerator. An accelerator with no backend in this build carries no signatures and names the
/// accelerator it falls back to (<see cref="FallbackTo"/>), so the report can say so.
/// </summary>
public sealed class AcceleratorPlan
{
    public AcceleratorPlan(Accelerator accelerator, IReadOnlyList<SignaturePlan> signatures)
    {
        Accelerator = accelerator;
        Signatures = signatures;
    }

    public AcceleratorPlan(Accelerator accelerator, string unavailableReason, Accelerator fallbackTo)
    {
        Accelerator = accelerator;
        Signatures = [];
        UnavailableReason = unavailableReason;
        FallbackTo = fallbackTo;
    }

    public Accelerator Accelerator { get; }
    public IReadOnlyList<SignaturePlan> Signatures { get; }
    public string? UnavailableReason { get; }
    public Accelerator? FallbackTo { get; }
    public bool IsAvailable => UnavailableReason is null;

    public SignaturePlan? For(string signatureKey)
    {
        foreach (var s in Signatures)
            if (s.Key == signatureKey) return s;
        return null;
    }
}

/// <summary>One signature's kernels (execution order) and arena layout for the model's declared input shapes.</summary>
public sealed class SignaturePlan
{
    public SignaturePlan(string key, int tensorCount, long arenaBytes, PlannedKernel[] kernels, PlannedAllocation[] allocations)
    {
        Key = key;
        TensorCount = tensorCount;
        ArenaBytes = arenaBytes;
        Kernels = kernels;
        Allocations = allocations;
    }

    public string Key { get; }
    /// <summary>Tensors in the signature's subgraph (checked against the model).</summary>
    public int TensorCount { get; }
    public long ArenaBytes { get; }
    public PlannedKernel[] Kernels { get; }
    /// <summary>Arena blocks in the runtime's request order: tensors by index, then node scratch by node.</summary>
    public PlannedAllocation[] Allocations { get; }
}

/// <summary>A node's kernel: its id (for reports) and its entry points, taken directly by generated code.</summary>
public readonly unsafe struct PlannedKernel
{
    public PlannedKernel(string id, delegate*<PreparedNode, void> prepare, delegate*<PreparedNode, void> eval)
    {
        Id = id;
        Prepare = prepare;
        Eval = eval;
    }

    public string Id { get; }
    public delegate*<PreparedNode, void> Prepare { get; }
    public delegate*<PreparedNode, void> Eval { get; }
}

/// <summary>
/// One block of the arena: <see cref="Id"/> ≥ 0 is a tensor index, <see cref="Id"/> &lt; 0 is the scratch memory of
/// node <c>-1 - Id</c>. <see cref="Bytes"/> is what the block held when planned; the runtime uses the layout only when
/// its own requests have exactly these ids and sizes.
/// </summary>
public readonly record struct PlannedAllocation(int Id, long Bytes, long Offset);
