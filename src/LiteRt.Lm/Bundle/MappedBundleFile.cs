using System.Buffers;
using System.IO.MemoryMappedFiles;

namespace LiteRt.Lm.Bundle;

/// <summary>
/// A whole <c>.litertlm</c> file mapped read-only. <see cref="Slice"/> hands out zero-copy views (each below 2 GB) of
/// any part of it, so a model section is read in place; views refuse access once the mapping is disposed.
/// </summary>
internal sealed unsafe class MappedBundleFile : IDisposable
{
    private readonly MemoryMappedFile _map;
    private readonly MemoryMappedViewAccessor _view;
    private byte* _pointer;

    public MappedBundleFile(FileStream stream)
    {
        Length = stream.Length;
        _map = MemoryMappedFile.CreateFromFile(stream, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: false);
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

    public long Length { get; }
    public bool IsDisposed => _pointer == null;

    public ReadOnlyMemory<byte> Slice(long offset, int length)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        if (offset < 0 || length < 0 || offset > Length - length) throw new ArgumentOutOfRangeException(nameof(offset), $"bytes [{offset}, {offset + length}) are outside the {Length}-byte file");
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

    private sealed class SliceManager(MappedBundleFile owner, long offset, int length) : MemoryManager<byte>
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
