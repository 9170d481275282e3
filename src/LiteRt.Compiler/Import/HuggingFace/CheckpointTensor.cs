using System.Runtime.InteropServices;

namespace LiteRt.Compiler.Import.HuggingFace;

/// <summary>Element types a checkpoint tensor may have; all are widened to float32 on read.</summary>
public enum SourceDType { F32, F16, BF16 }

/// <summary>
/// One named tensor of a checkpoint: dtype, shape and where its contiguous row-major bytes lie in a mapped file.
/// Reading converts to float32 a range at a time, so callers choose how much is in memory.
/// </summary>
public sealed unsafe class CheckpointTensor
{
    private readonly byte* _data;

    internal CheckpointTensor(string name, SourceDType dtype, int[] shape, byte* data, long byteLength, string file)
    {
        Name = name;
        DType = dtype;
        Shape = shape;
        _data = data;
        ByteLength = byteLength;
        File = file;
        long n = 1;
        foreach (int d in shape) n = checked(n * d);
        ElementCount = n;
    }

    public string Name { get; }
    public SourceDType DType { get; }
    public int[] Shape { get; }
    public long ElementCount { get; }
    public long ByteLength { get; }
    /// <summary>The file it lives in (for messages).</summary>
    public string File { get; }

    public static int ElementSize(SourceDType t) => t == SourceDType.F32 ? 4 : 2;

    /// <summary>Elements [start, start + dst.Length) as float32.</summary>
    public void Read(long start, Span<float> dst)
    {
        if (start < 0 || start + dst.Length > ElementCount) throw new ArgumentOutOfRangeException(nameof(start));
        switch (DType)
        {
            case SourceDType.F32:
                new ReadOnlySpan<float>((float*)_data + start, dst.Length).CopyTo(dst);
                break;
            case SourceDType.F16:
            {
                var src = new ReadOnlySpan<Half>((Half*)_data + start, dst.Length);
                System.Numerics.Tensors.TensorPrimitives.ConvertToSingle(src, dst);
                break;
            }
            default:
            {
                var src = new ReadOnlySpan<ushort>((ushort*)_data + start, dst.Length);
                var bits = MemoryMarshal.Cast<float, uint>(dst);
                for (int i = 0; i < src.Length; i++) bits[i] = (uint)src[i] << 16;
                break;
            }
        }
    }

    /// <summary>Takes the tensor's pages out of the resident set after a full pass (they stay in the page cache).</summary>
    public void ReleasePages() => PageRelease.DontNeed(_data, ByteLength);

    /// <summary>The whole tensor as float32 (small tensors: norms, biases).</summary>
    public float[] ReadAll()
    {
        var a = new float[checked((int)ElementCount)];
        Read(0, a);
        return a;
    }

    public override string ToString() => $"'{Name}' {DType}[{string.Join(",", Shape)}]";
}
