namespace LiteRt.Lm.Engine;

/// <summary>
/// The step functions a decoder-only language model offers the generation engine, independent of how it runs.
/// The usual implementation wraps a converted model's <c>prefill_&lt;N&gt;</c> and <c>decode</c> signatures
/// (inputs <c>tokens</c>, <c>input_pos</c>, <c>kv_cache_k_&lt;i&gt;</c> / <c>kv_cache_v_&lt;i&gt;</c>; outputs
/// <c>logits</c> and the updated caches) with the caches kept in place between calls.
/// </summary>
/// <remarks>
/// The backend owns the KV cache. Positions are absolute: a call writes the cache rows
/// <c>[startPosition, startPosition + tokens.Length)</c> and attends to every row before them.
/// Writing a row at or past <see cref="MaxContext"/> is the caller's error: the engine decides what happens
/// when the context fills (stop with an error, or re-prefill a sliding window), never the backend.
/// </remarks>
public interface ILlmBackend : IDisposable
{
    /// <summary>Number of logits per position.</summary>
    int VocabSize { get; }

    /// <summary>KV-cache rows available: the largest position + 1 the model can attend to.</summary>
    int MaxContext { get; }

    /// <summary>The prefill chunk lengths the model was built with (ascending); a prompt is fed in such chunks.</summary>
    IReadOnlyList<int> PrefillLengths { get; }

    /// <summary>
    /// Runs <paramref name="tokens"/> (at most the largest prefill length) at positions starting at
    /// <paramref name="startPosition"/> and writes the logits of the last token to <paramref name="lastLogits"/>.
    /// </summary>
    void Prefill(ReadOnlySpan<int> tokens, int startPosition, Span<float> lastLogits);

    /// <summary>Runs one token at <paramref name="position"/> and writes its logits.</summary>
    void Decode(int token, int position, Span<float> logits);

    /// <summary>Forgets the cache contents (a new conversation).</summary>
    void Reset();
}
