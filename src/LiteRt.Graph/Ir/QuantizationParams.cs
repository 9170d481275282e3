using LiteRt.Format.Schema;

namespace LiteRt.Graph;

/// <summary>
/// Affine quantization, <c>real = scale · (q − zero_point)</c>, per tensor (one scale) or per axis (one scale per
/// slice of <see cref="QuantizedDimension"/>); blockwise details for int4 weights.
/// </summary>
public sealed class QuantizationParams
{
    public float[]? Scale { get; set; }
    public long[]? ZeroPoint { get; set; }
    public int QuantizedDimension { get; set; }
    public float[]? Min { get; set; }
    public float[]? Max { get; set; }

    public QuantizationDetailsType DetailsType { get; set; }
    public TflBlockwiseQuantization? Blockwise { get; set; }
    public TflMultiAxisQuantization? MultiAxis { get; set; }
    public TflCustomQuantization? Custom { get; set; }

    /// <summary>No scale and no details: the tensor is not quantized (the file may still record min/max).</summary>
    public bool IsEmpty => (Scale is null || Scale.Length == 0) && DetailsType == QuantizationDetailsType.None;

    public bool IsPerChannel => Scale is { Length: > 1 };
    public int ChannelCount => Scale?.Length ?? 0;

    public float ScaleAt(int channel) => Scale![Scale.Length == 1 ? 0 : channel];
    public long ZeroPointAt(int channel) => ZeroPoint is { Length: > 0 } z ? z[z.Length == 1 ? 0 : channel] : 0;

    public static QuantizationParams PerTensor(float scale, long zeroPoint) => new() { Scale = [scale], ZeroPoint = [zeroPoint] };

    public static QuantizationParams PerAxis(float[] scales, long[] zeroPoints, int dimension) =>
        new() { Scale = scales, ZeroPoint = zeroPoints, QuantizedDimension = dimension };

    public override string ToString() => IsEmpty ? "none"
        : IsPerChannel ? $"per-axis(dim {QuantizedDimension}, {Scale!.Length} scales)"
        : DetailsType != QuantizationDetailsType.None ? DetailsType.ToString()
        : $"scale={Scale![0]:G6} zp={ZeroPointAt(0)}";
}
