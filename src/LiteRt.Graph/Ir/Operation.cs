using LiteRt.Format.Schema;

namespace LiteRt.Graph;

/// <summary>
/// One operation: a builtin op (the IR's op set is LiteRT's builtin set), tensor indices into its subgraph
/// (-1 = absent optional input) and its attributes as the typed builtin-options table.
/// </summary>
public sealed class Operation
{
    public Operation(BuiltinOperator op, int[] inputs, int[] outputs, OptionsTable? options = null)
    {
        Op = op;
        Inputs = inputs;
        Outputs = outputs;
        Options = options;
    }

    public BuiltinOperator Op { get; set; }
    /// <summary>Custom op name when <see cref="Op"/> is CUSTOM.</summary>
    public string? CustomCode { get; set; }
    /// <summary>Op version (the .tflite OperatorCode version).</summary>
    public int Version { get; set; } = 1;
    public int[] Inputs { get; set; }
    public int[] Outputs { get; set; }

    /// <summary>Attributes: the <c>builtin_options</c> table, or null when the op has none.</summary>
    public OptionsTable? Options { get; set; }
    /// <summary>Attributes of newer ops: the <c>builtin_options_2</c> table.</summary>
    public OptionsTable? Options2 { get; set; }

    // Rare .tflite fields, kept for lossless round trips.
    public ReadOnlyMemory<byte>? CustomOptions { get; set; }
    public CustomOptionsFormat CustomOptionsFormat { get; set; }
    public bool[]? MutatingVariableInputs { get; set; }
    public int[]? Intermediates { get; set; }
    public int DebugMetadataIndex { get; set; } = -1;
    /// <summary>The operator-code index it had in the source file, reused on export while it still matches.</summary>
    public int? SourceOpcodeIndex { get; set; }
    public ulong LargeCustomOptionsOffset { get; set; }
    public ulong LargeCustomOptionsSize { get; set; }
    // Presence flags for lossless round trips (absent vs empty list).
    public bool InputsWereAbsent { get; set; }
    public bool OutputsWereAbsent { get; set; }

    public string OpName => Op == BuiltinOperator.Custom && CustomCode is not null ? $"CUSTOM({CustomCode})" : Op.Name();

    public bool HasInput(int i) => i < Inputs.Length && Inputs[i] >= 0;

    // Attribute accessors: absent options read as the schema defaults.
    public int IntAttr(string name, int fallback = 0) => Options is { } o && o.Descriptor.Find(name) is not null ? o.GetInt32(name) : fallback;
    public float FloatAttr(string name, float fallback = 0) => Options is { } o && o.Descriptor.Find(name) is not null ? o.GetFloat(name) : fallback;
    public bool BoolAttr(string name, bool fallback = false) => Options is { } o && o.Descriptor.Find(name) is not null ? o.GetBool(name) : fallback;
    public int[] IntsAttr(string name) => Options is { } o && o.Descriptor.Find(name) is not null ? o.GetInt32Array(name) : [];

    public ActivationFunctionType FusedActivation =>
        Options is { } o && o.Descriptor.Find("fused_activation_function") is not null
            ? (ActivationFunctionType)o.GetInt64("fused_activation_function")
            : ActivationFunctionType.None;

    public override string ToString() => $"{OpName}({string.Join(",", Inputs)}) -> ({string.Join(",", Outputs)})";
}
