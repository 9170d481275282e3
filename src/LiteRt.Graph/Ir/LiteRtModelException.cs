namespace LiteRt.Graph;

/// <summary>
/// A model is well-formed bytes but not a valid or supported model: an unknown op, a bad tensor index, a shape that
/// does not fit the op. The message names the file, the node and the reason.
/// </summary>
public sealed class LiteRtModelException : Exception
{
    public LiteRtModelException(string message, string? node = null, string? file = null, Exception? inner = null)
        : base(Compose(message, node, file), inner)
    {
        Node = node;
        File = file;
        Reason = message;
    }

    public string? Node { get; }
    public string? File { get; }
    public string Reason { get; }

    public LiteRtModelException WithFile(string? file) =>
        File is null && file is not null ? new LiteRtModelException(Reason, Node, file, InnerException) : this;

    private static string Compose(string message, string? node, string? file) =>
        (file is null ? "" : file + ": ") + (node is null ? "" : node + ": ") + message;
}
