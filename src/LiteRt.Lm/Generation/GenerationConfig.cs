using System.Text.Json;

namespace LiteRt.Lm.Generation;

/// <summary>
/// The generation settings of a checkpoint's <c>generation_config.json</c>, exactly as the file states them: a
/// setting the file does not have is null here (no transformers default is filled in — e.g. transformers would
/// sample with top_k 50 when do_sample is true and top_k is absent; this record says "absent").
/// </summary>
public sealed record GenerationConfig
{
    public bool? DoSample { get; init; }
    public double? Temperature { get; init; }
    public int? TopK { get; init; }
    public double? TopP { get; init; }
    public double? RepetitionPenalty { get; init; }

    /// <summary><c>eos_token_id</c>: one id or a list of ids in the file; always a list here.</summary>
    public IReadOnlyList<int>? EosTokenIds { get; init; }
    public int? BosTokenId { get; init; }
    public int? PadTokenId { get; init; }
    public int? MaxNewTokens { get; init; }
    public int? MaxLength { get; init; }

    /// <summary>Keys of the file that change what is generated but are not represented here (e.g. min_p,
    /// num_beams, no_repeat_ngram_size): a caller can refuse them instead of silently ignoring them.</summary>
    public IReadOnlyList<string> UnsupportedKeys { get; init; } = [];

    /// <summary>Keys that describe the file or the output format only (ignored without effect on tokens).</summary>
    private static readonly HashSet<string> Metadata = new(StringComparer.Ordinal)
    {
        "transformers_version", "_from_model_config", "use_cache", "output_attentions", "output_hidden_states", "output_scores",
        "output_logits", "return_dict_in_generate", "num_return_sequences", "decoder_start_token_id", "cache_implementation",
        "return_legacy_cache", "trust_remote_code", "_commit_hash", "assistant_confidence_threshold", "is_assistant",
    };

    public static GenerationConfig Load(string path) => FromJson(File.ReadAllText(path), Path.GetFileName(path));

    public static GenerationConfig FromJson(string json, string fileName = "generation_config.json")
    {
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object) throw new InvalidDataException($"{fileName}: expected a JSON object");
        var unsupported = new List<string>();
        var config = new GenerationConfig();
        foreach (var p in root.EnumerateObject())
        {
            var v = p.Value;
            string where = $"{fileName}: {p.Name}";
            switch (p.Name)
            {
                case "do_sample": config = config with { DoSample = Bool(v, where) }; break;
                case "temperature": config = config with { Temperature = Number(v, where) }; break;
                case "top_k": config = config with { TopK = Int(v, where) }; break;
                case "top_p": config = config with { TopP = Number(v, where) }; break;
                case "repetition_penalty": config = config with { RepetitionPenalty = Number(v, where) }; break;
                case "eos_token_id": config = config with { EosTokenIds = IntOrList(v, where) }; break;
                case "bos_token_id": config = config with { BosTokenId = Int(v, where) }; break;
                case "pad_token_id": config = config with { PadTokenId = Int(v, where) }; break;
                case "max_new_tokens": config = config with { MaxNewTokens = Int(v, where) }; break;
                case "max_length": config = config with { MaxLength = Int(v, where) }; break;
                default:
                    if (!Metadata.Contains(p.Name) && !IsNeutral(p.Name, v)) unsupported.Add(p.Name);
                    break;
            }
        }
        return config with { UnsupportedKeys = unsupported };
    }

    /// <summary>Values that leave generation as it is (transformers' own defaults for these keys).</summary>
    private static bool IsNeutral(string key, JsonElement v) => v.ValueKind == JsonValueKind.Null || key switch
    {
        "num_beams" or "num_beam_groups" or "length_penalty" => v.ValueKind == JsonValueKind.Number && v.GetDouble() == 1,
        "min_length" or "min_new_tokens" or "no_repeat_ngram_size" or "encoder_no_repeat_ngram_size" or "diversity_penalty"
            or "epsilon_cutoff" or "eta_cutoff" or "min_p" => v.ValueKind == JsonValueKind.Number && v.GetDouble() == 0,
        "typical_p" or "encoder_repetition_penalty" => v.ValueKind == JsonValueKind.Number && v.GetDouble() == 1,
        "early_stopping" or "renormalize_logits" or "remove_invalid_values" => v.ValueKind == JsonValueKind.False,
        "stop_strings" or "suppress_tokens" or "begin_suppress_tokens" or "bad_words_ids" or "force_words_ids" => v.ValueKind == JsonValueKind.Array && v.GetArrayLength() == 0,
        _ => false,
    };

    private static bool? Bool(JsonElement v, string where) => v.ValueKind switch
    {
        JsonValueKind.Null => null,
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => throw new InvalidDataException($"{where}: expected true or false"),
    };

    private static double? Number(JsonElement v, string where) => v.ValueKind switch
    {
        JsonValueKind.Null => null,
        JsonValueKind.Number => v.GetDouble(),
        _ => throw new InvalidDataException($"{where}: expected a number"),
    };

    private static int? Int(JsonElement v, string where) => v.ValueKind switch
    {
        JsonValueKind.Null => null,
        JsonValueKind.Number when v.TryGetInt32(out int i) => i,
        _ => throw new InvalidDataException($"{where}: expected an integer"),
    };

    private static IReadOnlyList<int>? IntOrList(JsonElement v, string where) => v.ValueKind switch
    {
        JsonValueKind.Null => null,
        JsonValueKind.Number => [Int(v, where)!.Value],
        JsonValueKind.Array => v.EnumerateArray().Select(x => Int(x, where) ?? throw new InvalidDataException($"{where}: null in the list")).ToArray(),
        _ => throw new InvalidDataException($"{where}: expected an integer or a list of integers"),
    };
}
