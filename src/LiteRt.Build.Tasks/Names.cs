using System.Text;

namespace LiteRt.Build.Tasks;

/// <summary>C# naming rules the tasks need (the same PascalCase rule <c>litert compile</c> uses for tensors).</summary>
internal static class Names
{
    /// <summary><c>mobilenet_v2-1.0</c> → <c>MobilenetV2_1_0</c>: PascalCase of the letter/digit runs; <c>_</c> before a leading digit.</summary>
    public static string Pascal(string name, string fallback)
    {
        var sb = new StringBuilder();
        var part = new StringBuilder();
        void Flush()
        {
            if (part.Length == 0) return;
            if (sb.Length > 0 && char.IsDigit(sb[sb.Length - 1]) && char.IsDigit(part[0])) sb.Append('_');
            sb.Append(char.ToUpperInvariant(part[0])).Append(part.ToString(1, part.Length - 1));
            part.Clear();
        }
        foreach (char c in name)
        {
            if (char.IsLetterOrDigit(c)) part.Append(c);
            else Flush();
        }
        Flush();
        if (sb.Length == 0) return fallback;
        if (char.IsDigit(sb[0])) sb.Insert(0, '_');
        return sb.ToString();
    }

    private static readonly string[] Keywords =
    {
        "abstract", "as", "base", "bool", "break", "byte", "case", "catch", "char", "checked", "class", "const", "continue",
        "decimal", "default", "delegate", "do", "double", "else", "enum", "event", "explicit", "extern", "false", "finally",
        "fixed", "float", "for", "foreach", "goto", "if", "implicit", "in", "int", "interface", "internal", "is", "lock",
        "long", "namespace", "new", "null", "object", "operator", "out", "override", "params", "private", "protected",
        "public", "readonly", "ref", "return", "sbyte", "sealed", "short", "sizeof", "stackalloc", "static", "string",
        "struct", "switch", "this", "throw", "true", "try", "typeof", "uint", "ulong", "unchecked", "unsafe", "ushort",
        "using", "virtual", "void", "volatile", "while",
    };

    public static bool IsIdentifier(string? s)
    {
        if (string.IsNullOrEmpty(s)) return false;
        if (!(char.IsLetter(s![0]) || s[0] == '_')) return false;
        foreach (char c in s)
            if (!(char.IsLetterOrDigit(c) || c == '_')) return false;
        return System.Array.IndexOf(Keywords, s) < 0;
    }

    /// <summary>A dotted namespace name (<c>My.App</c>), each part an identifier.</summary>
    public static bool IsNamespace(string? s)
    {
        if (string.IsNullOrEmpty(s)) return false;
        foreach (string part in s!.Split('.'))
            if (!IsIdentifier(part)) return false;
        return true;
    }
}
