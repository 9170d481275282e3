namespace LiteRt.Cli.Compile;

/// <summary>
/// The LRT codes <c>litert compile</c> reports (docs/error-codes.md lists them all). Lines are written in the
/// canonical form MSBuild and IDEs parse: <c>file(line,col): error LRTnnnn: message</c>, or <c>file: error …</c>
/// when the problem has no position (a binary model file).
/// </summary>
internal static class Codes
{
    // LRT0xxx: command line, options and files.
    public const string Internal = "LRT0001";
    public const string ModelNotFound = "LRT0002";
    public const string UnsupportedFormat = "LRT0003";
    public const string BadAccelerator = "LRT0004";
    public const string UnknownRecipe = "LRT0005";
    public const string CalibrationNotFound = "LRT0006";
    public const string CannotWrite = "LRT0007";
    public const string BadName = "LRT0008";
    public const string ExternalDataNotFound = "LRT0009";
    public const string NotForCheckpoints = "LRT0015";

    // LRT19xx: reading .tflite input (the LRT1xxx import range; ONNX codes are the converter's).
    public const string InvalidTflite = "LRT1901";
    public const string InvalidModel = "LRT1902";

    // LRT3xxx: planning.
    public const string UnsupportedOp = "LRT3001";
    public const string NoAcceleratorAvailable = "LRT3002";
    public const string PlanFailed = "LRT3003";
}

internal enum Severity { Error, Warning }

/// <summary>Collects and prints diagnostics; the exit code follows from whether any error was reported.</summary>
internal sealed class CompileDiagnostics(TextWriter writer)
{
    public int Errors { get; private set; }
    public int Warnings { get; private set; }

    public void Error(string? file, string code, string message, int line = 0, int column = 0) => Report(Severity.Error, file, code, message, line, column);

    public void Warning(string? file, string code, string message, int line = 0, int column = 0) => Report(Severity.Warning, file, code, message, line, column);

    public void Report(Severity severity, string? file, string code, string message, int line = 0, int column = 0)
    {
        if (severity == Severity.Error) Errors++;
        else Warnings++;
        writer.WriteLine(Format(severity, file, code, message, line, column));
    }

    /// <summary><c>file(line,col): error LRTnnnn: message</c>; the origin is <c>litert</c> when no file applies.</summary>
    public static string Format(Severity severity, string? file, string code, string message, int line = 0, int column = 0)
    {
        string origin = string.IsNullOrEmpty(file) ? "litert" : file;
        if (line > 0) origin += column > 0 ? $"({line},{column})" : $"({line})";
        string kind = severity == Severity.Error ? "error" : "warning";
        // One line per diagnostic: MSBuild reads line by line.
        return $"{origin}: {kind} {code}: {message.ReplaceLineEndings(" ")}";
    }
}
