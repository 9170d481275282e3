using System.Text.Json.Nodes;
using LiteRt.Lm.Tokenization;

namespace LiteRt.Lm.Tests;

/// <summary>Behaviour without the shared files: small hand-written tokenizer.json files, errors, regex translation.</summary>
public sealed class TokenizerTests
{
    /// <summary>A byte-fallback BPE over "a", "b", "ab", "▁", with the Llama normalizer and decoder.</summary>
    private static JsonObject TinyLlama() => JsonNode.Parse("""
        {
          "version": "1.0", "truncation": null, "padding": null,
          "added_tokens": [
            {"id": 0, "content": "<unk>", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true},
            {"id": 1, "content": "<s>", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true},
            {"id": 2, "content": "</s>", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true},
            {"id": 265, "content": "[TOOL]", "single_word": false, "lstrip": true, "rstrip": true, "normalized": false, "special": false}
          ],
          "normalizer": {"type": "Sequence", "normalizers": [{"type": "Prepend", "prepend": "▁"}, {"type": "Replace", "pattern": {"String": " "}, "content": "▁"}]},
          "pre_tokenizer": null,
          "model": {"type": "BPE", "dropout": null, "unk_token": "<unk>", "continuing_subword_prefix": null, "end_of_word_suffix": null,
                    "fuse_unk": true, "byte_fallback": true, "ignore_merges": false, "vocab": {}, "merges": ["a b", "▁ ab"]},
          "post_processor": {"type": "TemplateProcessing", "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
                             "pair": [], "special_tokens": {"<s>": {"id": "<s>", "ids": [1], "tokens": ["<s>"]}}},
          "decoder": {"type": "Sequence", "decoders": [{"type": "Replace", "pattern": {"String": "▁"}, "content": " "}, {"type": "ByteFallback"}, {"type": "Fuse"}, {"type": "Strip", "content": " ", "start": 1, "stop": 0}]}
        }
        """)!.AsObject();

    private static Tokenizer Build(JsonObject json)
    {
        if (json["model"]!["vocab"]!.AsObject().Count == 0)
        {
            var vocab = new JsonObject { ["<unk>"] = 0, ["<s>"] = 1, ["</s>"] = 2 };
            for (int b = 0; b < 256; b++) vocab[$"<0x{b:X2}>"] = 3 + b;
            vocab["a"] = 259; vocab["b"] = 260; vocab["ab"] = 261; vocab["▁"] = 262; vocab["▁ab"] = 263; vocab["é"] = 264;
            json["model"]!["vocab"] = vocab;
        }
        return Tokenizer.FromJson(json.ToJsonString());
    }

    [Fact]
    public void ByteFallbackMergesAddedTokensAndDecode()
    {
        var tok = Build(TinyLlama());
        Assert.Equal([1, 263, 262, 259, 3 + 0x7A], tok.Encode("ab az"));        // "z" is not in the vocabulary: its byte
        Assert.Equal([263, 264, 3 + 0xE2, 3 + 0x82, 3 + 0xAC], tok.Encode("abé€", addSpecialTokens: false));
        Assert.Equal("ab az", tok.Decode(tok.Encode("ab az"), skipSpecialTokens: true));
        Assert.Equal("<s> ab az", tok.Decode(tok.Encode("ab az")));
        // lstrip/rstrip added token swallows the spaces around it; it is not special, so parsing stays on.
        Assert.Equal([263, 265, 262, 260], tok.Encode("ab  [TOOL]  b", addSpecialTokens: false, parseSpecialTokens: false));
        Assert.Equal([263, 262, 3 + '<', 3 + 's', 3 + '>'], tok.Encode("ab <s>", addSpecialTokens: false, parseSpecialTokens: false));
        Assert.Equal([263, 1], tok.Encode("ab<s>", addSpecialTokens: false));
        // Invalid UTF-8 from byte pieces decodes to one U+FFFD per byte; unknown ids are skipped.
        Assert.Equal("\uFFFD\uFFFDa", tok.Decode([3 + 0xE2, 3 + 0x82, 259, 9999]));
        Assert.Equal(265, tok.TokenToId("[TOOL]"));
        Assert.Equal("[TOOL]", tok.IdToToken(265));
        Assert.False(tok.IsSpecialToken(265));
        Assert.Equal(266, tok.VocabSize);
    }

    [Fact]
    public void LoneSurrogatesEncodeAsReplacementCharacter()
    {
        var tok = Build(TinyLlama());
        Assert.Equal(tok.Encode("a\uFFFDb"), tok.Encode("a\uD800b"));
        Assert.Equal(tok.Encode("\uFFFD"), tok.Encode("\uDC00"));
    }

    [Fact]
    public void StreamingHoldsBackUnfinishedCharacters()
    {
        var tok = Build(TinyLlama());
        var s = tok.CreateStreamDecoder();
        Assert.Equal("ab", s.Push(263));
        Assert.Equal("", s.Push(3 + 0xE2));
        Assert.Equal("", s.Push(3 + 0x82));
        Assert.Equal("€", s.Push(3 + 0xAC));
        Assert.Equal(" ", s.Push(262));
        Assert.Equal("", s.Push(3 + 0xF0));
        Assert.Equal("\uFFFD", s.Flush());
    }

    [Fact]
    public void CleanUpTokenizationSpacesIsTransformersList()
    {
        Assert.Equal("Hello, world. It's I'm we've they're don't? yes! a'b", Tokenizer.CleanUp("Hello , world . It 's I 'm we 've they 're do n't ? yes ! a ' b"));
    }

    [Fact]
    public void TransformersLlamaConfigRebuildsTheTemplate()
    {
        var config = """{"tokenizer_class": "LlamaTokenizerFast", "bos_token": "<s>", "eos_token": {"content": "</s>", "special": true}, "add_bos_token": false, "add_eos_token": true, "chat_template": [{"name": "default", "template": "{{ bos_token }}x"}, {"name": "rag", "template": "r"}]}""";
        var tok = Tokenizer.FromJson(WithVocab(), config);
        Assert.Equal([263, 2], tok.Encode("ab"));
        Assert.Equal("</s>", tok.EosToken);
        Assert.Equal("<s>x", tok.ApplyChatTemplate([], addGenerationPrompt: false));
        Assert.Equal("r", tok.ApplyChatTemplate([], false, templateName: "rag"));
        Assert.Throws<InvalidOperationException>(() => tok.ApplyChatTemplate([], false, templateName: "tool_use"));
        // Without a config, tokenizer.json's own post-processor applies.
        Assert.Equal([1, 263], Tokenizer.FromJson(WithVocab()).Encode("ab"));
    }

    private static string WithVocab()
    {
        var json = TinyLlama();
        Build(json);
        return json.ToJsonString();
    }

    public static TheoryData<string, string, string> UnsupportedFiles() => new()
    {
        { "model", """{"type": "Unigram", "unk_id": 0, "vocab": []}""", "model type 'Unigram' is not supported" },
        { "model", """{"type": "WordPiece", "unk_token": "[UNK]", "vocab": {}}""", "model type 'WordPiece' is not supported" },
        { "model.dropout", "0.1", "dropout 0.1 is not supported" },
        { "normalizer", """{"type": "Lowercase"}""", "normalizer type 'Lowercase' is not supported" },
        { "normalizer", """{"type": "Sequence", "normalizers": [{"type": "NFC"}, {"type": "BertNormalizer"}]}""", "normalizer type 'BertNormalizer' is not supported (normalizer.normalizers[1])" },
        { "pre_tokenizer", """{"type": "Whitespace"}""", "pre_tokenizer type 'Whitespace' is not supported" },
        { "pre_tokenizer", """{"type": "Metaspace", "replacement": "▁", "prepend_scheme": "sometimes"}""", "pre_tokenizer type 'Metaspace' with prepend_scheme 'sometimes' is not supported" },
        { "pre_tokenizer", """{"type": "Split", "pattern": {"Regex": "\\d+"}, "behavior": "Isolated", "invert": false}""", "regex construct '\\d'" },
        { "pre_tokenizer", """{"type": "Split", "pattern": {"Regex": "x"}, "behavior": "Shuffled", "invert": false}""", "Split behavior 'Shuffled' is not supported" },
        { "decoder", """{"type": "WordPiece", "prefix": "##"}""", "decoder type 'WordPiece' is not supported" },
        { "post_processor", """{"type": "RobertaProcessing"}""", "post_processor type 'RobertaProcessing' is not supported" },
        { "model.extra_option", "1", "model: key \"extra_option\" is not supported" },
        { "added_vocabulary", "1", "tokenizer.json: key \"added_vocabulary\" is not supported" },
    };

    [Theory]
    [MemberData(nameof(UnsupportedFiles))]
    public void UnsupportedConstructsAreNamed(string key, string value, string message)
    {
        var json = TinyLlama();
        Build(json);
        if (key.StartsWith("model.", StringComparison.Ordinal)) json["model"]![key[6..]] = JsonNode.Parse(value);
        else json[key] = JsonNode.Parse(value);
        var e = Assert.ThrowsAny<Exception>(() => Tokenizer.FromJson(json.ToJsonString()));
        Assert.True(e is NotSupportedException, e.ToString());
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(@"\d+", @"'\d'")]
    [InlineData(@"\w+", @"'\w'")]
    [InlineData(@"\bx", @"'\b'")]
    [InlineData(@"^x", "'^'")]
    [InlineData(@"x$", "'$'")]
    [InlineData(@"(a)\1", @"'\1'")]
    [InlineData(@"\p{Han}+", @"'\p{Han}'")]
    [InlineData(@"[a-z&&[^aeiou]]", "'&&'")]
    [InlineData(@"(?m:x)", "'(?m:'")]
    [InlineData(@"(?i:[a-z])", "'character class inside (?i)'")]
    [InlineData(@"x{2,3}+", "'{n,m}+'")]
    [InlineData(@"\x{1F600}", "'supplementary literal'")]
    public void RegexConstructsOutsideTheTranslatedSetAreRejected(string pattern, string construct)
    {
        var e = Assert.Throws<NotSupportedException>(() => new OnigRegex(pattern, "test"));
        Assert.Contains(construct, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(@"\p{L}+", "a😀bc𝐀𝐁 d", "a|bc𝐀𝐁|d")]                 // supplementary letters are letters
    [InlineData(@"[^\s\p{L}]+", "😀👍🏽 x", "😀👍🏽")]
    [InlineData(@".", "a😀", "a|😀")]                                   // one code point, not two halves
    [InlineData(@"x*+x", "xx", "")]                                     // possessive: no backtracking
    [InlineData(@"(?i:st)", "ST ſt sT", "ST|ſt|sT")]                    // simple case folding: ſ is an s
    [InlineData(@"\s+(?!\S)|\s+", "a   b  ", "  | |  ")]
    [InlineData(@"{x}|a{", "a{ {x}", "a{|{x}")]                            // '{' that is not an interval is a literal
    public void TranslatedRegexMatchesOnCodePoints(string pattern, string input, string expected)
    {
        var matches = new List<(int Start, int Length)>();
        new OnigRegex(pattern, "test").FindMatches(input, matches);
        Assert.Equal(expected, string.Join("|", matches.Select(m => input.Substring(m.Start, m.Length))));
    }
}
