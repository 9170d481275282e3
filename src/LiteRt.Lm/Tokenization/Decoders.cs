using System.Globalization;
using System.Text;
using System.Text.Json;

namespace LiteRt.Lm.Tokenization;

/// <summary>A tokenizer.json decoder: a chain step over the token strings; the result is their concatenation.</summary>
internal abstract class TokenDecoder
{
    public abstract void DecodeChain(List<string> tokens);

    public static TokenDecoder? FromJson(JsonElement? json, string where)
    {
        if (json is not { } e) return null;
        string type = e.TypeName(where);
        switch (type)
        {
            case "Sequence":
            {
                var list = new List<TokenDecoder>();
                int i = 0;
                foreach (var item in e.Required("decoders", where).EnumerateArray())
                    if (FromJson(item, $"{where}.decoders[{i++}]") is { } d) list.Add(d);
                return new SequenceDecoder(list);
            }
            case "ByteLevel": return new ByteLevelDecoder();
            case "ByteFallback": return new ByteFallbackDecoder();
            case "Fuse": return new FuseDecoder();
            case "Replace":
            {
                var (pattern, isRegex) = e.Required("pattern", where).Pattern(where + ".pattern");
                return new ReplaceDecoder(new TextReplacer(pattern, isRegex, e.Str("content", where) ?? "", where));
            }
            case "Strip":
            {
                string content = e.Str("content", where) ?? throw new InvalidDataException($"{where}: Strip without \"content\"");
                if (content.Length != 1) throw new NotSupportedException($"tokenizer.json: decoder type 'Strip' with content '{content}' (not one character) is not supported");
                return new StripDecoder(content[0], e.Int("start", where) ?? 0, e.Int("stop", where) ?? 0);
            }
            case "Metaspace":
            {
                string replacement = e.Str("replacement", where) ?? "\u2581";
                if (replacement.Length != 1) throw new NotSupportedException($"tokenizer.json: decoder type 'Metaspace' with replacement '{replacement}' is not supported");
                return new MetaspaceDecoder(replacement[0], PreTokenizer.ParsePrependScheme(e, where, "decoder"));
            }
            default:
                throw new NotSupportedException($"tokenizer.json: decoder type '{type}' is not supported ({where})");
        }
    }
}

internal sealed class SequenceDecoder(List<TokenDecoder> items) : TokenDecoder
{
    public override void DecodeChain(List<string> tokens)
    {
        foreach (var d in items) d.DecodeChain(tokens);
    }
}

/// <summary>Maps byte-level characters back to bytes (tokens outside the alphabet keep their UTF-8), then UTF-8 with U+FFFD for invalid sequences.</summary>
internal sealed class ByteLevelDecoder : TokenDecoder
{
    public override void DecodeChain(List<string> tokens)
    {
        var bytes = new List<byte>();
        foreach (var t in tokens) AppendBytes(t, bytes);
        tokens.Clear();
        tokens.Add(Encoding.UTF8.GetString(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(bytes)));
    }

    internal static void AppendBytes(string token, List<byte> bytes)
    {
        foreach (char c in token)
        {
            if (ByteLevelAlphabet.CharToByte(c) < 0)
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(token));
                return;
            }
        }
        foreach (char c in token) bytes.Add((byte)ByteLevelAlphabet.CharToByte(c));
    }
}

/// <summary>Runs of <c>&lt;0xNN&gt;</c> tokens become their UTF-8 text, or one U+FFFD per byte when invalid.</summary>
internal sealed class ByteFallbackDecoder : TokenDecoder
{
    public override void DecodeChain(List<string> tokens)
    {
        bool any = false;
        foreach (var t in tokens)
            if (TryParseByte(t, out _)) { any = true; break; }
        if (!any) return;
        var result = new List<string>(tokens.Count);
        var pending = new List<byte>();
        foreach (var t in tokens)
        {
            if (TryParseByte(t, out byte b)) { pending.Add(b); continue; }
            Flush(pending, result);
            result.Add(t);
        }
        Flush(pending, result);
        tokens.Clear();
        tokens.AddRange(result);
    }

    private static void Flush(List<byte> pending, List<string> result)
    {
        if (pending.Count == 0) return;
        var bytes = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(pending);
        if (System.Text.Unicode.Utf8.IsValid(bytes)) result.Add(Encoding.UTF8.GetString(bytes));
        else for (int i = 0; i < pending.Count; i++) result.Add("\uFFFD");
        pending.Clear();
    }

    /// <summary>"&lt;0xNN&gt;": six bytes, two hex digits (Rust's u8::from_str_radix also takes "+N").</summary>
    internal static bool TryParseByte(string t, out byte b)
    {
        b = 0;
        if (t.Length != 6 || !t.StartsWith("<0x", StringComparison.Ordinal) || t[5] != '>') return false;
        var digits = t.AsSpan(3, 2);
        if (digits[0] == '+') digits = digits[1..];
        return byte.TryParse(digits, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out b);
    }
}

internal sealed class FuseDecoder : TokenDecoder
{
    public override void DecodeChain(List<string> tokens)
    {
        string all = string.Concat(tokens);
        tokens.Clear();
        tokens.Add(all);
    }
}

internal sealed class ReplaceDecoder(TextReplacer replacer) : TokenDecoder
{
    public override void DecodeChain(List<string> tokens)
    {
        for (int i = 0; i < tokens.Count; i++) tokens[i] = replacer.Replace(tokens[i]);
    }
}

/// <summary>Removes up to <c>start</c> leading and <c>stop</c> trailing occurrences of one character from each token.</summary>
internal sealed class StripDecoder(char content, int start, int stop) : TokenDecoder
{
    public override void DecodeChain(List<string> tokens)
    {
        for (int i = 0; i < tokens.Count; i++)
        {
            string t = tokens[i];
            int from = 0;
            while (from < start && from < t.Length && t[from] == content) from++;
            int to = t.Length;
            for (int k = 0; k < stop && to > from && t[to - 1] == content; k++) to--;
            tokens[i] = t[from..to];
        }
    }
}

/// <summary>▁ becomes a space; on the first token, the leading ▁ is dropped unless prepend_scheme is never.</summary>
internal sealed class MetaspaceDecoder(char replacement, PrependScheme scheme) : TokenDecoder
{
    public override void DecodeChain(List<string> tokens)
    {
        for (int i = 0; i < tokens.Count; i++)
        {
            string t = tokens[i].Replace(replacement, ' ');
            if (i == 0 && scheme != PrependScheme.Never && t.StartsWith(' ')) t = t[1..];
            tokens[i] = t;
        }
    }
}
