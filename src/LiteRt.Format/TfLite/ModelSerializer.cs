using LiteRt.Format.FlatBuffers;
using LiteRt.Format.Schema;

namespace LiteRt.Format.TfLite;

/// <summary>
/// Turns the object model into a FlatBuffer. Field ids are the schema's declaration order. Scalars equal to their
/// schema default are omitted; null strings/vectors/tables are omitted, empty ones are written. Within a table,
/// wider scalars are added first (less padding). Visiting order is fixed, so output is deterministic.
/// </summary>
internal sealed class ModelSerializer(TflModelWriter.Placement? placement)
{
    private readonly FlatBufferBuilder _b = new(1 << 16);

    public FlatBufferBuilder Serialize(TflModel m)
    {
        // Buffers first: the builder writes back to front, so their data end up at the end of the file.
        int buffers = 0;
        if (m.Buffers is { } list)
        {
            var offsets = new int[list.Count];
            for (int i = 0; i < list.Count; i++) offsets[i] = Buffer(Required(list[i], "Model.buffers"), i);
            buffers = _b.CreateOffsetVector(offsets);
        }
        int opcodes = Tables(m.OperatorCodes, OperatorCode);
        int subgraphs = Tables(m.Subgraphs, SubGraph);
        int description = Str(m.Description);
        int metadataBuffer = Vec(m.MetadataBuffer);
        int metadata = Tables(m.Metadata, Metadata);
        int signatures = Tables(m.SignatureDefs, SignatureDef);
        int groups = Tables(m.ExternalBufferGroups, g =>
        {
            int name = Str(g.Name);
            _b.StartTable(1);
            _b.AddOffset(0, name);
            return _b.EndTable();
        });
        int externals = Tables(m.ExternalBuffers, ExternalBuffer);

        _b.StartTable(10);
        _b.AddScalar(0, m.Version, 0u);
        _b.AddOffset(1, opcodes);
        _b.AddOffset(2, subgraphs);
        _b.AddOffset(3, description);
        _b.AddOffset(4, buffers);
        _b.AddOffset(5, metadataBuffer);
        _b.AddOffset(6, metadata);
        _b.AddOffset(7, signatures);
        _b.AddOffset(8, groups);
        _b.AddOffset(9, externals);
        int model = _b.EndTable();
        _b.Finish(model, TflModelReader.FileIdentifier);
        return _b;
    }

    private static T Required<T>(T? value, string where) where T : class =>
        value ?? throw new ArgumentException($"{where} contains a null element.");

    private int Str(string? s) => s is null ? 0 : _b.CreateString(s);

    private int Vec<T>(T[]? values, int alignment = 1) where T : unmanaged =>
        values is null ? 0 : _b.CreateVector<T>(values, alignment);

    private int Tables<T>(List<T>? list, Func<T, int> write) where T : class
    {
        if (list is null) return 0;
        var offsets = new int[list.Count];
        for (int i = 0; i < list.Count; i++) offsets[i] = write(Required(list[i], typeof(T).Name + " list"));
        return _b.CreateOffsetVector(offsets);
    }

    private int Buffer(TflBuffer buf, int index)
    {
        int data = 0;
        ulong offset = buf.Offset, size = buf.Size;
        if (buf.Data is { } bytes)
        {
            if (placement is not null && index > 0 && bytes.Length > 0)
            {
                // >2 GB layout: the bytes follow the FlatBuffer. Buffer 0 stays the empty sentinel.
                offset = placement.Place(buf, bytes);
                size = (ulong)bytes.Length;
            }
            else
            {
                data = _b.CreateByteVector(bytes, alignment: 16, copy: false);
                if (buf.IsExternal) offset = size = 0; // was external when read; now inline
            }
        }
        _b.StartTable(3);
        _b.AddScalar(1, offset, 0ul);
        _b.AddScalar(2, size, 0ul);
        _b.AddOffset(0, data);
        return _b.EndTable();
    }

    private int OperatorCode(TflOperatorCode c)
    {
        int custom = Str(c.CustomCode);
        _b.StartTable(4);
        _b.AddScalar(2, c.Version, 1);
        _b.AddScalar(3, (int)c.BuiltinCode, 0);
        _b.AddOffset(1, custom);
        _b.AddScalar(0, c.DeprecatedBuiltinCode, (sbyte)0);
        return _b.EndTable();
    }

    private int SubGraph(TflSubGraph g)
    {
        int tensors = Tables(g.Tensors, Tensor);
        int inputs = Vec(g.Inputs);
        int outputs = Vec(g.Outputs);
        int operators = Tables(g.Operators, Operator);
        int name = Str(g.Name);
        _b.StartTable(6);
        _b.AddOffset(0, tensors);
        _b.AddOffset(1, inputs);
        _b.AddOffset(2, outputs);
        _b.AddOffset(3, operators);
        _b.AddOffset(4, name);
        _b.AddScalar(5, g.DebugMetadataIndex, -1);
        return _b.EndTable();
    }

    private int Tensor(TflTensor t)
    {
        int shape = Vec(t.Shape);
        int name = Str(t.Name);
        int quantization = t.Quantization is { } q ? Quantization(q) : 0;
        int sparsity = t.Sparsity is { } s ? Sparsity(s) : 0;
        int signature = Vec(t.ShapeSignature);
        int variants = Tables(t.VariantTensors, v =>
        {
            int vshape = Vec(v.Shape);
            _b.StartTable(3);
            _b.AddOffset(0, vshape);
            _b.AddScalar(1, (sbyte)v.Type, (sbyte)0);
            _b.AddScalar(2, v.HasRank, false);
            return _b.EndTable();
        });
        _b.StartTable(11);
        _b.AddScalar(2, t.Buffer, 0u);
        _b.AddScalar(10, t.ExternalBuffer, 0u);
        _b.AddOffset(0, shape);
        _b.AddOffset(3, name);
        _b.AddOffset(4, quantization);
        _b.AddOffset(6, sparsity);
        _b.AddOffset(7, signature);
        _b.AddOffset(9, variants);
        _b.AddScalar(1, (sbyte)t.Type, (sbyte)0);
        _b.AddScalar(5, t.IsVariable, false);
        _b.AddScalar(8, t.HasRank, false);
        return _b.EndTable();
    }

    private int Quantization(TflQuantizationParameters q)
    {
        int min = Vec(q.Min);
        int max = Vec(q.Max);
        int scale = Vec(q.Scale);
        int zeroPoint = Vec(q.ZeroPoint);
        int details = q.DetailsType switch
        {
            QuantizationDetailsType.CustomQuantization when q.CustomDetails is { } c => CustomQuantization(c),
            QuantizationDetailsType.BlockwiseQuantization when q.BlockwiseDetails is { } bw => Blockwise(bw.Scales, bw.ZeroPoints, bw.BlockSize, null),
            QuantizationDetailsType.MultiAxisQuantization when q.MultiAxisDetails is { } ma => Blockwise(ma.Scales, ma.ZeroPoints, ma.BlockSize, ma.QuantizedDimensions),
            _ => 0,
        };
        _b.StartTable(7);
        _b.AddScalar(6, q.QuantizedDimension, 0);
        _b.AddOffset(0, min);
        _b.AddOffset(1, max);
        _b.AddOffset(2, scale);
        _b.AddOffset(3, zeroPoint);
        _b.AddOffset(5, details);
        _b.AddScalar(4, (byte)q.DetailsType, (byte)0);
        return _b.EndTable();
    }

    private int CustomQuantization(TflCustomQuantization c)
    {
        int custom = c.Custom is { } bytes ? _b.CreateByteVector(bytes, alignment: 16, copy: false) : 0;
        _b.StartTable(1);
        _b.AddOffset(0, custom);
        return _b.EndTable();
    }

    /// <summary>BlockwiseQuantization, or MultiAxisQuantization when <paramref name="dims"/> is given (same leading fields).</summary>
    private int Blockwise(int scales, int zeroPoints, int blockSize, int[]? dims)
    {
        int dimensions = Vec(dims);
        _b.StartTable(dims is null ? 3 : 4);
        _b.AddScalar(0, scales, 0);
        _b.AddScalar(1, zeroPoints, 0);
        _b.AddScalar(2, blockSize, 0);
        if (dims is not null) _b.AddOffset(3, dimensions);
        return _b.EndTable();
    }

    private int Sparsity(TflSparsityParameters s)
    {
        int traversal = Vec(s.TraversalOrder);
        int blockMap = Vec(s.BlockMap);
        int dims = Tables(s.DimMetadata, d =>
        {
            int segments = SparseIndexVector(d.ArraySegments);
            int indices = SparseIndexVector(d.ArrayIndices);
            _b.StartTable(6);
            _b.AddScalar(1, d.DenseSize, 0);
            _b.AddOffset(3, segments);
            _b.AddOffset(5, indices);
            _b.AddScalar(0, (sbyte)d.Format, (sbyte)0);
            _b.AddScalar(2, (byte)(d.ArraySegments?.Type ?? SparseIndexVectorType.None), (byte)0);
            _b.AddScalar(4, (byte)(d.ArrayIndices?.Type ?? SparseIndexVectorType.None), (byte)0);
            return _b.EndTable();
        });
        _b.StartTable(3);
        _b.AddOffset(0, traversal);
        _b.AddOffset(1, blockMap);
        _b.AddOffset(2, dims);
        return _b.EndTable();
    }

    private int SparseIndexVector(TflSparseIndexVector? v)
    {
        if (v is null || v.Type == SparseIndexVectorType.None) return 0;
        int values = v.Type switch
        {
            SparseIndexVectorType.Int32Vector => Vec(v.Int32Values),
            SparseIndexVectorType.Uint16Vector => Vec(v.Uint16Values, alignment: 4),
            SparseIndexVectorType.Uint8Vector => Vec(v.Uint8Values, alignment: 4),
            _ => throw new ArgumentException($"Unknown SparseIndexVector type {v.Type}."),
        };
        _b.StartTable(1);
        _b.AddOffset(0, values);
        return _b.EndTable();
    }

    private int Operator(TflOperator op)
    {
        int inputs = Vec(op.Inputs);
        int outputs = Vec(op.Outputs);
        int options = op.BuiltinOptions is { } o1 ? OptionsCodec.Write(_b, Check(o1, options2: false)) : 0;
        ulong largeOffset = op.LargeCustomOptionsOffset, largeSize = op.LargeCustomOptionsSize;
        int custom = 0;
        if (op.CustomOptions is { } bytes)
        {
            if (largeOffset > 1 && placement is not null)
            {
                largeOffset = placement.Place(op, bytes); // stays outside the FlatBuffer
                largeSize = (ulong)bytes.Length;
            }
            else
            {
                custom = _b.CreateByteVector(bytes, copy: false);
                if (largeOffset > 1) largeOffset = largeSize = 0; // was external when read; now inline
            }
        }
        int mutating = Vec(op.MutatingVariableInputs);
        int intermediates = Vec(op.Intermediates);
        int options2 = op.BuiltinOptions2 is { } o2 ? OptionsCodec.Write(_b, Check(o2, options2: true)) : 0;

        _b.StartTable(14);
        _b.AddScalar(9, largeOffset, 0ul);
        _b.AddScalar(10, largeSize, 0ul);
        _b.AddScalar(0, op.OpcodeIndex, 0u);
        _b.AddOffset(1, inputs);
        _b.AddOffset(2, outputs);
        _b.AddOffset(4, options);
        _b.AddOffset(5, custom);
        _b.AddOffset(7, mutating);
        _b.AddOffset(8, intermediates);
        _b.AddOffset(12, options2);
        _b.AddScalar(13, op.DebugMetadataIndex, -1);
        _b.AddScalar(3, op.BuiltinOptions?.Descriptor.Tag ?? 0, (byte)0);
        _b.AddScalar(6, (sbyte)op.CustomOptionsFormat, (sbyte)0);
        _b.AddScalar(11, op.BuiltinOptions2?.Descriptor.Tag ?? 0, (byte)0);
        return _b.EndTable();
    }

    private static OptionsTable Check(OptionsTable o, bool options2) => o.Descriptor.IsOptions2 == options2
        ? o
        : throw new ArgumentException($"{o.Name} belongs to {(o.Descriptor.IsOptions2 ? "BuiltinOptions2" : "BuiltinOptions")}, " +
                                      $"not {(options2 ? "BuiltinOptions2" : "BuiltinOptions")}.");

    private int Metadata(TflMetadata m)
    {
        int name = Str(m.Name);
        _b.StartTable(2);
        _b.AddOffset(0, name);
        _b.AddScalar(1, m.Buffer, 0u);
        return _b.EndTable();
    }

    private int SignatureDef(TflSignatureDef s)
    {
        int inputs = Tables(s.Inputs, TensorMap);
        int outputs = Tables(s.Outputs, TensorMap);
        int key = Str(s.SignatureKey);
        int tag = Str(s.DeprecatedTag);
        _b.StartTable(5);
        _b.AddOffset(0, inputs);
        _b.AddOffset(1, outputs);
        _b.AddOffset(2, key);
        _b.AddOffset(3, tag);
        _b.AddScalar(4, s.SubgraphIndex, 0u);
        return _b.EndTable();
    }

    private int TensorMap(TflTensorMap t)
    {
        int name = Str(t.Name);
        _b.StartTable(2);
        _b.AddOffset(0, name);
        _b.AddScalar(1, t.TensorIndex, 0u);
        return _b.EndTable();
    }

    private int ExternalBuffer(TflExternalBuffer e)
    {
        int packing = Str(e.Packing);
        _b.StartTable(5);
        _b.AddScalar(2, e.Offset, 0ul);
        _b.AddScalar(3, e.Length, 0ul);
        _b.AddScalar(0, e.Id, 0u);
        _b.AddScalar(1, e.Group, 0u);
        _b.AddOffset(4, packing);
        return _b.EndTable();
    }
}
