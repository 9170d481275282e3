namespace LiteRt.Lm.Bundle;

/// <summary>LiteRT-LM's <c>TokenUnion</c>: token ids (one token, or a multi-token sequence) or a string to tokenize.</summary>
public sealed record LlmToken
{
    public IReadOnlyList<int>? Ids { get; init; }
    public string? Text { get; init; }

    public static LlmToken FromIds(params int[] ids) => new() { Ids = ids };
    public static LlmToken FromText(string text) => new() { Text = text };

    public override string ToString() => Ids is not null ? $"[{string.Join(",", Ids)}]" : $"\"{Text}\"";
}

/// <summary>LiteRT-LM's <c>SamplerParameters.Type</c>.</summary>
public enum SamplerType { Unspecified = 0, TopK = 1, TopP = 2, Greedy = 3 }

/// <summary>LiteRT-LM's <c>SamplerParameters</c> (proto3: 0 means "not set" for k, p and temperature).</summary>
public sealed record SamplerParameters
{
    public SamplerType Type { get; init; }
    public int K { get; init; }
    public float P { get; init; }
    public float Temperature { get; init; }
    public int? Seed { get; init; }
    /// <summary>0 unspecified, 1 CPU, 2 GPU.</summary>
    public int Backend { get; init; }
    public bool ComputeExactLogProbs { get; init; }
}

/// <summary>Text around a role's content (LiteRT-LM's non-Jinja <c>PromptAffixes</c>).</summary>
public sealed record PromptAffixes(string Prefix, string Suffix);

public sealed record PromptTemplates
{
    public PromptAffixes? User { get; init; }
    public PromptAffixes? Model { get; init; }
    public PromptAffixes? System { get; init; }
}

/// <summary>
/// LiteRT-LM's <c>LlmMetadata</c> protobuf (<c>runtime/proto/llm_metadata.proto</c>): what a runtime needs besides
/// the graph and the tokenizer. Fields this library does not interpret (model type, channels, thinking flags, …)
/// are kept verbatim in <see cref="OtherFields"/> and written back unchanged.
/// </summary>
public sealed record LlmMetadata
{
    /// <summary>Field 1: prepended to every input sequence (e.g. BOS). Null: nothing is prepended.</summary>
    public LlmToken? StartToken { get; init; }

    /// <summary>Field 2: generation stops when one of these appears (single ids, id sequences, or strings).</summary>
    public IReadOnlyList<LlmToken> StopTokens { get; init; } = [];

    /// <summary>Field 3: prefix/suffix templates per role (used when there is no Jinja template).</summary>
    public PromptTemplates? PromptTemplates { get; init; }

    /// <summary>Field 4: default sampling. Null: not stated (this engine then decodes greedily, like transformers).</summary>
    public SamplerParameters? SamplerParams { get; init; }

    /// <summary>Field 5: input + output tokens the model can hold (its KV-cache length); 0: not stated.</summary>
    public int MaxNumTokens { get; init; }

    /// <summary>Field 7: the chat template (Jinja), e.g. tokenizer_config.json's <c>chat_template</c>.</summary>
    public string? JinjaPromptTemplate { get; init; }

    /// <summary>Field 9: token ids never to sample.</summary>
    public IReadOnlyList<int> SuppressTokens { get; init; } = [];

    /// <summary>Field 13.</summary>
    public LlmToken? PadToken { get; init; }

    /// <summary>Field 14.</summary>
    public string? MinRuntimeVersion { get; init; }

    /// <summary>Every other field, encoded as read (tag and payload), in file order.</summary>
    public IReadOnlyList<ReadOnlyMemory<byte>> OtherFields { get; init; } = [];

    /// <summary>The <c>llm_model_type</c> oneof member (field 6), e.g. <c>generic_model</c> or <c>qwen2p5</c>; null when absent.</summary>
    public string? ModelTypeName => LlmMetadataCodec.ModelTypeName(this);

    public byte[] ToBytes() => LlmMetadataCodec.Encode(this);

    /// <summary>Decodes the protobuf; malformed bytes throw <see cref="InvalidDataException"/> naming the field and offset.</summary>
    public static LlmMetadata FromBytes(ReadOnlyMemory<byte> bytes) => LlmMetadataCodec.Decode(bytes);
}
