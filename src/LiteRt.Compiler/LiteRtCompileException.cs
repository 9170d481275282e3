namespace LiteRt.Compiler;

/// <summary>
/// The compiler could not convert a model: an LRT code (see docs/error-codes.md), the file, the node (ONNX node name
/// and op type) and the reason. The message has the MSBuild-friendly form <c>file: error LRT1001: node: reason</c>.
/// </summary>
public sealed class LiteRtCompileException : Exception
{
    public LiteRtCompileException(string code, string reason, string? node = null, string? file = null, Exception? inner = null)
        : base(Compose(code, reason, node, file), inner)
    {
        Code = code;
        Reason = reason;
        Node = node;
        File = file;
    }

    /// <summary>The LRT code, e.g. <c>LRT1001</c>.</summary>
    public string Code { get; }
    public string Reason { get; }
    public string? Node { get; }
    public string? File { get; }

    public LiteRtCompileException WithFile(string? file) =>
        File is null && file is not null ? new LiteRtCompileException(Code, Reason, Node, file, InnerException) : this;

    public LiteRtCompileException WithNode(string? node) =>
        Node is null && node is not null ? new LiteRtCompileException(Code, Reason, node, File, InnerException) : this;

    private static string Compose(string code, string reason, string? node, string? file) =>
        (file is null ? "" : file + ": ") + "error " + code + ": " + (node is null ? "" : node + ": ") + reason;
}

/// <summary>The compiler's error codes (LRT1xxx: import). Documented in docs/error-codes.md.</summary>
public static class ErrorCodes
{
    /// <summary>An ONNX op (type, domain, opset) has no lowering to LiteRT builtin ops.</summary>
    public const string UnsupportedOp = "LRT1001";
    /// <summary>The file is not a valid ONNX protobuf.</summary>
    public const string BadProtobuf = "LRT1002";
    /// <summary>An initializer's external data file is missing or too short.</summary>
    public const string MissingExternalData = "LRT1003";
    /// <summary>A tensor element type (string, complex, float8…) has no LiteRT equivalent for this op.</summary>
    public const string UnsupportedDataType = "LRT1004";
    /// <summary>An input that decides a shape (a Reshape target, Slice bounds, pads…) is computed at run time.</summary>
    public const string NeedsConstant = "LRT1005";
    /// <summary>An attribute value or combination the lowering does not support.</summary>
    public const string UnsupportedAttribute = "LRT1006";
    /// <summary>The graph is invalid: an unknown value name, a missing required input, inconsistent shapes.</summary>
    public const string InvalidGraph = "LRT1007";
    /// <summary>The model's opset is outside the supported range (ai.onnx 7–21), or it imports an unknown domain.</summary>
    public const string UnsupportedOpset = "LRT1008";
    /// <summary>A dimension is dynamic where the lowering needs it known: give the input shape (InputShapes / --input-shapes).</summary>
    public const string DynamicShape = "LRT1009";
    /// <summary>A conversion option is invalid (e.g. an InputShapes entry naming no input).</summary>
    public const string BadOption = "LRT1010";

    // LRT11xx: Hugging Face checkpoints (config.json, safetensors, torch.save files).
    /// <summary>A checkpoint file is malformed: safetensors header out of bounds, bad JSON, truncated zip or pickle.</summary>
    public const string BadCheckpoint = "LRT1101";
    /// <summary>config.json names an unknown model_type, or a field/value the decoder builder does not support.</summary>
    public const string UnsupportedModelConfig = "LRT1102";
    /// <summary>A tensor the architecture needs is missing, or has the wrong shape or an unsupported dtype.</summary>
    public const string BadCheckpointTensor = "LRT1103";
    /// <summary>A pickle asks for a global outside the tensor state-dict allow-list (e.g. os.system); nothing ran.</summary>
    public const string RefusedPickleGlobal = "LRT1104";
    /// <summary>The folder holds no checkpoint this importer reads (config.json plus safetensors or pytorch_model*.bin).</summary>
    public const string NoCheckpoint = "LRT1105";
}
