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
}
