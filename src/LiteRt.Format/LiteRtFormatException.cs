namespace LiteRt.Format;

/// <summary>
/// A .tflite (or other FlatBuffer) file is malformed: truncated, corrupted or hostile. Always names the table, the
/// field and the byte offset where reading stopped, and the file when it is known.
/// </summary>
public sealed class LiteRtFormatException : Exception
{
    public LiteRtFormatException(string table, string field, long offset, string reason)
        : base($"{table}.{field} at byte {offset}: {reason}")
    {
        Table = table;
        Field = field;
        Offset = offset;
        Reason = reason;
    }

    public string Table { get; }
    public string Field { get; }
    public long Offset { get; }
    public string Reason { get; }

    /// <summary>The file being read, when known.</summary>
    public string? FilePath { get; init; }

    public override string Message => (FilePath is null ? "" : FilePath + ": ") + base.Message;
}
