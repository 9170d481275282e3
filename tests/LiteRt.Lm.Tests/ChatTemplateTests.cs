using System.Text.Json.Nodes;
using LiteRt.Lm.Templates;

namespace LiteRt.Lm.Tests;

/// <summary>What the oracle cannot show: unsupported constructs are errors with a position, and the .NET-side API.</summary>
public sealed class ChatTemplateTests
{
    [Theory]
    [InlineData("{% macro m() %}x{% endmacro %}", "statement 'macro' is not supported", 1, 4)]
    [InlineData("a\n  {% include 'x' %}", "statement 'include' is not supported", 2, 6)]
    [InlineData("{% call f() %}{% endcall %}", "statement 'call' is not supported", 1, 4)]
    [InlineData("{% filter upper %}x{% endfilter %}", "statement 'filter' is not supported", 1, 4)]
    [InlineData("{% raw %}x{% endraw %}", "statement 'raw' is not supported", 1, 1)]
    [InlineData("{{ x | wordwrap(5) }}", "filter 'wordwrap' is not supported", 1, 8)]
    [InlineData("\n\n{{ x | batch(2) }}", "filter 'batch' is not supported", 3, 8)]
    [InlineData("{% if x is escaped %}{% endif %}", "test 'escaped' is not supported", 1, 12)]
    [InlineData("{% for x in y recursive %}{% endfor %}", "'recursive' loops are not supported", 1, 15)]
    [InlineData("{{ f(*args) }}", "'*args' / '**kwargs' in calls are not supported", 1, 6)]
    [InlineData("{% if x %}", "missing '{% endif %}'", 1, 4)]
    [InlineData("{% for x in y %}", "missing '{% endfor %}'", 1, 4)]
    [InlineData("{{ 'abc }}", "unterminated string", 1, 4)]
    [InlineData("{{ x ", "unterminated '{{'", 1, 6)]
    [InlineData("{% endif %}", "unexpected 'endif'", 1, 4)]
    [InlineData("{% frobnicate %}", "unknown statement 'frobnicate'", 1, 4)]
    [InlineData("{{ x = 1 }}", "unexpected '='", 1, 6)]
    public void UnsupportedOrInvalidConstructsNameThemselvesWithPosition(string template, string message, int line, int column)
    {
        var e = Assert.Throws<ChatTemplateException>(() => new ChatTemplate(template));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
        Assert.Equal((line, column), (e.Line, e.Column));
    }

    [Theory]
    [InlineData("{{ 'a' % 3 }}", "'%' string formatting is not supported")]
    [InlineData("{{ x.append(1) }}", "list.append() is not allowed")]
    [InlineData("{{ 'x'.format(1) }}", "method 'format' of str is not supported")]
    [InlineData("{{ cycler(1, 2) }}", "function 'cycler' is not supported")]
    [InlineData("{{ strftime_now('%Q') }}", "directive '%Q' is not supported")]
    [InlineData("{{ y.z }}", "'y' is undefined")]
    [InlineData("{{ 9223372036854775807 + 1 }}", "integer overflow")]
    public void UnsupportedAtRenderTimeIsAnError(string template, string message)
    {
        var t = new ChatTemplate(template);
        var e = Assert.Throws<ChatTemplateException>(() => t.Render(new Dictionary<string, object?> { ["x"] = new List<object?> { 1 } }));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
        Assert.False(e.RaisedByTemplate);
        Assert.Equal(1, e.Line);
    }

    [Fact]
    public void RaiseExceptionCarriesTheTemplateMessage()
    {
        var t = new ChatTemplate("{{ raise_exception('no ' ~ messages[0].role ~ ' here') }}");
        var e = Assert.Throws<ChatTemplateException>(() => t.Render([new ChatMessage("system", "x")], false));
        Assert.True(e.RaisedByTemplate);
        Assert.Equal("no system here", e.TemplateMessage);
    }

    [Fact]
    public void MessageExtrasAndJsonToolsReachTheTemplate()
    {
        var t = new ChatTemplate(
            "{% for m in messages %}{{ m.role }}:{{ m.content }}{% if m.tool_calls %}{{ m.tool_calls | tojson }}{% endif %};{% endfor %}" +
            "{{ tools | tojson }}|{{ n + 1 }}|{{ x * 2 }}|{{ flag }}");
        var call = new Dictionary<string, object?> { ["name"] = "f", ["arguments"] = new Dictionary<string, object?> { ["a"] = 1, ["b"] = 2.5f } };
        var messages = new[]
        {
            new ChatMessage("user", "hi"),
            new ChatMessage("assistant", "") { Extra = new Dictionary<string, object?> { ["tool_calls"] = new List<object?> { call } } },
        };
        var vars = new Dictionary<string, object?>
        {
            ["tools"] = JsonNode.Parse("""[{"name": "f", "p": [1, 2.0, null, true, "é"]}]"""),
            ["n"] = 41,
            ["x"] = 1.25,
            ["flag"] = true,
        };
        Assert.Equal(
            """user:hi;assistant:[{"name": "f", "arguments": {"a": 1, "b": 2.5}}];[{"name": "f", "p": [1, 2.0, null, true, "é"]}]|42|2.5|True""",
            t.Render(messages, false, vars));
    }

    [Fact]
    public void GenerationBlockRendersItsBody()
    {
        var t = new ChatTemplate("{% for m in messages %}{% if m.role == 'assistant' %}{% generation %}{{ m.content }}{% endgeneration %}{% else %}[{{ m.content }}]{% endif %}{% endfor %}");
        Assert.Equal("[q]a", t.Render([new ChatMessage("user", "q"), new ChatMessage("assistant", "a")], false));
    }

    [Fact]
    public void StrftimeNowFormatsTheCurrentDate()
    {
        var t = new ChatTemplate("{{ strftime_now('%Y-%m-%d') }}|{{ strftime_now('%d %b %Y') }}");
        var parts = t.Render(new Dictionary<string, object?>()).Split('|');
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}$", parts[0]);
        Assert.Matches(@"^\d{2} [A-Z][a-z]{2} \d{4}$", parts[1]);
    }
}
