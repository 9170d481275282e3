using LiteRt.Format;
using LiteRt.Format.FlatBuffers;

namespace LiteRt.Lm.Bundle;

/// <summary>
/// The FlatBuffer header of a <c>.litertlm</c> file, written and read with our own FlatBuffers code from the field
/// order of LiteRT-LM's <c>litertlm_header_schema.fbs</c>:
/// <c>LiteRTLMMetaData{system_metadata:SystemMetadata{entries:[KeyValuePair]}, section_metadata:SectionMetadata{objects:[SectionObject]}}</c>,
/// <c>SectionObject{items:[KeyValuePair], begin_offset:ulong, end_offset:ulong, data_type:ubyte}</c>,
/// <c>KeyValuePair{key:string, value:VData}</c> (a union: type byte then table, each value table holding one <c>value</c>).
/// </summary>
internal static class BundleHeader
{
    // VData union members in schema order (0 is NONE).
    private static readonly Type[] VDataTypes =
    [
        typeof(void), typeof(byte), typeof(sbyte), typeof(ushort), typeof(short), typeof(uint), typeof(int),
        typeof(float), typeof(bool), typeof(string), typeof(ulong), typeof(long), typeof(double),
    ];

    public static byte[] Write(IReadOnlyList<BundleItem> system, IReadOnlyList<(SectionDataType Type, long Begin, long End, IReadOnlyList<BundleItem> Items)> sections)
    {
        var b = new FlatBufferBuilder(1024);
        int entries = b.CreateOffsetVector(system.Select(i => WriteItem(b, i)).ToArray());
        b.StartTable(1);
        b.AddOffset(0, entries);
        int systemTable = b.EndTable();

        var objects = new int[sections.Count];
        for (int s = 0; s < sections.Count; s++)
        {
            var (type, begin, end, items) = sections[s];
            int itemVector = b.CreateOffsetVector(items.Select(i => WriteItem(b, i)).ToArray());
            b.StartTable(4);
            b.AddOffset(0, itemVector);
            b.AddScalar(1, (ulong)begin, 0UL);
            b.AddScalar(2, (ulong)end, 0UL);
            b.AddScalar(3, (byte)type, (byte)0);
            objects[s] = b.EndTable();
        }
        int objectVector = b.CreateOffsetVector(objects);
        b.StartTable(1);
        b.AddOffset(0, objectVector);
        int sectionTable = b.EndTable();

        b.StartTable(2);
        b.AddOffset(0, systemTable);
        b.AddOffset(1, sectionTable);
        b.Finish(b.EndTable(), null);
        return b.ToArray();
    }

    private static int WriteItem(FlatBufferBuilder b, BundleItem item)
    {
        int key = b.CreateString(item.Key);
        int text = item.Value is string s ? b.CreateString(s) : 0;
        byte tag = (byte)Array.IndexOf(VDataTypes, item.Value.GetType());
        if (tag == 0 || tag == 255) throw new ArgumentException($"item '{item.Key}': {item.Value.GetType().Name} is not a header value type");
        b.StartTable(1);
        switch (item.Value)
        {
            case byte v: b.AddScalar(0, v, (byte)0); break;
            case sbyte v: b.AddScalar(0, v, (sbyte)0); break;
            case ushort v: b.AddScalar(0, v, (ushort)0); break;
            case short v: b.AddScalar(0, v, (short)0); break;
            case uint v: b.AddScalar(0, v, 0U); break;
            case int v: b.AddScalar(0, v, 0); break;
            case float v: b.AddScalar(0, v, 0f); break;
            case bool v: b.AddScalar(0, v ? (byte)1 : (byte)0, (byte)0); break;
            case string: b.AddOffset(0, text); break;
            case ulong v: b.AddScalar(0, v, 0UL); break;
            case long v: b.AddScalar(0, v, 0L); break;
            case double v: b.AddScalar(0, v, 0d); break;
        }
        int value = b.EndTable();
        b.StartTable(3);
        b.AddOffset(0, key);
        b.AddScalar(1, tag);
        b.AddOffset(2, value);
        return b.EndTable();
    }

    /// <summary>Parses the header bytes; every offset is checked (malformed input throws <see cref="LiteRtFormatException"/>).</summary>
    public static (IReadOnlyList<BundleItem> System, IReadOnlyList<(SectionDataType Type, long Begin, long End, IReadOnlyList<BundleItem> Items)> Sections) Read(ReadOnlyMemory<byte> header)
    {
        var reader = new FlatBufferReader(header);
        var root = reader.GetRoot("LiteRTLMMetaData", null);
        var system = new List<BundleItem>();
        if (root.GetTable(0, "system_metadata", "SystemMetadata") is { } sys && sys.GetTableVector(0, "entries", "KeyValuePair") is { } entries)
            for (int i = 0; i < entries.Count; i++) system.Add(ReadItem(entries[i]));

        var sections = new List<(SectionDataType, long, long, IReadOnlyList<BundleItem>)>();
        var meta = root.GetTable(1, "section_metadata", "SectionMetadata")
            ?? throw new LiteRtFormatException("LiteRTLMMetaData", "section_metadata", root.Position, "missing (the schema requires it)");
        var objects = meta.GetTableVector(0, "objects", "SectionObject")
            ?? throw new LiteRtFormatException("SectionMetadata", "objects", meta.Position, "missing (the schema requires it)");
        for (int s = 0; s < objects.Count; s++)
        {
            var o = objects[s];
            var items = new List<BundleItem>();
            if (o.GetTableVector(0, "items", "KeyValuePair") is { } list)
                for (int i = 0; i < list.Count; i++) items.Add(ReadItem(list[i]));
            ulong begin = o.GetUInt64(1, "begin_offset"), end = o.GetUInt64(2, "end_offset");
            if (begin > long.MaxValue || end > long.MaxValue)
                throw new LiteRtFormatException("SectionObject", $"objects[{s}].begin_offset/end_offset", o.Position, $"offsets {begin}..{end} exceed 2^63");
            sections.Add(((SectionDataType)o.GetUInt8(3, "data_type"), (long)begin, (long)end, items));
        }
        return (system, sections);
    }

    private static BundleItem ReadItem(FbTable kv)
    {
        string key = kv.GetString(0, "key") ?? throw new LiteRtFormatException("KeyValuePair", "key", kv.Position, "missing (the schema requires it)");
        byte tag = kv.GetUInt8(1, "value_type");
        if (tag == 0 || tag >= VDataTypes.Length)
            throw new LiteRtFormatException("KeyValuePair", "value_type", kv.Position, $"'{key}': value type {tag} is not a VData member (1..{VDataTypes.Length - 1})");
        var v = kv.GetTable(2, "value", "VData") ?? throw new LiteRtFormatException("KeyValuePair", "value", kv.Position, $"'{key}': missing value");
        object value = tag switch
        {
            1 => v.GetUInt8(0, "value"),
            2 => v.GetInt8(0, "value"),
            3 => v.GetUInt16(0, "value"),
            4 => v.GetInt16(0, "value"),
            5 => v.GetUInt32(0, "value"),
            6 => v.GetInt32(0, "value"),
            7 => v.GetFloat32(0, "value"),
            8 => v.GetBool(0, "value"),
            9 => v.GetString(0, "value") ?? "",
            10 => v.GetUInt64(0, "value"),
            11 => v.GetInt64(0, "value"),
            _ => v.GetFloat64(0, "value"),
        };
        return new BundleItem(key, value);
    }
}
