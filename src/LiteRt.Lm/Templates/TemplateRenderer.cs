using System.Globalization;
using System.Text;

namespace LiteRt.Lm.Templates;

/// <summary>A variable scope: the template's, or one for-loop iteration's (Jinja: sets inside a loop stay inside it).</summary>
internal sealed class Frame(Frame? parent)
{
    private readonly Dictionary<string, object?> _vars = new(StringComparer.Ordinal);

    public bool TryGet(string name, out object? value)
    {
        for (var f = this; f is not null; f = f.Parent)
            if (f._vars.TryGetValue(name, out value)) return true;
        value = null;
        return false;
    }

    public void Set(string name, object? value) => _vars[name] = value;

    public Frame? Parent { get; } = parent;
}

internal enum Flow { Normal, Break, Continue }

/// <summary>Evaluates a parsed template with Jinja's semantics (as transformers' sandboxed environment runs it).</summary>
internal sealed class TemplateRenderer
{
    private const int MaxRange = 100_000;   // Jinja's sandbox limit for range()

    public static string Render(List<Node> template, IReadOnlyDictionary<string, object?> variables)
    {
        var globals = new Frame(null);
        foreach (var f in Globals) globals.Set(f.Name, f);
        var root = new Frame(globals);
        foreach (var (k, v) in variables) root.Set(k, Py.FromNet(v));
        var sb = new StringBuilder();
        var renderer = new TemplateRenderer();
        var flow = renderer.RenderNodes(template, root, sb);
        if (flow != Flow.Normal) throw new ChatTemplateException("'break' or 'continue' outside a loop", 0, 0);
        return sb.ToString();
    }

    private Flow RenderNodes(List<Node> nodes, Frame frame, StringBuilder sb)
    {
        foreach (var node in nodes)
        {
            var flow = RenderNode(node, frame, sb);
            if (flow != Flow.Normal) return flow;
        }
        return Flow.Normal;
    }

    private Flow RenderNode(Node node, Frame frame, StringBuilder sb)
    {
        switch (node)
        {
            case TextNode t:
                sb.Append(t.Text);
                return Flow.Normal;
            case OutputNode o:
                sb.Append(Py.Str(Eval(o.Expr, frame)));
                return Flow.Normal;
            case IfNode i:
                foreach (var (cond, body) in i.Branches)
                    if (Py.Truthy(Eval(cond, frame))) return RenderNodes(body, frame, sb);
                return i.Else is null ? Flow.Normal : RenderNodes(i.Else, frame, sb);
            case ForNode f:
                return RenderFor(f, frame, sb);
            case SetNode s:
                Assign(s, Eval(s.Value, frame), frame);
                return Flow.Normal;
            case SetBlockNode sb2:
            {
                var inner = new StringBuilder();
                var flow = RenderNodes(sb2.Body, frame, inner);
                frame.Set(sb2.Target, inner.ToString());
                return flow;
            }
            case LoopControlNode lc:
                return lc.IsBreak ? Flow.Break : Flow.Continue;
            case BlockNode b:
                return RenderNodes(b.Body, frame, sb);
            default:
                throw Py.Error($"unknown node {node.GetType().Name}", node.Pos);
        }
    }

    private static void Assign(SetNode s, object? value, Frame frame)
    {
        if (s.Attribute is not null)
        {
            if (!frame.TryGet(s.Targets[0], out var target) || target is not Namespace ns)
                throw Py.Error($"cannot assign attribute on non-namespace object '{s.Targets[0]}'", s.Pos);
            ns.Attributes[s.Attribute] = value;
            return;
        }
        if (s.Targets.Count == 1) { frame.Set(s.Targets[0], value); return; }
        var items = Py.Iterate(value, s.Pos).ToList();
        if (items.Count != s.Targets.Count) throw Py.Error($"cannot unpack {items.Count} values into {s.Targets.Count} names", s.Pos);
        for (int k = 0; k < items.Count; k++) frame.Set(s.Targets[k], items[k]);
    }

    private Flow RenderFor(ForNode f, Frame frame, StringBuilder sb)
    {
        var source = Eval(f.Iter, frame);
        if (source is null) throw Py.Error("'NoneType' object is not iterable", f.Iter.Pos);
        var items = new List<object?>();
        foreach (var item in Py.Iterate(source, f.Iter.Pos))
        {
            if (f.Filter is not null)
            {
                var probe = new Frame(frame);
                Bind(f, probe, item);
                if (!Py.Truthy(Eval(f.Filter, probe))) continue;
            }
            items.Add(item);
        }
        if (items.Count == 0) return f.Else is null ? Flow.Normal : RenderNodes(f.Else, frame, sb);
        for (int k = 0; k < items.Count; k++)
        {
            var iteration = new Frame(frame);
            Bind(f, iteration, items[k]);
            iteration.Set("loop", new LoopContext(items, k));
            if (RenderNodes(f.Body, iteration, sb) == Flow.Break) break;
        }
        return Flow.Normal;
    }

    private static void Bind(ForNode f, Frame frame, object? item)
    {
        if (f.Targets.Count == 1) { frame.Set(f.Targets[0], item); return; }
        var parts = Py.Iterate(item, f.Pos).ToList();
        if (parts.Count != f.Targets.Count) throw Py.Error($"cannot unpack {parts.Count} values into {f.Targets.Count} loop variables", f.Pos);
        for (int k = 0; k < parts.Count; k++) frame.Set(f.Targets[k], parts[k]);
    }

    // ---------------------------------------------------------------- expressions

    private object? Eval(Expr e, Frame frame)
    {
        switch (e)
        {
            case ConstExpr c: return c.Value;
            case NameExpr n: return frame.TryGet(n.Name, out var v) ? v : new Undefined(n.Name);
            case ListExpr l:
            {
                var items = l.Items.Select(x => Eval(x, frame)).ToList();
                return l.IsTuple ? items.ToArray() : items;
            }
            case DictExpr d:
            {
                var dict = new PyDict();
                foreach (var (k, val) in d.Items)
                {
                    var key = Eval(k, frame);
                    if (key is null or Undefined or List<object?> or PyDict) throw Py.Error($"unhashable or unsupported dict key of type '{Py.TypeName(key)}'", k.Pos);
                    dict[key] = Eval(val, frame);
                }
                return dict;
            }
            case AttrExpr a: return GetAttr(Eval(a.Target, frame), a.Name, a.Pos);
            case ItemExpr i: return GetItem(Eval(i.Target, frame), Eval(i.Index, frame), i.Pos);
            case SliceExpr s:
                return Slice(Eval(s.Target, frame), s.Start is null ? null : Eval(s.Start, frame),
                    s.Stop is null ? null : Eval(s.Stop, frame), s.Step is null ? null : Eval(s.Step, frame), s.Pos);
            case CallExpr c: return EvalCall(c, frame);
            case FilterExpr f:
                return TemplateBuiltins.Filter(f.Name, Eval(f.Target, frame), f.Args.Select(x => Eval(x, frame)).ToList(),
                    f.Kwargs.Select(kv => (kv.Name, Eval(kv.Value, frame))).ToList(), f.Pos);
            case TestExpr t:
            {
                bool result = TemplateBuiltins.Test(t.Name, Eval(t.Target, frame), t.Args.Select(x => Eval(x, frame)).ToList(), t.Pos);
                return t.Negated ? !result : result;
            }
            case UnaryExpr u:
            {
                var v2 = Eval(u.Operand, frame);
                if (u.Op == "not") return !Py.Truthy(v2);
                if (v2 is Undefined ud) throw Py.Error($"'{ud.Name}' is undefined", u.Pos);
                if (!Py.IsNumber(v2)) throw Py.Error($"bad operand type for unary {u.Op}: '{Py.TypeName(v2)}'", u.Pos);
                if (u.Op == "+") return v2 is bool b ? (b ? 1L : 0L) : v2;
                return Py.IsInt(v2) ? (object)(-Py.AsLong(v2)) : -Py.AsDouble(v2);
            }
            case BinaryExpr b:
            {
                if (b.Op == "and") { var l = Eval(b.Left, frame); return Py.Truthy(l) ? Eval(b.Right, frame) : l; }
                if (b.Op == "or") { var l = Eval(b.Left, frame); return Py.Truthy(l) ? l : Eval(b.Right, frame); }
                return TemplateBuiltins.Binary(b.Op, Eval(b.Left, frame), Eval(b.Right, frame), b.Pos);
            }
            case CompareExpr c:
            {
                var left = Eval(c.First, frame);
                foreach (var (op, rightExpr) in c.Rest)
                {
                    var right = Eval(rightExpr, frame);
                    bool ok = op switch
                    {
                        "==" => Py.Eq(left, right),
                        "!=" => !Py.Eq(left, right),
                        "in" => Py.Contains(right, left, c.Pos),
                        "notin" => !Py.Contains(right, left, c.Pos),
                        _ => CompareOrder(op, left, right, rightExpr.Pos),
                    };
                    if (!ok) return false;
                    left = right;
                }
                return true;
            }
            case CondExpr c:
                return Py.Truthy(Eval(c.Cond, frame)) ? Eval(c.Then, frame) : c.Else is null ? new Undefined("<cond>") : Eval(c.Else, frame);
            default:
                throw Py.Error($"unknown expression {e.GetType().Name}", e.Pos);
        }
    }

    private static bool CompareOrder(string op, object? a, object? b, Pos pos)
    {
        if (a is Undefined ua) throw Py.Error($"'{ua.Name}' is undefined", pos);
        if (b is Undefined ub) throw Py.Error($"'{ub.Name}' is undefined", pos);
        int c = Py.Compare(a, b, op, pos);
        return op switch { "<" => c < 0, "<=" => c <= 0, ">" => c > 0, _ => c >= 0 };
    }

    private object? EvalCall(CallExpr c, Frame frame)
    {
        var callee = Eval(c.Callee, frame);
        var args = c.Args.Select(x => Eval(x, frame)).ToList();
        var kwargs = c.Kwargs.Select(kv => (kv.Name, Eval(kv.Value, frame))).ToList();
        switch (callee)
        {
            case PyFunction f: return f.Invoke(args, kwargs, c.Pos);
            case BoundMethod m: return TemplateBuiltins.CallMethod(m, args, kwargs, c.Pos);
            case Undefined u:
                if (u.Name is "cycler" or "joiner" or "lipsum" or "self" or "caller")
                    throw Py.Error($"function '{u.Name}' is not supported", c.Pos);
                throw Py.Error($"'{u.Name}' is undefined", c.Pos);
            default: throw Py.Error($"'{Py.TypeName(callee)}' object is not callable", c.Pos);
        }
    }

    private static readonly HashSet<string> DictAttributes = ["items", "keys", "values", "get", "copy", "pop", "popitem", "update", "clear", "setdefault", "fromkeys"];
    private static readonly HashSet<string> ListAttributes = ["append", "extend", "insert", "remove", "pop", "clear", "index", "count", "sort", "reverse", "copy"];

    internal static readonly HashSet<string> StrAttributes =
    [
        "strip", "lstrip", "rstrip", "split", "rsplit", "splitlines", "startswith", "endswith", "upper", "lower", "title", "capitalize",
        "replace", "find", "rfind", "index", "rindex", "count", "join", "isdigit", "isalpha", "isalnum", "isspace", "isupper", "islower",
        "format", "format_map", "encode", "center", "ljust", "rjust", "zfill", "partition", "rpartition", "swapcase", "casefold",
        "expandtabs", "removeprefix", "removesuffix", "istitle", "isnumeric", "isdecimal", "isidentifier", "isprintable", "translate",
    ];

    /// <summary>Jinja's getattr: the Python attribute first (methods), then the item; missing gives Undefined.</summary>
    internal static object? GetAttr(object? obj, string name, Pos pos)
    {
        switch (obj)
        {
            case Undefined u: throw Py.Error($"'{u.Name}' is undefined", pos);
            case PyDict d:
                if (DictAttributes.Contains(name)) return new BoundMethod(d, name);
                return d.TryGetValue(name, out var v) ? v : new Undefined(name);
            case string s:
                return StrAttributes.Contains(name) ? new BoundMethod(s, name) : new Undefined(name);
            case List<object?> or object?[]:
                return ListAttributes.Contains(name) ? new BoundMethod(obj, name) : new Undefined(name);
            case Namespace ns:
                return ns.Attributes.TryGetValue(name, out var a) ? a : new Undefined(name);
            case LoopContext lc:
                return LoopAttribute(lc, name);
            default:
                return new Undefined(name);
        }
    }

    private static object? LoopAttribute(LoopContext lc, string name)
    {
        int n = lc.Items.Count, i = lc.Index0;
        return name switch
        {
            "index" => (long)(i + 1),
            "index0" => (long)i,
            "revindex" => (long)(n - i),
            "revindex0" => (long)(n - i - 1),
            "first" => i == 0,
            "last" => i == n - 1,
            "length" => (long)n,
            "previtem" => i > 0 ? lc.Items[i - 1] : new Undefined("previtem"),
            "nextitem" => i < n - 1 ? lc.Items[i + 1] : new Undefined("nextitem"),
            "depth" => 1L,
            "depth0" => 0L,
            "cycle" => new BoundMethod(lc, "cycle"),
            _ => new Undefined(name),
        };
    }

    /// <summary>Jinja's getitem: the item first, then (for string keys) the attribute; missing gives Undefined.</summary>
    internal static object? GetItem(object? obj, object? key, Pos pos)
    {
        switch (obj)
        {
            case Undefined u: throw Py.Error($"'{u.Name}' is undefined", pos);
            case PyDict d:
                if (key is not null and not Undefined and not List<object?> and not PyDict && d.TryGetValue(key, out var v)) return v;
                break;
            case List<object?> or object?[] or string when Py.IsInt(key):
            {
                var items = obj is string s ? s.EnumerateRunes().Select(r => (object?)r.ToString()).ToList() : Py.Iterate(obj, pos).ToList();
                long k = Py.AsLong(key);
                if (k < 0) k += items.Count;
                return k >= 0 && k < items.Count ? items[(int)k] : new Undefined($"[{Py.AsLong(key)}]");
            }
        }
        return key is string name ? GetAttr(obj, name, pos) : new Undefined(Py.Str(key));
    }

    private static object? Slice(object? obj, object? start, object? stop, object? step, Pos pos)
    {
        if (obj is Undefined u) throw Py.Error($"'{u.Name}' is undefined", pos);
        List<object?> items = obj switch
        {
            string s => s.EnumerateRunes().Select(r => (object?)r.ToString()).ToList(),
            List<object?> or object?[] => Py.Iterate(obj, pos).ToList(),
            _ => throw Py.Error($"'{Py.TypeName(obj)}' object is not subscriptable", pos),
        };
        long? Index(object? v, string what) => v is null ? null : Py.IsInt(v) ? Py.AsLong(v) : throw Py.Error($"slice {what} must be an integer or None", pos);
        long n = items.Count;
        long st = Index(step, "step") ?? 1;
        if (st == 0) throw Py.Error("slice step cannot be zero", pos);
        long lo, hi;
        long? a = Index(start, "start"), b = Index(stop, "stop");
        if (st > 0)
        {
            lo = a is { } x ? (x < 0 ? Math.Max(0, x + n) : Math.Min(x, n)) : 0;
            hi = b is { } y ? (y < 0 ? Math.Max(0, y + n) : Math.Min(y, n)) : n;
        }
        else
        {
            lo = a is { } x ? (x < 0 ? Math.Max(-1, x + n) : Math.Min(x, n - 1)) : n - 1;
            hi = b is { } y ? (y < 0 ? Math.Max(-1, y + n) : Math.Min(y, n - 1)) : -1;
        }
        var result = new List<object?>();
        for (long k = lo; st > 0 ? k < hi : k > hi; k += st) result.Add(items[(int)k]);
        return obj switch
        {
            string => string.Concat(result.Cast<string>()),
            object?[] => result.ToArray(),
            _ => result,
        };
    }

    // ---------------------------------------------------------------- globals

    private static readonly PyFunction[] Globals =
    [
        new("raise_exception", (args, _, pos) =>
        {
            string message = args.Count > 0 ? Py.Str(args[0]) : "";
            throw new ChatTemplateException($"raise_exception: {message}", pos.Line, pos.Column, raised: true, templateMessage: message);
        }),
        new("range", (args, kwargs, pos) =>
        {
            if (kwargs.Count > 0 || args.Count is 0 or > 3 || !args.All(Py.IsInt)) throw Py.Error("range() takes 1 to 3 integers", pos);
            long start = args.Count > 1 ? Py.AsLong(args[0]) : 0, stop = Py.AsLong(args[args.Count > 1 ? 1 : 0]), step = args.Count > 2 ? Py.AsLong(args[2]) : 1;
            if (step == 0) throw Py.Error("range() arg 3 must not be zero", pos);
            var list = new List<object?>();
            for (long k = start; step > 0 ? k < stop : k > stop; k += step)
            {
                if (list.Count >= MaxRange) throw Py.Error($"range() too big (more than {MaxRange} items)", pos);
                list.Add(k);
            }
            return list;
        }),
        new("namespace", (args, kwargs, pos) =>
        {
            var ns = new Namespace();
            foreach (var a in args)
            {
                if (a is not PyDict d) throw Py.Error("namespace() takes a dict or keyword arguments", pos);
                foreach (var (k, v) in d) ns.Attributes[k] = v;
            }
            foreach (var (k, v) in kwargs) ns.Attributes[k] = v;
            return ns;
        }),
        new("dict", (args, kwargs, pos) =>
        {
            var d = new PyDict();
            foreach (var a in args)
            {
                if (a is not PyDict src) throw Py.Error("dict() takes a dict or keyword arguments", pos);
                foreach (var (k, v) in src) d[k] = v;
            }
            foreach (var (k, v) in kwargs) d[k] = v;
            return d;
        }),
        new("strftime_now", (args, _, pos) =>
        {
            if (args.Count != 1 || args[0] is not string fmt) throw Py.Error("strftime_now() takes one format string", pos);
            return TemplateBuiltins.Strftime(DateTime.Now, fmt, pos);
        }),
    ];
}
