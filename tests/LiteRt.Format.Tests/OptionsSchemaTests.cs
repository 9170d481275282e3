using System.Globalization;
using System.Text.RegularExpressions;
using LiteRt.Format.Schema;

namespace LiteRt.Format.Tests;

public sealed partial class OptionsSchemaTests
{
    [Fact]
    public void EveryUnionMemberHasADescriptor()
    {
        foreach (var type in Enum.GetValues<BuiltinOptionsType>().Where(t => t != BuiltinOptionsType.None))
        {
            var d = OptionsSchema.Get(type);
            Assert.Equal(type.ToString(), d.Name);
            Assert.Equal((byte)type, d.Tag);
            Assert.False(d.IsOptions2);
        }
        foreach (var type in Enum.GetValues<BuiltinOptions2Type>().Where(t => t != BuiltinOptions2Type.None))
        {
            var d = OptionsSchema.Get(type);
            Assert.Equal(type.ToString(), d.Name);
            Assert.Equal((byte)type, d.Tag);
            Assert.True(d.IsOptions2);
        }
        Assert.Equal(126, OptionsSchema.AllOptions.Count());
        Assert.Equal(23, OptionsSchema.AllOptions2.Count());
        Assert.Null(OptionsSchema.TryGet((BuiltinOptionsType)200));
        Assert.Null(OptionsSchema.TryGet(BuiltinOptions2Type.None));
    }

    [Fact]
    public void SpotChecks()
    {
        var conv = OptionsSchema.Get(BuiltinOptionsType.Conv2DOptions);
        Assert.Equal(new OptionFieldDescriptor("dilation_w_factor", 4, OptionFieldKind.Int32, 1), conv.Get("dilation_w_factor"));
        Assert.Equal(typeof(Padding), conv.Get("padding").EnumType);
        Assert.Equal(OptionFieldKind.Int8, conv.Get("padding").Kind);

        var fc = OptionsSchema.Get(BuiltinOptionsType.FullyConnectedOptions);
        Assert.Equal(2, fc.Get("keep_num_dims").Id);
        Assert.Equal(OptionFieldKind.Bool, fc.Get("keep_num_dims").Kind);
        Assert.Equal(4, fc.Get("quantized_bias_type").Id);

        var bmm = OptionsSchema.Get(BuiltinOptionsType.BatchMatMulOptions);
        Assert.Equal(["adj_x", "adj_y", "asymmetric_quantize_inputs"], bmm.Fields.Select(f => f.Name));

        // Deprecated fields keep their id.
        Assert.Equal(2, OptionsSchema.Get(BuiltinOptionsType.ResizeBilinearOptions).Get("align_corners").Id);
        Assert.Equal(2, OptionsSchema.Get(BuiltinOptionsType.UniqueOptions).Get("idx_out_type").Default); // INT32
        Assert.Equal(1, OptionsSchema.Get(BuiltinOptionsType.AddOptions).Get("pot_scale_int16").Default);

        var gather = OptionsSchema.Get(BuiltinOptions2Type.StablehloGatherOptions);
        Assert.Equal(OptionFieldKind.VectorInt64, gather.Get("offset_dims").Kind);
        Assert.Equal(new OptionFieldDescriptor("index_vector_dim", 3, OptionFieldKind.Int64), gather.Get("index_vector_dim"));

        var composite = OptionsSchema.Get(BuiltinOptions2Type.StableHLOCompositeOptions);
        Assert.Equal(OptionFieldKind.String, composite.Get("name").Kind);
        Assert.Equal(new OptionFieldDescriptor("composite_attributes", 2, OptionFieldKind.VectorUInt8), composite.Get("composite_attributes"));
        Assert.Equal(4, composite.Get("version").Id);
    }

    /// <summary>Every descriptor against the official schema, parsed here independently.</summary>
    [RequiresSharedFact]
    public void MatchesOfficialSchema()
    {
        var path = TestEnvironment.ReferenceSchema();
        if (path is null) { TestEnvironment.Skip(nameof(MatchesOfficialSchema), "../shared/peers/reference/schema.fbs is absent"); return; }
        var fbs = new FbsSchema(File.ReadAllText(path));

        var members = fbs.Union("BuiltinOptions");
        Assert.Equal(126, members.Count);
        for (int i = 0; i < members.Count; i++) Compare(fbs, members[i], OptionsSchema.Get((BuiltinOptionsType)(i + 1)));
        var members2 = fbs.Union("BuiltinOptions2");
        Assert.Equal(23, members2.Count);
        for (int i = 0; i < members2.Count; i++) Compare(fbs, members2[i], OptionsSchema.Get((BuiltinOptions2Type)(i + 1)));
    }

    private static void Compare(FbsSchema fbs, string table, OptionsTableDescriptor d)
    {
        Assert.Equal(table, d.Name);
        var fields = fbs.Tables[table];
        Assert.True(fields.Count == d.Fields.Count, $"{table}: {fields.Count} fields in the schema, {d.Fields.Count} in ours");
        for (int id = 0; id < fields.Count; id++)
        {
            var (name, type, def) = fields[id];
            var f = d.Fields[id];
            string where = $"{table}.{name}";
            Assert.True(name == f.Name, $"{where}: ours is named {f.Name}");
            Assert.True(id == f.Id, $"{where}: id {f.Id}, expected {id}");
            bool vector = type.StartsWith('[');
            string baseType = type.Trim('[', ']');
            string storage = fbs.Enums.TryGetValue(baseType, out var e) ? e.Underlying : baseType;
            Assert.True(ExpectedKind(storage, vector) == f.Kind, $"{where}: kind {f.Kind}, schema type {type}");
            double expectedDefault = def is null ? 0
                : def is "true" ? 1 : def is "false" ? 0
                : fbs.Enums.TryGetValue(baseType, out var en) && en.Values.TryGetValue(def, out long v) ? v
                : double.Parse(def, CultureInfo.InvariantCulture);
            Assert.True(expectedDefault == f.Default, $"{where}: default {f.Default}, schema {def}");
            if (fbs.Enums.ContainsKey(baseType)) Assert.True(f.EnumType is not null, $"{where}: enum type missing");
        }
    }

    private static OptionFieldKind ExpectedKind(string storage, bool vector)
    {
        var scalar = storage switch
        {
            "bool" => OptionFieldKind.Bool,
            "byte" or "int8" => OptionFieldKind.Int8,
            "ubyte" or "uint8" => OptionFieldKind.UInt8,
            "short" or "int16" => OptionFieldKind.Int16,
            "ushort" or "uint16" => OptionFieldKind.UInt16,
            "int" or "int32" => OptionFieldKind.Int32,
            "uint" or "uint32" => OptionFieldKind.UInt32,
            "long" or "int64" => OptionFieldKind.Int64,
            "ulong" or "uint64" => OptionFieldKind.UInt64,
            "float" or "float32" => OptionFieldKind.Float32,
            "double" or "float64" => OptionFieldKind.Float64,
            "string" => OptionFieldKind.String,
            _ => throw new InvalidOperationException($"unexpected schema type {storage}"),
        };
        if (!vector) return scalar;
        return scalar switch
        {
            OptionFieldKind.Bool => OptionFieldKind.VectorBool,
            OptionFieldKind.Int8 => OptionFieldKind.VectorInt8,
            OptionFieldKind.UInt8 => OptionFieldKind.VectorUInt8,
            OptionFieldKind.Int16 => OptionFieldKind.VectorInt16,
            OptionFieldKind.UInt16 => OptionFieldKind.VectorUInt16,
            OptionFieldKind.Int32 => OptionFieldKind.VectorInt32,
            OptionFieldKind.UInt32 => OptionFieldKind.VectorUInt32,
            OptionFieldKind.Int64 => OptionFieldKind.VectorInt64,
            OptionFieldKind.UInt64 => OptionFieldKind.VectorUInt64,
            OptionFieldKind.Float32 => OptionFieldKind.VectorFloat32,
            _ => throw new InvalidOperationException($"unexpected vector of {storage}"),
        };
    }

    /// <summary>Just enough of a .fbs parser for tables, enums and unions (comments and attributes stripped).</summary>
    private sealed partial class FbsSchema
    {
        public readonly Dictionary<string, List<(string Name, string Type, string? Default)>> Tables = [];
        public readonly Dictionary<string, (string Underlying, Dictionary<string, long> Values)> Enums = [];
        private readonly string _text;

        public FbsSchema(string text)
        {
            _text = Comment().Replace(text, "");
            foreach (Match m in TableRe().Matches(_text))
            {
                var fields = new List<(string, string, string?)>();
                foreach (var decl in m.Groups[2].Value.Split(';'))
                {
                    var d = Attributes().Replace(decl, "").Trim();
                    if (d.Length == 0) continue;
                    var f = FieldRe().Match(d);
                    Assert.True(f.Success, $"cannot parse field '{d}'");
                    fields.Add((f.Groups[1].Value, f.Groups[2].Value.Replace(" ", ""), f.Groups[3].Success ? f.Groups[3].Value : null));
                }
                Tables[m.Groups[1].Value] = fields;
            }
            foreach (Match m in EnumRe().Matches(_text))
            {
                var values = new Dictionary<string, long>();
                long next = 0;
                foreach (var item in m.Groups[3].Value.Split(','))
                {
                    var x = Attributes().Replace(item, "").Trim();
                    if (x.Length == 0) continue;
                    var kv = x.Split('=');
                    if (kv.Length == 2) next = long.Parse(kv[1].Trim(), CultureInfo.InvariantCulture);
                    values[kv[0].Trim()] = next++;
                }
                Enums[m.Groups[1].Value] = (m.Groups[2].Value, values);
            }
        }

        public List<string> Union(string name)
        {
            var m = Regex.Match(_text, @"union\s+" + name + @"\s*\{(.*?)\}", RegexOptions.Singleline);
            return m.Groups[1].Value.Split(',').Select(s => Attributes().Replace(s, "").Trim()).Where(s => s.Length > 0).ToList();
        }

        [GeneratedRegex(@"//[^\n]*")] private static partial Regex Comment();
        [GeneratedRegex(@"\([^)]*\)")] private static partial Regex Attributes();
        [GeneratedRegex(@"table\s+(\w+)\s*(?:\([^)]*\))?\s*\{(.*?)\}", RegexOptions.Singleline)] private static partial Regex TableRe();
        [GeneratedRegex(@"enum\s+(\w+)\s*:\s*(\w+)\s*\{(.*?)\}", RegexOptions.Singleline)] private static partial Regex EnumRe();
        [GeneratedRegex(@"^(\w+)\s*:\s*(\[?\s*\w+\s*\]?)\s*(?:=\s*(\S+))?$", RegexOptions.Singleline)] private static partial Regex FieldRe();
    }
}
