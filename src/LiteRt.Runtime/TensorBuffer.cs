using LiteRt.Format.Schema;
using LiteRt.Graph;
using LiteRt.Runtime.Execution;

namespace LiteRt.Runtime;

/// <summary>
/// A signature input or output: a view of the tensor's memory inside the model instance. Spans stay valid until the
/// next <see cref="SignatureRunner.ResizeInput"/>; reading or writing them never allocates.
/// </summary>
public sealed class TensorBuffer
{
    private readonly RuntimeTensor _tensor;

    internal TensorBuffer(string name, RuntimeTensor tensor)
    {
        Name = name;
        _tensor = tensor;
    }

    /// <summary>The signature's name for the tensor.</summary>
    public string Name { get; }
    /// <summary>The tensor's own name in the graph.</summary>
    public string TensorName => _tensor.Name;
    public TensorType Type => _tensor.Type;
    public IReadOnlyList<int> Shape => _tensor.Shape;
    public long ElementCount => _tensor.ElementCount;
    public long ByteLength => _tensor.ByteLength;
    public QuantizationParams? Quantization => _tensor.Quantization;

    public Span<T> AsSpan<T>() where T : unmanaged
    {
        CheckElementType<T>();
        return _tensor.AsSpan<T>();
    }

    public Span<byte> Bytes => _tensor.Bytes;

    public void Write<T>(ReadOnlySpan<T> values) where T : unmanaged
    {
        var span = AsSpan<T>();
        if (values.Length != span.Length)
            throw new ArgumentException($"'{Name}' holds {span.Length} elements of {Type.Name()}{Shapes.Format(_tensor.Shape)}, got {values.Length}");
        values.CopyTo(span);
    }

    public T[] ToArray<T>() where T : unmanaged => AsSpan<T>().ToArray();

    private unsafe void CheckElementType<T>() where T : unmanaged
    {
        int bits = Type.BitsPerElement();
        if (bits != sizeof(T) * 8)
            throw new InvalidOperationException($"'{Name}' is {Type.Name()} ({bits}-bit elements); it cannot be viewed as {typeof(T).Name}");
    }

    public override string ToString() => $"{Name}: {Type.Name()}{Shapes.Format(_tensor.Shape)}" + (Quantization is { } q ? $" ({q})" : "");
}
