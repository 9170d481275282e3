using System.Text;
using LiteRt.Lm.Generation;
using LiteRt.Lm.Tokenization;

namespace LiteRt.Lm.Bundle;

/// <summary>
/// What a Hugging Face checkpoint folder says about generation, as <see cref="LlmMetadata"/>: only what its files
/// state (generation_config.json, tokenizer_config.json, tokenizer.json). A setting a file lacks stays absent, and
/// settings LlmMetadata has no field for are listed in <see cref="Notes"/> instead of being dropped silently.
/// </summary>
public sealed record CheckpointMetadata(LlmMetadata Metadata, byte[] TokenizerJson, IReadOnlyList<BundleItem> TokenizerItems, IReadOnlyList<string> Notes)
{
    /// <summary>
    /// The LlmMetadata section's items: settings the LlmMetadata proto has no field for, kept beside it under their
    /// generation_config.json names (LiteRT-LM ignores items it does not know). Today: <c>repetition_penalty</c>.
    /// </summary>
    public IReadOnlyList<BundleItem> MetadataItems { get; init; } = [];

    /// <summary>The item key for generation_config.json's repetition_penalty (float).</summary>
    public const string RepetitionPenaltyKey = "repetition_penalty";

    /// <param name="directory">The checkpoint folder (tokenizer.json required; the others optional).</param>
    /// <param name="maxNumTokens">The model's KV-cache length (0: not stated).</param>
    public static CheckpointMetadata FromDirectory(string directory, int maxNumTokens)
    {
        string tokenizerPath = Path.Combine(directory, "tokenizer.json");
        if (!File.Exists(tokenizerPath)) throw new FileNotFoundException($"{directory}: no tokenizer.json (a .litertlm bundle needs the Hugging Face tokenizer)", tokenizerPath);
        string configPath = Path.Combine(directory, "tokenizer_config.json");
        string? configJson = File.Exists(configPath) ? File.ReadAllText(configPath) : null;
        byte[] tokenizerJson = File.ReadAllBytes(tokenizerPath);
        // Loading checks the tokenizer is one the engine can run, and resolves special tokens to ids.
        var tokenizer = Tokenizer.FromJson(Encoding.UTF8.GetString(tokenizerJson), configJson);
        string genPath = Path.Combine(directory, "generation_config.json");
        var gen = File.Exists(genPath) ? GenerationConfig.Load(genPath) : null;
        var notes = new List<string>();
        if (gen is null) notes.Add("no generation_config.json: stop tokens come from tokenizer_config.json's eos_token, no sampler defaults");

        // The start token is what the tokenizer itself puts in front of a sequence (its post-processor / add_bos_token).
        LlmToken? start = tokenizer.PrefixTokenIds.Count > 0 ? LlmToken.FromIds([.. tokenizer.PrefixTokenIds]) : null;

        var stopIds = new List<int>();
        if (gen?.EosTokenIds is { } eos) stopIds.AddRange(eos);
        else if (tokenizer.EosTokenId is { } tokEos) stopIds.Add(tokEos);
        else notes.Add("no eos_token_id (generation_config.json) nor eos_token (tokenizer_config.json): no stop tokens");

        SamplerParameters? sampler = gen?.DoSample switch
        {
            true => new SamplerParameters
            {
                Type = gen.TopK == 1 ? SamplerType.Greedy : gen.TopP is not null ? SamplerType.TopP : gen.TopK is not null ? SamplerType.TopK : SamplerType.Unspecified,
                K = gen.TopK ?? 0,
                P = (float)(gen.TopP ?? 0),
                Temperature = (float)(gen.Temperature ?? 0),
            },
            false => new SamplerParameters { Type = SamplerType.Greedy },
            null => null,
        };
        var metadataItems = new List<BundleItem>();
        if (gen?.RepetitionPenalty is { } rp && rp != 1) metadataItems.Add(new BundleItem(RepetitionPenaltyKey, (float)rp));
        foreach (string key in gen?.UnsupportedKeys ?? []) notes.Add($"generation_config.json: {key} not carried (LlmMetadata has no field for it)");
        foreach (string name in tokenizer.ChatTemplates.Keys.Where(k => k != "default"))
            notes.Add($"tokenizer_config.json: chat template '{name}' not carried (LlmMetadata holds one template)");

        int? pad = tokenizer.PadTokenId ?? gen?.PadTokenId;
        var metadata = new LlmMetadata
        {
            StartToken = start,
            StopTokens = stopIds.Distinct().Select(id => LlmToken.FromIds(id)).ToArray(),
            SamplerParams = sampler,
            MaxNumTokens = maxNumTokens,
            JinjaPromptTemplate = tokenizer.ChatTemplateSource,
            PadToken = pad is { } p ? LlmToken.FromIds(p) : null,
        };
        return new CheckpointMetadata(metadata, tokenizerJson, TokenizerCodec.ItemsFromConfig(configJson), notes) { MetadataItems = metadataItems };
    }
}
