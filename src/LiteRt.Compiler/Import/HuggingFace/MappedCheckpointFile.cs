using System.IO.MemoryMappedFiles;

namespace LiteRt.Compiler.Import.HuggingFace;

/// <summary>
/// A checkpoint file mapped read-only: tensors are read straight from the page cache, one at a time, so a
/// multi-gigabyte checkpoint never sits in the managed heap. Pointers stay valid until disposal.
/// </summary>
internal sealed unsafe class MappedCheckpointFile : IDisposable
{
    private readonly MemoryMappedFile? _map;
    private readonly MemoryMappedViewAccessor? _view;

    public MappedCheckpointFile(string path)
    {
        Path = path;
        Length = new FileInfo(path).Length;
        if (Length == 0) return;
        _map = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        _view = _map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
        byte* p = null;
        _view.SafeMemoryMappedViewHandle.AcquirePointer(ref p);
        Pointer = p + _view.PointerOffset;
    }

    public string Path { get; }
    public long Length { get; }
    public byte* Pointer { get; private set; }

    /// <summary>Bytes [offset, offset+count) after a bounds check that names the file and what was read.</summary>
    public ReadOnlySpan<byte> Span(long offset, int count, string what)
    {
        Check(offset, count, what);
        return new ReadOnlySpan<byte>(Pointer + offset, count);
    }

    public void Check(long offset, long count, string what)
    {
        if (offset < 0 || count < 0 || offset > Length || count > Length - offset)
            throw new LiteRtCompileException(ErrorCodes.BadCheckpoint,
                $"{what}: bytes [{offset}, {offset + count}) lie outside the {Length}-byte file", file: Path);
    }

    public void Dispose()
    {
        if (Pointer != null) _view!.SafeMemoryMappedViewHandle.ReleasePointer();
        Pointer = null;
        _view?.Dispose();
        _map?.Dispose();
    }
}
