using System.Buffers;

namespace LiteRt.Compiler.Import.HuggingFace;

/// <summary>
/// The bytes of one output weight, produced only when the .tflite writer asks for them. All blobs of a conversion
/// share one <see cref="ConversionSlot"/>, so at most one converted tensor is in memory at a time: the writer's
/// external-buffer layout reads each blob's span once, in order, and copies it to the file before the next.
/// </summary>
internal sealed class StreamedBlob(int length, Action<Span<byte>> produce, ConversionSlot slot) : MemoryManager<byte>
{
    public override Span<byte> GetSpan() => slot.Fill(this, length, produce);

    // The base property asks GetSpan() for the length, which would convert the tensor now.
    public override Memory<byte> Memory => CreateMemory(length);

    public override MemoryHandle Pin(int elementIndex = 0) =>
        throw new NotSupportedException("streamed weights are written to a file, never pinned");

    public override void Unpin() { }

    protected override void Dispose(bool disposing) { }
}

/// <summary>The single reusable buffer streamed blobs are converted into (grows to the largest tensor).</summary>
internal sealed class ConversionSlot
{
    private byte[] _buffer = [];
    private object? _owner;

    public long Conversions { get; private set; }
    public Action<string>? Progress { get; set; }
    public int Total { get; set; }

    public Span<byte> Fill(object owner, int length, Action<Span<byte>> produce)
    {
        if (!ReferenceEquals(owner, _owner))
        {
            if (_buffer.Length < length) _buffer = GC.AllocateUninitializedArray<byte>(length);
            _owner = null;
            produce(_buffer.AsSpan(0, length));
            _owner = owner;
            Conversions++;
            if (Progress is { } p && (Conversions % 16 == 0 || Conversions == Total)) p($"  wrote {Conversions}/{Total} weight tensors");
        }
        return _buffer.AsSpan(0, length);
    }
}
