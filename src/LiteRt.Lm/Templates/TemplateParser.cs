namespace LiteRt.Lm.Templates;

// ---------------------------------------------------------------- syntax tree

internal abstract record Node(Pos Pos);
internal sealed record TextNode(string Text, Pos Pos) : Node(Pos);
internal sealed record OutputNode(Expr Expr, Pos Pos) : Node(Pos);
internal sealed record IfNode(List<(Expr Cond, List<Node> Body)> Branches, List<Node>? Else, Pos Pos) : Node(Pos);
internal sealed record ForNode(List<string> Targets, Expr Iter, Expr? Filter, List<Node> Body, List<Node>? Else, Pos Pos) : Node(Pos);
internal sealed record SetNode(List<string> Targets, string? Attribute, Expr Value, Pos Pos) : Node(Pos);
internal sealed record SetBlockNode(string Target, List<Node> Body, Pos Pos) : Node(Pos);
internal sealed record LoopControlNode(bool IsBreak, Pos Pos) : Node(Pos);
internal sealed record BlockNode(List<Node> Body, Pos Pos) : Node(Pos);

internal abstract record Expr(Pos Pos);
internal sealed record ConstExpr(object? Value, Pos Pos) : Expr(Pos);
internal sealed record NameExpr(string Name, Pos Pos) : Expr(Pos);
internal sealed record ListExpr(List<Expr> Items, bool IsTuple, Pos Pos) : Expr(Pos);
internal sealed record DictExpr(List<(Expr Key, Expr Value)> Items, Pos Pos) : Expr(Pos);
internal sealed record AttrExpr(Expr Target, string Name, Pos Pos) : Expr(Pos);
internal sealed record ItemExpr(Expr Target, Expr Index, Pos Pos) : Expr(Pos);
internal sealed record SliceExpr(Expr Target, Expr? Start, Expr? Stop, Expr? Step, Pos Pos) : Expr(Pos);
internal sealed record CallExpr(Expr Callee, List<Expr> Args, List<(string Name, Expr Value)> Kwargs, Pos Pos) : Expr(Pos);
internal sealed record FilterExpr(Expr Target, string Name, List<Expr> Args, List<(string Name, Expr Value)> Kwargs, Pos Pos) : Expr(Pos);
internal sealed record TestExpr(Expr Target, string Name, List<Expr> Args, bool Negated, Pos Pos) : Expr(Pos);
internal sealed record UnaryExpr(string Op, Expr Operand, Pos Pos) : Expr(Pos);
internal sealed record BinaryExpr(string Op, Expr Left, Expr Right, Pos Pos) : Expr(Pos);
internal sealed record CompareExpr(Expr First, List<(string Op, Expr Right)> Rest, Pos Pos) : Expr(Pos);
internal sealed record CondExpr(Expr Cond, Expr Then, Expr? Else, Pos Pos) : Expr(Pos);

/// <summary>Parses the chunks of <see cref="TemplateLexer"/> into a tree; unsupported statements are errors here.</summary>
internal sealed class TemplateParser
{
    private readonly List<Chunk> _chunks;
    private int _c;

    public TemplateParser(List<Chunk> chunks) { _chunks = chunks; }

    private static ChatTemplateException Error(string message, Pos p) => new(message, p.Line, p.Column);

    public List<Node> ParseTemplate()
    {
        var body = ParseBody(out var end);
        if (end is not null) throw Error($"unexpected '{end.Value.Keyword}'", end.Value.Pos);
        return body;
    }

    private static readonly HashSet<string> Unsupported =
        ["macro", "call", "filter", "include", "import", "from", "extends", "block", "with", "autoescape", "do", "trans", "pluralize", "endmacro", "endcall"];

    /// <summary>Nodes until an end-type keyword (returned, with its tokens) or the end of the template.</summary>
    private List<Node> ParseBody(out (string Keyword, Pos Pos, TokenStream Tokens)? end)
    {
        var nodes = new List<Node>();
        while (_c < _chunks.Count)
        {
            var chunk = _chunks[_c++];
            switch (chunk)
            {
                case DataChunk d:
                    nodes.Add(new TextNode(d.Text, d.Pos));
                    break;
                case OutputChunk o:
                {
                    var ts = new TokenStream(o.Tokens, o.Pos);
                    var e = new ExprParser(ts).ParseTuple(allowEmpty: false);
                    ts.ExpectEnd();
                    nodes.Add(new OutputNode(e, o.Pos));
                    break;
                }
                case StatementChunk s:
                {
                    var ts = new TokenStream(s.Tokens, s.Pos);
                    var kw = ts.Next();
                    if (kw.Kind != TokKind.Name) throw Error("expected a statement name after '{%'", kw.Pos);
                    switch (kw.Text)
                    {
                        case "if": nodes.Add(ParseIf(ts, kw.Pos)); break;
                        case "for": nodes.Add(ParseFor(ts, kw.Pos)); break;
                        case "set": nodes.Add(ParseSet(ts, kw.Pos)); break;
                        case "break" or "continue":
                            ts.ExpectEnd();
                            nodes.Add(new LoopControlNode(kw.Text == "break", kw.Pos));
                            break;
                        case "generation":
                        {
                            // transformers' {% generation %} marks assistant text for masks; it renders its body.
                            ts.ExpectEnd();
                            var body = ParseBody(out var e);
                            if (e?.Keyword != "endgeneration") throw Error("missing '{% endgeneration %}'", kw.Pos);
                            e.Value.Tokens.ExpectEnd();
                            nodes.Add(new BlockNode(body, kw.Pos));
                            break;
                        }
                        case "elif" or "else" or "endif" or "endfor" or "endset" or "endgeneration":
                            end = (kw.Text, kw.Pos, ts);
                            return nodes;
                        default:
                            if (Unsupported.Contains(kw.Text) || kw.Text.StartsWith("end", StringComparison.Ordinal))
                                throw Error($"statement '{kw.Text}' is not supported", kw.Pos);
                            throw Error($"unknown statement '{kw.Text}'", kw.Pos);
                    }
                    break;
                }
            }
        }
        end = null;
        return nodes;
    }

    private IfNode ParseIf(TokenStream ts, Pos pos)
    {
        var branches = new List<(Expr, List<Node>)>();
        var cond = new ExprParser(ts).ParseExpression();
        ts.ExpectEnd();
        while (true)
        {
            var body = ParseBody(out var end);
            branches.Add((cond, body));
            if (end is null) throw Error("missing '{% endif %}'", pos);
            var (kw, kwPos, rest) = end.Value;
            switch (kw)
            {
                case "elif":
                    cond = new ExprParser(rest).ParseExpression();
                    rest.ExpectEnd();
                    continue;
                case "else":
                {
                    rest.ExpectEnd();
                    var elseBody = ParseBody(out var end2);
                    if (end2?.Keyword != "endif") throw Error("missing '{% endif %}'", pos);
                    end2.Value.Tokens.ExpectEnd();
                    return new IfNode(branches, elseBody, pos);
                }
                case "endif":
                    rest.ExpectEnd();
                    return new IfNode(branches, null, pos);
                default:
                    throw Error($"unexpected '{kw}' inside 'if'", kwPos);
            }
        }
    }

    private ForNode ParseFor(TokenStream ts, Pos pos)
    {
        var targets = new List<string> { ts.ExpectName() };
        while (ts.Peek.IsOp(",")) { ts.Next(); targets.Add(ts.ExpectName()); }
        if (!ts.Next().IsName("in")) throw Error("expected 'in' in 'for'", pos);
        var parser = new ExprParser(ts);
        var iter = parser.ParseTuple(allowEmpty: false, withCondExpr: false);
        Expr? filter = null;
        if (ts.Peek.IsName("if")) { ts.Next(); filter = parser.ParseExpression(); }
        if (ts.Peek.IsName("recursive")) throw Error("'recursive' loops are not supported", ts.Peek.Pos);
        ts.ExpectEnd();
        var body = ParseBody(out var end);
        List<Node>? elseBody = null;
        if (end?.Keyword == "else")
        {
            end.Value.Tokens.ExpectEnd();
            elseBody = ParseBody(out end);
        }
        if (end?.Keyword != "endfor") throw Error("missing '{% endfor %}'", pos);
        end.Value.Tokens.ExpectEnd();
        return new ForNode(targets, iter, filter, body, elseBody, pos);
    }

    private Node ParseSet(TokenStream ts, Pos pos)
    {
        var targets = new List<string> { ts.ExpectName() };
        string? attribute = null;
        if (ts.Peek.IsOp(".")) { ts.Next(); attribute = ts.ExpectName(); }
        else while (ts.Peek.IsOp(",")) { ts.Next(); targets.Add(ts.ExpectName()); }
        if (ts.AtEnd)
        {
            if (targets.Count != 1 || attribute is not null) throw Error("block 'set' takes one name", pos);
            var body = ParseBody(out var end);
            if (end?.Keyword != "endset") throw Error("missing '{% endset %}'", pos);
            end.Value.Tokens.ExpectEnd();
            return new SetBlockNode(targets[0], body, pos);
        }
        if (ts.Peek.IsOp("|")) throw Error("filtered block 'set' is not supported", ts.Peek.Pos);
        if (!ts.Next().IsOp("=")) throw Error("expected '=' in 'set'", pos);
        var value = new ExprParser(ts).ParseTuple(allowEmpty: false);
        ts.ExpectEnd();
        return new SetNode(targets, attribute, value, pos);
    }
}

internal sealed class TokenStream(List<Tok> tokens, Pos tagPos)
{
    private int _k;

    public Tok Peek => _k < tokens.Count ? tokens[_k] : new Tok(TokKind.End, "end of tag", tokens.Count > 0 ? tokens[^1].Pos : tagPos);
    public Tok PeekAt(int ahead) => _k + ahead < tokens.Count ? tokens[_k + ahead] : new Tok(TokKind.End, "end of tag", tagPos);
    public bool AtEnd => _k >= tokens.Count;

    public Tok Next()
    {
        var t = Peek;
        if (_k < tokens.Count) _k++;
        return t;
    }

    public string ExpectName()
    {
        var t = Next();
        if (t.Kind != TokKind.Name) throw new ChatTemplateException($"expected a name, got '{t.Text}'", t.Pos.Line, t.Pos.Column);
        return t.Text;
    }

    public void Expect(string op)
    {
        var t = Next();
        if (!t.IsOp(op)) throw new ChatTemplateException($"expected '{op}', got '{t.Text}'", t.Pos.Line, t.Pos.Column);
    }

    public void ExpectEnd()
    {
        if (!AtEnd) throw new ChatTemplateException($"unexpected '{Peek.Text}'", Peek.Pos.Line, Peek.Pos.Column);
    }
}

/// <summary>Jinja's expression grammar (same precedence: or, and, not, comparisons, + -, ~, * / // %, **, unary, filters/tests, postfix).</summary>
internal sealed class ExprParser(TokenStream ts)
{
    private static ChatTemplateException Error(string message, Pos p) => new(message, p.Line, p.Column);

    /// <summary>An expression, or a tuple when commas follow (as in <c>{% set a, b = 1, 2 %}</c>).</summary>
    public Expr ParseTuple(bool allowEmpty, bool withCondExpr = true)
    {
        var pos = ts.Peek.Pos;
        var items = new List<Expr>();
        bool comma = false;
        while (true)
        {
            if (items.Count > 0)
            {
                if (!ts.Peek.IsOp(",")) break;
                ts.Next();
                comma = true;
            }
            if (ts.AtEnd || ts.Peek.IsOp(")") || ts.Peek.IsOp("=") || (!withCondExpr && ts.Peek.IsName("if"))) break;
            items.Add(withCondExpr ? ParseExpression() : ParseOr());
        }
        if (items.Count == 0)
        {
            if (!allowEmpty) throw Error("expected an expression", pos);
            return new ListExpr(items, true, pos);
        }
        return items.Count == 1 && !comma ? items[0] : new ListExpr(items, true, pos);
    }

    public Expr ParseExpression()
    {
        var expr = ParseOr();
        while (ts.Peek.IsName("if"))
        {
            var pos = ts.Next().Pos;
            var cond = ParseOr();
            Expr? elseExpr = null;
            if (ts.Peek.IsName("else")) { ts.Next(); elseExpr = ParseExpression(); }
            expr = new CondExpr(cond, expr, elseExpr, pos);
        }
        return expr;
    }

    private Expr ParseOr()
    {
        var left = ParseAnd();
        while (ts.Peek.IsName("or")) { var p = ts.Next().Pos; left = new BinaryExpr("or", left, ParseAnd(), p); }
        return left;
    }

    private Expr ParseAnd()
    {
        var left = ParseNot();
        while (ts.Peek.IsName("and")) { var p = ts.Next().Pos; left = new BinaryExpr("and", left, ParseNot(), p); }
        return left;
    }

    private Expr ParseNot()
    {
        if (ts.Peek.IsName("not")) { var p = ts.Next().Pos; return new UnaryExpr("not", ParseNot(), p); }
        return ParseCompare();
    }

    private Expr ParseCompare()
    {
        var first = ParseMath1();
        var rest = new List<(string, Expr)>();
        while (true)
        {
            var t = ts.Peek;
            if (t.Kind == TokKind.Op && t.Text is "==" or "!=" or "<" or "<=" or ">" or ">=") { ts.Next(); rest.Add((t.Text, ParseMath1())); }
            else if (t.IsName("in")) { ts.Next(); rest.Add(("in", ParseMath1())); }
            else if (t.IsName("not") && ts.PeekAt(1).IsName("in")) { ts.Next(); ts.Next(); rest.Add(("notin", ParseMath1())); }
            else break;
        }
        return rest.Count == 0 ? first : new CompareExpr(first, rest, first.Pos);
    }

    private Expr ParseMath1()
    {
        var left = ParseConcat();
        while (ts.Peek.Kind == TokKind.Op && ts.Peek.Text is "+" or "-")
        {
            var t = ts.Next();
            left = new BinaryExpr(t.Text, left, ParseConcat(), t.Pos);
        }
        return left;
    }

    private Expr ParseConcat()
    {
        var left = ParseMath2();
        while (ts.Peek.IsOp("~"))
        {
            var t = ts.Next();
            left = new BinaryExpr("~", left, ParseMath2(), t.Pos);
        }
        return left;
    }

    private Expr ParseMath2()
    {
        var left = ParsePow();
        while (ts.Peek.Kind == TokKind.Op && ts.Peek.Text is "*" or "/" or "//" or "%")
        {
            var t = ts.Next();
            left = new BinaryExpr(t.Text, left, ParsePow(), t.Pos);
        }
        return left;
    }

    private Expr ParsePow()
    {
        var left = ParseUnary(withFilter: true);
        while (ts.Peek.IsOp("**"))
        {
            var t = ts.Next();
            left = new BinaryExpr("**", left, ParseUnary(withFilter: true), t.Pos);
        }
        return left;
    }

    private Expr ParseUnary(bool withFilter)
    {
        var t = ts.Peek;
        Expr node;
        if (t.IsOp("-")) { ts.Next(); node = new UnaryExpr("-", ParseUnary(false), t.Pos); }
        else if (t.IsOp("+")) { ts.Next(); node = new UnaryExpr("+", ParseUnary(false), t.Pos); }
        else node = ParsePostfix(ParsePrimary());
        return withFilter ? ParseFilterExpr(node) : node;
    }

    private Expr ParsePrimary()
    {
        var t = ts.Next();
        switch (t.Kind)
        {
            case TokKind.Name:
                return t.Text switch
                {
                    "true" or "True" => new ConstExpr(true, t.Pos),
                    "false" or "False" => new ConstExpr(false, t.Pos),
                    "none" or "None" => new ConstExpr(null, t.Pos),
                    _ => new NameExpr(t.Text, t.Pos),
                };
            case TokKind.String:
            {
                string s = (string)t.Value!;
                while (ts.Peek.Kind == TokKind.String) s += (string)ts.Next().Value!;   // adjacent literals concatenate
                return new ConstExpr(s, t.Pos);
            }
            case TokKind.Integer or TokKind.Float:
                return new ConstExpr(t.Value, t.Pos);
            case TokKind.Op when t.Text == "(":
            {
                if (ts.Peek.IsOp(")")) { ts.Next(); return new ListExpr([], true, t.Pos); }
                var inner = ParseTuple(allowEmpty: false);
                ts.Expect(")");
                return inner;
            }
            case TokKind.Op when t.Text == "[":
            {
                var items = new List<Expr>();
                while (!ts.Peek.IsOp("]"))
                {
                    if (items.Count > 0) { ts.Expect(","); if (ts.Peek.IsOp("]")) break; }
                    items.Add(ParseExpression());
                }
                ts.Expect("]");
                return new ListExpr(items, false, t.Pos);
            }
            case TokKind.Op when t.Text == "{":
            {
                var items = new List<(Expr, Expr)>();
                while (!ts.Peek.IsOp("}"))
                {
                    if (items.Count > 0) { ts.Expect(","); if (ts.Peek.IsOp("}")) break; }
                    var key = ParseExpression();
                    ts.Expect(":");
                    items.Add((key, ParseExpression()));
                }
                ts.Expect("}");
                return new DictExpr(items, t.Pos);
            }
            default:
                throw Error($"unexpected '{t.Text}'", t.Pos);
        }
    }

    private Expr ParsePostfix(Expr node)
    {
        while (true)
        {
            var t = ts.Peek;
            if (t.IsOp("."))
            {
                ts.Next();
                var name = ts.Next();
                if (name.Kind == TokKind.Name) node = new AttrExpr(node, name.Text, t.Pos);
                else if (name.Kind == TokKind.Integer) node = new ItemExpr(node, new ConstExpr(name.Value, name.Pos), t.Pos);
                else throw Error($"expected an attribute name after '.', got '{name.Text}'", name.Pos);
            }
            else if (t.IsOp("["))
            {
                ts.Next();
                node = ParseSubscript(node, t.Pos);
            }
            else if (t.IsOp("("))
            {
                ts.Next();
                var (args, kwargs) = ParseCallArgs();
                node = new CallExpr(node, args, kwargs, t.Pos);
            }
            else return node;
        }
    }

    private Expr ParseSubscript(Expr target, Pos pos)
    {
        Expr? start = null, stop = null, step = null;
        bool slice = false;
        if (!ts.Peek.IsOp(":")) start = ParseExpression();
        if (ts.Peek.IsOp(":"))
        {
            slice = true;
            ts.Next();
            if (!ts.Peek.IsOp("]") && !ts.Peek.IsOp(":")) stop = ParseExpression();
            if (ts.Peek.IsOp(":"))
            {
                ts.Next();
                if (!ts.Peek.IsOp("]")) step = ParseExpression();
            }
        }
        ts.Expect("]");
        return slice ? new SliceExpr(target, start, stop, step, pos) : new ItemExpr(target, start!, pos);
    }

    private (List<Expr>, List<(string, Expr)>) ParseCallArgs()
    {
        var args = new List<Expr>();
        var kwargs = new List<(string, Expr)>();
        while (!ts.Peek.IsOp(")"))
        {
            if (args.Count + kwargs.Count > 0) { ts.Expect(","); if (ts.Peek.IsOp(")")) break; }
            if (ts.Peek.IsOp("*") || ts.Peek.IsOp("**")) throw Error("'*args' / '**kwargs' in calls are not supported", ts.Peek.Pos);
            if (ts.Peek.Kind == TokKind.Name && ts.PeekAt(1).IsOp("="))
            {
                string name = ts.Next().Text;
                ts.Next();
                kwargs.Add((name, ParseExpression()));
            }
            else
            {
                if (kwargs.Count > 0) throw Error("positional argument after keyword argument", ts.Peek.Pos);
                args.Add(ParseExpression());
            }
        }
        ts.Expect(")");
        return (args, kwargs);
    }

    private Expr ParseFilterExpr(Expr node)
    {
        while (true)
        {
            var t = ts.Peek;
            if (t.IsOp("|"))
            {
                ts.Next();
                var nameTok = ts.Next();
                if (nameTok.Kind != TokKind.Name) throw Error("expected a filter name after '|'", nameTok.Pos);
                string name = nameTok.Text;
                while (ts.Peek.IsOp(".")) { ts.Next(); name += "." + ts.ExpectName(); }
                if (!TemplateBuiltins.FilterNames.Contains(name)) throw Error($"filter '{name}' is not supported", nameTok.Pos);
                List<Expr> args = [];
                List<(string, Expr)> kwargs = [];
                if (ts.Peek.IsOp("(")) { ts.Next(); (args, kwargs) = ParseCallArgs(); }
                node = new FilterExpr(node, name, args, kwargs, nameTok.Pos);
            }
            else if (t.IsName("is"))
            {
                ts.Next();
                bool negated = false;
                if (ts.Peek.IsName("not")) { ts.Next(); negated = true; }
                var nameTok = ts.Next();
                if (nameTok.Kind != TokKind.Name) throw Error("expected a test name after 'is'", nameTok.Pos);
                if (!TemplateBuiltins.TestNames.Contains(nameTok.Text)) throw Error($"test '{nameTok.Text}' is not supported", nameTok.Pos);
                var args = new List<Expr>();
                var p = ts.Peek;
                if (p.IsOp("("))
                {
                    ts.Next();
                    var (a, kw) = ParseCallArgs();
                    if (kw.Count > 0) throw Error("keyword arguments to tests are not supported", p.Pos);
                    args = a;
                }
                else if ((p.Kind is TokKind.Name or TokKind.String or TokKind.Integer or TokKind.Float || p.IsOp("[") || p.IsOp("{"))
                         && !p.IsName("else") && !p.IsName("or") && !p.IsName("and") && !p.IsName("if") && !p.IsName("is") && !p.IsName("in") && !p.IsName("not"))
                {
                    args.Add(ParsePostfix(ParsePrimary()));
                }
                node = new TestExpr(node, nameTok.Text, args, negated, nameTok.Pos);
            }
            else if (t.IsOp("("))
            {
                ts.Next();
                var (args, kwargs) = ParseCallArgs();
                node = new CallExpr(node, args, kwargs, t.Pos);
            }
            else return node;
        }
    }
}
