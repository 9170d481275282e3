using System.Buffers.Binary;
using System.Text;

namespace LiteRt.Compiler.Import.Onnx.Proto;

/// <summary>
/// A minimal protobuf wire-format reader (varint, 64-bit, length-delimited, 32-bit; groups are rejected) over a
/// memory block. Length-delimited fields are returned as slices of the block, so large <c>raw_data</c> is never
/// copied. Every malformed input is a <see cref="ProtoException"/> naming the byte offset.
/// </summary>
internal ref struct ProtoReader
{
    private readonly ReadOnlyMemory<byte> _memory;
    private readonly ReadOnlySpan<byte> _span;
    private readonly long _base;
    private int _pos;

    public ProtoReader(ReadOnlyMemory<byte> memory, long baseOffset = 0)
    {
        _memory = memory;
        _span = memory.Span;
        _base = baseOffset;
        _pos = 0;
    }

    public readonly bool AtEnd => _pos >= _span.Length;
    /// <summary>Offset of the next byte in the whole file (for messages).</summary>
    public readonly long Offset => _base + _pos;

    /// <summary>Reads the next field key; false at the end of the message.</summary>
    public bool TryReadTag(out int field, out WireType wire)
    {
        field = 0;
        wire = 0;
        if (AtEnd) return false;
        long start = Offset;
        ulong key = ReadVarint();
        wire = (WireType)(key & 7);
        ulong f = key >> 3;
        if (f == 0 || f > int.MaxValue) throw new ProtoException($"invalid field number {f}", start);
        field = (int)f;
        if (wire is WireType.StartGroup or WireType.EndGroup || (int)wire > 5)
            throw new ProtoException($"unsupported wire type {(int)wire} for field {field}", start);
        return true;
    }

    public ulong ReadVarint()
    {
        ulong result = 0;
        for (int shift = 0; shift < 70; shift += 7)
        {
            if (_pos >= _span.Length) throw new ProtoException("truncated varint", Offset);
            byte b = _span[_pos++];
            if (shift == 63 && b > 1) throw new ProtoException("varint overflows 64 bits", Offset - 1);
            result |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) return result;
        }
        throw new ProtoException("varint longer than 10 bytes", Offset);
    }

    public long ReadInt64() => (long)ReadVarint();
    public int ReadInt32() => (int)(long)ReadVarint();

    public uint ReadFixed32()
    {
        if (_pos + 4 > _span.Length) throw new ProtoException("truncated 32-bit value", Offset);
        uint v = BinaryPrimitives.ReadUInt32LittleEndian(_span[_pos..]);
        _pos += 4;
        return v;
    }

    public ulong ReadFixed64()
    {
        if (_pos + 8 > _span.Length) throw new ProtoException("truncated 64-bit value", Offset);
        ulong v = BinaryPrimitives.ReadUInt64LittleEndian(_span[_pos..]);
        _pos += 8;
        return v;
    }

    public float ReadFloat() => BitConverter.UInt32BitsToSingle(ReadFixed32());
    public double ReadDouble() => BitConverter.UInt64BitsToDouble(ReadFixed64());

    /// <summary>A length-delimited field as a slice of the block, and its file offset.</summary>
    public ReadOnlyMemory<byte> ReadBytes(out long offset)
    {
        long start = Offset;
        ulong len = ReadVarint();
        if (len > (ulong)(_span.Length - _pos)) throw new ProtoException($"length {len} runs past the end of the message", start);
        offset = Offset;
        var slice = _memory.Slice(_pos, (int)len);
        _pos += (int)len;
        return slice;
    }

    public ReadOnlyMemory<byte> ReadBytes() => ReadBytes(out _);

    public string ReadString()
    {
        var b = ReadBytes(out long off);
        try
        {
            return Strict.GetString(b.Span);
        }
        catch (DecoderFallbackException)
        {
            throw new ProtoException("string field is not valid UTF-8", off);
        }
    }

    /// <summary>A nested message: a reader over its bytes.</summary>
    public ProtoReader ReadMessage()
    {
        var b = ReadBytes(out long off);
        return new ProtoReader(b, off);
    }

    public void Skip(WireType wire)
    {
        switch (wire)
        {
            case WireType.Varint: ReadVarint(); break;
            case WireType.Fixed64: ReadFixed64(); break;
            case WireType.LengthDelimited: ReadBytes(); break;
            case WireType.Fixed32: ReadFixed32(); break;
            default: throw new ProtoException($"cannot skip wire type {(int)wire}", Offset);
        }
    }

    // Repeated scalars arrive packed (one length-delimited field) or unpacked (one field per value).

    public void ReadRepeatedInt64(WireType wire, List<long> into)
    {
        if (wire == WireType.LengthDelimited)
        {
            var r = ReadMessage();
            while (!r.AtEnd) into.Add(r.ReadInt64());
        }
        else if (wire == WireType.Varint) into.Add(ReadInt64());
        else throw new ProtoException($"wire type {(int)wire} is not valid for an integer list", Offset);
    }

    public void ReadRepeatedUInt64(WireType wire, List<ulong> into)
    {
        if (wire == WireType.LengthDelimited)
        {
            var r = ReadMessage();
            while (!r.AtEnd) into.Add(r.ReadVarint());
        }
        else if (wire == WireType.Varint) into.Add(ReadVarint());
        else throw new ProtoException($"wire type {(int)wire} is not valid for an integer list", Offset);
    }

    public void ReadRepeatedFloat(WireType wire, List<float> into)
    {
        if (wire == WireType.LengthDelimited)
        {
            var r = ReadMessage();
            while (!r.AtEnd) into.Add(r.ReadFloat());
        }
        else if (wire == WireType.Fixed32) into.Add(ReadFloat());
        else throw new ProtoException($"wire type {(int)wire} is not valid for a float list", Offset);
    }

    public void ReadRepeatedDouble(WireType wire, List<double> into)
    {
        if (wire == WireType.LengthDelimited)
        {
            var r = ReadMessage();
            while (!r.AtEnd) into.Add(r.ReadDouble());
        }
        else if (wire == WireType.Fixed64) into.Add(ReadDouble());
        else throw new ProtoException($"wire type {(int)wire} is not valid for a double list", Offset);
    }

    public readonly void Expect(WireType actual, WireType expected, int field)
    {
        if (actual != expected) throw new ProtoException($"field {field} has wire type {(int)actual}, expected {(int)expected}", Offset);
    }

    private static readonly UTF8Encoding Strict = new(false, true);
}

internal enum WireType
{
    Varint = 0,
    Fixed64 = 1,
    LengthDelimited = 2,
    StartGroup = 3,
    EndGroup = 4,
    Fixed32 = 5,
}

/// <summary>Malformed protobuf bytes at a file offset.</summary>
internal sealed class ProtoException(string message, long offset) : Exception($"{message} (at byte {offset})")
{
    public long Offset { get; } = offset;
}
