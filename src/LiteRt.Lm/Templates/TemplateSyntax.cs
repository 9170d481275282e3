using System.Globalization;
using System.Text;

namespace LiteRt.Lm.Templates;

/// <summary>A chat template that cannot be parsed or rendered; <see cref="Line"/>/<see cref="Column"/> locate it (1-based, 0 when unknown).</summary>
public sealed class ChatTemplateException : Exception
{
    public int Line { get; }
    public int Column { get; }

    /// <summary>True when the template itself called <c>raise_exception(message)</c>; <see cref="TemplateMessage"/> holds its text.</summary>
    public bool RaisedByTemplate { get; }

    public string? TemplateMessage { get; }

    internal ChatTemplateException(string message, int line, int column, bool raised = false, string? templateMessage = null)
        : base(line > 0 ? $"chat template: {message} (line {line}, column {column})" : $"chat template: {message}")
    {
        Line = line;
        Column = column;
        RaisedByTemplate = raised;
        TemplateMessage = templateMessage;
    }
}

internal readonly record struct Pos(int Line, int Column);

internal enum TokKind { Name, String, Integer, Float, Op, End }

internal readonly record struct Tok(TokKind Kind, string Text, Pos Pos, object? Value = null)
{
    public bool IsOp(string op) => Kind == TokKind.Op && Text == op;
    public bool IsName(string name) => Kind == TokKind.Name && Text == name;
}

/// <summary>A piece of the template source: data text, an output tag's tokens, or a statement tag's tokens.</summary>
internal abstract record Chunk(Pos Pos);
internal sealed record DataChunk(string Text, Pos Pos) : Chunk(Pos);
internal sealed record OutputChunk(List<Tok> Tokens, Pos Pos) : Chunk(Pos);
internal sealed record StatementChunk(List<Tok> Tokens, Pos Pos) : Chunk(Pos);

/// <summary>
/// Splits a template into chunks with Jinja's whitespace rules as transformers configures them: newlines normalized
/// to \n and one trailing newline dropped, <c>{%-</c>/<c>-%}</c> (and for <c>{{ }}</c>, <c>{# #}</c>) strip whitespace,
/// trim_blocks drops the newline after a block or comment tag, lstrip_blocks drops spaces and tabs before a block or
/// comment tag that starts a line (<c>{%+</c> / <c>+%}</c> turn those two off for one tag).
/// </summary>
internal sealed class TemplateLexer
{
    private readonly string _s;
    private int _i;
    private readonly int[] _lineStarts;

    public TemplateLexer(string source)
    {
        var lines = source.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');
        if (lines.EndsWith('\n')) lines = lines[..^1];
        _s = lines;
        var starts = new List<int> { 0 };
        for (int k = 0; k < _s.Length; k++) if (_s[k] == '\n') starts.Add(k + 1);
        _lineStarts = [.. starts];
    }

    private Pos PosAt(int offset)
    {
        int line = Array.BinarySearch(_lineStarts, offset);
        if (line < 0) line = ~line - 1;
        return new Pos(line + 1, offset - _lineStarts[line] + 1);
    }

    private ChatTemplateException Error(string message, int offset)
    {
        var p = PosAt(offset);
        return new ChatTemplateException(message, p.Line, p.Column);
    }

    public List<Chunk> Lex()
    {
        var chunks = new List<Chunk>();
        bool lineStarting = true;
        bool stripNextData = false;
        while (_i <= _s.Length)
        {
            int tagStart = FindTagStart(_i);
            string data = _s[_i..(tagStart < 0 ? _s.Length : tagStart)];
            int dataOffset = _i;
            if (stripNextData)
            {
                string trimmed = data.TrimStart();
                dataOffset += data.Length - trimmed.Length;
                data = trimmed;
                stripNextData = false;
            }
            if (tagStart < 0)
            {
                if (data.Length > 0) chunks.Add(new DataChunk(data, PosAt(dataOffset)));
                break;
            }
            char kind = _s[tagStart + 1];   // '{', '%' or '#'
            char control = tagStart + 2 < _s.Length ? _s[tagStart + 2] : '\0';
            if (control == '-') data = data.TrimEnd();
            else if (control != '+' && kind != '{')
            {
                // lstrip_blocks: whitespace between the start of the line and a block/comment tag goes.
                int lPos = data.LastIndexOf('\n') + 1;
                if ((lPos > 0 || lineStarting) && lPos < data.Length && data.AsSpan(lPos).IsWhiteSpace()) data = data[..lPos];
            }
            if (data.Length > 0) chunks.Add(new DataChunk(data, PosAt(dataOffset)));
            int bodyStart = tagStart + 2 + (control is '-' or '+' ? 1 : 0);
            var pos = PosAt(tagStart);
            if (kind == '#')
            {
                int end = _s.IndexOf("#}", bodyStart, StringComparison.Ordinal);
                if (end < 0) throw Error("unterminated comment", tagStart);
                char endControl = _s[end - 1];
                _i = end + 2;
                FinishTag(endControl, kind, ref stripNextData);
            }
            else
            {
                _i = bodyStart;
                var tokens = LexTag(kind, out char endControl);
                if (kind == '%' && tokens.Count > 0 && tokens[0].IsName("raw"))
                    throw new ChatTemplateException("statement 'raw' is not supported", pos.Line, pos.Column);
                chunks.Add(kind == '{' ? new OutputChunk(tokens, pos) : new StatementChunk(tokens, pos));
                FinishTag(endControl, kind, ref stripNextData);
            }
            lineStarting = _i > 0 && _s[_i - 1] == '\n';
        }
        return chunks;
    }

    /// <summary>After a tag: "-" strips the following whitespace, trim_blocks drops one newline after %} and #}.</summary>
    private void FinishTag(char endControl, char kind, ref bool stripNextData)
    {
        if (endControl == '-') stripNextData = true;
        else if (endControl != '+' && kind != '{' && _i < _s.Length && _s[_i] == '\n') _i++;
    }

    private int FindTagStart(int from)
    {
        for (int k = _s.IndexOf('{', from); k >= 0 && k + 1 < _s.Length; k = _s.IndexOf('{', k + 1))
            if (_s[k + 1] is '{' or '%' or '#') return k;
        return -1;
    }

    /// <summary>Tokens of one {{ … }} or {% … %} tag, up to its end (brackets balanced, strings respected).</summary>
    private List<Tok> LexTag(char kind, out char endControl)
    {
        var tokens = new List<Tok>();
        int depth = 0;
        string close = kind == '{' ? "}}" : "%}";
        while (true)
        {
            while (_i < _s.Length && char.IsWhiteSpace(_s[_i])) _i++;
            if (_i >= _s.Length) throw Error(kind == '{' ? "unterminated '{{'" : "unterminated '{%'", _i);
            int start = _i;
            if (depth == 0)
            {
                if (_s[_i] is '-' or '+' && string.CompareOrdinal(_s, _i + 1, close, 0, 2) == 0)
                {
                    endControl = _s[_i];
                    _i += 3;
                    return tokens;
                }
                if (string.CompareOrdinal(_s, _i, close, 0, 2) == 0)
                {
                    endControl = '\0';
                    _i += 2;
                    return tokens;
                }
            }
            char c = _s[_i];
            if (char.IsLetter(c) || c == '_')
            {
                while (_i < _s.Length && (char.IsLetterOrDigit(_s[_i]) || _s[_i] == '_')) _i++;
                tokens.Add(new Tok(TokKind.Name, _s[start.._i], PosAt(start)));
            }
            else if (char.IsAsciiDigit(c)) tokens.Add(LexNumber(start));
            else if (c is '\'' or '"') tokens.Add(LexString(start));
            else
            {
                string op = LexOperator();
                if (op is "(" or "[" or "{") depth++;
                else if (op is ")" or "]" or "}")
                {
                    if (depth == 0) throw Error($"unexpected '{op}'", start);
                    depth--;
                }
                tokens.Add(new Tok(TokKind.Op, op, PosAt(start)));
            }
        }
    }

    private static readonly string[] Operators =
        ["//", "**", "==", "!=", "<=", ">=", "+", "-", "/", "*", "%", "~", "[", "]", "(", ")", "{", "}", ">", "<", "=", ".", ":", "|", ",", ";"];

    private string LexOperator()
    {
        foreach (var op in Operators)
            if (string.CompareOrdinal(_s, _i, op, 0, op.Length) == 0)
            {
                _i += op.Length;
                return op;
            }
        throw Error($"unexpected character '{_s[_i]}'", _i);
    }

    private Tok LexNumber(int start)
    {
        while (_i < _s.Length && (char.IsAsciiDigit(_s[_i]) || _s[_i] == '_')) _i++;
        bool isFloat = false;
        if (_i + 1 < _s.Length && _s[_i] == '.' && char.IsAsciiDigit(_s[_i + 1]))
        {
            isFloat = true;
            _i++;
            while (_i < _s.Length && (char.IsAsciiDigit(_s[_i]) || _s[_i] == '_')) _i++;
        }
        if (_i < _s.Length && _s[_i] is 'e' or 'E')
        {
            int save = _i;
            _i++;
            if (_i < _s.Length && _s[_i] is '+' or '-') _i++;
            if (_i < _s.Length && char.IsAsciiDigit(_s[_i]))
            {
                isFloat = true;
                while (_i < _s.Length && char.IsAsciiDigit(_s[_i])) _i++;
            }
            else _i = save;
        }
        string text = _s[start.._i].Replace("_", "", StringComparison.Ordinal);
        if (isFloat) return new Tok(TokKind.Float, text, PosAt(start), double.Parse(text, CultureInfo.InvariantCulture));
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long v)) throw Error($"integer '{text}' is too large", start);
        return new Tok(TokKind.Integer, text, PosAt(start), v);
    }

    /// <summary>A quoted string with Python escapes (Jinja decodes literals with unicode-escape).</summary>
    private Tok LexString(int start)
    {
        char quote = _s[_i++];
        var sb = new StringBuilder();
        while (true)
        {
            if (_i >= _s.Length) throw Error("unterminated string", start);
            char c = _s[_i++];
            if (c == quote) break;
            if (c != '\\') { sb.Append(c); continue; }
            if (_i >= _s.Length) throw Error("unterminated string", start);
            char e = _s[_i++];
            switch (e)
            {
                case '\n': break;
                case '\\': sb.Append('\\'); break;
                case '\'': sb.Append('\''); break;
                case '"': sb.Append('"'); break;
                case 'a': sb.Append('\a'); break;
                case 'b': sb.Append('\b'); break;
                case 'f': sb.Append('\f'); break;
                case 'n': sb.Append('\n'); break;
                case 'r': sb.Append('\r'); break;
                case 't': sb.Append('\t'); break;
                case 'v': sb.Append('\v'); break;
                case 'x': sb.Append(HexEscape(2, start)); break;
                case 'u': sb.Append(HexEscape(4, start)); break;
                case 'U': sb.Append(HexEscape(8, start)); break;
                case >= '0' and <= '7':
                {
                    int v = e - '0';
                    for (int k = 0; k < 2 && _i < _s.Length && _s[_i] is >= '0' and <= '7'; k++) v = v * 8 + (_s[_i++] - '0');
                    sb.Append((char)v);
                    break;
                }
                case 'N': throw Error("string escape '\\N{…}' is not supported", _i - 2);
                default: sb.Append('\\').Append(e); break;   // unknown escapes stay as written
            }
        }
        return new Tok(TokKind.String, _s[start.._i], PosAt(start), sb.ToString());
    }

    private string HexEscape(int digits, int start)
    {
        if (_i + digits > _s.Length || !int.TryParse(_s.AsSpan(_i, digits), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int v) || v > 0x10FFFF)
            throw Error("bad escape in string", start);
        _i += digits;
        return char.ConvertFromUtf32(v);
    }
}
