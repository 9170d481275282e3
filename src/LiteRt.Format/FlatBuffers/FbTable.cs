using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace LiteRt.Format.FlatBuffers;

/// <summary>
/// A validated table inside a <see cref="FlatBufferReader"/>. Field accessors take the field id and its schema
/// name (for messages); absent fields return the given default (scalars) or null (strings, vectors, tables).
/// </summary>
public readonly struct FbTable
{
    private readonly FlatBufferReader _reader;
    private readonly int _vtable;
    private readonly int _vtableSize;
    private readonly int _inlineSize;

    internal FbTable(FlatBufferReader reader, string name, int position, int vtable, int vtableSize, int inlineSize)
    {
        _reader = reader;
        Name = name;
        Position = position;
        _vtable = vtable;
        _vtableSize = vtableSize;
        _inlineSize = inlineSize;
    }

    /// <summary>Schema name of the table.</summary>
    public string Name { get; }
    /// <summary>Byte offset of the table in the buffer.</summary>
    public int Position { get; }
    public FlatBufferReader Reader => _reader;

    /// <summary>Number of field slots in the vtable (fields with a larger id are absent).</summary>
    public int VTableFieldCount => (_vtableSize - 4) / 2;

    /// <summary>True when the field is present in the vtable.</summary>
    public bool Has(int id) => RawFieldOffset(id) != 0;

    private int RawFieldOffset(int id)
    {
        int entry = 4 + 2 * id;
        return id < 0 || entry + 2 > _vtableSize ? 0 : BinaryPrimitives.ReadUInt16LittleEndian(_reader.Span.Slice(_vtable + entry, 2));
    }

    /// <summary>Absolute position of a present field of <paramref name="size"/> inline bytes, or -1 when absent.</summary>
    private int FieldPosition(int id, int size, string field)
    {
        int off = RawFieldOffset(id);
        if (off == 0) return -1;
        if (off < 4 || off + size > _inlineSize)
            throw FlatBufferReader.Fail(Name, field, Position,
                $"field offset {off} (+{size} bytes) lies outside the table's {_inlineSize} inline bytes");
        return Position + off;
    }

    /// <summary>The bytes of a present scalar field, or empty when absent (one span fetch: this is the hot path).</summary>
    private ReadOnlySpan<byte> Scalar(int id, int size, string field)
    {
        var span = _reader.Span;
        int entry = 4 + 2 * id;
        if (id < 0 || entry + 2 > _vtableSize) return default;
        int off = BinaryPrimitives.ReadUInt16LittleEndian(span.Slice(_vtable + entry, 2));
        if (off == 0) return default;
        if (off < 4 || off + size > _inlineSize)
            throw FlatBufferReader.Fail(Name, field, Position,
                $"field offset {off} (+{size} bytes) lies outside the table's {_inlineSize} inline bytes");
        return span.Slice(Position + off, size);
    }

    public bool GetBool(int id, string field, bool defaultValue = false)
    {
        var s = Scalar(id, 1, field);
        return s.IsEmpty ? defaultValue : s[0] != 0;
    }

    public sbyte GetInt8(int id, string field, sbyte defaultValue = 0)
    {
        var s = Scalar(id, 1, field);
        return s.IsEmpty ? defaultValue : (sbyte)s[0];
    }

    public byte GetUInt8(int id, string field, byte defaultValue = 0)
    {
        var s = Scalar(id, 1, field);
        return s.IsEmpty ? defaultValue : s[0];
    }

    public short GetInt16(int id, string field, short defaultValue = 0)
    {
        var s = Scalar(id, 2, field);
        return s.IsEmpty ? defaultValue : BinaryPrimitives.ReadInt16LittleEndian(s);
    }

    public ushort GetUInt16(int id, string field, ushort defaultValue = 0)
    {
        var s = Scalar(id, 2, field);
        return s.IsEmpty ? defaultValue : BinaryPrimitives.ReadUInt16LittleEndian(s);
    }

    public int GetInt32(int id, string field, int defaultValue = 0)
    {
        var s = Scalar(id, 4, field);
        return s.IsEmpty ? defaultValue : BinaryPrimitives.ReadInt32LittleEndian(s);
    }

    public uint GetUInt32(int id, string field, uint defaultValue = 0)
    {
        var s = Scalar(id, 4, field);
        return s.IsEmpty ? defaultValue : BinaryPrimitives.ReadUInt32LittleEndian(s);
    }

    public long GetInt64(int id, string field, long defaultValue = 0)
    {
        var s = Scalar(id, 8, field);
        return s.IsEmpty ? defaultValue : BinaryPrimitives.ReadInt64LittleEndian(s);
    }

    public ulong GetUInt64(int id, string field, ulong defaultValue = 0)
    {
        var s = Scalar(id, 8, field);
        return s.IsEmpty ? defaultValue : BinaryPrimitives.ReadUInt64LittleEndian(s);
    }

    public float GetFloat32(int id, string field, float defaultValue = 0)
    {
        var s = Scalar(id, 4, field);
        return s.IsEmpty ? defaultValue : BinaryPrimitives.ReadSingleLittleEndian(s);
    }

    public double GetFloat64(int id, string field, double defaultValue = 0)
    {
        var s = Scalar(id, 8, field);
        return s.IsEmpty ? defaultValue : BinaryPrimitives.ReadDoubleLittleEndian(s);
    }

    /// <summary>Target of an offset field, or -1 when absent.</summary>
    private long Target(int id, string field)
    {
        int p = FieldPosition(id, 4, field);
        return p < 0 ? -1 : _reader.FollowOffset(p, Name, field);
    }

    /// <summary>A sub-table, or null when absent.</summary>
    public FbTable? GetTable(int id, string field, string tableName)
    {
        long t = Target(id, field);
        return t < 0 ? null : _reader.ReadTable(t, tableName);
    }

    /// <summary>A UTF-8 string, or null when absent.</summary>
    public string? GetString(int id, string field)
    {
        long t = Target(id, field);
        return t < 0 ? null : _reader.ReadString(t, Name, field);
    }

    /// <summary>A vector's validated extent, or null when absent.</summary>
    public FbVector? GetVector(int id, string field, int elementSize)
    {
        long t = Target(id, field);
        return t < 0 ? null : _reader.ReadVector(t, elementSize, Name, field);
    }

    /// <summary>A [ubyte] vector as a zero-copy slice of the buffer, or null when absent.</summary>
    public ReadOnlyMemory<byte>? GetBytes(int id, string field)
    {
        var v = GetVector(id, field, 1);
        if (v is not { } vec) return null;
        _reader.Charge(16, Name, field, Position);
        return _reader.Memory.Slice(vec.Start, vec.Count);
    }

    /// <summary>A vector of little-endian scalars copied into an array, or null when absent.</summary>
    public T[]? GetArray<T>(int id, string field) where T : unmanaged
    {
        int size = System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
        var v = GetVector(id, field, size);
        if (v is not { } vec) return null;
        _reader.Charge((long)vec.Count * size + 16, Name, field, Position);
        // The extent was checked against the bytes present before this allocation.
        return MemoryMarshal.Cast<byte, T>(_reader.Span.Slice(vec.Start, vec.Count * size)).ToArray();
    }

    /// <summary>A [bool] vector (any non-zero byte is true), or null when absent.</summary>
    public bool[]? GetBoolArray(int id, string field)
    {
        var v = GetVector(id, field, 1);
        if (v is not { } vec) return null;
        _reader.Charge(vec.Count + 16L, Name, field, Position);
        var src = _reader.Span.Slice(vec.Start, vec.Count);
        var result = new bool[vec.Count];
        for (int i = 0; i < result.Length; i++) result[i] = src[i] != 0;
        return result;
    }

    /// <summary>A vector of tables, or null when absent. Elements are validated when accessed.</summary>
    public FbTableVector? GetTableVector(int id, string field, string elementTable)
    {
        var v = GetVector(id, field, 4);
        if (v is not { } vec) return null;
        _reader.Charge(4L * vec.Count, Name, field, Position);
        return new FbTableVector(this, field, elementTable, vec);
    }

    /// <summary>A vector of strings, or null when absent.</summary>
    public string[]? GetStringArray(int id, string field)
    {
        var v = GetVector(id, field, 4);
        if (v is not { } vec) return null;
        _reader.Charge(8L * vec.Count, Name, field, Position);
        var result = new string[vec.Count];
        for (int i = 0; i < result.Length; i++)
            result[i] = _reader.ReadString(_reader.FollowOffset(vec.Start + 4L * i, Name, field, i), Name, field);
        return result;
    }

    public override string ToString() => $"{Name}@{Position}";
}

/// <summary>The validated extent of a vector: <see cref="Count"/> elements of <see cref="ElementSize"/> bytes at <see cref="Start"/>.</summary>
public readonly record struct FbVector(int Start, int Count, int ElementSize);

/// <summary>A vector of tables; each element's offset and header are validated when it is read.</summary>
public readonly struct FbTableVector
{
    private readonly FbTable _owner;
    private readonly string _field;
    private readonly string _elementTable;
    private readonly FbVector _vector;

    internal FbTableVector(FbTable owner, string field, string elementTable, FbVector vector)
    {
        _owner = owner;
        _field = field;
        _elementTable = elementTable;
        _vector = vector;
    }

    public int Count => _vector.Count;

    public FbTable this[int index]
    {
        get
        {
            if ((uint)index >= (uint)_vector.Count) throw new ArgumentOutOfRangeException(nameof(index));
            var r = _owner.Reader;
            return r.ReadTable(r.FollowOffset(_vector.Start + 4L * index, _owner.Name, _field, index), _elementTable);
        }
    }
}
