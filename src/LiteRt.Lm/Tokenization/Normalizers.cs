using System.Text;
using System.Text.Json;

namespace LiteRt.Lm.Tokenization;

/// <summary>A tokenizer.json normalizer: text → text, applied to each piece between added tokens.</summary>
internal abstract class Normalizer
{
    public abstract string Normalize(string s);

    public static Normalizer? FromJson(JsonElement? json, string where)
    {
        if (json is not { } e) return null;
        string type = e.TypeName(where);
        switch (type)
        {
            case "NFC": return new UnicodeNormalizer(NormalizationForm.FormC);
            case "NFD": return new UnicodeNormalizer(NormalizationForm.FormD);
            case "NFKC": return new UnicodeNormalizer(NormalizationForm.FormKC);
            case "NFKD": return new UnicodeNormalizer(NormalizationForm.FormKD);
            case "Prepend":
                return new PrependNormalizer(e.Str("prepend", where) ?? throw new InvalidDataException($"{where}: Prepend without \"prepend\""));
            case "Replace":
            {
                var (pattern, isRegex) = e.Required("pattern", where).Pattern(where + ".pattern");
                string content = e.Str("content", where) ?? throw new InvalidDataException($"{where}: Replace without \"content\"");
                return new ReplaceNormalizer(new TextReplacer(pattern, isRegex, content, where));
            }
            case "Sequence":
            {
                var list = new List<Normalizer>();
                int i = 0;
                foreach (var item in e.Required("normalizers", where).EnumerateArray())
                {
                    if (FromJson(item, $"{where}.normalizers[{i++}]") is { } n) list.Add(n);
                }
                return new SequenceNormalizer(list);
            }
            default:
                throw new NotSupportedException($"tokenizer.json: normalizer type '{type}' is not supported ({where})");
        }
    }
}

internal sealed class UnicodeNormalizer(NormalizationForm form) : Normalizer
{
    public override string Normalize(string s) => s.Normalize(form);
}

/// <summary>Prepends a string to every non-empty piece.</summary>
internal sealed class PrependNormalizer(string prepend) : Normalizer
{
    public override string Normalize(string s) => s.Length == 0 ? s : prepend + s;
}

internal sealed class ReplaceNormalizer(TextReplacer replacer) : Normalizer
{
    public override string Normalize(string s) => replacer.Replace(s);
}

internal sealed class SequenceNormalizer(List<Normalizer> items) : Normalizer
{
    public override string Normalize(string s)
    {
        foreach (var n in items) s = n.Normalize(s);
        return s;
    }
}

/// <summary>Replace-all of a literal string or an Oniguruma regex (used by the Replace normalizer and decoder).</summary>
internal sealed class TextReplacer
{
    private readonly string _pattern;
    private readonly OnigRegex? _regex;
    private readonly string _content;

    public TextReplacer(string pattern, bool isRegex, string content, string where)
    {
        _pattern = pattern;
        _content = content;
        if (isRegex) _regex = new OnigRegex(pattern, where);
    }

    public string Replace(string s)
    {
        if (_regex is null) return _pattern.Length == 0 ? s : s.Replace(_pattern, _content, StringComparison.Ordinal);
        var matches = new List<(int Start, int Length)>();
        _regex.FindMatches(s, matches);
        if (matches.Count == 0) return s;
        var sb = new StringBuilder(s.Length);
        int prev = 0;
        foreach (var (start, length) in matches)
        {
            sb.Append(s, prev, start - prev).Append(_content);
            prev = start + length;
        }
        return sb.Append(s, prev, s.Length - prev).ToString();
    }
}
