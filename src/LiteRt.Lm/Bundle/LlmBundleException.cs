namespace LiteRt.Lm.Bundle;

/// <summary>A <c>.litertlm</c> file is malformed, truncated or hostile, or lacks what is asked of it. The message names
/// the file, the field and the byte offset where reading stopped.</summary>
public sealed class LlmBundleException : Exception
{
    public LlmBundleException(string? file, string field, long offset, string reason, Exception? inner = null)
        : base($"{(file is null ? "" : file + ": ")}{field} at byte {offset}: {reason}", inner)
    {
        FilePath = file;
        Field = field;
        Offset = offset;
        Reason = reason;
    }

    public string? FilePath { get; }
    public string Field { get; }
    public long Offset { get; }
    public string Reason { get; }
}
