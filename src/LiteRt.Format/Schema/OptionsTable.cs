using System.Globalization;

namespace LiteRt.Format.Schema;

/// <summary>How an options field is stored in the FlatBuffer.</summary>
public enum OptionFieldKind
{
    Bool, Int8, UInt8, Int16, UInt16, Int32, UInt32, Int64, UInt64, Float32, Float64,
    String,
    VectorBool, VectorInt8, VectorUInt8, VectorInt16, VectorUInt16, VectorInt32, VectorUInt32, VectorInt64, VectorUInt64, VectorFloat32,
}

/// <summary>One field of an options table: its schema name, FlatBuffers field id, storage kind and default.</summary>
/// <param name="EnumType">The C# enum a scalar field holds, when the schema types it as an enum.</param>
public sealed record OptionFieldDescriptor(string Name, int Id, OptionFieldKind Kind, double Default = 0, Type? EnumType = null)
{
    public bool IsVector => Kind >= OptionFieldKind.VectorBool;
    public bool IsScalar => Kind < OptionFieldKind.String;
}

/// <summary>The schema of one builtin options table (a member of the BuiltinOptions or BuiltinOptions2 union).</summary>
public sealed class OptionsTableDescriptor
{
    private readonly Dictionary<string, OptionFieldDescriptor> _byName;

    public OptionsTableDescriptor(string name, bool isOptions2, byte tag, IReadOnlyList<OptionFieldDescriptor> fields)
    {
        Name = name;
        IsOptions2 = isOptions2;
        Tag = tag;
        Fields = fields;
        _byName = fields.ToDictionary(f => f.Name, StringComparer.Ordinal);
    }

    /// <summary>Schema table name, e.g. <c>Conv2DOptions</c>.</summary>
    public string Name { get; }
    /// <summary>True for members of <c>BuiltinOptions2</c>.</summary>
    public bool IsOptions2 { get; }
    /// <summary>The union tag (a <see cref="BuiltinOptionsType"/> or <see cref="BuiltinOptions2Type"/> value).</summary>
    public byte Tag { get; }
    /// <summary>Fields in id order.</summary>
    public IReadOnlyList<OptionFieldDescriptor> Fields { get; }

    public OptionFieldDescriptor? Find(string name) => _byName.GetValueOrDefault(name);

    public OptionFieldDescriptor Get(string name) =>
        _byName.TryGetValue(name, out var f) ? f : throw new ArgumentException($"{Name} has no field '{name}'.", nameof(name));

    public override string ToString() => Name;
}

/// <summary>
/// The value of a builtin options union: the table's descriptor and the fields present in it. Fields that are absent
/// read as their schema default. Keeping presence (not just values) makes read/write round trips exact.
/// Values are stored normalised: integers and enums as <see cref="long"/>, floats as <see cref="double"/>,
/// vectors as typed arrays (bool[], sbyte[], byte[], short[], ushort[], int[], uint[], long[], ulong[], float[]).
/// </summary>
public sealed class OptionsTable : IEquatable<OptionsTable>
{
    private readonly object?[] _values;

    public OptionsTable(OptionsTableDescriptor descriptor)
    {
        Descriptor = descriptor;
        _values = new object?[descriptor.Fields.Count];
    }

    public OptionsTableDescriptor Descriptor { get; }
    public string Name => Descriptor.Name;

    public static OptionsTable Create(BuiltinOptionsType type) => new(OptionsSchema.Get(type));
    public static OptionsTable Create(BuiltinOptions2Type type) => new(OptionsSchema.Get(type));

    /// <summary>Fields present, in id order.</summary>
    public IEnumerable<(OptionFieldDescriptor Field, object Value)> PresentFields
    {
        get
        {
            for (int i = 0; i < _values.Length; i++)
                if (_values[i] is { } v) yield return (Descriptor.Fields[i], v);
        }
    }

    public bool IsPresent(string name) => _values[IndexOf(name)] is not null;

    /// <summary>The stored value, or null when absent.</summary>
    public object? GetRaw(string name) => _values[IndexOf(name)];
    public object? GetRaw(int fieldIndex) => _values[fieldIndex];

    /// <summary>Sets a field (present from now on). Scalars accept any integral/floating/bool/enum value.</summary>
    public OptionsTable Set(string name, object value)
    {
        int i = IndexOf(name);
        _values[i] = Normalize(Descriptor.Fields[i], value);
        return this;
    }

    /// <summary>Sets a field by index with an already-normalised value (readers use this).</summary>
    public void SetRaw(int fieldIndex, object? value) =>
        _values[fieldIndex] = value is null ? null : Normalize(Descriptor.Fields[fieldIndex], value);

    public void Clear(string name) => _values[IndexOf(name)] = null;

    public long GetInt64(string name) => _values[IndexOf(name)] switch
    {
        null => (long)Descriptor.Get(name).Default,
        long l => l,
        bool b => b ? 1 : 0,
        double d => (long)d,
        var o => throw new InvalidOperationException($"{Name}.{name} is not a scalar ({o.GetType().Name})."),
    };

    public int GetInt32(string name) => checked((int)GetInt64(name));
    public bool GetBool(string name) => GetInt64(name) != 0;

    public double GetDouble(string name) => _values[IndexOf(name)] switch
    {
        null => Descriptor.Get(name).Default,
        double d => d,
        long l => l,
        bool b => b ? 1 : 0,
        var o => throw new InvalidOperationException($"{Name}.{name} is not a scalar ({o.GetType().Name})."),
    };

    public float GetFloat(string name) => (float)GetDouble(name);

    public T GetEnum<T>(string name) where T : struct, Enum => (T)Enum.ToObject(typeof(T), GetInt64(name));

    public string? GetString(string name) => (string?)_values[IndexOf(name)];

    /// <summary>A vector field converted to int[] (empty when absent).</summary>
    public int[] GetInt32Array(string name) => _values[IndexOf(name)] switch
    {
        null => [],
        int[] a => a,
        long[] a => a.Select(v => checked((int)v)).ToArray(),
        uint[] a => a.Select(v => checked((int)v)).ToArray(),
        short[] a => a.Select(v => (int)v).ToArray(),
        byte[] a => a.Select(v => (int)v).ToArray(),
        sbyte[] a => a.Select(v => (int)v).ToArray(),
        var o => throw new InvalidOperationException($"{Name}.{name} is not an integer vector ({o.GetType().Name})."),
    };

    public long[] GetInt64Array(string name) => _values[IndexOf(name)] switch
    {
        null => [],
        long[] a => a,
        int[] a => a.Select(v => (long)v).ToArray(),
        var o => throw new InvalidOperationException($"{Name}.{name} is not an integer vector ({o.GetType().Name})."),
    };

    private int IndexOf(string name)
    {
        var f = Descriptor.Find(name) ?? throw new ArgumentException($"{Name} has no field '{name}'.", nameof(name));
        for (int i = 0; i < Descriptor.Fields.Count; i++)
            if (ReferenceEquals(Descriptor.Fields[i], f)) return i;
        throw new InvalidOperationException("unreachable");
    }

    private static object Normalize(OptionFieldDescriptor field, object value)
    {
        if (field.IsScalar)
        {
            // Arms are typed object: a switch of double and long arms would otherwise box every result as double.
            return field.Kind switch
            {
                OptionFieldKind.Float32 or OptionFieldKind.Float64 => (object)Convert.ToDouble(value, CultureInfo.InvariantCulture),
                OptionFieldKind.Bool => value is bool b ? (b ? 1L : 0L) : Convert.ToInt64(value, CultureInfo.InvariantCulture) != 0 ? 1L : 0L,
                _ => value is Enum e ? Convert.ToInt64(e, CultureInfo.InvariantCulture) : Convert.ToInt64(value, CultureInfo.InvariantCulture),
            };
        }
        if (field.Kind == OptionFieldKind.String)
            return value as string ?? throw new ArgumentException($"{field.Name} expects a string.");
        return value is Array ? value : throw new ArgumentException($"{field.Name} expects an array.");
    }

    public bool Equals(OptionsTable? other)
    {
        if (other is null || !ReferenceEquals(Descriptor, other.Descriptor)) return false;
        for (int i = 0; i < _values.Length; i++)
        {
            object? a = _values[i], b = other._values[i];
            if (a is null || b is null) { if (a != b) return false; continue; }
            if (a is Array aa && b is Array ba)
            {
                if (aa.Length != ba.Length) return false;
                for (int k = 0; k < aa.Length; k++)
                    if (!Equals(aa.GetValue(k), ba.GetValue(k))) return false;
            }
            else if (!a.Equals(b)) return false;
        }
        return true;
    }

    public override bool Equals(object? obj) => Equals(obj as OptionsTable);
    public override int GetHashCode() => Descriptor.GetHashCode();

    public OptionsTable Clone()
    {
        var c = new OptionsTable(Descriptor);
        for (int i = 0; i < _values.Length; i++) c._values[i] = _values[i] is Array a ? a.Clone() : _values[i];
        return c;
    }

    public override string ToString() =>
        $"{Name}{{{string.Join(", ", PresentFields.Select(p => $"{p.Field.Name}={(p.Value is Array a ? "[" + string.Join(",", a.Cast<object>()) + "]" : p.Value)}"))}}}";
}
