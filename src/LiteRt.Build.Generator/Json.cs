using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace LiteRt.Build.Generator;

/// <summary>A parsed JSON value with the position it started at (1-based line and column) for diagnostics.</summary>
internal sealed class JsonValue
{
    public JsonValue(JsonKind kind, int line, int column)
    {
        Kind = kind;
        Line = line;
        Column = column;
    }

    public JsonKind Kind { get; }
    public int Line { get; }
    public int Column { get; }
    public int Offset { get; set; }
    public string? String { get; set; }
    public double Number { get; set; }
    public string? NumberText { get; set; }
    public bool Bool { get; set; }
    public List<JsonValue>? Items { get; set; }
    public List<KeyValuePair<string, JsonValue>>? Members { get; set; }

    public JsonValue? this[string name]
    {
        get
        {
            if (Members is null) return null;
            foreach (var m in Members)
                if (m.Key == name) return m.Value;
            return null;
        }
    }
}

internal enum JsonKind { Null, Bool, Number, String, Array, Object }

/// <summary>Thrown for malformed JSON, with the position of the problem.</summary>
internal sealed class JsonException(string message, int line, int column, int offset) : Exception(message)
{
    public int Line { get; } = line;
    public int Column { get; } = column;
    public int Offset { get; } = offset;
}

/// <summary>A small strict JSON reader (RFC 8259), enough for manifests; no dependencies.</summary>
internal sealed class JsonReader
{
    private readonly string _s;
    private int _i;
    private int _line = 1;
    private int _lineStart;

    private JsonReader(string s) => _s = s;

    public static JsonValue Parse(string text)
    {
        var r = new JsonReader(text);
        r.SkipWhitespace();
        var v = r.ReadValue(0);
        r.SkipWhitespace();
        if (r._i < r._s.Length) throw r.Error("unexpected text after the JSON value");
        return v;
    }

    private JsonException Error(string message) => new(message, _line, _i - _lineStart + 1, _i);

    private void SkipWhitespace()
    {
        while (_i < _s.Length)
        {
            char c = _s[_i];
            if (c == '\n') { _line++; _lineStart = _i + 1; }
            else if (c != ' ' && c != '\t' && c != '\r' && c != '\uFEFF') break;
            _i++;
        }
    }

    private JsonValue ReadValue(int depth)
    {
        if (depth > 64) throw Error("nesting too deep");
        if (_i >= _s.Length) throw Error("unexpected end of the file");
        int line = _line, column = _i - _lineStart + 1, offset = _i;
        char c = _s[_i];
        JsonValue v;
        switch (c)
        {
            case '{': v = ReadObject(depth, line, column); break;
            case '[': v = ReadArray(depth, line, column); break;
            case '"': v = new JsonValue(JsonKind.String, line, column) { String = ReadString() }; break;
            case 't': Expect("true"); v = new JsonValue(JsonKind.Bool, line, column) { Bool = true }; break;
            case 'f': Expect("false"); v = new JsonValue(JsonKind.Bool, line, column) { Bool = false }; break;
            case 'n': Expect("null"); v = new JsonValue(JsonKind.Null, line, column); break;
            default:
                if (c == '-' || (c >= '0' && c <= '9')) v = ReadNumber(line, column);
                else throw Error($"unexpected character '{c}'");
                break;
        }
        v.Offset = offset;
        return v;
    }

    private void Expect(string word)
    {
        if (string.CompareOrdinal(_s, _i, word, 0, word.Length) != 0) throw Error($"expected '{word}'");
        _i += word.Length;
    }

    private JsonValue ReadObject(int depth, int line, int column)
    {
        var v = new JsonValue(JsonKind.Object, line, column) { Members = new List<KeyValuePair<string, JsonValue>>() };
        _i++;
        SkipWhitespace();
        if (_i < _s.Length && _s[_i] == '}') { _i++; return v; }
        while (true)
        {
            SkipWhitespace();
            if (_i >= _s.Length || _s[_i] != '"') throw Error("expected a property name");
            string name = ReadString();
            SkipWhitespace();
            if (_i >= _s.Length || _s[_i] != ':') throw Error("expected ':'");
            _i++;
            SkipWhitespace();
            v.Members.Add(new KeyValuePair<string, JsonValue>(name, ReadValue(depth + 1)));
            SkipWhitespace();
            if (_i >= _s.Length) throw Error("unexpected end of the file in an object");
            if (_s[_i] == ',') { _i++; continue; }
            if (_s[_i] == '}') { _i++; return v; }
            throw Error("expected ',' or '}'");
        }
    }

    private JsonValue ReadArray(int depth, int line, int column)
    {
        var v = new JsonValue(JsonKind.Array, line, column) { Items = new List<JsonValue>() };
        _i++;
        SkipWhitespace();
        if (_i < _s.Length && _s[_i] == ']') { _i++; return v; }
        while (true)
        {
            SkipWhitespace();
            v.Items.Add(ReadValue(depth + 1));
            SkipWhitespace();
            if (_i >= _s.Length) throw Error("unexpected end of the file in an array");
            if (_s[_i] == ',') { _i++; continue; }
            if (_s[_i] == ']') { _i++; return v; }
            throw Error("expected ',' or ']'");
        }
    }

    private string ReadString()
    {
        _i++; // opening quote
        var sb = new StringBuilder();
        while (true)
        {
            if (_i >= _s.Length) throw Error("unterminated string");
            char c = _s[_i++];
            if (c == '"') return sb.ToString();
            if (c < ' ') throw Error("control character in a string");
            if (c != '\\') { sb.Append(c); continue; }
            if (_i >= _s.Length) throw Error("unterminated escape");
            char e = _s[_i++];
            switch (e)
            {
                case '"': sb.Append('"'); break;
                case '\\': sb.Append('\\'); break;
                case '/': sb.Append('/'); break;
                case 'b': sb.Append('\b'); break;
                case 'f': sb.Append('\f'); break;
                case 'n': sb.Append('\n'); break;
                case 'r': sb.Append('\r'); break;
                case 't': sb.Append('\t'); break;
                case 'u':
                    if (_i + 4 > _s.Length || !int.TryParse(_s.Substring(_i, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out int code))
                        throw Error("bad \\u escape");
                    sb.Append((char)code);
                    _i += 4;
                    break;
                default: throw Error($"bad escape '\\{e}'");
            }
        }
    }

    private JsonValue ReadNumber(int line, int column)
    {
        int start = _i;
        if (_s[_i] == '-') _i++;
        while (_i < _s.Length && (char.IsDigit(_s[_i]) || _s[_i] == '.' || _s[_i] == 'e' || _s[_i] == 'E' || _s[_i] == '+' || _s[_i] == '-')) _i++;
        string text = _s.Substring(start, _i - start);
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double d)) throw Error($"bad number '{text}'");
        return new JsonValue(JsonKind.Number, line, column) { Number = d, NumberText = text };
    }
}
