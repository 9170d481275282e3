using System.Text;

namespace LiteRt.Build.Generator;

/// <summary>An indented text writer for generated code (cheaper and more readable than SyntaxFactory).</summary>
internal sealed class SourceWriter
{
    private readonly StringBuilder _sb = new();
    private int _indent;

    public SourceWriter Line(string text = "")
    {
        if (text.Length > 0) _sb.Append(' ', _indent * 4).Append(text);
        _sb.Append('\n');
        return this;
    }

    public SourceWriter Open(string text)
    {
        Line(text);
        Line("{");
        _indent++;
        return this;
    }

    public SourceWriter Close(string suffix = "")
    {
        _indent--;
        Line("}" + suffix);
        return this;
    }

    public SourceWriter Doc(string summary)
    {
        Line("/// <summary>");
        foreach (string l in summary.Split('\n')) Line("/// " + l);
        Line("/// </summary>");
        return this;
    }

    public override string ToString() => _sb.ToString();
}
