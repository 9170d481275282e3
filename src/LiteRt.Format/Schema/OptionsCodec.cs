using LiteRt.Format.FlatBuffers;

namespace LiteRt.Format.Schema;

/// <summary>
/// Reads and writes any builtin options table from its <see cref="OptionsTableDescriptor"/>. Presence is kept:
/// a field stored in the file is stored again on write even when it equals its default.
/// </summary>
public static class OptionsCodec
{
    /// <summary>Decodes the fields of an options table.</summary>
    public static OptionsTable Read(FbTable table, OptionsTableDescriptor descriptor)
    {
        var result = new OptionsTable(descriptor);
        var fields = descriptor.Fields;
        for (int i = 0; i < fields.Count; i++)
        {
            var f = fields[i];
            if (!table.Has(f.Id)) continue;
            object? value = f.Kind switch
            {
                OptionFieldKind.Bool => table.GetBool(f.Id, f.Name) ? 1L : 0L,
                OptionFieldKind.Int8 => (long)table.GetInt8(f.Id, f.Name),
                OptionFieldKind.UInt8 => (long)table.GetUInt8(f.Id, f.Name),
                OptionFieldKind.Int16 => (long)table.GetInt16(f.Id, f.Name),
                OptionFieldKind.UInt16 => (long)table.GetUInt16(f.Id, f.Name),
                OptionFieldKind.Int32 => (long)table.GetInt32(f.Id, f.Name),
                OptionFieldKind.UInt32 => (long)table.GetUInt32(f.Id, f.Name),
                OptionFieldKind.Int64 => table.GetInt64(f.Id, f.Name),
                // ulong does not fit the normalised long; keep its bits.
                OptionFieldKind.UInt64 => unchecked((long)table.GetUInt64(f.Id, f.Name)),
                OptionFieldKind.Float32 => (double)table.GetFloat32(f.Id, f.Name),
                OptionFieldKind.Float64 => table.GetFloat64(f.Id, f.Name),
                OptionFieldKind.String => table.GetString(f.Id, f.Name),
                OptionFieldKind.VectorBool => table.GetBoolArray(f.Id, f.Name),
                OptionFieldKind.VectorInt8 => table.GetArray<sbyte>(f.Id, f.Name),
                OptionFieldKind.VectorUInt8 => table.GetArray<byte>(f.Id, f.Name),
                OptionFieldKind.VectorInt16 => table.GetArray<short>(f.Id, f.Name),
                OptionFieldKind.VectorUInt16 => table.GetArray<ushort>(f.Id, f.Name),
                OptionFieldKind.VectorInt32 => table.GetArray<int>(f.Id, f.Name),
                OptionFieldKind.VectorUInt32 => table.GetArray<uint>(f.Id, f.Name),
                OptionFieldKind.VectorInt64 => table.GetArray<long>(f.Id, f.Name),
                OptionFieldKind.VectorUInt64 => table.GetArray<ulong>(f.Id, f.Name),
                OptionFieldKind.VectorFloat32 => table.GetArray<float>(f.Id, f.Name),
                _ => throw new InvalidOperationException($"Unhandled option kind {f.Kind}."),
            };
            result.SetRaw(i, value);
        }
        return result;
    }

    /// <summary>Writes an options table and returns its offset.</summary>
    public static int Write(FlatBufferBuilder builder, OptionsTable options)
    {
        var fields = options.Descriptor.Fields;
        // Strings and vectors go first: a table's children are written before it.
        var offsets = new int[fields.Count];
        for (int i = 0; i < fields.Count; i++)
        {
            var v = options.GetRaw(i);
            if (v is null || fields[i].IsScalar) continue;
            offsets[i] = fields[i].Kind switch
            {
                OptionFieldKind.String => builder.CreateString((string)v),
                OptionFieldKind.VectorBool => builder.CreateVector<bool>(As<bool>(v)),
                OptionFieldKind.VectorInt8 => builder.CreateVector<sbyte>(As<sbyte>(v)),
                OptionFieldKind.VectorUInt8 => builder.CreateVector<byte>(As<byte>(v)),
                OptionFieldKind.VectorInt16 => builder.CreateVector<short>(As<short>(v)),
                OptionFieldKind.VectorUInt16 => builder.CreateVector<ushort>(As<ushort>(v)),
                OptionFieldKind.VectorInt32 => builder.CreateVector<int>(As<int>(v)),
                OptionFieldKind.VectorUInt32 => builder.CreateVector<uint>(As<uint>(v)),
                OptionFieldKind.VectorInt64 => builder.CreateVector<long>(As<long>(v)),
                OptionFieldKind.VectorUInt64 => builder.CreateVector<ulong>(As<ulong>(v)),
                OptionFieldKind.VectorFloat32 => builder.CreateVector<float>(As<float>(v)),
                _ => throw new InvalidOperationException($"Unhandled option kind {fields[i].Kind}."),
            };
        }

        builder.StartTable(fields.Count);
        // Widest scalars first, as generated FlatBuffers code does, to minimise padding.
        foreach (int size in (ReadOnlySpan<int>)[8, 4, 2, 1])
        {
            for (int i = 0; i < fields.Count; i++)
            {
                var f = fields[i];
                if (!f.IsScalar || ScalarSize(f.Kind) != size || options.GetRaw(i) is not { } v) continue;
                AddScalar(builder, f, v);
            }
            if (size == 4)
                for (int i = 0; i < fields.Count; i++)
                    if (offsets[i] != 0) builder.AddOffset(fields[i].Id, offsets[i]);
        }
        return builder.EndTable();
    }

    private static int ScalarSize(OptionFieldKind kind) => kind switch
    {
        OptionFieldKind.Bool or OptionFieldKind.Int8 or OptionFieldKind.UInt8 => 1,
        OptionFieldKind.Int16 or OptionFieldKind.UInt16 => 2,
        OptionFieldKind.Int32 or OptionFieldKind.UInt32 or OptionFieldKind.Float32 => 4,
        _ => 8,
    };

    private static void AddScalar(FlatBufferBuilder b, OptionFieldDescriptor f, object value)
    {
        // Values are normalised to long (integers, enums, bools) or double (floats); accept either for any kind.
        long l = value is double dv ? (long)dv : Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture);
        double d = value is double y ? y : l;
        switch (f.Kind)
        {
            case OptionFieldKind.Bool: b.AddScalar(f.Id, l != 0); break;
            case OptionFieldKind.Int8: b.AddScalar(f.Id, unchecked((sbyte)l)); break;
            case OptionFieldKind.UInt8: b.AddScalar(f.Id, unchecked((byte)l)); break;
            case OptionFieldKind.Int16: b.AddScalar(f.Id, unchecked((short)l)); break;
            case OptionFieldKind.UInt16: b.AddScalar(f.Id, unchecked((ushort)l)); break;
            case OptionFieldKind.Int32: b.AddScalar(f.Id, unchecked((int)l)); break;
            case OptionFieldKind.UInt32: b.AddScalar(f.Id, unchecked((uint)l)); break;
            case OptionFieldKind.Int64: b.AddScalar(f.Id, l); break;
            case OptionFieldKind.UInt64: b.AddScalar(f.Id, unchecked((ulong)l)); break;
            case OptionFieldKind.Float32: b.AddScalar(f.Id, (float)d); break;
            case OptionFieldKind.Float64: b.AddScalar(f.Id, d); break;
            default: throw new InvalidOperationException($"{f.Name} is not a scalar.");
        }
    }

    /// <summary>The array as the field's element type (OptionsTable accepts any array, e.g. int[] for a [long] field).</summary>
    private static T[] As<T>(object value) where T : unmanaged
    {
        if (value is T[] same) return same;
        var a = (Array)value;
        var result = new T[a.Length];
        for (int i = 0; i < a.Length; i++)
            result[i] = (T)Convert.ChangeType(a.GetValue(i)!, typeof(T), System.Globalization.CultureInfo.InvariantCulture);
        return result;
    }
}
