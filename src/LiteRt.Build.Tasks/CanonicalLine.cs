using System.Text.RegularExpressions;

namespace LiteRt.Build.Tasks;

/// <summary>
/// Parses the canonical diagnostic lines <c>litert</c> prints: <c>file(line,col): error LRTnnnn: message</c>,
/// <c>file(line): warning …</c> or <c>file: error …</c> (and <c>litert: error …</c> when no file applies).
/// Kept apart from the MSBuild task so it can be tested without MSBuild.
/// </summary>
public static class CanonicalLine
{
    private static readonly Regex Pattern = new(
        @"^\s*(?<origin>.*?)(?:\((?<line>\d+)(?:,(?<col>\d+))?\))?\s*:\s*(?<kind>error|warning)\s+(?<code>LRT\d{4})\s*:\s*(?<message>.*)$",
        RegexOptions.CultureInvariant);

    public static bool TryParse(string line, out Diagnostic diagnostic)
    {
        var m = Pattern.Match(line);
        if (!m.Success)
        {
            diagnostic = default;
            return false;
        }
        string origin = m.Groups["origin"].Value.Trim();
        diagnostic = new Diagnostic(
            origin.Length == 0 ? null : origin,
            m.Groups["line"].Success ? int.Parse(m.Groups["line"].Value, System.Globalization.CultureInfo.InvariantCulture) : 0,
            m.Groups["col"].Success ? int.Parse(m.Groups["col"].Value, System.Globalization.CultureInfo.InvariantCulture) : 0,
            m.Groups["kind"].Value == "error",
            m.Groups["code"].Value,
            m.Groups["message"].Value);
        return true;
    }
}

/// <summary>A parsed <c>file(line,col): error LRTnnnn: message</c> line.</summary>
public readonly struct Diagnostic
{
    public Diagnostic(string? file, int line, int column, bool isError, string code, string message)
    {
        File = file;
        Line = line;
        Column = column;
        IsError = isError;
        Code = code;
        Message = message;
    }

    public string? File { get; }
    public int Line { get; }
    public int Column { get; }
    public bool IsError { get; }
    public string Code { get; }
    public string Message { get; }
}

