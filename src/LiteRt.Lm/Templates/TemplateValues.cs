using System.Collections;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LiteRt.Lm.Templates;

/// <summary>Jinja's Undefined: prints as "", is false, iterates as empty; attribute or item access on it is an error.</summary>
internal sealed class Undefined(string name)
{
    public string Name { get; } = name;
}

/// <summary>A Python dict (insertion-ordered, Python key equality).</summary>
internal sealed class PyDict : OrderedDictionary<object, object?>
{
    public PyDict() : base(PyKeyComparer.Instance) { }
}

/// <summary>Jinja's <c>namespace(...)</c>: attributes that <c>{% set ns.x = … %}</c> can change from inside loops.</summary>
internal sealed class Namespace
{
    public PyDict Attributes { get; } = new();
}

/// <summary>The <c>loop</c> variable of a for loop.</summary>
internal sealed class LoopContext(List<object?> items, int index)
{
    public List<object?> Items { get; } = items;
    public int Index0 { get; } = index;
}

/// <summary>A global function (raise_exception, range, namespace, …).</summary>
internal sealed class PyFunction(string name, Func<List<object?>, List<(string Name, object? Value)>, Pos, object?> impl)
{
    public string Name { get; } = name;
    public object? Invoke(List<object?> args, List<(string, object?)> kwargs, Pos pos) => impl(args, kwargs, pos);
}

/// <summary>An attribute that names a method (<c>content.strip</c>, <c>message.items</c>); dispatched when called.</summary>
internal sealed class BoundMethod(object? self, string name)
{
    public object? Self { get; } = self;
    public string Name { get; } = name;
}

internal sealed class PyKeyComparer : IEqualityComparer<object>
{
    public static readonly PyKeyComparer Instance = new();
    public new bool Equals(object? x, object? y) => Py.Eq(x, y);
    public int GetHashCode(object o) => o switch
    {
        string s => StringComparer.Ordinal.GetHashCode(s),
        bool b => b ? 1 : 0,
        long l => l.GetHashCode(),
        double d => d == Math.Floor(d) && Math.Abs(d) < 9e18 ? ((long)d).GetHashCode() : d.GetHashCode(),
        object?[] t => t.Length,
        _ => o.GetHashCode(),
    };
}

/// <summary>Python/Jinja value semantics: truth, str/repr, equality, ordering, iteration, JSON.</summary>
internal static class Py
{
    public static ChatTemplateException Error(string message, Pos pos) => new(message, pos.Line, pos.Column);

    public static bool IsNumber(object? v) => v is long or double or bool;

    public static bool IsInt(object? v) => v is long or bool;

    public static long AsLong(object? v) => v switch { long l => l, bool b => b ? 1 : 0, _ => throw new InvalidCastException() };

    public static double AsDouble(object? v) => v switch { long l => l, double d => d, bool b => b ? 1 : 0, _ => throw new InvalidCastException() };

    public static string TypeName(object? v) => v switch
    {
        null => "NoneType",
        Undefined => "Undefined",
        string => "str",
        bool => "bool",
        long => "int",
        double => "float",
        List<object?> => "list",
        object?[] => "tuple",
        PyDict => "dict",
        Namespace => "Namespace",
        LoopContext => "LoopContext",
        _ => "object",
    };

    public static bool Truthy(object? v) => v switch
    {
        null or Undefined => false,
        bool b => b,
        long l => l != 0,
        double d => d != 0,
        string s => s.Length > 0,
        List<object?> l => l.Count > 0,
        object?[] t => t.Length > 0,
        PyDict d => d.Count > 0,
        _ => true,
    };

    /// <summary>Python's str(); Undefined prints as the empty string.</summary>
    public static string Str(object? v) => v switch
    {
        string s => s,
        Undefined => "",
        _ => Repr(v),
    };

    public static string Repr(object? v)
    {
        var sb = new StringBuilder();
        AppendRepr(sb, v);
        return sb.ToString();
    }

    private static void AppendRepr(StringBuilder sb, object? v)
    {
        switch (v)
        {
            case null: sb.Append("None"); break;
            case Undefined: break;
            case bool b: sb.Append(b ? "True" : "False"); break;
            case long l: sb.Append(l.ToString(CultureInfo.InvariantCulture)); break;
            case double d: sb.Append(FloatRepr(d)); break;
            case string s: AppendStringRepr(sb, s); break;
            case List<object?> list:
                sb.Append('[');
                for (int i = 0; i < list.Count; i++) { if (i > 0) sb.Append(", "); AppendRepr(sb, list[i]); }
                sb.Append(']');
                break;
            case object?[] t:
                sb.Append('(');
                for (int i = 0; i < t.Length; i++) { if (i > 0) sb.Append(", "); AppendRepr(sb, t[i]); }
                if (t.Length == 1) sb.Append(',');
                sb.Append(')');
                break;
            case PyDict d:
            {
                sb.Append('{');
                bool first = true;
                foreach (var (k, val) in d)
                {
                    if (!first) sb.Append(", ");
                    first = false;
                    AppendRepr(sb, k);
                    sb.Append(": ");
                    AppendRepr(sb, val);
                }
                sb.Append('}');
                break;
            }
            case Namespace ns: sb.Append("<Namespace "); AppendRepr(sb, ns.Attributes); sb.Append('>'); break;
            case LoopContext lc: sb.Append("<LoopContext ").Append(lc.Index0 + 1).Append('/').Append(lc.Items.Count).Append('>'); break;
            case PyFunction f: sb.Append("<function ").Append(f.Name).Append('>'); break;
            case BoundMethod m: sb.Append("<built-in method ").Append(m.Name).Append(" of ").Append(TypeName(m.Self)).Append(" object>"); break;
            default: sb.Append(v); break;
        }
    }

    /// <summary>Python's repr of a str: single quotes unless the text has ' and no ", escapes for non-printables.</summary>
    private static void AppendStringRepr(StringBuilder sb, string s)
    {
        char quote = s.Contains('\'') && !s.Contains('"') ? '"' : '\'';
        sb.Append(quote);
        foreach (var r in s.EnumerateRunes())
        {
            int c = r.Value;
            if (c == quote || c == '\\') sb.Append('\\').Append((char)c);
            else if (c == '\n') sb.Append("\\n");
            else if (c == '\r') sb.Append("\\r");
            else if (c == '\t') sb.Append("\\t");
            else if (!IsPrintable(r))
            {
                if (c < 0x100) sb.Append("\\x").Append(c.ToString("x2", CultureInfo.InvariantCulture));
                else if (c < 0x10000) sb.Append("\\u").Append(c.ToString("x4", CultureInfo.InvariantCulture));
                else sb.Append("\\U").Append(c.ToString("x8", CultureInfo.InvariantCulture));
            }
            else sb.Append(r.ToString());
        }
        sb.Append(quote);
    }

    private static bool IsPrintable(Rune r)
    {
        if (r.Value == ' ') return true;
        return Rune.GetUnicodeCategory(r) switch
        {
            UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse
                or UnicodeCategory.OtherNotAssigned or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
                or UnicodeCategory.SpaceSeparator => false,
            _ => true,
        };
    }

    /// <summary>Python's repr of a float: shortest round-trip digits, exponent form below 1e-4 and from 1e16.</summary>
    public static string FloatRepr(double d)
    {
        if (double.IsNaN(d)) return "nan";
        if (double.IsInfinity(d)) return d > 0 ? "inf" : "-inf";
        if (d == 0) return double.IsNegative(d) ? "-0.0" : "0.0";
        // Shortest round-trip digits: .NET's "R" gives them; split into digits and decimal exponent.
        string shortest = Math.Abs(d).ToString("R", CultureInfo.InvariantCulture);
        int ePos = shortest.IndexOfAny(['E', 'e']);
        string mantissa = ePos >= 0 ? shortest[..ePos] : shortest;
        int exp10 = ePos >= 0 ? int.Parse(shortest.AsSpan(ePos + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture) : 0;
        int dot = mantissa.IndexOf('.');
        string intPart = dot >= 0 ? mantissa[..dot] : mantissa;
        string fracPart = dot >= 0 ? mantissa[(dot + 1)..] : "";
        string digits = (intPart + fracPart).TrimStart('0');
        int leadingZeros = (intPart + fracPart).Length - digits.Length;
        digits = digits.TrimEnd('0');
        if (digits.Length == 0) digits = "0";
        // value = 0.digits × 10^decpt
        int decpt = intPart.Length - leadingZeros + exp10;
        int sciExp = decpt - 1;
        var sb = new StringBuilder();
        if (d < 0) sb.Append('-');
        if (sciExp >= -4 && sciExp < 16)
        {
            if (decpt <= 0) sb.Append("0.").Append('0', -decpt).Append(digits);
            else if (decpt >= digits.Length) sb.Append(digits).Append('0', decpt - digits.Length).Append(".0");
            else sb.Append(digits, 0, decpt).Append('.').Append(digits, decpt, digits.Length - decpt);
        }
        else
        {
            sb.Append(digits[0]);
            if (digits.Length > 1) sb.Append('.').Append(digits, 1, digits.Length - 1);
            sb.Append('e').Append(sciExp < 0 ? '-' : '+').Append(Math.Abs(sciExp).ToString("00", CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }

    public static bool Eq(object? a, object? b)
    {
        if (a is Undefined || b is Undefined) return a is Undefined && b is Undefined;
        if (a is null || b is null) return a is null && b is null;
        if (IsNumber(a) && IsNumber(b))
            return IsInt(a) && IsInt(b) ? AsLong(a) == AsLong(b) : AsDouble(a) == AsDouble(b);
        switch (a)
        {
            case string sa: return b is string sb && sa == sb;
            case List<object?> la:
                return b is List<object?> lb && la.Count == lb.Count && la.Zip(lb).All(p => Eq(p.First, p.Second));
            case object?[] ta:
                return b is object?[] tb && ta.Length == tb.Length && ta.Zip(tb).All(p => Eq(p.First, p.Second));
            case PyDict da:
                if (b is not PyDict db || da.Count != db.Count) return false;
                foreach (var (k, v) in da)
                    if (!db.TryGetValue(k, out var w) || !Eq(v, w)) return false;
                return true;
            default: return ReferenceEquals(a, b);
        }
    }

    /// <summary>Python ordering (numbers, strings by code point, sequences lexicographically); other pairs are errors.</summary>
    public static int Compare(object? a, object? b, string op, Pos pos)
    {
        if (IsNumber(a) && IsNumber(b))
            return IsInt(a) && IsInt(b) ? AsLong(a).CompareTo(AsLong(b)) : AsDouble(a).CompareTo(AsDouble(b));
        if (a is string sa && b is string sb) return CompareCodePoints(sa, sb);
        if ((a is List<object?> && b is List<object?>) || (a is object?[] && b is object?[]))
        {
            var la = Iterate(a, pos).ToList();
            var lb = Iterate(b, pos).ToList();
            for (int i = 0; i < Math.Min(la.Count, lb.Count); i++)
                if (!Eq(la[i], lb[i])) return Compare(la[i], lb[i], op, pos);
            return la.Count.CompareTo(lb.Count);
        }
        throw Error($"'{op}' not supported between instances of '{TypeName(a)}' and '{TypeName(b)}'", pos);
    }

    private static int CompareCodePoints(string a, string b)
    {
        var ea = a.EnumerateRunes();
        var eb = b.EnumerateRunes();
        while (true)
        {
            bool ha = ea.MoveNext(), hb = eb.MoveNext();
            if (!ha || !hb) return ha.CompareTo(hb);
            int c = ea.Current.Value.CompareTo(eb.Current.Value);
            if (c != 0) return c;
        }
    }

    public static IEnumerable<object?> Iterate(object? v, Pos pos) => v switch
    {
        Undefined => [],
        List<object?> l => l,
        object?[] t => t,
        PyDict d => d.Keys,
        string s => s.EnumerateRunes().Select(r => (object?)r.ToString()),
        Namespace => throw Error("'Namespace' object is not iterable", pos),
        _ => throw Error($"'{TypeName(v)}' object is not iterable", pos),
    };

    public static long Len(object? v, Pos pos) => v switch
    {
        Undefined => 0,
        string s => s.EnumerateRunes().Count(),
        List<object?> l => l.Count,
        object?[] t => t.Length,
        PyDict d => d.Count,
        _ => throw Error($"object of type '{TypeName(v)}' has no len()", pos),
    };

    public static bool Contains(object? container, object? item, Pos pos)
    {
        switch (container)
        {
            case string s:
                if (item is not string sub) throw Error($"'in <string>' requires string as left operand, not {TypeName(item)}", pos);
                return s.Contains(sub, StringComparison.Ordinal);
            case PyDict d:
                return item is not null && item is not Undefined && d.ContainsKey(item);
            default:
                foreach (var x in Iterate(container, pos)) if (Eq(x, item)) return true;
                return false;
        }
    }

    /// <summary>Python whitespace (str.isspace): Unicode White_Space plus the separators U+001C–U+001F.</summary>
    public static bool IsSpace(char c) => char.IsWhiteSpace(c) || c is >= '\x1c' and <= '\x1f';

    // ---------------------------------------------------------------- .NET → template values

    public static object? FromNet(object? v) => v switch
    {
        null => null,
        string or bool or long or double or Undefined or PyDict or Namespace => v,
        int i => (long)i,
        short i => (long)i,
        byte i => (long)i,
        uint i => (long)i,
        float f => (double)f,
        decimal m => (double)m,
        ChatMessage m => m.ToDict(),
        JsonElement e => FromJson(e),
        JsonNode n => FromJsonNode(n),
        IReadOnlyDictionary<string, object?> d => ToDict(d),
        IDictionary<string, object?> d => ToDict(d),
        IDictionary d => ToDict(d.Keys.Cast<object>().ToDictionary(k => k.ToString()!, k => d[k])),
        List<object?> l => l.Select(FromNet).ToList(),
        IEnumerable e => e.Cast<object?>().Select(FromNet).ToList(),
        _ => throw new ArgumentException($"chat template variables: a value of type {v.GetType().Name} cannot be passed to a template"),
    };

    private static PyDict ToDict(IEnumerable<KeyValuePair<string, object?>> d)
    {
        var dict = new PyDict();
        foreach (var (k, val) in d) dict[k] = FromNet(val);
        return dict;
    }

    private static object? FromJsonNode(JsonNode? n) => n switch
    {
        null => null,
        JsonObject o => ToDict(o.Select(p => new KeyValuePair<string, object?>(p.Key, FromJsonNode(p.Value)))),
        JsonArray a => a.Select(FromJsonNode).ToList(),
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => v.GetValue<string>(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Number => v.TryGetValue(out long l) ? l : v.TryGetValue(out int i) ? (long)i : (object)v.GetValue<double>(),
            JsonValueKind.Object or JsonValueKind.Array => throw new ArgumentException("unexpected JSON value"),
            _ => null,
        },
        _ => null,
    };

    public static object? FromJson(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.String => e.GetString(),
        JsonValueKind.Number => e.TryGetInt64(out long l) && !e.GetRawText().Contains('.') && !e.GetRawText().Contains('e') && !e.GetRawText().Contains('E') ? l : (object)e.GetDouble(),
        JsonValueKind.Array => e.EnumerateArray().Select(FromJson).ToList(),
        JsonValueKind.Object => ToDict(e.EnumerateObject().Select(p => new KeyValuePair<string, object?>(p.Name, FromJson(p.Value)))),
        _ => null,
    };

    // ---------------------------------------------------------------- tojson (transformers: json.dumps, ensure_ascii=False)

    public static string ToJson(object? v, int? indent, bool sortKeys, Pos pos)
    {
        var sb = new StringBuilder();
        WriteJson(sb, v, indent, sortKeys, 0, pos);
        return sb.ToString();
    }

    private static void WriteJson(StringBuilder sb, object? v, int? indent, bool sortKeys, int level, Pos pos)
    {
        switch (v)
        {
            case null: sb.Append("null"); break;
            case bool b: sb.Append(b ? "true" : "false"); break;
            case long l: sb.Append(l.ToString(CultureInfo.InvariantCulture)); break;
            case double d:
                sb.Append(double.IsNaN(d) ? "NaN" : double.IsPositiveInfinity(d) ? "Infinity" : double.IsNegativeInfinity(d) ? "-Infinity" : FloatRepr(d));
                break;
            case string s: WriteJsonString(sb, s); break;
            case List<object?> or object?[]:
            {
                var items = Iterate(v, pos).ToList();
                if (items.Count == 0) { sb.Append("[]"); break; }
                sb.Append('[');
                for (int i = 0; i < items.Count; i++)
                {
                    if (i > 0) sb.Append(indent is null ? ", " : ",");
                    NewLine(sb, indent, level + 1);
                    WriteJson(sb, items[i], indent, sortKeys, level + 1, pos);
                }
                NewLine(sb, indent, level);
                sb.Append(']');
                break;
            }
            case PyDict d:
            {
                if (d.Count == 0) { sb.Append("{}"); break; }
                var entries = d.Select(kv => (Key: JsonKey(kv.Key, pos), kv.Value)).ToList();
                if (sortKeys) entries.Sort((x, y) => string.CompareOrdinal(x.Key, y.Key));
                sb.Append('{');
                for (int i = 0; i < entries.Count; i++)
                {
                    if (i > 0) sb.Append(indent is null ? ", " : ",");
                    NewLine(sb, indent, level + 1);
                    WriteJsonString(sb, entries[i].Key);
                    sb.Append(": ");
                    WriteJson(sb, entries[i].Value, indent, sortKeys, level + 1, pos);
                }
                NewLine(sb, indent, level);
                sb.Append('}');
                break;
            }
            default:
                throw Error($"Object of type {TypeName(v)} is not JSON serializable", pos);
        }
    }

    private static void NewLine(StringBuilder sb, int? indent, int level)
    {
        if (indent is { } n) sb.Append('\n').Append(' ', n * level);
    }

    private static string JsonKey(object k, Pos pos) => k switch
    {
        string s => s,
        bool b => b ? "true" : "false",
        long l => l.ToString(CultureInfo.InvariantCulture),
        double d => FloatRepr(d),
        _ => throw Error($"keys must be str, int, float, bool or None, not {TypeName(k)}", pos),
    };

    private static void WriteJsonString(StringBuilder sb, string s)
    {
        sb.Append('"');
        foreach (char c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                case < ' ': sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)); break;
                default: sb.Append(c); break;
            }
        }
        sb.Append('"');
    }
}
