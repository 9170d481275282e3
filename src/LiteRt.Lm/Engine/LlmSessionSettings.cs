using LiteRt.Lm.Bundle;
using LiteRt.Lm.Generation;
using LiteRt.Lm.Tokenization;

namespace LiteRt.Lm.Engine;

/// <summary>What a session takes from the model's metadata: start and stop tokens, default sampling, suppressed tokens.</summary>
public sealed record LlmSessionSettings
{
    /// <summary>Put before every prompt (e.g. BOS); skipped for a chat prompt whose template already starts with them.</summary>
    public IReadOnlyList<int> StartTokenIds { get; init; } = [];

    /// <summary>Generation ends when the generated ids end with one of these.</summary>
    public IReadOnlyList<IReadOnlyList<int>> StopTokenSequences { get; init; } = [];

    public SamplingOptions DefaultSampling { get; init; } = SamplingOptions.Greedy;

    /// <summary>Token ids never sampled.</summary>
    public IReadOnlyList<int> SuppressTokens { get; init; } = [];

    /// <summary>Prefix/suffix chat formatting, used when the tokenizer has no Jinja chat template (older LiteRT-LM bundles).</summary>
    public PromptTemplates? PromptTemplates { get; init; }

    /// <summary>
    /// Reads <see cref="LlmMetadata"/>: token strings are tokenized (special tokens recognised, none added). Without
    /// sampler parameters the default is greedy, as transformers does without do_sample.
    /// </summary>
    public static LlmSessionSettings FromMetadata(LlmMetadata? metadata, Tokenizer tokenizer)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        if (metadata is null) return new LlmSessionSettings();
        int[] Ids(LlmToken t) => t.Ids is { } ids ? [.. ids] : tokenizer.Encode(t.Text ?? "", addSpecialTokens: false);
        return new LlmSessionSettings
        {
            StartTokenIds = metadata.StartToken is { } s ? Ids(s) : [],
            StopTokenSequences = metadata.StopTokens.Select(Ids).Where(ids => ids.Length > 0).Select(ids => (IReadOnlyList<int>)ids).ToArray(),
            DefaultSampling = Sampling(metadata.SamplerParams),
            SuppressTokens = metadata.SuppressTokens,
            PromptTemplates = metadata.PromptTemplates,
        };
    }

    /// <summary>
    /// A bundle's settings: its <see cref="LlmMetadata"/>, plus what the metadata section's items add (the checkpoint's
    /// repetition_penalty, which the proto has no field for; transformers applies it in greedy decoding too).
    /// </summary>
    public static LlmSessionSettings FromBundle(LlmBundle bundle, Tokenizer tokenizer)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        var items = bundle.FindSection(SectionDataType.LlmMetadataProto)?.Items ?? [];
        return WithItems(FromMetadata(bundle.Metadata, tokenizer), items);
    }

    /// <summary>The settings a bundle made from this checkpoint folder would carry (see <see cref="CheckpointMetadata"/>).</summary>
    public static LlmSessionSettings FromCheckpoint(string directory, Tokenizer tokenizer)
    {
        var checkpoint = CheckpointMetadata.FromDirectory(directory, 0);
        return WithItems(FromMetadata(checkpoint.Metadata, tokenizer), checkpoint.MetadataItems);
    }

    private static LlmSessionSettings WithItems(LlmSessionSettings settings, IReadOnlyList<BundleItem> items)
    {
        var penalty = items.FirstOrDefault(i => i.Key == CheckpointMetadata.RepetitionPenaltyKey)?.Value;
        return penalty is null ? settings
            : settings with { DefaultSampling = settings.DefaultSampling with { RepetitionPenalty = Convert.ToSingle(penalty, System.Globalization.CultureInfo.InvariantCulture) } };
    }

    private static SamplingOptions Sampling(SamplerParameters? p) => p is null || p.Type == SamplerType.Greedy ? SamplingOptions.Greedy : new SamplingOptions
    {
        DoSample = true,
        Temperature = p.Temperature > 0 ? p.Temperature : null,
        TopK = p.K > 0 ? p.K : null,
        TopP = p.P is > 0 and < 1 ? p.P : null,
        Seed = p.Seed is { } seed ? (ulong)(uint)seed : null,
    };
}
