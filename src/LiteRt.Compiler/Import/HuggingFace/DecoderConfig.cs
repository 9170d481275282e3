using System.Text.Json;

namespace LiteRt.Compiler.Import.HuggingFace;

/// <summary>
/// The decoder-only architecture described by a Hugging Face <c>config.json</c>: Llama (GQA, tied or untied
/// embeddings) and Qwen2/Qwen2.5 (q/k/v bias). Anything this builder would silently get wrong — rope scaling, another
/// activation, sliding windows in use, biases on other projections — is refused by name (LRT1102).
/// </summary>
public sealed record DecoderConfig
{
    public required string ModelType { get; init; }
    public required int HiddenSize { get; init; }
    public required int IntermediateSize { get; init; }
    public required int Layers { get; init; }
    public required int Heads { get; init; }
    public required int KvHeads { get; init; }
    public required int HeadDim { get; init; }
    public required int VocabSize { get; init; }
    public required double RmsNormEps { get; init; }
    public required double RopeTheta { get; init; }
    public required bool TieWordEmbeddings { get; init; }
    /// <summary>q/k/v projections carry a bias (Qwen2; Llama with attention_bias).</summary>
    public required bool QkvBias { get; init; }
    public int MaxPositionEmbeddings { get; init; }

    public static DecoderConfig Load(string path)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(File.ReadAllBytes(path));
        }
        catch (JsonException e)
        {
            throw new LiteRtCompileException(ErrorCodes.BadCheckpoint, $"config.json is not valid JSON: {e.Message}", file: path);
        }
        using (doc) return Parse(doc.RootElement, path);
    }

    public static DecoderConfig Parse(JsonElement root, string? file = null)
    {
        LiteRtCompileException Unsupported(string field, string why) =>
            new(ErrorCodes.UnsupportedModelConfig, $"field '{field}': {why}", file: file);
        if (root.ValueKind != JsonValueKind.Object) throw new LiteRtCompileException(ErrorCodes.BadCheckpoint, "config.json is not a JSON object", file: file);

        string modelType = Str(root, "model_type") ?? throw Unsupported("model_type", "missing");
        bool qwen = modelType is "qwen2";
        if (modelType is not ("llama" or "qwen2"))
            throw Unsupported("model_type", $"'{modelType}' is not supported (supported: llama, qwen2)");

        int Int(string name, int? fallback = null)
        {
            if (root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out int i))
            {
                if (i <= 0) throw Unsupported(name, $"must be positive, got {i}");
                return i;
            }
            if (root.TryGetProperty(name, out v) && v.ValueKind is not JsonValueKind.Null)
                throw Unsupported(name, $"expected an integer, got {v.GetRawText()}");
            return fallback ?? throw Unsupported(name, "missing");
        }
        double Num(string name, double fallback) =>
            root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble()
            : root.TryGetProperty(name, out v) && v.ValueKind is not JsonValueKind.Null ? throw Unsupported(name, $"expected a number, got {v.GetRawText()}")
            : fallback;
        bool Flag(string name, bool fallback) =>
            root.TryGetProperty(name, out var v) ? v.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                JsonValueKind.Null => fallback,
                _ => throw Unsupported(name, $"expected true/false, got {v.GetRawText()}"),
            } : fallback;

        int hidden = Int("hidden_size");
        int heads = Int("num_attention_heads");
        int kvHeads = Int("num_key_value_heads", heads);
        int headDim = Int("head_dim", hidden / heads);
        if (heads % kvHeads != 0) throw Unsupported("num_key_value_heads", $"{kvHeads} does not divide num_attention_heads {heads}");
        if (headDim % 2 != 0) throw Unsupported("head_dim", $"{headDim} is odd; rotary embeddings need an even head size");

        // Refuse what would change the math without us noticing.
        if (root.TryGetProperty("rope_scaling", out var rs) && rs.ValueKind != JsonValueKind.Null)
            throw Unsupported("rope_scaling", $"{rs.GetRawText()} is not supported (only plain RoPE)");
        string act = Str(root, "hidden_act") ?? Str(root, "hidden_activation") ?? "silu";
        if (act != "silu") throw Unsupported("hidden_act", $"'{act}' is not supported (only silu)");
        if (Flag("mlp_bias", false)) throw Unsupported("mlp_bias", "true is not supported");
        if (Flag("use_sliding_window", false)) throw Unsupported("use_sliding_window", "true is not supported");
        if (Int("pretraining_tp", 1) != 1) throw Unsupported("pretraining_tp", "only 1 is supported");
        if ((root.TryGetProperty("partial_rotary_factor", out var prf) && prf.ValueKind == JsonValueKind.Number && prf.GetDouble() != 1.0))
            throw Unsupported("partial_rotary_factor", "only full rotary embeddings are supported");
        double eps = Num("rms_norm_eps", 1e-6);
        if (!(eps > 0)) throw Unsupported("rms_norm_eps", $"must be positive, got {eps}");
        double theta = Num("rope_theta", 10000.0);
        if (!(theta > 1)) throw Unsupported("rope_theta", $"must be > 1, got {theta}");

        return new DecoderConfig
        {
            ModelType = modelType,
            HiddenSize = hidden,
            IntermediateSize = Int("intermediate_size"),
            Layers = Int("num_hidden_layers"),
            Heads = heads,
            KvHeads = kvHeads,
            HeadDim = headDim,
            VocabSize = Int("vocab_size"),
            RmsNormEps = eps,
            RopeTheta = theta,
            // transformers' default for both families: untied (a separate lm_head.weight).
            TieWordEmbeddings = Flag("tie_word_embeddings", false),
            QkvBias = qwen || Flag("attention_bias", false),
            MaxPositionEmbeddings = Int("max_position_embeddings", 4096),
        };
    }

    private static string? Str(JsonElement root, string name) =>
        root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
