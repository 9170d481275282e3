using System.Text;
using System.Text.Json;

namespace LiteRt.Lm.Tokenization;

/// <summary>A piece of text on its way to the model; <see cref="AtStart"/>: it begins at offset 0 of the input.</summary>
internal readonly record struct Piece(string Text, bool AtStart);

/// <summary>A tokenizer.json pre-tokenizer: splits (and may rewrite) pieces.</summary>
internal abstract class PreTokenizer
{
    /// <summary>Replaces the content of <paramref name="pieces"/> with its pre-tokenized form (empty pieces dropped).</summary>
    public abstract void PreTokenize(List<Piece> pieces);

    public static PreTokenizer? FromJson(JsonElement? json, string where)
    {
        if (json is not { } e) return null;
        string type = e.TypeName(where);
        switch (type)
        {
            case "Sequence":
            {
                var list = new List<PreTokenizer>();
                int i = 0;
                foreach (var item in e.Required("pretokenizers", where).EnumerateArray())
                    if (FromJson(item, $"{where}.pretokenizers[{i++}]") is { } p) list.Add(p);
                return new SequencePreTokenizer(list);
            }
            case "Split":
            {
                var (pattern, isRegex) = e.Required("pattern", where).Pattern(where + ".pattern");
                var behavior = ParseBehavior(e.Str("behavior", where) ?? throw new InvalidDataException($"{where}: Split without \"behavior\""), where);
                bool invert = e.Bool("invert", where) ?? false;
                return new SplitPreTokenizer(new SplitPattern(pattern, isRegex, where), behavior, invert);
            }
            case "ByteLevel":
                return new ByteLevelPreTokenizer(e.Bool("add_prefix_space", where) ?? true, e.Bool("use_regex", where) ?? true);
            case "Metaspace":
            {
                string replacement = e.Str("replacement", where) ?? "\u2581";
                if (replacement.EnumerateRunes().Count() != 1)
                    throw new NotSupportedException($"tokenizer.json: pre_tokenizer type 'Metaspace' with a replacement of more than one character is not supported ({where})");
                var scheme = ParsePrependScheme(e, where, "pre_tokenizer");
                return new MetaspacePreTokenizer(replacement, scheme, e.Bool("split", where) ?? true);
            }
            default:
                throw new NotSupportedException($"tokenizer.json: pre_tokenizer type '{type}' is not supported ({where})");
        }
    }

    internal static PrependScheme ParsePrependScheme(JsonElement e, string where, string kind)
    {
        if (e.Prop("add_prefix_space") is not null && e.Prop("prepend_scheme") is null)
            return e.Bool("add_prefix_space", where) == true ? PrependScheme.Always : PrependScheme.Never;
        return (e.Str("prepend_scheme", where) ?? "always") switch
        {
            "always" => PrependScheme.Always,
            "first" => PrependScheme.First,
            "never" => PrependScheme.Never,
            var s => throw new NotSupportedException($"tokenizer.json: {kind} type 'Metaspace' with prepend_scheme '{s}' is not supported ({where})"),
        };
    }

    private static SplitBehavior ParseBehavior(string s, string where) => s switch
    {
        "Removed" => SplitBehavior.Removed,
        "Isolated" => SplitBehavior.Isolated,
        "MergedWithPrevious" => SplitBehavior.MergedWithPrevious,
        "MergedWithNext" => SplitBehavior.MergedWithNext,
        "Contiguous" => SplitBehavior.Contiguous,
        _ => throw new NotSupportedException($"tokenizer.json: Split behavior '{s}' is not supported ({where})"),
    };

    /// <summary>
    /// Splits every piece on the matches of <paramref name="pattern"/> with the given behavior (HF semantics: the
    /// pattern yields alternating (range, is-match) spans covering the piece; the behavior decides what to keep/merge).
    /// </summary>
    internal static void SplitAll(List<Piece> pieces, SplitPattern pattern, SplitBehavior behavior, bool invert)
    {
        var result = new List<Piece>(pieces.Count * 2);
        var spans = new List<(int Start, int End, bool IsMatch)>();
        var kept = new List<(int Start, int End, bool Remove)>();
        foreach (var piece in pieces)
        {
            spans.Clear();
            pattern.FindSpans(piece.Text, spans);
            if (invert)
                for (int i = 0; i < spans.Count; i++) spans[i] = (spans[i].Start, spans[i].End, !spans[i].IsMatch);
            kept.Clear();
            ApplyBehavior(spans, behavior, kept);
            foreach (var (start, end, remove) in kept)
            {
                if (remove || end == start) continue;
                result.Add(new Piece(piece.Text[start..end], piece.AtStart && start == 0));
            }
        }
        pieces.Clear();
        pieces.AddRange(result);
    }

    private static void ApplyBehavior(List<(int Start, int End, bool IsMatch)> spans, SplitBehavior behavior, List<(int Start, int End, bool Remove)> output)
    {
        switch (behavior)
        {
            case SplitBehavior.Isolated:
                foreach (var s in spans) output.Add((s.Start, s.End, false));
                break;
            case SplitBehavior.Removed:
                foreach (var s in spans) output.Add((s.Start, s.End, s.IsMatch));
                break;
            case SplitBehavior.Contiguous:
            {
                bool previous = false;
                foreach (var s in spans)
                {
                    if (s.IsMatch == previous && output.Count > 0) output[^1] = (output[^1].Start, s.End, false);
                    else output.Add((s.Start, s.End, false));
                    previous = s.IsMatch;
                }
                break;
            }
            case SplitBehavior.MergedWithPrevious:
            {
                bool previous = false;
                foreach (var s in spans)
                {
                    if (s.IsMatch && !previous && output.Count > 0) output[^1] = (output[^1].Start, s.End, false);
                    else output.Add((s.Start, s.End, false));
                    previous = s.IsMatch;
                }
                break;
            }
            case SplitBehavior.MergedWithNext:
            {
                bool previous = false;
                var reversed = new List<(int Start, int End, bool Remove)>();
                for (int i = spans.Count - 1; i >= 0; i--)
                {
                    var s = spans[i];
                    if (s.IsMatch && !previous && reversed.Count > 0) reversed[^1] = (s.Start, reversed[^1].End, false);
                    else reversed.Add((s.Start, s.End, false));
                    previous = s.IsMatch;
                }
                for (int i = reversed.Count - 1; i >= 0; i--) output.Add(reversed[i]);
                break;
            }
        }
    }
}

internal enum SplitBehavior { Removed, Isolated, MergedWithPrevious, MergedWithNext, Contiguous }

internal enum PrependScheme { Always, First, Never }

/// <summary>A Split pattern: a literal string or an Oniguruma regex.</summary>
internal sealed class SplitPattern
{
    private readonly string _literal;
    private readonly OnigRegex? _regex;

    public SplitPattern(string pattern, bool isRegex, string where)
    {
        _literal = pattern;
        if (isRegex) _regex = new OnigRegex(pattern, where);
    }

    /// <summary>Spans covering <paramref name="s"/> in order: the matches and the gaps between them.</summary>
    public void FindSpans(string s, List<(int Start, int End, bool IsMatch)> spans)
    {
        if (s.Length == 0) { spans.Add((0, 0, false)); return; }
        var matches = new List<(int Start, int Length)>();
        if (_regex is not null) _regex.FindMatches(s, matches);
        else if (_literal.Length > 0)
        {
            for (int at = s.IndexOf(_literal, StringComparison.Ordinal); at >= 0; at = s.IndexOf(_literal, at + _literal.Length, StringComparison.Ordinal))
                matches.Add((at, _literal.Length));
        }
        int prev = 0;
        foreach (var (start, length) in matches)
        {
            if (prev != start) spans.Add((prev, start, false));
            spans.Add((start, start + length, true));
            prev = start + length;
        }
        if (prev != s.Length) spans.Add((prev, s.Length, false));
    }
}

internal sealed class SequencePreTokenizer(List<PreTokenizer> items) : PreTokenizer
{
    public override void PreTokenize(List<Piece> pieces)
    {
        foreach (var p in items) p.PreTokenize(pieces);
    }
}

internal sealed class SplitPreTokenizer(SplitPattern pattern, SplitBehavior behavior, bool invert) : PreTokenizer
{
    public override void PreTokenize(List<Piece> pieces) => SplitAll(pieces, pattern, behavior, invert);
}

/// <summary>
/// GPT-2 byte-level pre-tokenizer: optionally a leading space per piece, optionally the GPT-2 split regex, then
/// every UTF-8 byte becomes one character of <see cref="ByteLevelAlphabet"/>.
/// </summary>
internal sealed class ByteLevelPreTokenizer(bool addPrefixSpace, bool useRegex) : PreTokenizer
{
    /// <summary>The GPT-2 pattern HF tokenizers uses for ByteLevel with use_regex = true.</summary>
    public const string Gpt2Pattern = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

    private static readonly Lazy<SplitPattern> Gpt2 = new(() => new SplitPattern(Gpt2Pattern, true, "ByteLevel pre_tokenizer"));

    public override void PreTokenize(List<Piece> pieces)
    {
        if (addPrefixSpace)
            for (int i = 0; i < pieces.Count; i++)
                if (!pieces[i].Text.StartsWith(' ')) pieces[i] = pieces[i] with { Text = " " + pieces[i].Text };
        if (useRegex) SplitAll(pieces, Gpt2.Value, SplitBehavior.Isolated, invert: false);
        for (int i = 0; i < pieces.Count; i++) pieces[i] = pieces[i] with { Text = ToByteLevel(pieces[i].Text) };
    }

    public static string ToByteLevel(string s)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(s);
        return string.Create(bytes.Length, bytes, static (dst, src) =>
        {
            for (int i = 0; i < src.Length; i++) dst[i] = ByteLevelAlphabet.ByteToChar[src[i]];
        });
    }
}

/// <summary>SentencePiece-style Metaspace: spaces become the replacement (▁), optional prefix, optional split.</summary>
internal sealed class MetaspacePreTokenizer(string replacement, PrependScheme scheme, bool split) : PreTokenizer
{
    private readonly SplitPattern _splitOn = new(replacement, false, "Metaspace");

    public override void PreTokenize(List<Piece> pieces)
    {
        for (int i = 0; i < pieces.Count; i++)
        {
            var p = pieces[i];
            string text = p.Text.Replace(" ", replacement, StringComparison.Ordinal);
            bool prepend = scheme == PrependScheme.Always || (scheme == PrependScheme.First && p.AtStart);
            if (prepend && !text.StartsWith(replacement, StringComparison.Ordinal)) text = replacement + text;
            pieces[i] = p with { Text = text };
        }
        if (split) SplitAll(pieces, _splitOn, SplitBehavior.MergedWithNext, invert: false);
    }
}
