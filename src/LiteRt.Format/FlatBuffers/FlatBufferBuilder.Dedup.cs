namespace LiteRt.Format.FlatBuffers;

// Identical strings and vectors are stored once: FlatBuffers lets any number of tables refer to one vector, and
// readers (flatc, LiteRT) cannot tell. In a quantized model most per-channel zero-point vectors are all zeros of a
// few lengths, and many tensors share a shape, so this removes a sizeable share of the metadata.
public sealed partial class FlatBufferBuilder
{
    /// <summary>A stored vector: its kind (element size, or 0 for strings), the alignment it was written with, and its bytes.</summary>
    private readonly record struct VectorKey(int ElementSize, int Alignment, ReadOnlyMemory<byte> Bytes);

    private sealed class VectorKeyComparer : IEqualityComparer<VectorKey>
    {
        public static readonly VectorKeyComparer Instance = new();

        public bool Equals(VectorKey a, VectorKey b) =>
            a.ElementSize == b.ElementSize && a.Alignment == b.Alignment && a.Bytes.Span.SequenceEqual(b.Bytes.Span);

        public int GetHashCode(VectorKey k)
        {
            var h = new HashCode();
            h.Add(k.ElementSize);
            h.Add(k.Alignment);
            h.AddBytes(k.Bytes.Span);
            return h.ToHashCode();
        }
    }

    private readonly Dictionary<VectorKey, int> _stored = new(VectorKeyComparer.Instance);

    /// <summary>
    /// When true (the default), a string or vector identical to one created earlier (same element size, alignment and
    /// bytes) is not written again: the earlier offset is returned.
    /// </summary>
    public bool DeduplicateVectors { get; set; } = true;

    /// <summary>
    /// The offset of an identical vector created before (<paramref name="offset"/>), or false, and then the key under
    /// which to <see cref="Remember"/> the vector once written. <paramref name="stable"/>: the bytes stay unchanged until
    /// the builder is dropped (referenced data); otherwise the key holds a copy.
    /// </summary>
    private bool TryReuse(int elementSize, int alignment, ReadOnlyMemory<byte> bytes, bool stable, out int offset, out VectorKey key)
    {
        offset = 0;
        key = default;
        if (!DeduplicateVectors) return false;
        key = new VectorKey(elementSize, alignment, stable ? bytes : bytes.ToArray());
        return _stored.TryGetValue(key, out offset);
    }

    private void Remember(in VectorKey key, int offset)
    {
        if (DeduplicateVectors) _stored.TryAdd(key, offset);
    }
}
