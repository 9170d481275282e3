using System.Runtime.InteropServices;

namespace LiteRt.Runtime;

/// <summary>
/// Caller-owned, 64-byte aligned native memory for a tensor that outlives single runs and is shared between
/// signatures — a KV cache. Bind it with <see cref="SignatureRunner.BindInPlace(string, TensorMemory)"/>; it starts zeroed.
/// </summary>
public sealed unsafe class TensorMemory : IDisposable
{
    private byte* _data;

    public TensorMemory(long byteLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(byteLength);
        _data = (byte*)NativeMemory.AlignedAlloc((nuint)byteLength, 64);
        NativeMemory.Clear(_data, (nuint)byteLength);
        ByteLength = byteLength;
    }

    public long ByteLength { get; }

    internal byte* Pointer => _data != null ? _data : throw new ObjectDisposedException(nameof(TensorMemory));

    public Span<T> AsSpan<T>() where T : unmanaged => new(Pointer, checked((int)(ByteLength / sizeof(T))));

    /// <summary>Zeroes the contents (e.g. a new conversation).</summary>
    public void Clear() => NativeMemory.Clear(Pointer, (nuint)ByteLength);

    public void Dispose()
    {
        if (_data != null) NativeMemory.AlignedFree(_data);
        _data = null;
    }
}
