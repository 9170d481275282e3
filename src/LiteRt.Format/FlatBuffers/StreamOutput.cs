namespace LiteRt.Format.FlatBuffers;

/// <summary>
/// Writes data to a stream in chunks. Runs of zeros written past the current end of a seekable stream are skipped
/// with a seek instead (the gap reads back as zeros), so multi-gigabyte zero weights make a sparse file quickly.
/// </summary>
internal static class StreamOutput
{
    private const int ChunkSize = 1 << 20;

    public static void Write(Stream stream, ReadOnlySpan<byte> data)
    {
        bool canSkip = stream.CanSeek;
        while (!data.IsEmpty)
        {
            var chunk = data[..Math.Min(ChunkSize, data.Length)];
            // Only past the end: skipping inside existing content would leave stale bytes behind.
            if (canSkip && chunk.Length == ChunkSize && stream.Position >= stream.Length && !chunk.ContainsAnyExcept((byte)0))
                stream.Seek(chunk.Length, SeekOrigin.Current);
            else
                stream.Write(chunk);
            data = data[chunk.Length..];
        }
    }

    /// <summary>Makes a stream that ends in skipped zeros as long as its position (call once writing is done).</summary>
    public static void Complete(Stream stream)
    {
        if (stream.CanSeek && stream.Position > stream.Length) stream.SetLength(stream.Position);
    }

    private static readonly byte[] Zeros = new byte[64];

    /// <summary>Writes <paramref name="count"/> zero bytes (padding).</summary>
    public static void WriteZeros(Stream stream, int count)
    {
        while (count > 0)
        {
            int n = Math.Min(count, Zeros.Length);
            stream.Write(Zeros, 0, n);
            count -= n;
        }
    }
}
