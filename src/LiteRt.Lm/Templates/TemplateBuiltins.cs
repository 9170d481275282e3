using System.Globalization;
using System.Text;

namespace LiteRt.Lm.Templates;

/// <summary>Operators, filters, tests and str/dict/list methods with Python/Jinja semantics.</summary>
internal static class TemplateBuiltins
{
    public static readonly HashSet<string> FilterNames =
    [
        "trim", "length", "count", "upper", "lower", "capitalize", "title", "tojson", "string", "int", "float", "default", "d",
        "join", "first", "last", "list", "replace", "reverse", "items", "abs", "safe", "map", "select", "reject", "selectattr",
        "rejectattr", "unique", "sort",
    ];

    public static readonly HashSet<string> TestNames =
    [
        "defined", "undefined", "none", "boolean", "true", "false", "integer", "float", "number", "string", "mapping", "iterable",
        "sequence", "callable", "odd", "even", "divisibleby", "eq", "equalto", "==", "ne", "!=", "lt", "lessthan", "<", "le", "<=",
        "gt", "greaterthan", ">", "ge", ">=", "in", "sameas", "lower", "upper",
    ];

    private static ChatTemplateException Error(string m, Pos p) => Py.Error(m, p);

    private static object? Kwarg(List<(string Name, object? Value)> kwargs, string name, List<object?> args, int position, object? fallback)
    {
        foreach (var (k, v) in kwargs) if (k == name) return v;
        return position < args.Count ? args[position] : fallback;
    }

    private static void CheckKwargs(List<(string Name, object? Value)> kwargs, string what, Pos pos, params string[] allowed)
    {
        foreach (var (k, _) in kwargs)
            if (Array.IndexOf(allowed, k) < 0) throw Error($"{what}: keyword argument '{k}' is not supported", pos);
    }

    private static string Undef(Undefined u) => $"'{u.Name}' is undefined";

    // ---------------------------------------------------------------- operators

    public static object? Binary(string op, object? a, object? b, Pos pos)
    {
        if (op == "~") return Py.Str(a) + Py.Str(b);
        if (a is Undefined ua) throw Error(Undef(ua), pos);
        if (b is Undefined ub) throw Error(Undef(ub), pos);
        switch (op)
        {
            case "+":
                if (Py.IsNumber(a) && Py.IsNumber(b)) return Py.IsInt(a) && Py.IsInt(b) ? (object)Checked(() => checked(Py.AsLong(a) + Py.AsLong(b)), pos) : Py.AsDouble(a) + Py.AsDouble(b);
                if (a is string sa && b is string sb) return sa + sb;
                if (a is List<object?> la && b is List<object?> lb) return la.Concat(lb).ToList();
                if (a is object?[] ta && b is object?[] tb) return ta.Concat(tb).ToArray();
                break;
            case "-":
                if (Py.IsNumber(a) && Py.IsNumber(b)) return Py.IsInt(a) && Py.IsInt(b) ? (object)Checked(() => checked(Py.AsLong(a) - Py.AsLong(b)), pos) : Py.AsDouble(a) - Py.AsDouble(b);
                break;
            case "*":
                if (Py.IsNumber(a) && Py.IsNumber(b)) return Py.IsInt(a) && Py.IsInt(b) ? (object)Checked(() => checked(Py.AsLong(a) * Py.AsLong(b)), pos) : Py.AsDouble(a) * Py.AsDouble(b);
                if (a is string s1 && Py.IsInt(b)) return Repeat(s1, Py.AsLong(b));
                if (b is string s2 && Py.IsInt(a)) return Repeat(s2, Py.AsLong(a));
                if (a is List<object?> l1 && Py.IsInt(b)) return Enumerable.Range(0, (int)Math.Max(0, Py.AsLong(b))).SelectMany(_ => l1).ToList();
                break;
            case "/":
                if (Py.IsNumber(a) && Py.IsNumber(b))
                {
                    if (Py.AsDouble(b) == 0) throw Error("division by zero", pos);
                    return Py.AsDouble(a) / Py.AsDouble(b);
                }
                break;
            case "//":
                if (Py.IsNumber(a) && Py.IsNumber(b))
                {
                    if (Py.AsDouble(b) == 0) throw Error("integer division or modulo by zero", pos);
                    if (Py.IsInt(a) && Py.IsInt(b))
                    {
                        long x = Py.AsLong(a), y = Py.AsLong(b), q = x / y;
                        return (x % y != 0 && (x < 0) != (y < 0)) ? q - 1 : q;
                    }
                    return Math.Floor(Py.AsDouble(a) / Py.AsDouble(b));
                }
                break;
            case "%":
                if (a is string) throw Error("'%' string formatting is not supported", pos);
                if (Py.IsNumber(a) && Py.IsNumber(b))
                {
                    if (Py.AsDouble(b) == 0) throw Error("integer division or modulo by zero", pos);
                    if (Py.IsInt(a) && Py.IsInt(b))
                    {
                        long x = Py.AsLong(a), y = Py.AsLong(b), r = x % y;
                        return r != 0 && (r < 0) != (y < 0) ? r + y : r;
                    }
                    double dx = Py.AsDouble(a), dy = Py.AsDouble(b), dr = dx % dy;
                    return dr != 0 && (dr < 0) != (dy < 0) ? dr + dy : dr;
                }
                break;
            case "**":
                if (Py.IsNumber(a) && Py.IsNumber(b))
                {
                    if (Py.IsInt(a) && Py.IsInt(b) && Py.AsLong(b) >= 0)
                    {
                        long result = 1, x = Py.AsLong(a);
                        for (long k = 0; k < Py.AsLong(b); k++) result = Checked(() => checked(result * x), pos);
                        return result;
                    }
                    return Math.Pow(Py.AsDouble(a), Py.AsDouble(b));
                }
                break;
        }
        throw Error($"unsupported operand type(s) for {op}: '{Py.TypeName(a)}' and '{Py.TypeName(b)}'", pos);
    }

    private static long Checked(Func<long> f, Pos pos)
    {
        try { return f(); }
        catch (OverflowException) { throw Error("integer overflow (beyond 64 bits)", pos); }
    }

    private static string Repeat(string s, long n) => n <= 0 ? "" : new StringBuilder(s.Length * (int)n).Insert(0, s, (int)n).ToString();

    // ---------------------------------------------------------------- filters

    public static object? Filter(string name, object? v, List<object?> args, List<(string Name, object? Value)> kwargs, Pos pos)
    {
        switch (name)
        {
            case "trim":
                CheckKwargs(kwargs, name, pos, "chars");
                return Strip(Py.Str(v), Kwarg(kwargs, "chars", args, 0, null), true, true, pos);
            case "length" or "count":
                return Py.Len(v, pos);
            case "upper": return Py.Str(v).ToUpperInvariant();
            case "lower": return Py.Str(v).ToLowerInvariant();
            case "capitalize": return Capitalize(Py.Str(v));
            case "title": return JinjaTitle(Py.Str(v));
            case "string": return Py.Str(v);
            case "safe": return v;
            case "tojson":
            {
                CheckKwargs(kwargs, name, pos, "indent", "sort_keys", "ensure_ascii");
                if (Kwarg(kwargs, "ensure_ascii", [], 99, false) is true) throw Error("tojson(ensure_ascii=True) is not supported", pos);
                var indent = Kwarg(kwargs, "indent", args, 0, null);
                if (indent is not null && !Py.IsInt(indent)) throw Error("tojson: indent must be an integer", pos);
                return Py.ToJson(v, indent is null ? null : (int)Py.AsLong(indent), Py.Truthy(Kwarg(kwargs, "sort_keys", [], 99, false)), pos);
            }
            case "int":
            {
                var fallback = Kwarg(kwargs, "default", args, 0, 0L);
                if (Kwarg(kwargs, "base", args, 1, 10L) is not 10L) throw Error("int(base=…) is not supported", pos);
                return v switch
                {
                    bool b => b ? 1L : 0L,
                    long l => l,
                    double d => double.IsFinite(d) ? (long)Math.Truncate(d) : fallback,
                    string s when long.TryParse(s.Trim().Replace("_", "", StringComparison.Ordinal), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long l) => l,
                    string s when double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && double.IsFinite(d) => (long)Math.Truncate(d),
                    _ => fallback,
                };
            }
            case "float":
            {
                var fallback = Kwarg(kwargs, "default", args, 0, 0.0);
                return v switch
                {
                    bool b => b ? 1.0 : 0.0,
                    long l => (double)l,
                    double d => d,
                    string s when double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double d) => d,
                    _ => fallback,
                };
            }
            case "default" or "d":
            {
                var fallback = Kwarg(kwargs, "default_value", args, 0, "");
                bool boolean = Py.Truthy(Kwarg(kwargs, "boolean", args, 1, false));
                return v is Undefined || (boolean && !Py.Truthy(v)) ? fallback : v;
            }
            case "join":
            {
                CheckKwargs(kwargs, name, pos, "d", "attribute");
                string sep = Py.Str(Kwarg(kwargs, "d", args, 0, ""));
                var attribute = Kwarg(kwargs, "attribute", args, 1, null);
                var items = Py.Iterate(v, pos);
                if (attribute is not null) items = items.Select(x => AttributePath(x, attribute, pos));
                return string.Join(sep, items.Select(Py.Str));
            }
            case "first":
            {
                foreach (var x in Py.Iterate(v, pos)) return x;
                return new Undefined("first");
            }
            case "last":
            {
                var items = Py.Iterate(v, pos).ToList();
                return items.Count > 0 ? items[^1] : new Undefined("last");
            }
            case "list": return Py.Iterate(v, pos).ToList();
            case "replace":
            {
                if (args.Count < 2) throw Error("replace needs old and new", pos);
                return PyReplace(Py.Str(v), Py.Str(args[0]), Py.Str(args[1]), args.Count > 2 ? Py.AsLong(args[2]) : -1);
            }
            case "reverse":
                if (v is string rs) return string.Concat(rs.EnumerateRunes().Reverse().Select(r => r.ToString()));
                return Py.Iterate(v, pos).Reverse().ToList();
            case "items":
                if (v is Undefined) return new List<object?>();
                if (v is not PyDict dict) throw Error($"items: expected a mapping, got '{Py.TypeName(v)}'", pos);
                return dict.Select(kv => (object?)new object?[] { kv.Key, kv.Value }).ToList();
            case "abs":
                return v switch { long l => (object)Math.Abs(l), double d => Math.Abs(d), bool b => b ? 1L : 0L, _ => throw Error($"bad operand type for abs(): '{Py.TypeName(v)}'", pos) };
            case "unique":
            {
                var result = new List<object?>();
                foreach (var x in Py.Iterate(v, pos))
                    if (!result.Any(y => Py.Eq(CaseFold(x), CaseFold(y)))) result.Add(x);
                return result;
            }
            case "sort":
            {
                CheckKwargs(kwargs, name, pos, "reverse", "case_sensitive", "attribute");
                bool reverse = Py.Truthy(Kwarg(kwargs, "reverse", args, 0, false));
                bool caseSensitive = Py.Truthy(Kwarg(kwargs, "case_sensitive", args, 1, false));
                var attribute = Kwarg(kwargs, "attribute", args, 2, null);
                var items = Py.Iterate(v, pos).ToList();
                object? Key(object? x)
                {
                    var k = attribute is null ? x : AttributePath(x, attribute, pos);
                    return caseSensitive ? k : CaseFold(k);
                }
                var sorted = items.Select((x, i) => (x, i)).ToList();
                // Python's sort is stable, also with reverse=True (equal items keep their order).
                sorted.Sort((p, q) => { int c = Py.Compare(Key(p.x), Key(q.x), "<", pos); return c != 0 ? (reverse ? -c : c) : p.i.CompareTo(q.i); });
                return sorted.Select(p => p.x).ToList();
            }
            case "map":
            {
                var attribute = kwargs.FirstOrDefault(k => k.Name == "attribute");
                if (attribute.Name is not null)
                {
                    var fallback = kwargs.FirstOrDefault(k => k.Name == "default");
                    return Py.Iterate(v, pos).Select(x =>
                    {
                        var r = AttributePath(x, attribute.Value, pos);
                        return r is Undefined && fallback.Name is not null ? fallback.Value : r;
                    }).ToList();
                }
                if (args.Count == 0 || args[0] is not string filter) throw Error("map needs a filter name or attribute=", pos);
                if (!FilterNames.Contains(filter)) throw Error($"filter '{filter}' is not supported", pos);
                return Py.Iterate(v, pos).Select(x => Filter(filter, x, args.Skip(1).ToList(), kwargs, pos)).ToList();
            }
            case "select" or "reject" or "selectattr" or "rejectattr":
            {
                bool byAttr = name.EndsWith("attr", StringComparison.Ordinal);
                bool select = name.StartsWith("select", StringComparison.Ordinal);
                int k = 0;
                object? attr = null;
                if (byAttr)
                {
                    if (args.Count == 0) throw Error($"{name} needs an attribute name", pos);
                    attr = args[k++];
                }
                string? test = k < args.Count ? (args[k++] as string ?? throw Error($"{name}: the test name must be a string", pos)) : null;
                var testArgs = args.Skip(k).ToList();
                if (test is not null && !TestNames.Contains(test)) throw Error($"test '{test}' is not supported", pos);
                return Py.Iterate(v, pos).Where(x =>
                {
                    var probe = byAttr ? AttributePath(x, attr, pos) : x;
                    bool ok = test is null ? Py.Truthy(probe) : Test(test, probe, testArgs, pos);
                    return ok == select;
                }).ToList();
            }
            default:
                throw Error($"filter '{name}' is not supported", pos);
        }
    }

    private static object? CaseFold(object? v) => v is string s ? s.ToLowerInvariant() : v;

    /// <summary>"a.b.0" attribute paths as Jinja's make_attrgetter resolves them.</summary>
    private static object? AttributePath(object? x, object? attribute, Pos pos)
    {
        if (Py.IsInt(attribute)) return TemplateRenderer.GetItem(x, attribute, pos);
        foreach (var part in Py.Str(attribute).Split('.'))
        {
            object? key = long.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out long l) ? l : part;
            x = TemplateRenderer.GetItem(x, key, pos);
            if (x is Undefined) return x;
        }
        return x;
    }

    private static string Capitalize(string s)
    {
        if (s.Length == 0) return s;
        var first = Rune.GetRuneAt(s, 0);
        return Rune.ToUpperInvariant(first).ToString() + s[first.Utf16SequenceLength..].ToLowerInvariant();
    }

    /// <summary>Jinja's title filter: words start after '-', whitespace, '(', '{', '[' or '&lt;'.</summary>
    private static string JinjaTitle(string s)
    {
        var sb = new StringBuilder(s.Length);
        bool start = true;
        foreach (var r in s.EnumerateRunes())
        {
            bool delim = r.Value is '-' or '(' or '{' or '[' or '<' || (r.IsBmp && Py.IsSpace((char)r.Value));
            if (delim) { sb.Append(r.ToString()); start = true; continue; }
            sb.Append((start ? Rune.ToUpperInvariant(r) : Rune.ToLowerInvariant(r)).ToString());
            start = false;
        }
        return sb.ToString();
    }

    /// <summary>Python's str.title: a cased letter after an uncased character is upper-cased, others lower-cased.</summary>
    private static string PyTitle(string s)
    {
        var sb = new StringBuilder(s.Length);
        bool previousCased = false;
        foreach (var r in s.EnumerateRunes())
        {
            bool cased = Rune.IsLetter(r) && (Rune.ToUpperInvariant(r) != r || Rune.ToLowerInvariant(r) != r);
            sb.Append((cased ? previousCased ? Rune.ToLowerInvariant(r) : Rune.ToUpperInvariant(r) : r).ToString());
            previousCased = cased;
        }
        return sb.ToString();
    }

    private static string Strip(string s, object? chars, bool left, bool right, Pos pos)
    {
        Func<char, bool> drop;
        if (chars is null or Undefined) drop = Py.IsSpace;
        else if (chars is string set) drop = c => set.Contains(c);
        else throw Error("strip: chars must be a string", pos);
        int a = 0, b = s.Length;
        if (left) while (a < b && drop(s[a])) a++;
        if (right) while (b > a && drop(s[b - 1])) b--;
        return s[a..b];
    }

    private static string PyReplace(string s, string old, string @new, long count)
    {
        if (count < 0) return old.Length == 0 ? string.Concat(s.EnumerateRunes().Select(r => @new + r)) + @new : s.Replace(old, @new, StringComparison.Ordinal);
        var sb = new StringBuilder();
        int at = 0;
        for (long n = 0; n < count; n++)
        {
            int i = s.IndexOf(old, at, StringComparison.Ordinal);
            if (i < 0 || old.Length == 0) break;
            sb.Append(s, at, i - at).Append(@new);
            at = i + old.Length;
        }
        return sb.Append(s, at, s.Length - at).ToString();
    }

    // ---------------------------------------------------------------- tests

    public static bool Test(string name, object? v, List<object?> args, Pos pos)
    {
        object? Arg(int k) => k < args.Count ? args[k] : throw Error($"test '{name}' needs an argument", pos);
        switch (name)
        {
            case "defined": return v is not Undefined;
            case "undefined": return v is Undefined;
            case "none": return v is null;
            case "boolean": return v is bool;
            case "true": return v is true;
            case "false": return v is false;
            case "integer": return v is long;
            case "float": return v is double;
            case "number": return v is long or double or bool;
            case "string": return v is string;
            case "mapping": return v is PyDict;
            case "iterable": return v is string or List<object?> or object?[] or PyDict or Undefined;
            case "sequence": return v is string or List<object?> or object?[] or PyDict;
            case "callable": return v is PyFunction or BoundMethod;
            case "odd": return Py.IsInt(v) ? Py.AsLong(v) % 2 != 0 : throw Error("odd: not an integer", pos);
            case "even": return Py.IsInt(v) ? Py.AsLong(v) % 2 == 0 : throw Error("even: not an integer", pos);
            case "divisibleby":
            {
                var d = Arg(0);
                if (!Py.IsInt(v) || !Py.IsInt(d)) throw Error("divisibleby: not integers", pos);
                return Py.AsLong(d) != 0 ? Py.AsLong(v) % Py.AsLong(d) == 0 : throw Error("integer division or modulo by zero", pos);
            }
            case "eq" or "equalto" or "==": return Py.Eq(v, Arg(0));
            case "ne" or "!=": return !Py.Eq(v, Arg(0));
            case "lt" or "lessthan" or "<": return Py.Compare(v, Arg(0), "<", pos) < 0;
            case "le" or "<=": return Py.Compare(v, Arg(0), "<=", pos) <= 0;
            case "gt" or "greaterthan" or ">": return Py.Compare(v, Arg(0), ">", pos) > 0;
            case "ge" or ">=": return Py.Compare(v, Arg(0), ">=", pos) >= 0;
            case "in": return Py.Contains(Arg(0), v, pos);
            case "sameas":
            {
                var o = Arg(0);
                return v is null || o is null || v is bool || o is bool ? Py.Eq(v, o) && v?.GetType() == o?.GetType() : ReferenceEquals(v, o);
            }
            case "lower": return v is string ls && ls == ls.ToLowerInvariant();
            case "upper": return v is string us && us == us.ToUpperInvariant();
            default: throw Error($"test '{name}' is not supported", pos);
        }
    }

    // ---------------------------------------------------------------- methods

    public static object? CallMethod(BoundMethod m, List<object?> args, List<(string Name, object? Value)> kwargs, Pos pos)
    {
        object? Arg(int k, object? fallback = null) => k < args.Count ? args[k] : fallback;
        switch (m.Self)
        {
            case string s:
                switch (m.Name)
                {
                    case "strip": return Strip(s, Arg(0), true, true, pos);
                    case "lstrip": return Strip(s, Arg(0), true, false, pos);
                    case "rstrip": return Strip(s, Arg(0), false, true, pos);
                    case "upper": return s.ToUpperInvariant();
                    case "lower": return s.ToLowerInvariant();
                    case "title": return PyTitle(s);
                    case "capitalize": return Capitalize(s);
                    case "startswith" or "endswith":
                    {
                        var what = Arg(0) ?? throw Error($"{m.Name}() needs an argument", pos);
                        var options = what is object?[] t ? t.Select(Py.Str) : [Py.Str(what)];
                        return m.Name == "startswith"
                            ? options.Any(o => s.StartsWith(o, StringComparison.Ordinal))
                            : options.Any(o => s.EndsWith(o, StringComparison.Ordinal));
                    }
                    case "split" or "rsplit":
                    {
                        var sep = kwargs.FirstOrDefault(k => k.Name == "sep").Value ?? Arg(0);
                        var max = kwargs.FirstOrDefault(k => k.Name == "maxsplit").Value ?? Arg(1, -1L);
                        if (m.Name == "rsplit" && Py.AsLong(max) >= 0) throw Error("rsplit with maxsplit is not supported", pos);
                        return Split(s, sep as string, Py.AsLong(max), pos);
                    }
                    case "replace": return PyReplace(s, Py.Str(Arg(0)), Py.Str(Arg(1)), Arg(2) is { } c ? Py.AsLong(c) : -1);
                    case "find": return (long)s.IndexOf(Py.Str(Arg(0)), StringComparison.Ordinal);
                    case "rfind": return (long)s.LastIndexOf(Py.Str(Arg(0)), StringComparison.Ordinal);
                    case "count":
                    {
                        string sub = Py.Str(Arg(0));
                        if (sub.Length == 0) return Py.Len(s, pos) + 1;
                        long n = 0;
                        for (int i = s.IndexOf(sub, StringComparison.Ordinal); i >= 0; i = s.IndexOf(sub, i + sub.Length, StringComparison.Ordinal)) n++;
                        return n;
                    }
                    case "join": return string.Join(s, Py.Iterate(Arg(0), pos).Select(x => x as string ?? throw Error("join: sequence item is not a str", pos)));
                    case "isdigit": return s.Length > 0 && s.EnumerateRunes().All(r => Rune.GetUnicodeCategory(r) == UnicodeCategory.DecimalDigitNumber);
                    case "isalpha": return s.Length > 0 && s.EnumerateRunes().All(Rune.IsLetter);
                    case "isspace": return s.Length > 0 && s.All(Py.IsSpace);
                    case "isupper": return s.Any(char.IsLetter) && s == s.ToUpperInvariant();
                    case "islower": return s.Any(char.IsLetter) && s == s.ToLowerInvariant();
                    case "removeprefix": { string p = Py.Str(Arg(0)); return s.StartsWith(p, StringComparison.Ordinal) ? s[p.Length..] : s; }
                    case "removesuffix": { string p = Py.Str(Arg(0)); return p.Length > 0 && s.EndsWith(p, StringComparison.Ordinal) ? s[..^p.Length] : s; }
                }
                break;
            case PyDict d:
                switch (m.Name)
                {
                    case "items": return d.Select(kv => (object?)new object?[] { kv.Key, kv.Value }).ToList();
                    case "keys": return d.Keys.Cast<object?>().ToList();
                    case "values": return d.Values.ToList();
                    case "get":
                    {
                        var key = Arg(0);
                        return key is not null and not Undefined && d.TryGetValue(key, out var v) ? v : Arg(1);
                    }
                    case "pop" or "popitem" or "update" or "clear" or "setdefault":
                        throw Error($"dict.{m.Name}() is not allowed: templates cannot modify values", pos);
                }
                break;
            case List<object?> or object?[]:
                switch (m.Name)
                {
                    case "index":
                    {
                        int i = 0;
                        foreach (var x in Py.Iterate(m.Self, pos)) { if (Py.Eq(x, Arg(0))) return (long)i; i++; }
                        throw Error("list.index(x): x not in list", pos);
                    }
                    case "count": return (long)Py.Iterate(m.Self, pos).Count(x => Py.Eq(x, Arg(0)));
                    case "append" or "extend" or "insert" or "remove" or "pop" or "clear" or "sort" or "reverse":
                        throw Error($"list.{m.Name}() is not allowed: templates cannot modify values", pos);
                }
                break;
            case LoopContext lc when m.Name == "cycle":
                if (args.Count == 0) throw Error("loop.cycle() needs arguments", pos);
                return args[lc.Index0 % args.Count];
        }
        throw Error($"method '{m.Name}' of {Py.TypeName(m.Self)} is not supported", pos);
    }

    private static List<object?> Split(string s, string? sep, long max, Pos pos)
    {
        var result = new List<object?>();
        if (sep is null)
        {
            int i = 0;
            while (true)
            {
                while (i < s.Length && Py.IsSpace(s[i])) i++;
                if (i >= s.Length) break;
                if (max >= 0 && result.Count == max) { result.Add(s[i..]); break; }
                int start = i;
                while (i < s.Length && !Py.IsSpace(s[i])) i++;
                result.Add(s[start..i]);
            }
            return result;
        }
        if (sep.Length == 0) throw Error("empty separator", pos);
        int at = 0;
        while (max < 0 || result.Count < max)
        {
            int k = s.IndexOf(sep, at, StringComparison.Ordinal);
            if (k < 0) break;
            result.Add(s[at..k]);
            at = k + sep.Length;
        }
        result.Add(s[at..]);
        return result;
    }

    // ---------------------------------------------------------------- strftime_now

    public static string Strftime(DateTime t, string format, Pos pos)
    {
        var ci = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        for (int i = 0; i < format.Length; i++)
        {
            if (format[i] != '%' || i + 1 >= format.Length) { sb.Append(format[i]); continue; }
            char c = format[++i];
            sb.Append(c switch
            {
                'd' => t.Day.ToString("00", ci),
                'm' => t.Month.ToString("00", ci),
                'Y' => t.Year.ToString("0000", ci),
                'y' => (t.Year % 100).ToString("00", ci),
                'H' => t.Hour.ToString("00", ci),
                'I' => ((t.Hour + 11) % 12 + 1).ToString("00", ci),
                'M' => t.Minute.ToString("00", ci),
                'S' => t.Second.ToString("00", ci),
                'p' => t.Hour < 12 ? "AM" : "PM",
                'b' => t.ToString("MMM", ci),
                'B' => t.ToString("MMMM", ci),
                'a' => t.ToString("ddd", ci),
                'A' => t.ToString("dddd", ci),
                'j' => t.DayOfYear.ToString("000", ci),
                '%' => "%",
                _ => throw Error($"strftime_now: directive '%{c}' is not supported", pos),
            });
        }
        return sb.ToString();
    }
}
