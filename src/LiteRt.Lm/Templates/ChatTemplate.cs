namespace LiteRt.Lm.Templates;

/// <summary>One chat message. <see cref="Extra"/> adds fields templates may read (<c>tool_calls</c>, <c>name</c>, …).</summary>
public sealed record ChatMessage(string Role, string Content)
{
    public IReadOnlyDictionary<string, object?>? Extra { get; init; }

    internal PyDict ToDict()
    {
        var d = new PyDict { ["role"] = Role, ["content"] = Content };
        if (Extra is not null) foreach (var (k, v) in Extra) d[k] = Py.FromNet(v);
        return d;
    }
}

/// <summary>
/// A chat template (the Jinja <c>chat_template</c> of tokenizer_config.json), parsed once and rendered as transformers'
/// <c>apply_chat_template</c> renders it: Jinja with trim_blocks and lstrip_blocks, <c>raise_exception</c>, and a
/// <c>tojson</c> that is Python's <c>json.dumps(ensure_ascii=False)</c>.
/// </summary>
/// <remarks>
/// Supported: output <c>{{ }}</c>, comments, whitespace control (<c>-</c>/<c>+</c>); <c>if/elif/else</c>,
/// <c>for</c> (with <c>else</c>, an <c>if</c> filter, tuple unpacking, <c>loop.*</c>, <c>break</c>/<c>continue</c>),
/// <c>set</c> (names, tuples, <c>ns.attr</c>, block set), <c>generation</c>; literals, lists, dicts, tuples,
/// attribute/item access, slices, all arithmetic/comparison/logic operators, <c>in</c>, <c>~</c>, conditional
/// expressions; filters trim, length/count, upper, lower, capitalize, title, tojson, string, int, float, default/d,
/// join, first, last, list, replace, reverse, items, abs, safe, map, select/reject, selectattr/rejectattr, unique,
/// sort; the usual tests; common str/dict methods; globals raise_exception, range, namespace, dict, strftime_now.
/// Anything else — macros, call blocks, includes, filter blocks, other filters or tests — is a
/// <see cref="ChatTemplateException"/> naming the construct and its line and column, raised by the constructor.
/// </remarks>
public sealed class ChatTemplate
{
    private readonly List<Node> _tree;

    public string Source { get; }

    /// <exception cref="ChatTemplateException">The template has a syntax error or an unsupported construct.</exception>
    public ChatTemplate(string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        Source = source;
        _tree = new TemplateParser(new TemplateLexer(source).Lex()).ParseTemplate();
    }

    /// <summary>Renders with <c>messages</c>, <c>add_generation_prompt</c> and further variables (bos_token, tools, …).</summary>
    /// <exception cref="ChatTemplateException">The template raised an exception or failed (e.g. an undefined value used).</exception>
    public string Render(IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt, IReadOnlyDictionary<string, object?>? variables = null)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var vars = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (variables is not null) foreach (var (k, v) in variables) vars[k] = v;
        vars["messages"] = messages.Select(m => (object?)m.ToDict()).ToList();
        vars["add_generation_prompt"] = addGenerationPrompt;
        return TemplateRenderer.Render(_tree, vars);
    }

    /// <summary>Renders with exactly the given variables. Values may be strings, numbers, booleans, null, lists,
    /// dictionaries with string keys, <see cref="ChatMessage"/>s and System.Text.Json elements or nodes.</summary>
    public string Render(IReadOnlyDictionary<string, object?> variables)
    {
        ArgumentNullException.ThrowIfNull(variables);
        return TemplateRenderer.Render(_tree, variables);
    }
}
