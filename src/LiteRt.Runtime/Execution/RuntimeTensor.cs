using System.Runtime.CompilerServices;
using LiteRt.Format.Schema;
using LiteRt.Graph;

namespace LiteRt.Runtime.Execution;

/// <summary>
/// A tensor during execution: its concrete shape and where its bytes are (the arena, constant data, or persistent
/// storage for variables). Created once per model instance; shapes and pointers change only when the plan changes.
/// </summary>
public sealed unsafe class RuntimeTensor
{
    internal RuntimeTensor(int index, Tensor source)
    {
        Index = index;
        Source = source;
        Name = source.Name;
        Type = source.Type;
        Quantization = source.Quantization is { IsEmpty: false } q ? q : null;
        Shape = source.Shape;
        IsConstant = source.IsConstant;
    }

    public int Index { get; }
    public string Name { get; }
    public TensorType Type { get; }
    /// <summary>The IR tensor this was made from.</summary>
    public Tensor Source { get; }
    public QuantizationParams? Quantization { get; }
    public bool IsConstant { get; }

    /// <summary>Current concrete shape (no -1 dims).</summary>
    public int[] Shape { get; internal set; }
    public int Rank => Shape.Length;
    public long ElementCount { get; internal set; }

    /// <summary>Start of the tensor's bytes (valid during Eval; constants are valid from Prepare on).</summary>
    public byte* Data { get; internal set; }
    public long ByteLength { get; internal set; }

    public int Dim(int i) => Shape[i];

    // Per-tensor quantization shortcuts (kernels check IsPerChannel first where it matters).
    public float Scale => Quantization?.Scale is { Length: > 0 } s ? s[0] : 1f;
    public int ZeroPoint => Quantization?.ZeroPoint is { Length: > 0 } z ? (int)z[0] : 0;

    public Span<T> AsSpan<T>() where T : unmanaged =>
        new(Data, checked((int)(ByteLength / Unsafe.SizeOf<T>())));

    public ReadOnlySpan<T> AsReadOnlySpan<T>() where T : unmanaged => AsSpan<T>();

    public Span<byte> Bytes => new(Data, checked((int)ByteLength));

    public override string ToString() => $"'{Name}' {Type.Name()}{Shapes.Format(Shape)}";
}
