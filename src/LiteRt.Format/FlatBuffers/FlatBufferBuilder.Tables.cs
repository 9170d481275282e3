using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace LiteRt.Format.FlatBuffers;

// Tables, finishing and output.
public sealed partial class FlatBufferBuilder
{
    /// <summary>Starts a table with field ids 0..<paramref name="fieldCount"/>-1. Create its strings, vectors and sub-tables first.</summary>
    public void StartTable(int fieldCount)
    {
        NotInTable();
        ArgumentOutOfRangeException.ThrowIfNegative(fieldCount);
        if (_fields.Length < fieldCount) _fields = new int[Math.Max(fieldCount, 16)];
        Array.Clear(_fields, 0, fieldCount);
        _fieldCount = fieldCount;
        _tableEnd = int.MaxValue;
    }

    private void CheckField(int id)
    {
        if (_fieldCount < 0) throw new InvalidOperationException("Not inside a table (call StartTable).");
        if ((uint)id >= (uint)_fieldCount) throw new ArgumentOutOfRangeException(nameof(id), $"Field id {id} is outside 0..{_fieldCount - 1}.");
        if (_fields[id] != 0) throw new InvalidOperationException($"Field {id} was already added.");
    }

    /// <summary>Adds a scalar field (bool, integer, float or enum underlying value), always stored.</summary>
    public void AddScalar<T>(int id, T value) where T : unmanaged
    {
        CheckField(id);
        int size = Unsafe.SizeOf<T>();
        Align(size, size);
        _tableEnd = Math.Min(_tableEnd, Offset); // padding before the first field stays outside the table
        PushScalar(value);
        _fields[id] = Offset;
    }

    /// <summary>Adds a scalar field unless it is bit-for-bit equal to the schema default (the usual FlatBuffers rule).</summary>
    public void AddScalar<T>(int id, T value, T defaultValue) where T : unmanaged
    {
        if (MemoryMarshal.AsBytes(new ReadOnlySpan<T>(in value)).SequenceEqual(MemoryMarshal.AsBytes(new ReadOnlySpan<T>(in defaultValue))))
            return;
        AddScalar(id, value);
    }

    /// <summary>Adds an offset field referring to a string, vector or table created earlier; 0 means absent.</summary>
    public void AddOffset(int id, int target)
    {
        if (target == 0) return;
        CheckField(id);
        Align(4, 4);
        _tableEnd = Math.Min(_tableEnd, Offset);
        PushOffset(target);
        _fields[id] = Offset;
    }

    /// <summary>Finishes the table: writes its vtable (reusing an identical earlier one) and returns the table's offset.</summary>
    public int EndTable()
    {
        if (_fieldCount < 0) throw new InvalidOperationException("Not inside a table.");
        Align(4, 4);
        Reserve(4).Clear(); // soffset to the vtable, patched below
        int table = Offset;
        // Inline size: from the soffset to the far end of the last field (leading alignment padding excluded,
        // so equal layouts share a vtable wherever they sit).
        int inlineSize = table - Math.Min(_tableEnd, table - 4);
        if (inlineSize > ushort.MaxValue) throw new InvalidOperationException("Table inline size exceeds 64 KiB.");

        int used = _fieldCount;
        while (used > 0 && _fields[used - 1] == 0) used--;
        var entries = new char[2 + used]; // vtable as u16 values; a string makes a cheap dedup key
        entries[0] = (char)(4 + 2 * used);
        entries[1] = (char)inlineSize;
        for (int i = 0; i < used; i++)
            entries[2 + i] = _fields[i] == 0 ? '\0' : (char)(table - _fields[i]);
        _fieldCount = -1;

        string key = new(entries);
        if (!_vtables.TryGetValue(key, out int vtable))
        {
            Align(2 * entries.Length, 2);
            for (int i = entries.Length - 1; i >= 0; i--)
                BinaryPrimitives.WriteUInt16LittleEndian(Reserve(2), entries[i]);
            vtable = Offset;
            _vtables.Add(key, vtable);
        }
        // vtable position = table position - soffset; positions are (size - offset).
        int physical = _buf.Length - (int)(table - _referenced);
        BinaryPrimitives.WriteInt32LittleEndian(_buf.AsSpan(physical, 4), vtable - table);
        return table;
    }

    /// <summary>Writes the root offset (and the 4-character file identifier at bytes 4..7) and completes the buffer.</summary>
    public void Finish(int rootTable, string? fileIdentifier)
    {
        NotInTable();
        if (fileIdentifier is not null && (fileIdentifier.Length != 4 || fileIdentifier.Any(c => c > 127)))
            throw new ArgumentException("A file identifier is exactly 4 ASCII characters.", nameof(fileIdentifier));
        Align(fileIdentifier is null ? 4 : 8, Math.Max(_minAlign, 4));
        if (fileIdentifier is not null)
        {
            var id = Reserve(4);
            for (int i = 0; i < 4; i++) id[i] = (byte)fileIdentifier[i];
        }
        PushOffset(rootTable);
        _finished = true;
    }

    /// <summary>The finished buffer in order, as builder-owned chunks interleaved with referenced data.</summary>
    public IEnumerable<ReadOnlyMemory<byte>> Chunks()
    {
        if (!_finished) throw new InvalidOperationException("Finish the buffer first.");
        int cursor = _head;
        for (int i = _segments.Count - 1; i >= 0; i--)
        {
            int at = _buf.Length - _segments[i].PhysicalAfter;
            if (at > cursor) yield return _buf.AsMemory(cursor, at - cursor);
            yield return _segments[i].Data;
            cursor = at;
        }
        if (cursor < _buf.Length) yield return _buf.AsMemory(cursor);
    }

    /// <summary>Streams the finished buffer (referenced data is copied straight from its source).</summary>
    public void WriteTo(Stream stream)
    {
        foreach (var chunk in Chunks()) StreamOutput.Write(stream, chunk.Span);
    }

    /// <summary>The finished buffer as one array.</summary>
    public byte[] ToArray()
    {
        var result = new byte[Length];
        int at = 0;
        foreach (var chunk in Chunks())
        {
            chunk.Span.CopyTo(result.AsSpan(at));
            at += chunk.Length;
        }
        return result;
    }
}
