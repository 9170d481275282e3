using System.Text.Json.Nodes;
using LiteRt.Lm.Tokenization;

namespace LiteRt.Lm.Tests.Engine;

/// <summary>
/// A hand-written tokenizer for engine tests: one token per printable ASCII character (id 259 + c - 32), byte-fallback
/// tokens <c>&lt;0xNN&gt;</c> (3 + byte) for everything else — so "é" is two tokens — and &lt;unk&gt;, &lt;s&gt;, &lt;/s&gt;.
/// The post-processor puts &lt;s&gt; first; the chat template wraps each message in &lt;|role|&gt; … &lt;/s&gt;.
/// </summary>
internal static class TinyTokenizer
{
    public const int Vocab = 354, Bos = 1, Eos = 2;
    public const string ChatTemplate = "{% for m in messages %}<|{{ m.role }}|>{{ m.content }}</s>{% endfor %}{% if add_generation_prompt %}<|assistant|>{% endif %}";

    public static int Id(char c) => c is >= ' ' and <= '~' ? 259 + c - ' ' : throw new ArgumentOutOfRangeException(nameof(c));
    public static int Byte(int b) => 3 + b;

    public static string Json()
    {
        var vocab = new JsonObject { ["<unk>"] = 0, ["<s>"] = 1, ["</s>"] = 2 };
        for (int b = 0; b < 256; b++) vocab[$"<0x{b:X2}>"] = Byte(b);
        for (char c = ' '; c <= '~'; c++) vocab[c.ToString()] = Id(c);
        var json = JsonNode.Parse("""
            {
              "version": "1.0", "truncation": null, "padding": null,
              "added_tokens": [
                {"id": 0, "content": "<unk>", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true},
                {"id": 1, "content": "<s>", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true},
                {"id": 2, "content": "</s>", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true}
              ],
              "normalizer": null, "pre_tokenizer": null,
              "model": {"type": "BPE", "dropout": null, "unk_token": "<unk>", "continuing_subword_prefix": null, "end_of_word_suffix": null,
                        "fuse_unk": true, "byte_fallback": true, "ignore_merges": false, "vocab": {}, "merges": []},
              "post_processor": {"type": "TemplateProcessing", "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
                                 "pair": [], "special_tokens": {"<s>": {"id": "<s>", "ids": [1], "tokens": ["<s>"]}}},
              "decoder": {"type": "Sequence", "decoders": [{"type": "ByteFallback"}, {"type": "Fuse"}]}
            }
            """)!;
        json["model"]!["vocab"] = vocab;
        return json.ToJsonString();
    }

    public static string ConfigJson() => new JsonObject
    {
        ["bos_token"] = "<s>", ["eos_token"] = "</s>", ["unk_token"] = "<unk>", ["clean_up_tokenization_spaces"] = false, ["chat_template"] = ChatTemplate,
    }.ToJsonString();

    public static Tokenizer Create() => Tokenizer.FromJson(Json(), ConfigJson());

    /// <summary>Writes a checkpoint folder (tokenizer.json, tokenizer_config.json, optionally generation_config.json).</summary>
    public static void WriteCheckpoint(string directory, string? generationConfig)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "tokenizer.json"), Json());
        File.WriteAllText(Path.Combine(directory, "tokenizer_config.json"), ConfigJson());
        if (generationConfig is not null) File.WriteAllText(Path.Combine(directory, "generation_config.json"), generationConfig);
    }
}
