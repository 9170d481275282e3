using System.Text.Json;

namespace LiteRt.Lm.Tokenization;

/// <summary>
/// What the post-processor adds around one encoded sequence (TemplateProcessing's <c>single</c> template; ByteLevel
/// only trims offsets and adds nothing). Pair templates are not used: this tokenizer encodes single sequences.
/// </summary>
internal sealed class SequenceTemplate
{
    public static readonly SequenceTemplate Empty = new([], []);

    public int[] Prefix { get; }
    public int[] Suffix { get; }

    public SequenceTemplate(int[] prefix, int[] suffix) { Prefix = prefix; Suffix = suffix; }

    public static SequenceTemplate FromJson(JsonElement? json, string where)
    {
        if (json is not { } e) return Empty;
        string type = e.TypeName(where);
        switch (type)
        {
            case "ByteLevel":
                return Empty;
            case "Sequence":
            {
                var prefix = new List<int>();
                var suffix = new List<int>();
                int i = 0;
                foreach (var item in e.Required("processors", where).EnumerateArray())
                {
                    var t = FromJson(item, $"{where}.processors[{i++}]");
                    if (t.Prefix.Length + t.Suffix.Length == 0) continue;
                    if (prefix.Count + suffix.Count > 0)
                        throw new NotSupportedException($"tokenizer.json: post_processor Sequence with more than one TemplateProcessing is not supported ({where})");
                    prefix.AddRange(t.Prefix);
                    suffix.AddRange(t.Suffix);
                }
                return new SequenceTemplate([.. prefix], [.. suffix]);
            }
            case "TemplateProcessing":
            {
                var specials = new Dictionary<string, int[]>(StringComparer.Ordinal);
                if (e.Prop("special_tokens") is { } st)
                    foreach (var p in st.EnumerateObject())
                        specials[p.Name] = [.. p.Value.Required("ids", $"{where}.special_tokens.{p.Name}").EnumerateArray().Select(x => x.GetInt32())];
                var prefix = new List<int>();
                var suffix = new List<int>();
                bool seenSequence = false;
                foreach (var piece in e.Required("single", where).EnumerateArray())
                {
                    if (piece.Prop("Sequence") is { } seq)
                    {
                        string id = seq.Str("id", where + ".single") ?? "A";
                        if (id != "A" || seenSequence)
                            throw new NotSupportedException($"tokenizer.json: TemplateProcessing single template with sequence '{id}' is not supported ({where})");
                        seenSequence = true;
                    }
                    else if (piece.Prop("SpecialToken") is { } sp)
                    {
                        string id = sp.Str("id", where + ".single") ?? throw new InvalidDataException($"{where}.single: SpecialToken without id");
                        if (!specials.TryGetValue(id, out var ids))
                            throw new InvalidDataException($"{where}: special token '{id}' is used in the template but missing from special_tokens");
                        (seenSequence ? suffix : prefix).AddRange(ids);
                    }
                    else throw new InvalidDataException($"{where}.single: expected Sequence or SpecialToken");
                }
                if (!seenSequence) throw new InvalidDataException($"{where}.single: the template has no $A sequence");
                return new SequenceTemplate([.. prefix], [.. suffix]);
            }
            default:
                throw new NotSupportedException($"tokenizer.json: post_processor type '{type}' is not supported ({where})");
        }
    }
}
