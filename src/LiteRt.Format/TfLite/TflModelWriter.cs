using LiteRt.Format.FlatBuffers;
using LiteRt.Format.Schema;

namespace LiteRt.Format.TfLite;

/// <summary>
/// Writes a <see cref="TflModel"/> as a .tflite file. By default buffer data are stored inline (16-byte aligned).
/// When the data exceed <see cref="TflWriteOptions.ExternalBuffersThreshold"/> or
/// <see cref="TflWriteOptions.ExternalBuffers"/> is set, the &gt;2 GB layout is written: the FlatBuffer holds
/// Buffer{offset,size}, is padded to 16 bytes and followed by each blob (16-byte aligned), then 16 zero bytes.
/// Data are streamed from the model's memory; they are never gathered into one array.
/// </summary>
public static class TflModelWriter
{
    private const int BlobAlignment = 16;

    /// <summary>Writes the model to <paramref name="stream"/>.</summary>
    public static void Write(TflModel model, Stream stream, TflWriteOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(stream);
        var layout = Layout.Plan(model, options ?? new TflWriteOptions());
        layout.WriteTo(stream);
    }

    /// <summary>Writes the model into a new array (the file must be smaller than 2 GB).</summary>
    public static byte[] WriteToArray(TflModel model, TflWriteOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var layout = Layout.Plan(model, options ?? new TflWriteOptions());
        if (layout.TotalLength > Array.MaxLength)
            throw new InvalidOperationException($"The model file would be {layout.TotalLength} bytes; write it to a stream instead.");
        var result = new byte[layout.TotalLength];
        using (var ms = new MemoryStream(result, writable: true))
            layout.WriteTo(ms);
        return result;
    }

    /// <summary>Writes the model to a file (created or replaced); zero-filled data become sparse regions.</summary>
    public static void WriteToFile(TflModel model, string path, TflWriteOptions? options = null)
    {
        using var fs = new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 16);
        Write(model, fs, options);
    }

    /// <summary>The serialized FlatBuffer plus, in the &gt;2 GB layout, the blobs that follow it.</summary>
    private sealed class Layout
    {
        private FlatBufferBuilder _builder = null!;
        private readonly List<ReadOnlyMemory<byte>> _blobs = [];

        public long TotalLength { get; private set; }

        public static Layout Plan(TflModel model, TflWriteOptions options)
        {
            var layout = new Layout();
            long data = DataSize(model);
            if (!options.ExternalBuffers && data <= options.ExternalBuffersThreshold)
            {
                layout._builder = new ModelSerializer(null).Serialize(model);
                layout.TotalLength = layout._builder.Length;
                return layout;
            }

            // Blob offsets live inside the FlatBuffer, whose size does not depend on their values: serialize once
            // with placeholders to learn the size, then again with the real offsets.
            var placement = new Placement();
            var first = new ModelSerializer(placement).Serialize(model);
            long position = Align(first.Length);
            foreach (var (_, blob) in placement.Blobs)
            {
                placement.Offsets.Add(position);
                layout._blobs.Add(blob);
                position = Align(position + blob.Length);
            }
            placement.Final = true;
            layout._builder = new ModelSerializer(placement).Serialize(model);
            if (layout._builder.Length != first.Length)
                throw new InvalidOperationException("Internal error: FlatBuffer size changed between layout passes.");
            layout.TotalLength = position + BlobAlignment;
            return layout;
        }

        private static long Align(long position) => (position + BlobAlignment - 1) & ~(long)(BlobAlignment - 1);

        public void WriteTo(Stream stream)
        {
            _builder.WriteTo(stream);
            if (_blobs.Count > 0 || TotalLength > _builder.Length)
            {
                long position = _builder.Length;
                foreach (var blob in _blobs)
                {
                    StreamOutput.WriteZeros(stream, (int)(Align(position) - position));
                    position = Align(position);
                    StreamOutput.Write(stream, blob.Span);
                    position += blob.Length;
                }
                StreamOutput.WriteZeros(stream, (int)(Align(position) - position) + BlobAlignment);
            }
            StreamOutput.Complete(stream);
        }

        private static long DataSize(TflModel model)
        {
            long total = 0;
            foreach (var b in model.Buffers ?? []) total += b?.Data?.Length ?? 0;
            foreach (var sg in model.Subgraphs ?? [])
                foreach (var op in sg?.Operators ?? [])
                    total += op?.CustomOptions?.Length ?? 0;
            return total;
        }
    }

    /// <summary>Where each externally stored blob goes; filled in order of first use by the serializer.</summary>
    internal sealed class Placement
    {
        public readonly List<(object Owner, ReadOnlyMemory<byte> Data)> Blobs = [];
        public readonly List<long> Offsets = [];
        public bool Final;
        private int _next;

        /// <summary>The file offset for the next blob (a placeholder before the final pass).</summary>
        public ulong Place(object owner, ReadOnlyMemory<byte> data)
        {
            if (!Final)
            {
                Blobs.Add((owner, data));
                return 2; // any value > 1: the field is stored, and its size does not depend on the value
            }
            if (!ReferenceEquals(Blobs[_next].Owner, owner))
                throw new InvalidOperationException("Internal error: blobs visited in a different order.");
            return (ulong)Offsets[_next++];
        }
    }
}
