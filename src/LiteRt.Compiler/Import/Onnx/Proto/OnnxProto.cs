namespace LiteRt.Compiler.Import.Onnx.Proto;

// The subset of onnx.proto (ONNX IR version 3–10) the importer reads, with the official field numbers. Fields we
// do not need are skipped; unknown fields are skipped as protobuf requires.

/// <summary>ModelProto.</summary>
public sealed class OnnxModelProto
{
    public long IrVersion { get; set; }                                      // 1
    public List<OnnxOperatorSetId> OpsetImport { get; } = [];                // 8
    public string? ProducerName { get; set; }                                // 2
    public string? ProducerVersion { get; set; }                             // 3
    public string? Domain { get; set; }                                      // 4
    public long ModelVersion { get; set; }                                   // 5
    public string? DocString { get; set; }                                   // 6
    public OnnxGraphProto? Graph { get; set; }                               // 7
    public List<KeyValuePair<string, string>> MetadataProps { get; } = [];   // 14
    public List<OnnxFunctionProto> Functions { get; } = [];                  // 25

    internal static OnnxModelProto Parse(ProtoReader r)
    {
        var m = new OnnxModelProto();
        while (r.TryReadTag(out int f, out var w))
        {
            switch (f)
            {
                case 1: r.Expect(w, WireType.Varint, f); m.IrVersion = r.ReadInt64(); break;
                case 2: r.Expect(w, WireType.LengthDelimited, f); m.ProducerName = r.ReadString(); break;
                case 3: r.Expect(w, WireType.LengthDelimited, f); m.ProducerVersion = r.ReadString(); break;
                case 4: r.Expect(w, WireType.LengthDelimited, f); m.Domain = r.ReadString(); break;
                case 5: r.Expect(w, WireType.Varint, f); m.ModelVersion = r.ReadInt64(); break;
                case 6: r.Expect(w, WireType.LengthDelimited, f); m.DocString = r.ReadString(); break;
                case 7: r.Expect(w, WireType.LengthDelimited, f); m.Graph = OnnxGraphProto.Parse(r.ReadMessage()); break;
                case 8: r.Expect(w, WireType.LengthDelimited, f); m.OpsetImport.Add(OnnxOperatorSetId.Parse(r.ReadMessage())); break;
                case 14: r.Expect(w, WireType.LengthDelimited, f); m.MetadataProps.Add(OnnxStringEntry.Parse(r.ReadMessage())); break;
                case 25: r.Expect(w, WireType.LengthDelimited, f); m.Functions.Add(OnnxFunctionProto.Parse(r.ReadMessage())); break;
                default: r.Skip(w); break;
            }
        }
        return m;
    }
}

/// <summary>OperatorSetIdProto.</summary>
public sealed record OnnxOperatorSetId(string Domain, long Version)
{
    internal static OnnxOperatorSetId Parse(ProtoReader r)
    {
        string domain = "";
        long version = 0;
        while (r.TryReadTag(out int f, out var w))
        {
            switch (f)
            {
                case 1: r.Expect(w, WireType.LengthDelimited, f); domain = r.ReadString(); break;
                case 2: r.Expect(w, WireType.Varint, f); version = r.ReadInt64(); break;
                default: r.Skip(w); break;
            }
        }
        return new OnnxOperatorSetId(domain, version);
    }
}

internal static class OnnxStringEntry
{
    public static KeyValuePair<string, string> Parse(ProtoReader r)
    {
        string key = "", value = "";
        while (r.TryReadTag(out int f, out var w))
        {
            switch (f)
            {
                case 1: r.Expect(w, WireType.LengthDelimited, f); key = r.ReadString(); break;
                case 2: r.Expect(w, WireType.LengthDelimited, f); value = r.ReadString(); break;
                default: r.Skip(w); break;
            }
        }
        return new(key, value);
    }
}

/// <summary>GraphProto.</summary>
public sealed class OnnxGraphProto
{
    public List<OnnxNodeProto> Nodes { get; } = [];                 // 1
    public string? Name { get; set; }                               // 2
    public List<OnnxTensorProto> Initializers { get; } = [];        // 5
    public int SparseInitializerCount { get; set; }                 // 15 (counted, not supported)
    public List<OnnxValueInfo> Inputs { get; } = [];                // 11
    public List<OnnxValueInfo> Outputs { get; } = [];               // 12
    public List<OnnxValueInfo> ValueInfo { get; } = [];             // 13

    internal static OnnxGraphProto Parse(ProtoReader r)
    {
        var g = new OnnxGraphProto();
        while (r.TryReadTag(out int f, out var w))
        {
            switch (f)
            {
                case 1: r.Expect(w, WireType.LengthDelimited, f); g.Nodes.Add(OnnxNodeProto.Parse(r.ReadMessage())); break;
                case 2: r.Expect(w, WireType.LengthDelimited, f); g.Name = r.ReadString(); break;
                case 5: r.Expect(w, WireType.LengthDelimited, f); g.Initializers.Add(OnnxTensorProto.Parse(r.ReadMessage())); break;
                case 11: r.Expect(w, WireType.LengthDelimited, f); g.Inputs.Add(OnnxValueInfo.Parse(r.ReadMessage())); break;
                case 12: r.Expect(w, WireType.LengthDelimited, f); g.Outputs.Add(OnnxValueInfo.Parse(r.ReadMessage())); break;
                case 13: r.Expect(w, WireType.LengthDelimited, f); g.ValueInfo.Add(OnnxValueInfo.Parse(r.ReadMessage())); break;
                case 15: r.Skip(w); g.SparseInitializerCount++; break;
                default: r.Skip(w); break;
            }
        }
        return g;
    }
}

/// <summary>NodeProto.</summary>
public sealed class OnnxNodeProto
{
    public List<string> Inputs { get; } = [];                       // 1
    public List<string> Outputs { get; } = [];                      // 2
    public string Name { get; set; } = "";                          // 3
    public string OpType { get; set; } = "";                        // 4
    public string Domain { get; set; } = "";                        // 7
    public List<OnnxAttributeProto> Attributes { get; } = [];       // 5

    internal static OnnxNodeProto Parse(ProtoReader r)
    {
        var n = new OnnxNodeProto();
        while (r.TryReadTag(out int f, out var w))
        {
            switch (f)
            {
                case 1: r.Expect(w, WireType.LengthDelimited, f); n.Inputs.Add(r.ReadString()); break;
                case 2: r.Expect(w, WireType.LengthDelimited, f); n.Outputs.Add(r.ReadString()); break;
                case 3: r.Expect(w, WireType.LengthDelimited, f); n.Name = r.ReadString(); break;
                case 4: r.Expect(w, WireType.LengthDelimited, f); n.OpType = r.ReadString(); break;
                case 5: r.Expect(w, WireType.LengthDelimited, f); n.Attributes.Add(OnnxAttributeProto.Parse(r.ReadMessage())); break;
                case 7: r.Expect(w, WireType.LengthDelimited, f); n.Domain = r.ReadString(); break;
                default: r.Skip(w); break;
            }
        }
        return n;
    }

    public override string ToString() => $"{OpType} '{Name}'";
}

/// <summary>AttributeProto.AttributeType.</summary>
public enum OnnxAttributeType
{
    Undefined = 0, Float = 1, Int = 2, String = 3, Tensor = 4, Graph = 5, Floats = 6, Ints = 7, Strings = 8,
    Tensors = 9, Graphs = 10, SparseTensor = 11, SparseTensors = 12, TypeProto = 13, TypeProtos = 14,
}

/// <summary>AttributeProto.</summary>
public sealed class OnnxAttributeProto
{
    public string Name { get; set; } = "";                          // 1
    public string? RefAttrName { get; set; }                        // 21
    public OnnxAttributeType Type { get; set; }                     // 20
    public float F { get; set; }                                    // 2
    public long I { get; set; }                                     // 3
    public ReadOnlyMemory<byte> S { get; set; }                     // 4
    public OnnxTensorProto? T { get; set; }                         // 5
    public OnnxGraphProto? G { get; set; }                          // 6
    public List<float> Floats { get; } = [];                        // 7
    public List<long> Ints { get; } = [];                           // 8
    public List<ReadOnlyMemory<byte>> Strings { get; } = [];        // 9
    public List<OnnxTensorProto> Tensors { get; } = [];             // 10
    public List<OnnxGraphProto> Graphs { get; } = [];               // 11

    internal static OnnxAttributeProto Parse(ProtoReader r)
    {
        var a = new OnnxAttributeProto();
        while (r.TryReadTag(out int f, out var w))
        {
            switch (f)
            {
                case 1: r.Expect(w, WireType.LengthDelimited, f); a.Name = r.ReadString(); break;
                case 2: r.Expect(w, WireType.Fixed32, f); a.F = r.ReadFloat(); break;
                case 3: r.Expect(w, WireType.Varint, f); a.I = r.ReadInt64(); break;
                case 4: r.Expect(w, WireType.LengthDelimited, f); a.S = r.ReadBytes(); break;
                case 5: r.Expect(w, WireType.LengthDelimited, f); a.T = OnnxTensorProto.Parse(r.ReadMessage()); break;
                case 6: r.Expect(w, WireType.LengthDelimited, f); a.G = OnnxGraphProto.Parse(r.ReadMessage()); break;
                case 7: r.ReadRepeatedFloat(w, a.Floats); break;
                case 8: r.ReadRepeatedInt64(w, a.Ints); break;
                case 9: r.Expect(w, WireType.LengthDelimited, f); a.Strings.Add(r.ReadBytes()); break;
                case 10: r.Expect(w, WireType.LengthDelimited, f); a.Tensors.Add(OnnxTensorProto.Parse(r.ReadMessage())); break;
                case 11: r.Expect(w, WireType.LengthDelimited, f); a.Graphs.Add(OnnxGraphProto.Parse(r.ReadMessage())); break;
                case 20: r.Expect(w, WireType.Varint, f); a.Type = (OnnxAttributeType)r.ReadInt32(); break;
                case 21: r.Expect(w, WireType.LengthDelimited, f); a.RefAttrName = r.ReadString(); break;
                default: r.Skip(w); break;
            }
        }
        // Files from IR version < 3 may omit the type: infer it from the field present.
        if (a.Type == OnnxAttributeType.Undefined)
        {
            if (a.Ints.Count > 0) a.Type = OnnxAttributeType.Ints;
            else if (a.Floats.Count > 0) a.Type = OnnxAttributeType.Floats;
            else if (a.Strings.Count > 0) a.Type = OnnxAttributeType.Strings;
            else if (a.T is not null) a.Type = OnnxAttributeType.Tensor;
            else if (a.G is not null) a.Type = OnnxAttributeType.Graph;
            else if (!a.S.IsEmpty) a.Type = OnnxAttributeType.String;
        }
        return a;
    }

    public string StringValue => System.Text.Encoding.UTF8.GetString(S.Span);
}

/// <summary>ValueInfoProto with its TypeProto flattened: tensor element type and shape, or the kind of a non-tensor type.</summary>
public sealed class OnnxValueInfo
{
    public string Name { get; set; } = "";
    /// <summary>"tensor", "sequence", "map", "optional", "sparse_tensor", or null when the type is absent.</summary>
    public string? Kind { get; set; }
    public int ElemType { get; set; }
    /// <summary>Dims: a value, or null for a symbolic/unknown dim. Null list = unknown rank.</summary>
    public List<OnnxDim>? Shape { get; set; }

    internal static OnnxValueInfo Parse(ProtoReader r)
    {
        var v = new OnnxValueInfo();
        while (r.TryReadTag(out int f, out var w))
        {
            switch (f)
            {
                case 1: r.Expect(w, WireType.LengthDelimited, f); v.Name = r.ReadString(); break;
                case 2: r.Expect(w, WireType.LengthDelimited, f); ParseType(r.ReadMessage(), v); break;
                default: r.Skip(w); break;
            }
        }
        return v;
    }

    private static void ParseType(ProtoReader r, OnnxValueInfo v)
    {
        while (r.TryReadTag(out int f, out var w))
        {
            switch (f)
            {
                case 1:
                    r.Expect(w, WireType.LengthDelimited, f);
                    v.Kind = "tensor";
                    ParseTensorType(r.ReadMessage(), v);
                    break;
                case 4: v.Kind = "sequence"; r.Skip(w); break;
                case 5: v.Kind = "map"; r.Skip(w); break;
                case 9: v.Kind = "optional"; r.Skip(w); break;
                case 8: v.Kind = "sparse_tensor"; r.Skip(w); break;
                default: r.Skip(w); break;
            }
        }
    }

    private static void ParseTensorType(ProtoReader r, OnnxValueInfo v)
    {
        while (r.TryReadTag(out int f, out var w))
        {
            switch (f)
            {
                case 1: r.Expect(w, WireType.Varint, f); v.ElemType = r.ReadInt32(); break;
                case 2:
                    r.Expect(w, WireType.LengthDelimited, f);
                    v.Shape = [];
                    var s = r.ReadMessage();
                    while (s.TryReadTag(out int sf, out var sw))
                    {
                        if (sf == 1 && sw == WireType.LengthDelimited) v.Shape.Add(OnnxDim.Parse(s.ReadMessage()));
                        else s.Skip(sw);
                    }
                    break;
                default: r.Skip(w); break;
            }
        }
    }
}

/// <summary>TensorShapeProto.Dimension: a known size, or a symbolic name (or nothing).</summary>
public readonly record struct OnnxDim(long? Value, string? Param)
{
    internal static OnnxDim Parse(ProtoReader r)
    {
        long? value = null;
        string? param = null;
        while (r.TryReadTag(out int f, out var w))
        {
            switch (f)
            {
                case 1: r.Expect(w, WireType.Varint, f); value = r.ReadInt64(); break;
                case 2: r.Expect(w, WireType.LengthDelimited, f); param = r.ReadString(); break;
                default: r.Skip(w); break;
            }
        }
        return new OnnxDim(value, param);
    }

    public override string ToString() => Value?.ToString() ?? Param ?? "?";
}

/// <summary>TensorProto: element type, dims and the data in whichever field the writer used.</summary>
public sealed class OnnxTensorProto
{
    public List<long> Dims { get; } = [];                           // 1
    public int DataType { get; set; }                               // 2
    public List<float> FloatData { get; } = [];                     // 4
    public List<long> Int32Data { get; } = [];                      // 5 (int32 values, read as varints)
    public List<ReadOnlyMemory<byte>> StringData { get; } = [];     // 6
    public List<long> Int64Data { get; } = [];                      // 7
    public string Name { get; set; } = "";                          // 8
    public ReadOnlyMemory<byte>? RawData { get; set; }              // 9
    public List<double> DoubleData { get; } = [];                   // 10
    public List<ulong> UInt64Data { get; } = [];                    // 11
    public List<KeyValuePair<string, string>> ExternalData { get; } = []; // 13
    public int DataLocation { get; set; }                           // 14 (1 = external)
    public bool HasSegment { get; set; }                            // 3

    internal static OnnxTensorProto Parse(ProtoReader r)
    {
        var t = new OnnxTensorProto();
        while (r.TryReadTag(out int f, out var w))
        {
            switch (f)
            {
                case 1: r.ReadRepeatedInt64(w, t.Dims); break;
                case 2: r.Expect(w, WireType.Varint, f); t.DataType = r.ReadInt32(); break;
                case 3: r.Skip(w); t.HasSegment = true; break;
                case 4: r.ReadRepeatedFloat(w, t.FloatData); break;
                case 5: r.ReadRepeatedInt64(w, t.Int32Data); break;
                case 6: r.Expect(w, WireType.LengthDelimited, f); t.StringData.Add(r.ReadBytes()); break;
                case 7: r.ReadRepeatedInt64(w, t.Int64Data); break;
                case 8: r.Expect(w, WireType.LengthDelimited, f); t.Name = r.ReadString(); break;
                case 9: r.Expect(w, WireType.LengthDelimited, f); t.RawData = r.ReadBytes(); break;
                case 10: r.ReadRepeatedDouble(w, t.DoubleData); break;
                case 11: r.ReadRepeatedUInt64(w, t.UInt64Data); break;
                case 13: r.Expect(w, WireType.LengthDelimited, f); t.ExternalData.Add(OnnxStringEntry.Parse(r.ReadMessage())); break;
                case 14: r.Expect(w, WireType.Varint, f); t.DataLocation = r.ReadInt32(); break;
                default: r.Skip(w); break;
            }
        }
        return t;
    }

    public bool IsExternal => DataLocation == 1;
}

/// <summary>FunctionProto (model-local functions): kept so the importer can name them in errors.</summary>
public sealed class OnnxFunctionProto
{
    public string Name { get; set; } = "";
    public string Domain { get; set; } = "";
    public List<string> Inputs { get; } = [];
    public List<string> Outputs { get; } = [];
    public List<string> AttributeNames { get; } = [];
    public List<OnnxNodeProto> Nodes { get; } = [];
    public List<OnnxOperatorSetId> OpsetImport { get; } = [];

    internal static OnnxFunctionProto Parse(ProtoReader r)
    {
        var fn = new OnnxFunctionProto();
        while (r.TryReadTag(out int f, out var w))
        {
            switch (f)
            {
                case 1: r.Expect(w, WireType.LengthDelimited, f); fn.Name = r.ReadString(); break;
                case 4: r.Expect(w, WireType.LengthDelimited, f); fn.Inputs.Add(r.ReadString()); break;
                case 5: r.Expect(w, WireType.LengthDelimited, f); fn.Outputs.Add(r.ReadString()); break;
                case 6: r.Expect(w, WireType.LengthDelimited, f); fn.AttributeNames.Add(r.ReadString()); break;
                case 7: r.Expect(w, WireType.LengthDelimited, f); fn.Nodes.Add(OnnxNodeProto.Parse(r.ReadMessage())); break;
                case 9: r.Expect(w, WireType.LengthDelimited, f); fn.OpsetImport.Add(OnnxOperatorSetId.Parse(r.ReadMessage())); break;
                case 10: r.Expect(w, WireType.LengthDelimited, f); fn.Domain = r.ReadString(); break;
                default: r.Skip(w); break;
            }
        }
        return fn;
    }
}

/// <summary>Entry points: parse a whole model or a single TensorProto (the test-data .pb files).</summary>
public static class OnnxProtoParser
{
    /// <summary>Parses ModelProto bytes; malformed bytes throw <see cref="LiteRtCompileException"/> LRT1002.</summary>
    public static OnnxModelProto ParseModel(ReadOnlyMemory<byte> bytes, string? file = null)
    {
        try
        {
            return OnnxModelProto.Parse(new ProtoReader(bytes));
        }
        catch (ProtoException e)
        {
            throw new LiteRtCompileException(ErrorCodes.BadProtobuf, "not a valid ONNX model: " + e.Message, file: file);
        }
    }

    public static OnnxTensorProto ParseTensor(ReadOnlyMemory<byte> bytes, string? file = null)
    {
        try
        {
            return OnnxTensorProto.Parse(new ProtoReader(bytes));
        }
        catch (ProtoException e)
        {
            throw new LiteRtCompileException(ErrorCodes.BadProtobuf, "not a valid ONNX TensorProto: " + e.Message, file: file);
        }
    }
}
