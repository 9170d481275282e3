using System.Globalization;

namespace LiteRt.Format.Schema;

/// <summary>
/// Descriptors of every builtin options table (members of the <c>BuiltinOptions</c> and <c>BuiltinOptions2</c>
/// unions), parsed once from the compact listing in <c>OptionsSchema.Data.cs</c>.
/// </summary>
public static partial class OptionsSchema
{
    /// <summary>The descriptor of a <c>BuiltinOptions</c> member.</summary>
    public static OptionsTableDescriptor Get(BuiltinOptionsType type) =>
        TryGet(type) ?? throw new ArgumentOutOfRangeException(nameof(type), $"BuiltinOptions has no member with tag {(int)type}.");

    /// <summary>The descriptor of a <c>BuiltinOptions2</c> member.</summary>
    public static OptionsTableDescriptor Get(BuiltinOptions2Type type) =>
        TryGet(type) ?? throw new ArgumentOutOfRangeException(nameof(type), $"BuiltinOptions2 has no member with tag {(int)type}.");

    /// <summary>The descriptor for a union tag, or null for NONE and unknown tags.</summary>
    public static OptionsTableDescriptor? TryGet(BuiltinOptionsType type) =>
        (uint)type < (uint)Tables.Options.Length ? Tables.Options[(int)type] : null;

    public static OptionsTableDescriptor? TryGet(BuiltinOptions2Type type) =>
        (uint)type < (uint)Tables.Options2.Length ? Tables.Options2[(int)type] : null;

    /// <summary>All members of <c>BuiltinOptions</c> in tag order.</summary>
    public static IEnumerable<OptionsTableDescriptor> AllOptions => Tables.Options.Skip(1)!;

    /// <summary>All members of <c>BuiltinOptions2</c> in tag order.</summary>
    public static IEnumerable<OptionsTableDescriptor> AllOptions2 => Tables.Options2.Skip(1)!;

    private static readonly Dictionary<string, Type> Enums = new[]
    {
        typeof(TensorType), typeof(Padding), typeof(ActivationFunctionType), typeof(CustomOptionsFormat),
        typeof(FullyConnectedOptionsWeightsFormat), typeof(LshProjectionType), typeof(LstmKernelType),
        typeof(CombinerType), typeof(MirrorPadMode), typeof(RngAlgorithm), typeof(StablehloPrecisionConfig),
        typeof(StablehloComparisonDirection), typeof(StablehloComparisonType), typeof(ReduceWindowFunction),
    }.ToDictionary(t => t.Name);

    private static readonly Dictionary<string, OptionFieldKind> Kinds = new()
    {
        ["bool"] = OptionFieldKind.Bool, ["i8"] = OptionFieldKind.Int8, ["u8"] = OptionFieldKind.UInt8,
        ["i16"] = OptionFieldKind.Int16, ["u16"] = OptionFieldKind.UInt16, ["i32"] = OptionFieldKind.Int32,
        ["u32"] = OptionFieldKind.UInt32, ["i64"] = OptionFieldKind.Int64, ["u64"] = OptionFieldKind.UInt64,
        ["f32"] = OptionFieldKind.Float32, ["f64"] = OptionFieldKind.Float64, ["str"] = OptionFieldKind.String,
        ["[bool]"] = OptionFieldKind.VectorBool, ["[i8]"] = OptionFieldKind.VectorInt8, ["[u8]"] = OptionFieldKind.VectorUInt8,
        ["[i16]"] = OptionFieldKind.VectorInt16, ["[u16]"] = OptionFieldKind.VectorUInt16, ["[i32]"] = OptionFieldKind.VectorInt32,
        ["[u32]"] = OptionFieldKind.VectorUInt32, ["[i64]"] = OptionFieldKind.VectorInt64, ["[u64]"] = OptionFieldKind.VectorUInt64,
        ["[f32]"] = OptionFieldKind.VectorFloat32,
    };

    // Declared after the lookup tables it uses: static initializers run in textual order.
    private static readonly (OptionsTableDescriptor?[] Options, OptionsTableDescriptor?[] Options2) Tables = Parse();

    private static (OptionsTableDescriptor?[], OptionsTableDescriptor?[]) Parse()
    {
        var options = new List<OptionsTableDescriptor?> { null };
        var options2 = new List<OptionsTableDescriptor?> { null };
        List<OptionsTableDescriptor?>? current = null;
        foreach (var raw in Text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0) continue;
            if (line == "[BuiltinOptions]") { current = options; continue; }
            if (line == "[BuiltinOptions2]") { current = options2; continue; }
            if (current is null) throw new InvalidOperationException("Options listing starts without a union header.");
            bool isOptions2 = current == options2;
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            byte tag = checked((byte)current.Count);
            // The listing's order must agree with the generated union enums.
            string enumName = isOptions2 ? ((BuiltinOptions2Type)tag).ToString() : ((BuiltinOptionsType)tag).ToString();
            if (enumName != parts[0])
                throw new InvalidOperationException($"Options listing: tag {tag} is {parts[0]} but the enum says {enumName}.");
            var fields = new OptionFieldDescriptor[parts.Length - 1];
            for (int i = 1; i < parts.Length; i++) fields[i - 1] = ParseField(parts[i], i - 1);
            current.Add(new OptionsTableDescriptor(parts[0], isOptions2, tag, fields));
        }
        return (options.ToArray(), options2.ToArray());
    }

    private static OptionFieldDescriptor ParseField(string spec, int id)
    {
        double def = 0;
        int eq = spec.IndexOf('=');
        if (eq >= 0)
        {
            def = double.Parse(spec[(eq + 1)..], CultureInfo.InvariantCulture);
            spec = spec[..eq];
        }
        var p = spec.Split(':');
        Type? enumType = p.Length > 2 ? Enums[p[2]] : null;
        return new OptionFieldDescriptor(p[0], id, Kinds[p[1]], def, enumType);
    }
}
