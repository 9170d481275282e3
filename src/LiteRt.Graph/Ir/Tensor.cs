using LiteRt.Format.Schema;

namespace LiteRt.Graph;

/// <summary>A tensor: type, shape, optional constant data and quantization.</summary>
public sealed class Tensor
{
    public Tensor(string name, TensorType type, int[] shape)
    {
        Name = name;
        Type = type;
        Shape = shape;
    }

    public string Name { get; set; }
    public TensorType Type { get; set; }

    /// <summary>The static shape (the file's <c>shape</c>; dynamic dims are usually 1 here).</summary>
    public int[] Shape { get; set; }

    /// <summary>The shape with -1 for dynamic dims, when the model declares one (<c>shape_signature</c>).</summary>
    public int[]? ShapeSignature { get; set; }

    /// <summary>Constant data, or the (empty) buffer a non-constant tensor points at in the file; null = buffer 0.</summary>
    public DataBuffer? Buffer { get; set; }

    public QuantizationParams? Quantization { get; set; }
    public bool IsVariable { get; set; }
    public bool HasRank { get; set; }

    // Rare .tflite fields, kept for lossless round trips.
    public TflSparsityParameters? Sparsity { get; set; }
    public List<TflVariantSubType>? VariantTensors { get; set; }
    public uint ExternalBuffer { get; set; }
    /// <summary>The file had no <c>shape</c> field at all (a scalar written without one).</summary>
    public bool ShapeWasAbsent { get; set; }

    public bool IsConstant => Buffer is { HasData: true };

    /// <summary>Dims with -1 where unknown: the signature if present, else the static shape.</summary>
    public int[] Dims => ShapeSignature ?? Shape;

    public bool HasDynamicDims => ShapeSignature is { } s && s.Any(d => d < 0);

    public bool IsQuantized => Quantization is { IsEmpty: false };

    public ReadOnlySpan<byte> DataBytes => Buffer?.Data is { } d ? d.Span : default;

    public override string ToString() => $"'{Name}' {Type.Name()}[{string.Join(",", Dims)}]";
}
