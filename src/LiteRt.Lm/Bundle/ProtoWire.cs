using System.Buffers.Binary;
using System.Text;

namespace LiteRt.Lm.Bundle;

/// <summary>Protocol-buffers wire format, the few pieces <see cref="LlmMetadata"/> needs (written by hand: no protobuf dependency).</summary>
internal sealed class ProtoWriter
{
    private readonly MemoryStream _out = new();

    public byte[] ToArray() => _out.ToArray();

    private void Varint(ulong v)
    {
        while (v >= 0x80) { _out.WriteByte((byte)(v | 0x80)); v >>= 7; }
        _out.WriteByte((byte)v);
    }

    private void Tag(int field, int wire) => Varint((ulong)((field << 3) | wire));

    /// <summary>int32/int64/bool/enum: negative ints take ten bytes (sign-extended), as protobuf writes them.</summary>
    public void Int(int field, long value) { Tag(field, 0); Varint((ulong)value); }

    public void Float(int field, float value)
    {
        Tag(field, 5);
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteSingleLittleEndian(b, value);
        _out.Write(b);
    }

    public void Bytes(int field, ReadOnlySpan<byte> value) { Tag(field, 2); Varint((ulong)value.Length); _out.Write(value); }

    public void String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

    /// <summary>A nested message.</summary>
    public void Message(int field, Action<ProtoWriter> write)
    {
        var inner = new ProtoWriter();
        write(inner);
        Bytes(field, inner.ToArray());
    }

    /// <summary>A packed repeated int32.</summary>
    public void PackedInts(int field, IReadOnlyList<int> values)
    {
        var inner = new ProtoWriter();
        foreach (int v in values) inner.Varint((ulong)(long)v);
        Bytes(field, inner.ToArray());
    }

    /// <summary>A field kept verbatim (tag and payload as read).</summary>
    public void Raw(ReadOnlySpan<byte> encoded) => _out.Write(encoded);
}

/// <summary>One field read from the wire: its number, wire type, and value (varint / fixed bits, or a payload slice).</summary>
internal readonly record struct ProtoField(int Number, int WireType, ulong Scalar, ReadOnlyMemory<byte> Payload, ReadOnlyMemory<byte> Encoded, long Offset);

/// <summary>
/// Reads protobuf fields from untrusted bytes: every length is checked against the bytes left, varints are at most
/// ten bytes, nesting is bounded, groups are refused. Errors name the message path and the byte offset.
/// </summary>
internal sealed class ProtoReader
{
    private const int MaxDepth = 16;
    private readonly ReadOnlyMemory<byte> _data;
    private readonly string _path;
    private readonly long _base;
    private readonly int _depth;
    private int _pos;

    public ProtoReader(ReadOnlyMemory<byte> data, string path, long baseOffset = 0, int depth = 0)
    {
        if (depth > MaxDepth) throw new InvalidDataException($"{path} at byte {baseOffset}: messages nested deeper than {MaxDepth}");
        _data = data;
        _path = path;
        _base = baseOffset;
        _depth = depth;
    }

    public bool Next(out ProtoField field)
    {
        field = default;
        if (_pos >= _data.Length) return false;
        int start = _pos;
        ulong tag = Varint();
        int number = (int)Math.Min(tag >> 3, int.MaxValue), wire = (int)(tag & 7);
        if (number == 0) throw Fail(start, "field number 0");
        ulong scalar = 0;
        ReadOnlyMemory<byte> payload = default;
        switch (wire)
        {
            case 0: scalar = Varint(); break;
            case 1: scalar = BinaryPrimitives.ReadUInt64LittleEndian(Take(8, start, number)); break;
            case 5: scalar = BinaryPrimitives.ReadUInt32LittleEndian(Take(4, start, number)); break;
            case 2:
                ulong len = Varint();
                if (len > (ulong)(_data.Length - _pos)) throw Fail(start, $"field {number}: length {len} runs past the end ({_data.Length - _pos} bytes left)");
                payload = _data.Slice(_pos, (int)len);
                _pos += (int)len;
                break;
            default: throw Fail(start, $"field {number}: wire type {wire} is not supported (groups are obsolete)");
        }
        field = new ProtoField(number, wire, scalar, payload, _data[start.._pos], _base + start);
        return true;
    }

    /// <summary>A reader over a nested message's payload.</summary>
    public ProtoReader Nested(in ProtoField f, string name)
    {
        Expect(f, 2, name);
        return new ProtoReader(f.Payload, $"{_path}.{name}", f.Offset, _depth + 1);
    }

    public void Expect(in ProtoField f, int wire, string name)
    {
        if (f.WireType != wire) throw Fail(f.Offset - _base, $"{name} (field {f.Number}) has wire type {f.WireType}, expected {wire}");
    }

    public int Int32(in ProtoField f, string name) { Expect(f, 0, name); return unchecked((int)f.Scalar); }

    public long Int64(in ProtoField f, string name) { Expect(f, 0, name); return unchecked((long)f.Scalar); }

    public float Float(in ProtoField f, string name) { Expect(f, 5, name); return BitConverter.Int32BitsToSingle(unchecked((int)f.Scalar)); }

    public string String(in ProtoField f, string name)
    {
        Expect(f, 2, name);
        try { return new UTF8Encoding(false, true).GetString(f.Payload.Span); }
        catch (DecoderFallbackException) { throw Fail(f.Offset - _base, $"{name} is not valid UTF-8"); }
    }

    /// <summary>A repeated int32, packed (one payload) or not (one varint).</summary>
    public void Ints(in ProtoField f, string name, List<int> into)
    {
        if (f.WireType == 0) { into.Add(unchecked((int)f.Scalar)); return; }
        var r = Nested(f, name);
        while (r._pos < r._data.Length) into.Add(unchecked((int)r.Varint()));
    }

    private ulong Varint()
    {
        ulong v = 0;
        var s = _data.Span;
        for (int shift = 0; shift < 70; shift += 7)
        {
            if (_pos >= s.Length) throw Fail(_pos, "varint runs past the end");
            byte b = s[_pos++];
            v |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return v;
        }
        throw Fail(_pos, "varint longer than ten bytes");
    }

    private ReadOnlySpan<byte> Take(int n, int start, int number)
    {
        if (_data.Length - _pos < n) throw Fail(start, $"field {number}: {n}-byte value runs past the end");
        var s = _data.Span.Slice(_pos, n);
        _pos += n;
        return s;
    }

    private InvalidDataException Fail(long at, string reason) => new($"{_path} at byte {_base + at}: {reason}");
}
