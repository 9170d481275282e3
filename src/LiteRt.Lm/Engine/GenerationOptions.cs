using LiteRt.Lm.Generation;

namespace LiteRt.Lm.Engine;

/// <summary>What happens when the next token needs a KV-cache row the model does not have.</summary>
public enum ContextOverflow
{
    /// <summary>Throw <see cref="ContextOverflowException"/> (carrying what was generated so far).</summary>
    Error,

    /// <summary>End the generation with <see cref="FinishReason.ContextFull"/>.</summary>
    Stop,

    /// <summary>
    /// Keep the start token(s) and the most recent tokens (<see cref="GenerationOptions.SlidingWindowKeep"/>), prefill
    /// them again from position 0 and go on. The model then no longer sees the dropped middle of the text.
    /// </summary>
    SlidingWindow,
}

/// <summary>Why a generation ended.</summary>
public enum FinishReason
{
    /// <summary>A stop token sequence (EOS, or one from the options) was generated; it is not part of the text.</summary>
    StopToken,

    /// <summary>A stop string appeared in the text; the text ends before it.</summary>
    StopString,

    /// <summary><see cref="GenerationOptions.MaxNewTokens"/> tokens were generated.</summary>
    MaxTokens,

    /// <summary>The context filled up under <see cref="ContextOverflow.Stop"/>.</summary>
    ContextFull,
}

/// <summary>Settings of one generation; null values fall back to the session's (the bundle's metadata).</summary>
public sealed record GenerationOptions
{
    /// <summary>How tokens are chosen; null: <see cref="LlmSessionSettings.DefaultSampling"/>.</summary>
    public SamplingOptions? Sampling { get; init; }

    /// <summary>Most tokens to generate; null: no limit but the context.</summary>
    public int? MaxNewTokens { get; init; }

    /// <summary>Text that ends the generation (not included in the text).</summary>
    public IReadOnlyList<string> StopStrings { get; init; } = [];

    /// <summary>Token sequences that end the generation, besides the session's stop tokens.</summary>
    public IReadOnlyList<IReadOnlyList<int>> StopTokenSequences { get; init; } = [];

    public ContextOverflow OnContextOverflow { get; init; } = ContextOverflow.Error;

    /// <summary>Tokens kept by <see cref="ContextOverflow.SlidingWindow"/> (start tokens included); null: half the context.</summary>
    public int? SlidingWindowKeep { get; init; }

    /// <summary>Leave special tokens (e.g. <c>&lt;|im_end|&gt;</c>) out of the text.</summary>
    public bool SkipSpecialTokens { get; init; } = true;
}

/// <summary>The outcome of a generation.</summary>
/// <param name="PromptIds">The prompt as fed to the model (start token included).</param>
/// <param name="GeneratedIds">Every sampled token, including a stop sequence that ended the generation (as transformers returns it).</param>
/// <param name="Text">The generated text: without the stop sequence or stop string; equal to the streamed pieces joined.</param>
public sealed record GenerationResult(int[] PromptIds, int[] GeneratedIds, string Text, FinishReason FinishReason)
{
    /// <summary>Prompt tokens whose KV rows were reused from the previous generation (not prefilled again).</summary>
    public int ReusedPromptTokens { get; init; }

    /// <summary>How many times the sliding window moved.</summary>
    public int WindowShifts { get; init; }

    public TimeSpan PrefillTime { get; init; }
    public TimeSpan DecodeTime { get; init; }
}

/// <summary>The context is full (or the prompt does not fit) under <see cref="ContextOverflow.Error"/>.</summary>
public sealed class ContextOverflowException(string message, int context, GenerationResult? partial) : Exception(message)
{
    /// <summary>The model's context (KV-cache rows).</summary>
    public int Context { get; } = context;

    /// <summary>What was generated before the context filled; null when the prompt itself did not fit.</summary>
    public GenerationResult? Partial { get; } = partial;
}
