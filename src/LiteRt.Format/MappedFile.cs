using System.Buffers;
using System.IO.MemoryMappedFiles;

namespace LiteRt.Format;

/// <summary>
/// A whole file mapped read-only (a .tflite model, a .litertlm bundle). A <see cref="Memory{T}"/> cannot exceed
/// 2 GB, so <see cref="Slice"/> hands out one small <see cref="MemoryManager{T}"/> per slice over the mapping's
/// pointer; any slice may start anywhere in a mapping of any size. Slices refuse access once the mapping is disposed.
/// </summary>
public sealed unsafe class MappedFile : IDisposable
{
    private readonly MemoryMappedFile _map;
    private readonly MemoryMappedViewAccessor _view;
    private byte* _pointer;

    /// <summary>Maps <paramref name="stream"/> (a non-empty file opened for reading), which the mapping then owns.</summary>
    public MappedFile(FileStream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        try
        {
            Length = stream.Length;
            if (Length == 0) throw new ArgumentException($"'{stream.Name}' is empty; an empty file cannot be mapped", nameof(stream));
            _map = MemoryMappedFile.CreateFromFile(stream, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: false);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
        try
        {
            _view = _map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            byte* p = null;
            _view.SafeMemoryMappedViewHandle.AcquirePointer(ref p);
            _pointer = p + _view.PointerOffset;
        }
        catch
        {
            _view?.Dispose();
            _map.Dispose();
            throw;
        }
    }

    /// <summary>Opens <paramref name="path"/> for reading (shared) as a stream for <see cref="MappedFile(FileStream)"/>.</summary>
    public static FileStream OpenRead(string path) => new(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.None);

    public long Length { get; }
    public bool IsDisposed => _pointer == null;

    /// <summary>A zero-copy view of <paramref name="length"/> bytes at <paramref name="offset"/>.</summary>
    public ReadOnlyMemory<byte> Slice(long offset, int length)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        if (offset < 0 || length < 0 || offset > Length - length)
            throw new ArgumentOutOfRangeException(nameof(offset), $"bytes [{offset}, {offset + length}) are outside the {Length}-byte file");
        return length == 0 ? ReadOnlyMemory<byte>.Empty : new SliceManager(this, offset, length).Memory;
    }

    public void Dispose()
    {
        if (_pointer == null) return;
        _pointer = null;
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _map.Dispose();
    }

    private sealed class SliceManager(MappedFile owner, long offset, int length) : MemoryManager<byte>
    {
        private byte* Start
        {
            get
            {
                ObjectDisposedException.ThrowIf(owner.IsDisposed, owner);
                return owner._pointer + offset;
            }
        }

        public override Span<byte> GetSpan() => new(Start, length);

        public override MemoryHandle Pin(int elementIndex = 0)
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThan((uint)elementIndex, (uint)length);
            return new MemoryHandle(Start + elementIndex);
        }

        public override void Unpin() { }

        protected override void Dispose(bool disposing) { }
    }
}
