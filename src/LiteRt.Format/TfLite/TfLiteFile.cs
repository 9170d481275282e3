using LiteRt.Format.Schema;

namespace LiteRt.Format.TfLite;

/// <summary>
/// An opened .tflite model. <see cref="Open"/> memory-maps the file read-only and parses only the FlatBuffer
/// (the first 2 GB at most); buffer data, inline or in the &gt;2 GB layout, are zero-copy slices of the mapping
/// that are not touched until used, so opening is fast whatever the size of the weights. Slices are valid until
/// <see cref="Dispose"/>.
/// </summary>
public sealed class TfLiteFile : IDisposable
{
    private readonly MappedFile? _mapped;
    private readonly ReadOnlyMemory<byte> _bytes;

    private TfLiteFile(MappedFile? mapped, ReadOnlyMemory<byte> bytes, string? path, TflModel model)
    {
        _mapped = mapped;
        _bytes = bytes;
        Path = path;
        Model = model;
    }

    /// <summary>The parsed model.</summary>
    public TflModel Model { get; }

    /// <summary>File size in bytes.</summary>
    public long Length => _mapped?.Length ?? _bytes.Length;

    /// <summary>The file's path, or null for <see cref="FromBytes"/>.</summary>
    public string? Path { get; }

    /// <summary>Memory-maps and parses a .tflite file.</summary>
    /// <exception cref="LiteRtFormatException">The file is not a valid .tflite model.</exception>
    public static TfLiteFile Open(string path)
    {
        var stream = MappedFile.OpenRead(path);
        if (stream.Length == 0)
        {
            stream.Dispose();
            throw new LiteRtFormatException("Model", "(file)", 0, $"'{path}' is empty; not a .tflite file");
        }
        var mapped = new MappedFile(stream);
        try
        {
            int flatBufferLength = (int)Math.Min(mapped.Length, int.MaxValue);
            var model = TflModelReader.Read(mapped.Slice(0, flatBufferLength), mapped.Length, mapped.Slice);
            return new TfLiteFile(mapped, default, System.IO.Path.GetFullPath(path), model);
        }
        catch
        {
            mapped.Dispose();
            throw;
        }
    }

    /// <summary>Parses a model held in memory (slices refer to <paramref name="bytes"/>).</summary>
    public static TfLiteFile FromBytes(ReadOnlyMemory<byte> bytes) => new(null, bytes, null, TflModelReader.Read(bytes));

    /// <summary>A zero-copy view of any part of the file (each slice is below 2 GB).</summary>
    public ReadOnlyMemory<byte> Slice(long offset, int length)
    {
        if (_mapped is not null) return _mapped.Slice(offset, length);
        if (offset < 0 || length < 0 || offset > _bytes.Length - length) throw new ArgumentOutOfRangeException(nameof(offset));
        return _bytes.Slice((int)offset, length);
    }

    /// <summary>Unmaps the file; slices handed out before become unusable.</summary>
    public void Dispose() => _mapped?.Dispose();
}
