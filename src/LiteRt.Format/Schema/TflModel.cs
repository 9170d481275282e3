namespace LiteRt.Format.Schema;

// The .tflite schema as a plain object model: one class per schema table, field for field.
// Conventions that keep a read/write round trip lossless:
//  * a vector or string field that is absent in the file is null; present-but-empty is an empty array/string;
//  * scalar fields hold the schema default when absent (writers omit a scalar equal to its default,
//    as Google's converter does);
//  * bulk data (Buffer.data, custom options) is a zero-copy slice of the source file.

/// <summary>Root table <c>Model</c>.</summary>
public sealed class TflModel
{
    public uint Version { get; set; } = 3;
    public List<TflOperatorCode>? OperatorCodes { get; set; }
    public List<TflSubGraph>? Subgraphs { get; set; }
    public string? Description { get; set; }
    /// <summary>Index 0 must be the empty sentinel buffer.</summary>
    public List<TflBuffer>? Buffers { get; set; }
    /// <summary>Deprecated <c>metadata_buffer</c> field, kept for lossless round trips.</summary>
    public int[]? MetadataBuffer { get; set; }
    public List<TflMetadata>? Metadata { get; set; }
    public List<TflSignatureDef>? SignatureDefs { get; set; }
    public List<TflExternalBufferGroup>? ExternalBufferGroups { get; set; }
    public List<TflExternalBuffer>? ExternalBuffers { get; set; }
}

/// <summary>Table <c>OperatorCode</c>. Use <see cref="EffectiveCode"/> to read the op.</summary>
public sealed class TflOperatorCode
{
    public sbyte DeprecatedBuiltinCode { get; set; }
    public string? CustomCode { get; set; }
    public int Version { get; set; } = 1;
    public BuiltinOperator BuiltinCode { get; set; }

    /// <summary>The schema's rule: the larger of <c>builtin_code</c> and <c>deprecated_builtin_code</c>.</summary>
    public BuiltinOperator EffectiveCode => (BuiltinOperator)Math.Max((int)BuiltinCode, DeprecatedBuiltinCode);

    /// <summary>Sets both code fields the way LiteRT's writer does (deprecated field saturates at 127).</summary>
    public static TflOperatorCode ForBuiltin(BuiltinOperator op, int version = 1) => new()
    {
        BuiltinCode = op,
        DeprecatedBuiltinCode = (sbyte)Math.Min((int)op, 127),
        Version = version,
    };
}

public sealed class TflSubGraph
{
    public List<TflTensor>? Tensors { get; set; }
    public int[]? Inputs { get; set; }
    public int[]? Outputs { get; set; }
    /// <summary>Operators in execution order.</summary>
    public List<TflOperator>? Operators { get; set; }
    public string? Name { get; set; }
    public int DebugMetadataIndex { get; set; } = -1;
}

public sealed class TflTensor
{
    public int[]? Shape { get; set; }
    public TensorType Type { get; set; }
    /// <summary>Index into <see cref="TflModel.Buffers"/>; 0 means no data.</summary>
    public uint Buffer { get; set; }
    public string? Name { get; set; }
    public TflQuantizationParameters? Quantization { get; set; }
    public bool IsVariable { get; set; }
    public TflSparsityParameters? Sparsity { get; set; }
    /// <summary>Shape with -1 for unknown dims; null when the file has none.</summary>
    public int[]? ShapeSignature { get; set; }
    public bool HasRank { get; set; }
    public List<TflVariantSubType>? VariantTensors { get; set; }
    public uint ExternalBuffer { get; set; }
}

public sealed class TflQuantizationParameters
{
    public float[]? Min { get; set; }
    public float[]? Max { get; set; }
    public float[]? Scale { get; set; }
    public long[]? ZeroPoint { get; set; }
    public QuantizationDetailsType DetailsType { get; set; }
    /// <summary>Set when <see cref="DetailsType"/> is CustomQuantization.</summary>
    public TflCustomQuantization? CustomDetails { get; set; }
    /// <summary>Set when <see cref="DetailsType"/> is BlockwiseQuantization.</summary>
    public TflBlockwiseQuantization? BlockwiseDetails { get; set; }
    /// <summary>Set when <see cref="DetailsType"/> is MultiAxisQuantization.</summary>
    public TflMultiAxisQuantization? MultiAxisDetails { get; set; }
    public int QuantizedDimension { get; set; }
}

public sealed class TflCustomQuantization
{
    public ReadOnlyMemory<byte>? Custom { get; set; }
}

public sealed class TflBlockwiseQuantization
{
    /// <summary>Tensor index of the scales tensor.</summary>
    public int Scales { get; set; }
    /// <summary>Tensor index of the zero points; -1 means all zero.</summary>
    public int ZeroPoints { get; set; }
    public int BlockSize { get; set; }
}

public sealed class TflMultiAxisQuantization
{
    public int Scales { get; set; }
    public int ZeroPoints { get; set; }
    public int BlockSize { get; set; }
    public int[]? QuantizedDimensions { get; set; }
}

public sealed class TflSparsityParameters
{
    public int[]? TraversalOrder { get; set; }
    public int[]? BlockMap { get; set; }
    public List<TflDimensionMetadata>? DimMetadata { get; set; }
}

public sealed class TflDimensionMetadata
{
    public DimensionType Format { get; set; }
    public int DenseSize { get; set; }
    public TflSparseIndexVector? ArraySegments { get; set; }
    public TflSparseIndexVector? ArrayIndices { get; set; }
}

/// <summary>Union <c>SparseIndexVector</c>: exactly one of the arrays is set, matching <see cref="Type"/>.</summary>
public sealed class TflSparseIndexVector
{
    public SparseIndexVectorType Type { get; set; }
    public int[]? Int32Values { get; set; }
    public ushort[]? Uint16Values { get; set; }
    public byte[]? Uint8Values { get; set; }
}

public sealed class TflVariantSubType
{
    public int[]? Shape { get; set; }
    public TensorType Type { get; set; }
    public bool HasRank { get; set; }
}

public sealed class TflOperator
{
    public uint OpcodeIndex { get; set; }
    /// <summary>Tensor indices; -1 marks an absent optional input.</summary>
    public int[]? Inputs { get; set; }
    public int[]? Outputs { get; set; }
    /// <summary>The <c>builtin_options</c> union value (type NONE when absent).</summary>
    public OptionsTable? BuiltinOptions { get; set; }
    public ReadOnlyMemory<byte>? CustomOptions { get; set; }
    public CustomOptionsFormat CustomOptionsFormat { get; set; }
    public bool[]? MutatingVariableInputs { get; set; }
    public int[]? Intermediates { get; set; }
    public ulong LargeCustomOptionsOffset { get; set; }
    public ulong LargeCustomOptionsSize { get; set; }
    /// <summary>The <c>builtin_options_2</c> union value.</summary>
    public OptionsTable? BuiltinOptions2 { get; set; }
    public int DebugMetadataIndex { get; set; } = -1;
}

/// <summary>
/// Table <c>Buffer</c>: either inline <see cref="Data"/> or, in files over 2 GB, an
/// <see cref="Offset"/>/<see cref="Size"/> pair relative to the start of the file (valid when Offset &gt; 1).
/// </summary>
public sealed class TflBuffer
{
    public ReadOnlyMemory<byte>? Data { get; set; }
    public ulong Offset { get; set; }
    public ulong Size { get; set; }

    public bool IsExternal => Offset > 1;
}

public sealed class TflExternalBufferGroup
{
    public string? Name { get; set; }
}

public sealed class TflExternalBuffer
{
    public uint Id { get; set; }
    public uint Group { get; set; }
    public ulong Offset { get; set; }
    public ulong Length { get; set; }
    public string? Packing { get; set; }
}

public sealed class TflMetadata
{
    public string? Name { get; set; }
    public uint Buffer { get; set; }
}

public sealed class TflTensorMap
{
    public string? Name { get; set; }
    public uint TensorIndex { get; set; }
}

public sealed class TflSignatureDef
{
    public List<TflTensorMap>? Inputs { get; set; }
    public List<TflTensorMap>? Outputs { get; set; }
    public string? SignatureKey { get; set; }
    /// <summary>Deprecated field id 3, kept only so old files round-trip.</summary>
    public string? DeprecatedTag { get; set; }
    public uint SubgraphIndex { get; set; }
}
