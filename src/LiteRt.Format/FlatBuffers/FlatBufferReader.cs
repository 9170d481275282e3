using System.Buffers.Binary;
using System.Text;

namespace LiteRt.Format.FlatBuffers;

/// <summary>
/// A bounds-checked, zero-copy reader over one FlatBuffer. Every offset, vtable, vector and string is validated
/// before use (64-bit arithmetic, so no wraparound); any violation throws <see cref="LiteRtFormatException"/>.
/// Alignment is not required. Reading is charged against a work budget proportional to the buffer size, so files
/// whose offsets are shared or cyclic cannot make a schema-driven reader do more than linear work.
/// </summary>
public sealed class FlatBufferReader
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly ReadOnlyMemory<byte> _memory;
    private long _budget;

    /// <param name="buffer">The FlatBuffer bytes (may be a slice of a memory-mapped file).</param>
    /// <param name="workBudget">Bytes of decoded data (strings, copied arrays, tables) the reader may produce;
    /// defaults to <see cref="DefaultWorkBudget"/>.</param>
    public FlatBufferReader(ReadOnlyMemory<byte> buffer, long? workBudget = null)
    {
        _memory = buffer;
        _budget = workBudget ?? DefaultWorkBudget(buffer.Length);
    }

    /// <summary>
    /// 16 × the buffer size plus 64 KiB: linear, and generous for legitimate files (real .tflite models use under
    /// 2 × their size; a table is charged 32 bytes, so even a file made only of tiny tables stays under 8 ×).
    /// </summary>
    public static long DefaultWorkBudget(int length) => 16L * length + (64L << 10);

    public ReadOnlyMemory<byte> Memory => _memory;
    public int Length => _memory.Length;
    internal ReadOnlySpan<byte> Span => _memory.Span;

    /// <summary>Work budget still available (see the constructor).</summary>
    public long RemainingBudget => _budget;

    /// <summary>True when bytes 4..7 hold <paramref name="identifier"/> (4 ASCII characters).</summary>
    public bool HasIdentifier(string identifier)
    {
        if (identifier.Length != 4 || Length < 8) return false;
        var s = Span;
        for (int i = 0; i < 4; i++)
            if (s[4 + i] != identifier[i]) return false;
        return true;
    }

    /// <summary>Validates the root offset and returns the root table.</summary>
    /// <param name="rootTable">Schema name of the root table, for messages.</param>
    /// <param name="fileIdentifier">When not null, bytes 4..7 must hold it.</param>
    public FbTable GetRoot(string rootTable, string? fileIdentifier)
    {
        if (Length < 8)
            throw Fail(rootTable, "(root)", 0, $"buffer of {Length} bytes is too small for a FlatBuffer (needs at least 8)");
        if (fileIdentifier is not null && !HasIdentifier(fileIdentifier))
        {
            var s = Span;
            throw Fail(rootTable, "(file_identifier)", 4,
                $"missing file identifier '{fileIdentifier}' (bytes 4..7 are {s[4]:X2} {s[5]:X2} {s[6]:X2} {s[7]:X2}); not a .tflite FlatBuffer");
        }
        long root = FollowOffset(0, rootTable, "(root)");
        return ReadTable(root, rootTable);
    }

    /// <summary>Reads the uoffset stored at <paramref name="position"/> and returns its validated target.</summary>
    /// <param name="index">For an element of a vector: its index, to name it in messages (e.g. <c>tensors[3]</c>).</param>
    internal long FollowOffset(long position, string table, string field, int index = -1)
    {
        if (position < 0 || position > Length - 4L)
            throw Fail(table, Element(field, index), position, "offset field lies outside the buffer");
        uint rel = BinaryPrimitives.ReadUInt32LittleEndian(Span.Slice((int)position, 4));
        if (rel == 0)
            throw Fail(table, Element(field, index), position, "offset is zero (points at itself)");
        if (rel > int.MaxValue)
            throw Fail(table, Element(field, index), position, $"offset {rel} exceeds the FlatBuffer limit of 2^31-1");
        long target = position + rel;
        if (target > Length - 4L)
            throw Fail(table, Element(field, index), position, $"offset {rel} points to byte {target}, outside the {Length}-byte buffer");
        return target;
    }

    private static string Element(string field, int index) => index < 0 ? field : $"{field}[{index}]";

    /// <summary>Validates the table header (soffset, vtable, inline size) at <paramref name="position"/>.</summary>
    internal FbTable ReadTable(long position, string table)
    {
        Charge(32, table, "(table)", position);
        if (position < 0 || position > Length - 4L)
            throw Fail(table, "(table)", position, "table lies outside the buffer");
        var s = Span;
        int pos = (int)position;
        long vtable = position - BinaryPrimitives.ReadInt32LittleEndian(s.Slice(pos, 4));
        if (vtable < 0 || vtable > Length - 4L)
            throw Fail(table, "(vtable)", position, $"vtable at byte {vtable} lies outside the buffer");
        int vt = (int)vtable;
        int vsize = BinaryPrimitives.ReadUInt16LittleEndian(s.Slice(vt, 2));
        int tsize = BinaryPrimitives.ReadUInt16LittleEndian(s.Slice(vt + 2, 2));
        if (vsize < 4 || (vsize & 1) != 0)
            throw Fail(table, "(vtable)", vtable, $"vtable size {vsize} must be even and at least 4");
        if (vtable + vsize > Length)
            throw Fail(table, "(vtable)", vtable, $"vtable of {vsize} bytes runs past the end of the buffer");
        if (tsize < 4)
            throw Fail(table, "(table)", position, $"table inline size {tsize} is smaller than its vtable offset");
        if (position + tsize > Length)
            throw Fail(table, "(table)", position, $"table of {tsize} bytes runs past the end of the buffer");
        return new FbTable(this, table, pos, vt, vsize, tsize);
    }

    /// <summary>Validates a vector header at <paramref name="position"/> (its length prefix) and its extent.</summary>
    internal FbVector ReadVector(long position, int elementSize, string table, string field)
    {
        var s = Span;
        uint count = BinaryPrimitives.ReadUInt32LittleEndian(s.Slice((int)position, 4));
        long start = position + 4;
        if ((long)count * elementSize > Length - start)
            throw Fail(table, field, position,
                $"vector of {count} elements × {elementSize} bytes runs past the end of the buffer ({Length - start} bytes remain)");
        return new FbVector((int)start, (int)count, elementSize);
    }

    /// <summary>Reads a string at <paramref name="position"/>: length prefix, bytes and NUL inside the buffer, valid UTF-8.</summary>
    internal string ReadString(long position, string table, string field)
    {
        var s = Span;
        uint len = BinaryPrimitives.ReadUInt32LittleEndian(s.Slice((int)position, 4));
        long start = position + 4;
        if (len >= Length - start)
            throw Fail(table, field, position, $"string of {len} bytes (plus NUL) runs past the end of the buffer");
        if (s[(int)(start + len)] != 0)
            throw Fail(table, field, position, "string is not NUL-terminated");
        Charge(len + 16, table, field, position);
        try
        {
            return StrictUtf8.GetString(s.Slice((int)start, (int)len));
        }
        catch (DecoderFallbackException)
        {
            throw Fail(table, field, position, "string is not valid UTF-8");
        }
    }

    /// <summary>Spends <paramref name="bytes"/> of the work budget; throws when it is exhausted.</summary>
    internal void Charge(long bytes, string table, string field, long position)
    {
        _budget -= bytes;
        if (_budget < 0)
            throw Fail(table, field, position,
                "work budget exhausted: shared or cyclic references expand this buffer far beyond its size");
    }

    internal static LiteRtFormatException Fail(string table, string field, long position, string reason) =>
        new(table, field, position, reason);
}
