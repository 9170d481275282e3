using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace LiteRt.Format.FlatBuffers;

/// <summary>
/// Builds a FlatBuffer back to front: children are written before their parents, so every offset points forward.
/// An object's "offset" is its distance from the end of the buffer. Large byte vectors can be added by reference
/// (<see cref="CreateByteVector"/> with <c>copy: false</c>): they are not copied into the builder but streamed
/// from the caller's memory by <see cref="WriteTo"/>, so weights are never concatenated in one array.
/// Output is deterministic: the same calls produce the same bytes.
/// </summary>
public sealed partial class FlatBufferBuilder
{
    /// <summary>Byte vectors at least this long are referenced rather than copied (see class remarks).</summary>
    private const int ReferenceThreshold = 4096;

    private byte[] _buf;
    private int _head;              // first used byte of _buf; bytes [_head, _buf.Length) are written
    private long _referenced;       // bytes held by reference (not in _buf) so far
    private int _minAlign = 1;
    private readonly List<Segment> _segments = [];
    private readonly Dictionary<string, int> _vtables = new(StringComparer.Ordinal);

    private int[] _fields = [];     // per field id: offset of the value, 0 when absent
    private int _fieldCount = -1;   // -1: not inside a table
    private int _tableEnd;          // smallest offset reached by a field's bytes: the table's far end
    private bool _finished;

    /// <summary>A caller-owned byte range spliced into the output in front of <see cref="PhysicalAfter"/> builder bytes.</summary>
    private readonly record struct Segment(int PhysicalAfter, ReadOnlyMemory<byte> Data);

    public FlatBufferBuilder(int initialCapacity = 1024)
    {
        _buf = new byte[Math.Max(16, initialCapacity)];
        _head = _buf.Length;
    }

    /// <summary>Bytes written so far (including referenced vectors); the offset of the last object created.</summary>
    public int Offset => checked((int)(_buf.Length - _head + _referenced));

    /// <summary>Total size of the finished buffer.</summary>
    public int Length => _finished ? Offset : throw new InvalidOperationException("Finish the buffer first.");

    // ---- low-level writing ----

    private void Grow(int needed)
    {
        int used = _buf.Length - _head;
        long want = Math.Max((long)_buf.Length * 2, (long)used + needed);
        if (used + (long)needed + _referenced > int.MaxValue)
            throw new InvalidOperationException("The FlatBuffer would exceed 2 GB; store large data outside it (external buffers).");
        int size = (int)Math.Min(want, Array.MaxLength);
        if (size < used + needed) throw new InvalidOperationException("The FlatBuffer does not fit in one array.");
        var nb = new byte[size];
        _buf.AsSpan(_head).CopyTo(nb.AsSpan(size - used));
        _buf = nb;
        _head = size - used;
    }

    private Span<byte> Reserve(int bytes)
    {
        if (_head < bytes) Grow(bytes);
        _head -= bytes;
        return _buf.AsSpan(_head, bytes);
    }

    /// <summary>Pads with zeros so that after writing <paramref name="additional"/> bytes the offset is a multiple of <paramref name="alignment"/>.</summary>
    public void Align(int additional, int alignment)
    {
        if (alignment <= 0 || (alignment & (alignment - 1)) != 0) throw new ArgumentOutOfRangeException(nameof(alignment));
        if (alignment > _minAlign) _minAlign = alignment;
        int pad = (int)((-(long)Offset - additional) & (alignment - 1));
        if (pad > 0) Reserve(pad).Clear();
    }

    private void PushScalar<T>(T value) where T : unmanaged
    {
        int size = Unsafe.SizeOf<T>();
        Align(size, size);
        var dst = Reserve(size);
        MemoryMarshal.Write(dst, in value);
        if (!BitConverter.IsLittleEndian) dst.Reverse();
    }

    /// <summary>Writes a uoffset to <paramref name="target"/> at the current position.</summary>
    private void PushOffset(int target)
    {
        Align(4, 4);
        if (target <= 0 || target > Offset)
            throw new ArgumentException($"Offset {target} does not refer to an object written before this point.", nameof(target));
        int relative = Offset + 4 - target;
        BinaryPrimitives.WriteUInt32LittleEndian(Reserve(4), (uint)relative);
    }

    private void NotInTable()
    {
        if (_fieldCount >= 0) throw new InvalidOperationException("Create vectors and strings before StartTable.");
        if (_finished) throw new InvalidOperationException("The buffer is finished.");
    }

    // ---- strings and vectors ----

    /// <summary>Writes a NUL-terminated UTF-8 string and returns its offset.</summary>
    public int CreateString(string value)
    {
        NotInTable();
        var utf8 = System.Text.Encoding.UTF8.GetBytes(value);
        if (TryReuse(0, 4, utf8, stable: true, out int earlier, out var key)) return earlier;
        int len = utf8.Length;
        Align(len + 1, 4);
        var dst = Reserve(len + 1);
        utf8.CopyTo(dst);
        dst[len] = 0;
        BinaryPrimitives.WriteUInt32LittleEndian(Reserve(4), (uint)len);
        Remember(key, Offset);
        return Offset;
    }

    /// <summary>Writes a vector of little-endian scalars (bool, integers, floats) and returns its offset.</summary>
    public int CreateVector<T>(ReadOnlySpan<T> values, int alignment = 1) where T : unmanaged
    {
        NotInTable();
        int size = Unsafe.SizeOf<T>();
        var bytes = MemoryMarshal.AsBytes(values);
        int align = Math.Max(size, alignment);
        if (TryReuse(size, align, bytes.ToArray(), stable: true, out int earlier, out var key)) return earlier;
        Align(bytes.Length, 4);
        Align(bytes.Length, align);
        var dst = Reserve(bytes.Length);
        bytes.CopyTo(dst);
        if (!BitConverter.IsLittleEndian && size > 1)
            for (int i = 0; i < dst.Length; i += size) dst.Slice(i, size).Reverse();
        BinaryPrimitives.WriteUInt32LittleEndian(Reserve(4), (uint)values.Length);
        Remember(key, Offset);
        return Offset;
    }

    /// <summary>Writes a vector of fixed-size structs given as raw little-endian bytes.</summary>
    public int CreateStructVector(ReadOnlySpan<byte> rawElements, int elementSize, int alignment)
    {
        if (elementSize <= 0 || rawElements.Length % elementSize != 0) throw new ArgumentException("Bad struct vector size.", nameof(elementSize));
        NotInTable();
        if (TryReuse(elementSize, alignment, rawElements.ToArray(), stable: true, out int earlier, out var key)) return earlier;
        Align(rawElements.Length, 4);
        Align(rawElements.Length, alignment);
        rawElements.CopyTo(Reserve(rawElements.Length));
        BinaryPrimitives.WriteUInt32LittleEndian(Reserve(4), (uint)(rawElements.Length / elementSize));
        Remember(key, Offset);
        return Offset;
    }

    /// <summary>
    /// Writes a [ubyte] vector whose data starts at a multiple of <paramref name="alignment"/> in the final buffer.
    /// With <paramref name="copy"/> false, large data is referenced and must stay valid until the output is written.
    /// </summary>
    public int CreateByteVector(ReadOnlyMemory<byte> data, int alignment = 1, bool copy = true)
    {
        NotInTable();
        // Referenced data must stay valid until output anyway, so its key needs no copy.
        if (TryReuse(1, alignment, data, stable: !copy, out int earlier, out var key)) return earlier;
        int len = data.Length;
        Align(len, 4);
        Align(len, alignment);
        if (copy || len < ReferenceThreshold)
        {
            data.Span.CopyTo(Reserve(len));
        }
        else
        {
            if (Offset + (long)len + 4 > int.MaxValue)
                throw new InvalidOperationException("The FlatBuffer would exceed 2 GB; store large data outside it (external buffers).");
            _segments.Add(new Segment(_buf.Length - _head, data));
            _referenced += len;
        }
        BinaryPrimitives.WriteUInt32LittleEndian(Reserve(4), (uint)len);
        Remember(key, Offset);
        return Offset;
    }

    /// <summary>Writes a vector of offsets (tables or strings) in the given order and returns its offset.</summary>
    public int CreateOffsetVector(ReadOnlySpan<int> offsets)
    {
        NotInTable();
        Align(4 * offsets.Length, 4);
        for (int i = offsets.Length - 1; i >= 0; i--) PushOffset(offsets[i]);
        BinaryPrimitives.WriteUInt32LittleEndian(Reserve(4), (uint)offsets.Length);
        return Offset;
    }
}
