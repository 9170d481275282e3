namespace LiteRt.Runtime;

/// <summary>Options for preparing a <see cref="CompiledModel"/>.</summary>
public sealed record RuntimeOptions
{
    public static RuntimeOptions Default { get; } = new();

    /// <summary>
    /// Upper bound on working memory (activations, scratch and variables) per signature. A model whose plan needs
    /// more is rejected at load with a <see cref="LiteRt.Graph.LiteRtModelException"/> rather than exhausting memory.
    /// </summary>
    public long MaxArenaBytes { get; init; } = 16L << 30;

    /// <summary>
    /// Accelerators in order of preference; the model runs on the first one this build has a backend for (today only
    /// <see cref="Accelerator.Cpu"/>), and <see cref="CompiledModel.PlacementReport"/> says which ones it skipped and why.
    /// </summary>
    public IReadOnlyList<Accelerator> Accelerators { get; init; } = AcceleratorSupport.DefaultOrder;

    /// <summary>Falling back from the first requested accelerator is an error (<see cref="NotSupportedException"/>) instead of a note.</summary>
    public bool StrictAccelerators { get; init; }

    /// <summary>
    /// A build-time plan that does not match the model or this runtime is an error instead of being replaced by a plan
    /// made at load.
    /// </summary>
    public bool RequirePrecomputedPlan { get; init; }

    /// <summary>
    /// Threads a kernel may use for one large op (1 = run on the calling thread only, the default). With 2, the int8
    /// FULLY_CONNECTED of LLM decode/prefill splits its output channels with one process-wide helper thread (when
    /// another model is using the helper, the op simply runs on the calling thread). Results do not depend on it.
    /// </summary>
    public int IntraOpThreads { get; init; } = 1;
}
