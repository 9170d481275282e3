using System.Text;
using System.Text.Json;
using LiteRt.Lm.Templates;

namespace LiteRt.Lm.Tokenization;

/// <summary>
/// A tokenizer loaded from a Hugging Face <c>tokenizer.json</c> (and, when given, <c>tokenizer_config.json</c>):
/// byte-level BPE (GPT-2, Llama 3, Qwen2) and SentencePiece-style BPE with byte fallback (Llama 2). Encoding and
/// decoding reproduce the Hugging Face <c>tokenizers</c> library exactly; unsupported constructs in the files are
/// rejected when loading, with a message naming them.
/// </summary>
/// <remarks>
/// Encoding: added tokens are split out of the raw text (special tokens only when parsing is on), each remaining
/// piece is normalized, split on normalized added tokens, pre-tokenized and run through the BPE model; the
/// post-processor's template (BOS/EOS) is added when <c>addSpecialTokens</c> is true. The tokenizer is immutable and
/// safe to use from several threads.
/// </remarks>
public sealed class Tokenizer
{
    private readonly Normalizer? _normalizer;
    private readonly PreTokenizer? _preTokenizer;
    private readonly BpeModel _model;
    private readonly TokenDecoder? _decoder;
    private readonly SequenceTemplate _template;
    private readonly AddedTokenMatcher _rawMatcher;
    private readonly AddedTokenMatcher _normalizedMatcher;
    private readonly Dictionary<int, AddedToken> _addedById = [];
    private readonly Dictionary<string, AddedToken> _addedByContent = new(StringComparer.Ordinal);
    private readonly HashSet<string> _specialContents = new(StringComparer.Ordinal);
    private readonly Dictionary<int, string> _addedIdToString = [];
    private readonly Dictionary<string, string> _chatTemplates = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ChatTemplate> _compiledTemplates = new(StringComparer.Ordinal);

    /// <summary>Tokens from <c>added_tokens</c>, in file order, with the ids HF gives them (a content that is already in
    /// the model vocabulary keeps its model id).</summary>
    public IReadOnlyList<AddedToken> AddedTokens { get; }

    /// <summary>HF's <c>get_vocab_size(with_added_tokens=True)</c>: distinct token strings of the model and added tokens.</summary>
    public int VocabSize { get; }

    /// <summary>Ids the post-processor puts before / after a sequence when special tokens are added (e.g. BOS).</summary>
    public IReadOnlyList<int> PrefixTokenIds => _template.Prefix;
    public IReadOnlyList<int> SuffixTokenIds => _template.Suffix;

    /// <summary>Special-token strings from tokenizer_config.json (null when absent there).</summary>
    public string? BosToken { get; }
    public string? EosToken { get; }
    public string? UnkToken { get; }
    public string? PadToken { get; }
    public int? BosTokenId => BosToken is null ? null : TokenToId(BosToken);
    public int? EosTokenId => EosToken is null ? null : TokenToId(EosToken);
    public int? PadTokenId => PadToken is null ? null : TokenToId(PadToken);

    /// <summary>tokenizer_config.json's <c>clean_up_tokenization_spaces</c> (false when absent).</summary>
    public bool CleanUpTokenizationSpaces { get; }

    /// <summary>The default chat template (tokenizer_config.json's <c>chat_template</c>), or null.</summary>
    public string? ChatTemplateSource => _chatTemplates.GetValueOrDefault("default");

    /// <summary>All named chat templates (a single string template is named "default").</summary>
    public IReadOnlyDictionary<string, string> ChatTemplates => _chatTemplates;

    private Tokenizer(JsonElement root, JsonElement? config)
    {
        root.OnlyKeys("tokenizer.json", "version", "truncation", "padding", "added_tokens", "normalizer", "pre_tokenizer", "model", "post_processor", "decoder");
        // truncation/padding are ignored, as transformers does unless a call asks for them.
        var model = root.Required("model", "tokenizer.json");
        string modelType = model.Prop("type") is { ValueKind: JsonValueKind.String } t ? t.GetString()! : model.Prop("merges") is not null ? "BPE" : "unknown";
        if (modelType != "BPE") throw new NotSupportedException($"tokenizer.json: model type '{modelType}' is not supported (only BPE)");
        _model = new BpeModel(model, "model");
        _normalizer = Normalizer.FromJson(root.Prop("normalizer"), "normalizer");
        _preTokenizer = PreTokenizer.FromJson(root.Prop("pre_tokenizer"), "pre_tokenizer");
        _decoder = TokenDecoder.FromJson(root.Prop("decoder"), "decoder");
        _template = SequenceTemplate.FromJson(root.Prop("post_processor"), "post_processor");

        // Added tokens get their ids as HF's AddedVocabulary assigns them (the file's ids are only a hint there): a
        // content already known — an earlier added token or a model token — keeps that id, a new one gets the next id
        // after the model vocabulary, or after the largest added id once that is beyond it.
        var added = new List<AddedToken>();
        var seen = new HashSet<AddedToken>();   // HF skips a token identical (content and options) to one already added
        if (root.Prop("added_tokens") is { } list)
        {
            int i = 0;
            foreach (var a in list.EnumerateArray())
            {
                string where = $"added_tokens[{i++}]";
                _ = a.Int("id", where) ?? throw new InvalidDataException($"{where}: missing id");
                string content = a.Str("content", where) ?? throw new InvalidDataException($"{where}: missing content");
                bool special = a.Bool("special", where) ?? false;
                var token = new AddedToken(0, content, special, a.Bool("normalized", where) ?? !special,
                    a.Bool("lstrip", where) ?? false, a.Bool("rstrip", where) ?? false, a.Bool("single_word", where) ?? false);
                if (content.Length == 0 || !seen.Add(token)) continue;
                int id = _addedByContent.TryGetValue(content, out var known) ? known.Id
                    : _model.TokenToId(content) ?? NextAddedId();
                token = token with { Id = id };
                added.Add(token);
                _addedById[id] = token;
                _addedByContent[content] = token;
                // HF gives back the normalized content of a normalized token for its id (e.g. "▁hello▁world").
                _addedIdToString[id] = token.Normalized && _normalizer is not null ? _normalizer.Normalize(content) : content;
                if (special) _specialContents.Add(content);
            }
        }
        AddedTokens = added;
        _rawMatcher = new AddedTokenMatcher(Matchable().Where(a => !a.Normalized).Select(a => (a.Content, a)));
        _normalizedMatcher = new AddedTokenMatcher(Matchable().Where(a => a.Normalized).Select(a => (_normalizer?.Normalize(a.Content) ?? a.Content, a)));
        VocabSize = _model.Vocab.Select(kv => kv.Key).Union(_addedByContent.Keys, StringComparer.Ordinal).Count();

        if (config is { } c)
        {
            BosToken = SpecialTokenString(c, "bos_token");
            EosToken = SpecialTokenString(c, "eos_token");
            UnkToken = SpecialTokenString(c, "unk_token");
            PadToken = SpecialTokenString(c, "pad_token");
            CleanUpTokenizationSpaces = c.Bool("clean_up_tokenization_spaces", "tokenizer_config.json") ?? false;
            switch (c.Prop("chat_template"))
            {
                case { ValueKind: JsonValueKind.String } s:
                    _chatTemplates["default"] = s.GetString()!;
                    break;
                case { ValueKind: JsonValueKind.Array } arr:
                    foreach (var item in arr.EnumerateArray())
                        _chatTemplates[item.Str("name", "chat_template[]") ?? "default"] = item.Str("template", "chat_template[]") ?? "";
                    break;
                case null: break;
                default: throw new InvalidDataException("tokenizer_config.json: chat_template must be a string or a list of {name, template}");
            }
            // transformers' Llama/Gemma fast tokenizers rebuild the post-processor from add_bos_token/add_eos_token.
            string? cls = c.Str("tokenizer_class", "tokenizer_config.json");
            if (cls is "LlamaTokenizer" or "LlamaTokenizerFast" or "CodeLlamaTokenizer" or "CodeLlamaTokenizerFast" or "GemmaTokenizer" or "GemmaTokenizerFast")
            {
                bool addBos = c.Bool("add_bos_token", "tokenizer_config.json") ?? true;
                bool addEos = c.Bool("add_eos_token", "tokenizer_config.json") ?? false;
                _template = new SequenceTemplate(
                    addBos ? [BosTokenId ?? throw new InvalidDataException($"tokenizer_config.json: add_bos_token is true but bos_token '{BosToken}' has no id")] : [],
                    addEos ? [EosTokenId ?? throw new InvalidDataException($"tokenizer_config.json: add_eos_token is true but eos_token '{EosToken}' has no id")] : []);
            }
        }
    }

    private int NextAddedId()
    {
        int vocab = _model.VocabCount;
        if (_addedById.Count == 0) return vocab;
        int max = _addedById.Keys.Max();
        return max >= vocab || vocab == 0 ? max + 1 : vocab;
    }

    /// <summary>The tokens HF matches in text: special ones first, then the others, each content once with its current id.</summary>
    private IEnumerable<AddedToken> Matchable() =>
        _addedByContent.Values.Where(t => t.Special).Concat(_addedByContent.Values.Where(t => !t.Special));

    private static string? SpecialTokenString(JsonElement config, string name) => config.Prop(name) switch
    {
        null => null,
        { ValueKind: JsonValueKind.String } s => s.GetString(),
        { ValueKind: JsonValueKind.Object } o => o.Str("content", $"tokenizer_config.json.{name}"),
        _ => throw new InvalidDataException($"tokenizer_config.json: {name} must be a string or an object with \"content\""),
    };

    // ------------------------------------------------------------------ loading

    /// <summary>Loads <c>tokenizer.json</c> and, when present next to it, <c>tokenizer_config.json</c> from a folder.</summary>
    public static Tokenizer FromDirectory(string directory)
    {
        string config = Path.Combine(directory, "tokenizer_config.json");
        return FromFile(Path.Combine(directory, "tokenizer.json"), File.Exists(config) ? config : null);
    }

    public static Tokenizer FromFile(string tokenizerJsonPath, string? tokenizerConfigPath = null) =>
        FromJson(File.ReadAllText(tokenizerJsonPath), tokenizerConfigPath is null ? null : File.ReadAllText(tokenizerConfigPath));

    public static Tokenizer FromJson(string tokenizerJson, string? tokenizerConfigJson = null)
    {
        using var doc = JsonDocument.Parse(tokenizerJson);
        using var cfg = tokenizerConfigJson is null ? null : JsonDocument.Parse(tokenizerConfigJson);
        return new Tokenizer(doc.RootElement, cfg?.RootElement);
    }

    // ------------------------------------------------------------------ vocabulary

    public int? TokenToId(string token) =>
        _addedByContent.TryGetValue(token, out var a) ? a.Id : _model.TokenToId(token);

    public string? IdToToken(int id) =>
        _addedIdToString.TryGetValue(id, out var a) ? a : _model.IdToToken(id);

    /// <summary>True when the id's token string is a special added token (what skip_special_tokens leaves out).</summary>
    public bool IsSpecialToken(int id) => IdToToken(id) is { } t && _specialContents.Contains(t);

    // ------------------------------------------------------------------ encoding

    /// <summary>Encodes text to token ids.</summary>
    /// <param name="addSpecialTokens">Add the post-processor's tokens (e.g. BOS), as HF's <c>add_special_tokens</c>.</param>
    /// <param name="parseSpecialTokens">Match special tokens written in the text (false: encode them as plain text,
    /// HF's <c>split_special_tokens=True</c>).</param>
    public int[] Encode(string text, bool addSpecialTokens = true, bool parseSpecialTokens = true)
    {
        var ids = new List<int>();
        Encode(text, ids, addSpecialTokens, parseSpecialTokens);
        return [.. ids];
    }

    /// <summary>Appends the token ids of <paramref name="text"/> to <paramref name="output"/>.</summary>
    public void Encode(string text, List<int> output, bool addSpecialTokens = true, bool parseSpecialTokens = true)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(output);
        text = ReplaceLoneSurrogates(text);
        if (addSpecialTokens) output.AddRange(_template.Prefix);

        var segments = new List<Segment>();
        if (_rawMatcher.IsEmpty) { if (text.Length > 0) segments.Add(new Segment(-1, text, true)); }
        else _rawMatcher.Split(text, atStart: true, parseSpecialTokens, segments);

        var normalizedSegments = new List<Segment>();
        var pieces = new List<Piece>();
        foreach (var seg in segments)
        {
            if (seg.IsToken) { output.Add(seg.TokenId); continue; }
            string normalized = _normalizer?.Normalize(seg.Text!) ?? seg.Text!;
            normalizedSegments.Clear();
            if (_normalizedMatcher.IsEmpty) { if (normalized.Length > 0) normalizedSegments.Add(new Segment(-1, normalized, seg.AtStart)); }
            else _normalizedMatcher.Split(normalized, seg.AtStart, parseSpecialTokens, normalizedSegments);
            foreach (var inner in normalizedSegments)
            {
                if (inner.IsToken) { output.Add(inner.TokenId); continue; }
                pieces.Clear();
                pieces.Add(new Piece(inner.Text!, inner.AtStart));
                _preTokenizer?.PreTokenize(pieces);
                foreach (var piece in pieces) _model.Tokenize(piece.Text, output);
            }
        }
        if (addSpecialTokens) output.AddRange(_template.Suffix);
    }

    /// <summary>The pre-tokenizer's pieces for already normalized text (for tests and diagnostics).</summary>
    internal List<string> PreTokenize(string normalizedText)
    {
        var pieces = new List<Piece> { new(normalizedText, true) };
        if (normalizedText.Length == 0) return [];
        _preTokenizer?.PreTokenize(pieces);
        return pieces.Select(p => p.Text).ToList();
    }

    internal string Normalize(string text) => _normalizer?.Normalize(text) ?? text;

    /// <summary>Text from .NET may hold unpaired surrogates; like any conversion to UTF-8 they become U+FFFD.</summary>
    private static string ReplaceLoneSurrogates(string s)
    {
        int i = s.AsSpan().IndexOfAnyInRange('\uD800', '\uDFFF');
        if (i < 0) return s;
        var chars = s.ToCharArray();
        for (; i < chars.Length; i++)
        {
            if (char.IsHighSurrogate(chars[i]) && i + 1 < chars.Length && char.IsLowSurrogate(chars[i + 1])) { i++; continue; }
            if (char.IsSurrogate(chars[i])) chars[i] = '\uFFFD';
        }
        return new string(chars);
    }

    // ------------------------------------------------------------------ decoding

    /// <summary>Decodes ids to text (ids outside the vocabulary are skipped, as HF does).</summary>
    /// <param name="skipSpecialTokens">Leave out special added tokens (BOS, EOS, chat markers).</param>
    /// <param name="cleanUpTokenizationSpaces">transformers' clean-up of spaces before punctuation and contractions;
    /// null: the tokenizer_config.json setting.</param>
    public string Decode(ReadOnlySpan<int> ids, bool skipSpecialTokens = false, bool? cleanUpTokenizationSpaces = null)
    {
        var tokens = new List<string>(ids.Length);
        foreach (int id in ids)
        {
            if (IdToToken(id) is not { } t || (skipSpecialTokens && _specialContents.Contains(t))) continue;
            tokens.Add(t);
        }
        string text;
        if (_decoder is null) text = string.Join(' ', tokens);
        else
        {
            _decoder.DecodeChain(tokens);
            text = string.Concat(tokens);
        }
        return cleanUpTokenizationSpaces ?? CleanUpTokenizationSpaces ? CleanUp(text) : text;
    }

    /// <summary>transformers' <c>clean_up_tokenization</c>.</summary>
    public static string CleanUp(string text) => new StringBuilder(text)
        .Replace(" .", ".").Replace(" ?", "?").Replace(" !", "!").Replace(" ,", ",").Replace(" ' ", "'")
        .Replace(" n't", "n't").Replace(" 'm", "'m").Replace(" 's", "'s").Replace(" 've", "'ve").Replace(" 're", "'re")
        .ToString();

    /// <summary>An incremental decoder for generated tokens (see <see cref="TokenStreamDecoder"/>).</summary>
    public TokenStreamDecoder CreateStreamDecoder(bool skipSpecialTokens = false) => new(this, skipSpecialTokens);

    // ------------------------------------------------------------------ chat templates

    /// <summary>
    /// Renders the checkpoint's chat template (tokenizer_config.json) with <c>messages</c>,
    /// <c>add_generation_prompt</c> and the special-token strings (<c>bos_token</c>, <c>eos_token</c>, <c>unk_token</c>,
    /// <c>pad_token</c>) as transformers passes them.
    /// </summary>
    public string ApplyChatTemplate(IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt = true,
        IReadOnlyDictionary<string, object?>? variables = null, string templateName = "default")
    {
        ChatTemplate template;
        lock (_compiledTemplates)
        {
            if (!_compiledTemplates.TryGetValue(templateName, out template!))
            {
                if (!_chatTemplates.TryGetValue(templateName, out var source))
                    throw new InvalidOperationException(_chatTemplates.Count == 0
                        ? "the tokenizer has no chat_template (tokenizer_config.json)"
                        : $"the tokenizer has no chat template named '{templateName}'");
                _compiledTemplates[templateName] = template = new ChatTemplate(source);
            }
        }
        var vars = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (BosToken is not null) vars["bos_token"] = BosToken;
        if (EosToken is not null) vars["eos_token"] = EosToken;
        if (UnkToken is not null) vars["unk_token"] = UnkToken;
        if (PadToken is not null) vars["pad_token"] = PadToken;
        if (variables is not null) foreach (var (k, v) in variables) vars[k] = v;
        return template.Render(messages, addGenerationPrompt, vars);
    }
}
