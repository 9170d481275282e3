using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace LiteRt.Lm.Tokenization;

/// <summary>
/// A pre-tokenizer regex written for Oniguruma (what Hugging Face tokenizers compiles <c>{"Regex": …}</c> patterns
/// with), translated to an equivalent .NET <see cref="Regex"/>.
/// </summary>
/// <remarks>
/// <para>Oniguruma matches code points; .NET matches UTF-16 units, so a supplementary character (emoji, CJK
/// extension B, math letters) would be two "characters" of category Cs to .NET. Before matching, each surrogate pair
/// is therefore replaced by one BMP stand-in character of the same Unicode general category (chosen outside every
/// literal and range the pattern names), and match positions are mapped back. Category classes (<c>\p{L}</c>,
/// <c>\s</c>, negated classes, <c>.</c>) then behave exactly as on code points.</para>
/// <para>Translated: literals, escapes, classes with <c>\p{…}</c>/<c>\s</c>, groups, alternation, lookahead and
/// lookbehind, atomic groups, greedy/lazy quantifiers and intervals, possessive <c>?+ *+ ++</c> (as atomic groups),
/// and <c>(?i)</c> on literals (expanded to explicit case variants with Unicode simple case folding: <c>s</c> also
/// matches U+017F, <c>k</c> U+212A). Anything else (<c>\d</c>, <c>\w</c>, anchors, backreferences, scripts, class
/// set operations, …) is rejected with a message naming the construct, never approximated.</para>
/// </remarks>
internal sealed class OnigRegex
{
    private readonly Regex _regex;
    private readonly List<(int Lo, int Hi)> _explicitRanges;
    private char[]? _standIns;

    public string Pattern { get; }
    public string DotNetPattern { get; }

    public OnigRegex(string pattern, string context)
    {
        Pattern = pattern;
        var t = new Translator(pattern, context);
        DotNetPattern = t.Translate();
        _explicitRanges = t.ExplicitRanges;
        try
        {
            _regex = new Regex(DotNetPattern, RegexOptions.CultureInvariant);
        }
        catch (ArgumentException e)
        {
            throw new NotSupportedException($"{context}: regex '{pattern}' could not be translated ({e.Message})", e);
        }
    }

    /// <summary>Appends every match of the pattern in <paramref name="s"/> as (start, length) in UTF-16 units.</summary>
    public void FindMatches(string s, List<(int Start, int Length)> output)
    {
        if (s.Length == 0) return;
        int firstSurrogate = s.AsSpan().IndexOfAnyInRange('\uD800', '\uDFFF');
        if (firstSurrogate < 0)
        {
            for (var m = _regex.Match(s); m.Success; m = m.NextMatch()) output.Add((m.Index, m.Length));
            return;
        }
        // Map each code point to one UTF-16 unit; origin[i] is where mapped unit i starts in s.
        var standIns = _standIns ??= BuildStandIns();
        var mapped = new char[s.Length];
        var origin = new int[s.Length + 1];
        int n = 0;
        for (int i = 0; i < s.Length; i++)
        {
            origin[n] = i;
            char c = s[i];
            if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
            {
                int cp = char.ConvertToUtf32(c, s[i + 1]);
                char standIn = standIns[(int)CharUnicodeInfo.GetUnicodeCategory(cp)];
                if (standIn == '\0')
                    throw new NotSupportedException($"regex '{Pattern}': no stand-in character for category {CharUnicodeInfo.GetUnicodeCategory(cp)}");
                mapped[n++] = standIn;
                i++;
            }
            else mapped[n++] = c;
        }
        origin[n] = s.Length;
        string text = new(mapped, 0, n);
        for (var m = _regex.Match(text); m.Success; m = m.NextMatch())
        {
            int start = origin[m.Index];
            output.Add((start, origin[m.Index + m.Length] - start));
        }
    }

    /// <summary>One BMP character per general category, outside every literal and range the pattern names.</summary>
    /// <remarks>Non-ASCII characters are preferred, so that ASCII literals stay clear of stand-ins.</remarks>
    private char[] BuildStandIns()
    {
        var result = new char[32];
        var found = new bool[32];
        foreach (int c in Enumerable.Range(0x80, 0xFFFF - 0x7F).Concat(Enumerable.Range(1, 0x7F)))
        {
            if (c is >= 0xD800 and <= 0xDFFF) continue;
            int cat = (int)CharUnicodeInfo.GetUnicodeCategory((char)c);
            if (found[cat]) continue;
            bool named = false;
            foreach (var (lo, hi) in _explicitRanges)
                if (c >= lo && c <= hi) { named = true; break; }
            if (named) continue;
            result[cat] = (char)c;
            found[cat] = true;
        }
        return result;   // '\0' where no BMP character is free (categories without supplementary members)
    }

    private sealed class Translator(string p, string context)
    {
        private int _i;
        public List<(int Lo, int Hi)> ExplicitRanges { get; } = [];

        public string Translate()
        {
            bool ic = false;
            string result = ParseAlternation(ref ic);
            if (_i < p.Length) throw Fail($"unbalanced ')' at offset {_i}");
            return result;
        }

        private NotSupportedException Fail(string what) => new($"{context}: regex '{p}': {what}");

        private NotSupportedException Unsupported(string construct) =>
            new($"{context}: regex construct '{construct}' (offset {_i}) in '{p}' is not supported");

        private string ParseAlternation(ref bool ic)
        {
            var sb = new StringBuilder();
            sb.Append(ParseSequence(ref ic));
            while (_i < p.Length && p[_i] == '|')
            {
                _i++;
                sb.Append('|').Append(ParseSequence(ref ic));
            }
            return sb.ToString();
        }

        private string ParseSequence(ref bool ic)
        {
            var sb = new StringBuilder();
            while (_i < p.Length && p[_i] != '|' && p[_i] != ')')
            {
                if (p[_i] == '(' && At("(?i)")) { _i += 4; ic = true; continue; }
                if (p[_i] == '(' && At("(?-i)")) { _i += 5; ic = false; continue; }
                string atom = ParseAtom(ic);
                sb.Append(ParseQuantifier(atom));
            }
            return sb.ToString();
        }

        private bool At(string s) => string.CompareOrdinal(p, _i, s, 0, s.Length) == 0;

        private string ParseQuantifier(string atom)
        {
            if (_i >= p.Length) return atom;
            string q;
            char c = p[_i];
            bool interval = false;
            if (c is '?' or '*' or '+') { q = c.ToString(); _i++; }
            else if (c == '{' && TryParseInterval(out q)) interval = true;
            else return atom;
            if (_i < p.Length && p[_i] == '?') { _i++; q += "?"; }
            else if (_i < p.Length && p[_i] == '+')
            {
                if (interval) throw Unsupported("{n,m}+");
                _i++;
                return "(?>" + atom + q + ")";
            }
            if (_i < p.Length && (p[_i] is '?' or '*' or '+' || (p[_i] == '{' && LooksLikeInterval())))
                throw Unsupported("nested quantifier");
            return atom + q;
        }

        private bool LooksLikeInterval()
        {
            int save = _i;
            bool ok = TryParseInterval(out _);
            _i = save;
            return ok;
        }

        private bool TryParseInterval(out string q)
        {
            q = "";
            int j = _i + 1;
            int lo = -1, hi = -1;
            int start = j;
            while (j < p.Length && char.IsAsciiDigit(p[j])) j++;
            if (j > start) lo = int.Parse(p.AsSpan(start, j - start), CultureInfo.InvariantCulture);
            bool comma = false;
            if (j < p.Length && p[j] == ',')
            {
                comma = true;
                j++;
                int s2 = j;
                while (j < p.Length && char.IsAsciiDigit(p[j])) j++;
                if (j > s2) hi = int.Parse(p.AsSpan(s2, j - s2), CultureInfo.InvariantCulture);
            }
            if (j >= p.Length || p[j] != '}') return false;
            if (lo < 0 && hi < 0) return false;
            if (lo < 0) lo = 0;
            q = !comma ? $"{{{lo}}}" : hi < 0 ? $"{{{lo},}}" : $"{{{lo},{hi}}}";
            _i = j + 1;
            return true;
        }

        private string ParseAtom(bool ic)
        {
            char c = p[_i];
            switch (c)
            {
                case '(':
                    return ParseGroup(ic);
                case '[':
                    return ParseClass(ic);
                case '.':
                    _i++;
                    return ".";
                case '\\':
                    return ParseEscape(ic);
                case '^' or '$':
                    throw Unsupported(c.ToString());
                case '?' or '*' or '+':
                    throw Fail($"nothing to repeat at offset {_i}");
                case '{':
                    if (LooksLikeInterval()) throw Fail($"nothing to repeat at offset {_i}");
                    _i++;
                    return Literal('{', ic);
                default:
                    int cp = char.ConvertToUtf32(p, _i);
                    _i += char.IsSurrogatePair(p, _i) ? 2 : 1;
                    return Literal(cp, ic);
            }
        }

        private string ParseGroup(bool ic)
        {
            string open;
            bool innerIc = ic;
            if (At("(?:")) { open = "(?:"; _i += 3; }
            else if (At("(?i:")) { open = "(?:"; innerIc = true; _i += 4; }
            else if (At("(?-i:")) { open = "(?:"; innerIc = false; _i += 5; }
            else if (At("(?=")) { open = "(?="; _i += 3; }
            else if (At("(?!")) { open = "(?!"; _i += 3; }
            else if (At("(?<=")) { open = "(?<="; _i += 4; }
            else if (At("(?<!")) { open = "(?<!"; _i += 4; }
            else if (At("(?>")) { open = "(?>"; _i += 3; }
            else if (At("(?")) throw Unsupported(p.Substring(_i, Math.Min(4, p.Length - _i)));
            else { open = "(?:"; _i += 1; }   // capturing group: captures are never used, only the match
            string inner = ParseAlternation(ref innerIc);
            if (_i >= p.Length || p[_i] != ')') throw Fail("missing ')'");
            _i++;
            return open + inner + ")";
        }

        private string ParseEscape(bool ic)
        {
            if (_i + 1 >= p.Length) throw Fail("trailing backslash");
            char e = p[_i + 1];
            switch (e)
            {
                case 's': _i += 2; return @"\s";
                case 'S': _i += 2; return @"\S";
                case 'p' or 'P': return ParseProperty();
                default:
                    int cp = ParseEscapedCodePoint();
                    return Literal(cp, ic);
            }
        }

        /// <summary>A single-code-point escape (\n, \t, \x41, \u00e9, \., …) at _i; advances past it.</summary>
        private int ParseEscapedCodePoint()
        {
            char e = p[_i + 1];
            switch (e)
            {
                case 'n': _i += 2; return '\n';
                case 'r': _i += 2; return '\r';
                case 't': _i += 2; return '\t';
                case 'f': _i += 2; return '\f';
                case 'v': _i += 2; return '\v';
                case 'a': _i += 2; return '\a';
                case 'e': _i += 2; return 0x1B;
                case 'x':
                    if (_i + 2 < p.Length && p[_i + 2] == '{')
                    {
                        int close = p.IndexOf('}', _i + 3);
                        if (close < 0) throw Fail("unterminated \\x{");
                        int v = ParseHex(p.AsSpan(_i + 3, close - _i - 3));
                        _i = close + 1;
                        return v;
                    }
                    else
                    {
                        int j = _i + 2;
                        while (j < p.Length && j < _i + 4 && char.IsAsciiHexDigit(p[j])) j++;
                        if (j == _i + 2) throw Unsupported("\\x");
                        int v = ParseHex(p.AsSpan(_i + 2, j - _i - 2));
                        _i = j;
                        return v;
                    }
                case 'u':
                    if (_i + 6 > p.Length) throw Unsupported("\\u");
                    {
                        int v = ParseHex(p.AsSpan(_i + 2, 4));
                        _i += 6;
                        return v;
                    }
            }
            if (char.IsAsciiLetterOrDigit(e) || e == '_') throw Unsupported("\\" + e);
            int cp = char.ConvertToUtf32(p, _i + 1);
            _i += 1 + (char.IsSurrogatePair(p, _i + 1) ? 2 : 1);
            return cp;
        }

        private int ParseHex(ReadOnlySpan<char> digits)
        {
            if (digits.Length == 0 || !int.TryParse(digits, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int v) || v > 0x10FFFF)
                throw Fail($"bad hex escape '{digits}'");
            return v;
        }

        private static readonly Dictionary<string, string> Categories = BuildCategories();

        private static Dictionary<string, string> BuildCategories()
        {
            var d = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var name in new[] { "L", "Lu", "Ll", "Lt", "Lm", "Lo", "M", "Mn", "Mc", "Me", "N", "Nd", "Nl", "No", "P", "Pc", "Pd", "Ps", "Pe", "Pi", "Pf", "Po", "S", "Sm", "Sc", "Sk", "So", "Z", "Zs", "Zl", "Zp", "C", "Cc", "Cf", "Cs", "Co", "Cn" })
                d[name] = name;
            d["Letter"] = "L"; d["Mark"] = "M"; d["Number"] = "N"; d["Punctuation"] = "P";
            d["Symbol"] = "S"; d["Separator"] = "Z"; d["Other"] = "C";
            return d;
        }

        private string ParseProperty()
        {
            bool negated = p[_i + 1] == 'P';
            if (_i + 2 >= p.Length || p[_i + 2] != '{') throw Unsupported(p.Substring(_i, 2));
            int close = p.IndexOf('}', _i + 3);
            if (close < 0) throw Fail("unterminated \\p{");
            string name = p.Substring(_i + 3, close - _i - 3);
            if (name.StartsWith('^')) { negated = !negated; name = name[1..]; }
            if (!Categories.TryGetValue(name, out var cat)) throw Unsupported(p.Substring(_i, close - _i + 1));
            _i = close + 1;
            return (negated ? @"\P{" : @"\p{") + cat + "}";
        }

        private string ParseClass(bool ic)
        {
            int start = _i;
            _i++;
            var sb = new StringBuilder("[");
            if (_i < p.Length && p[_i] == '^') { sb.Append('^'); _i++; }
            if (_i < p.Length && p[_i] == ']') throw Unsupported("[]");
            bool any = false;
            while (true)
            {
                if (_i >= p.Length) throw Fail($"unterminated character class at offset {start}");
                char c = p[_i];
                if (c == ']') { _i++; break; }
                if (c == '[') throw Unsupported("nested character class");
                if (c == '&' && At("&&")) throw Unsupported("&&");
                if (ic) throw Unsupported("character class inside (?i)");
                any = true;
                if (c == '\\' && _i + 1 < p.Length && p[_i + 1] is 's' or 'S') { sb.Append('\\').Append(p[_i + 1]); _i += 2; continue; }
                if (c == '\\' && _i + 1 < p.Length && p[_i + 1] is 'p' or 'P') { sb.Append(ParseProperty()); continue; }
                int lo = ClassCodePoint();
                if (_i + 1 < p.Length && p[_i] == '-' && p[_i + 1] != ']')
                {
                    _i++;
                    if (p[_i] == '\\' && _i + 1 < p.Length && p[_i + 1] is 's' or 'S' or 'p' or 'P') throw Unsupported("range to a class");
                    int hi = ClassCodePoint();
                    if (hi < lo) throw Fail($"empty range in character class at offset {start}");
                    if (hi > 0xFFFF) throw Unsupported("supplementary character in a class");
                    ExplicitRanges.Add((lo, hi));
                    sb.Append(Escape(lo)).Append('-').Append(Escape(hi));
                }
                else
                {
                    ExplicitRanges.Add((lo, lo));
                    sb.Append(Escape(lo));
                }
            }
            if (!any) throw Unsupported("[^]");
            return sb.Append(']').ToString();
        }

        private int ClassCodePoint()
        {
            int cp;
            if (p[_i] == '\\') cp = ParseEscapedCodePoint();
            else
            {
                cp = char.ConvertToUtf32(p, _i);
                _i += char.IsSurrogatePair(p, _i) ? 2 : 1;
            }
            if (cp > 0xFFFF) throw Unsupported("supplementary character in a class");
            return cp;
        }

        private string Literal(int cp, bool ic)
        {
            if (cp > 0xFFFF) throw Unsupported("supplementary literal");
            if (ic && char.IsAsciiLetter((char)cp))
            {
                // Unicode simple case folding: the only non-ASCII characters that fold to ASCII letters.
                char lower = char.ToLowerInvariant((char)cp), upper = char.ToUpperInvariant((char)cp);
                var variants = new List<int> { lower, upper };
                if (lower == 's') variants.Add(0x017F);
                if (lower == 'k') variants.Add(0x212A);
                var sb = new StringBuilder("[");
                foreach (int v in variants) { sb.Append(Escape(v)); ExplicitRanges.Add((v, v)); }
                return sb.Append(']').ToString();
            }
            if (ic && cp > 0x7F && (char.ToLowerInvariant((char)cp) != cp || char.ToUpperInvariant((char)cp) != cp))
                throw Unsupported("non-ASCII cased literal inside (?i)");
            ExplicitRanges.Add((cp, cp));
            return Escape(cp);
        }

        private static string Escape(int cp) => $"\\u{cp:X4}";
    }
}
