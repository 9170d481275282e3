using LiteRt.Format.Schema;
using LiteRt.Graph;

namespace LiteRt.Runtime;

/// <summary>
/// A typed view of one signature input or output, as generated wrappers expose them (<c>inputs.Image.Span</c>):
/// the element span, the shape, and — for quantized tensors — conversions that use the tensor's own scale and zero
/// point. A struct over the model's <see cref="TensorBuffer"/>: creating one allocates nothing, and it stays valid
/// until the input is resized.
/// </summary>
public readonly struct TensorView<T> where T : unmanaged
{
    public TensorView(TensorBuffer buffer)
    {
        Buffer = buffer;
    }

    /// <summary>The untyped buffer (name, type, raw bytes).</summary>
    public TensorBuffer Buffer { get; }

    /// <summary>The elements (for quantized tensors: the stored integers).</summary>
    public Span<T> Span => Buffer.AsSpan<T>();

    public IReadOnlyList<int> Shape => Buffer.Shape;
    public long ElementCount => Buffer.ElementCount;
    public TensorType Type => Buffer.Type;
    public QuantizationParams? Quantization => Buffer.Quantization;

    /// <summary>Copies <paramref name="values"/> in; the count must match the tensor's.</summary>
    public void Write(ReadOnlySpan<T> values) => Buffer.Write(values);

    /// <summary>Quantizes real values into the tensor: <c>q = clamp(round(x / scale) + zero_point)</c> (per-tensor parameters).</summary>
    public void WriteReal(ReadOnlySpan<float> values) => QuantizedValues.Quantize(Buffer, values);

    /// <summary>Dequantizes the tensor into <paramref name="destination"/>: <c>x = scale · (q − zero_point)</c>.</summary>
    public void ReadReal(Span<float> destination) => QuantizedValues.Dequantize(Buffer, destination);

    public override string ToString() => Buffer.ToString();
}

/// <summary>Per-tensor affine (de)quantization of signature tensors with their own parameters.</summary>
public static class QuantizedValues
{
    public static void Quantize(TensorBuffer buffer, ReadOnlySpan<float> values)
    {
        var (scale, zero) = Parameters(buffer);
        if (values.Length != buffer.ElementCount)
            throw new ArgumentException($"'{buffer.Name}' holds {buffer.ElementCount} elements, got {values.Length}");
        switch (buffer.Type)
        {
            case TensorType.Uint8: Store(buffer.AsSpan<byte>(), values, scale, zero, 0, 255); break;
            case TensorType.Int8: Store(buffer.AsSpan<sbyte>(), values, scale, zero, -128, 127); break;
            case TensorType.Int16: Store(buffer.AsSpan<short>(), values, scale, zero, short.MinValue, short.MaxValue); break;
            default: throw new InvalidOperationException($"'{buffer.Name}' is {buffer.Type.Name()}, not a quantized integer tensor");
        }
    }

    public static void Dequantize(TensorBuffer buffer, Span<float> destination)
    {
        var (scale, zero) = Parameters(buffer);
        if (destination.Length != buffer.ElementCount)
            throw new ArgumentException($"'{buffer.Name}' holds {buffer.ElementCount} elements; the destination has {destination.Length}");
        switch (buffer.Type)
        {
            case TensorType.Uint8: Load(buffer.AsSpan<byte>(), destination, scale, zero); break;
            case TensorType.Int8: Load(buffer.AsSpan<sbyte>(), destination, scale, zero); break;
            case TensorType.Int16: Load(buffer.AsSpan<short>(), destination, scale, zero); break;
            default: throw new InvalidOperationException($"'{buffer.Name}' is {buffer.Type.Name()}, not a quantized integer tensor");
        }
    }

    private static (float Scale, long Zero) Parameters(TensorBuffer buffer)
    {
        if (buffer.Quantization is not { IsEmpty: false, IsPerChannel: false } q)
            throw new InvalidOperationException($"'{buffer.Name}' has no per-tensor quantization parameters");
        return (q.ScaleAt(0), q.ZeroPointAt(0));
    }

    private static void Store<TQ>(Span<TQ> dst, ReadOnlySpan<float> src, float scale, long zero, int min, int max) where TQ : unmanaged, System.Numerics.INumberBase<TQ>
    {
        for (int i = 0; i < dst.Length; i++)
        {
            double q = Math.Round(src[i] / (double)scale, MidpointRounding.AwayFromZero) + zero;
            dst[i] = TQ.CreateTruncating((int)Math.Clamp(q, min, max));
        }
    }

    private static void Load<TQ>(ReadOnlySpan<TQ> src, Span<float> dst, float scale, long zero) where TQ : unmanaged, System.Numerics.INumberBase<TQ>
    {
        for (int i = 0; i < dst.Length; i++) dst[i] = (float)(scale * (int.CreateTruncating(src[i]) - zero));
    }
}
