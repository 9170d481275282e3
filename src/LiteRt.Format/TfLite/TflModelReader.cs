using LiteRt.Format.FlatBuffers;
using LiteRt.Format.Schema;

namespace LiteRt.Format.TfLite;

/// <summary>Returns <paramref name="length"/> bytes of a model file starting at <paramref name="offset"/> (already bounds-checked).</summary>
public delegate ReadOnlyMemory<byte> FileSlicer(long offset, int length);

/// <summary>
/// Parses a .tflite FlatBuffer eagerly into the <see cref="TflModel"/> object model. Bulk data (buffer contents,
/// custom options) are zero-copy slices of the source; everything is validated and malformed input throws
/// <see cref="LiteRtFormatException"/>. Field ids are the schema's declaration order.
/// </summary>
public static class TflModelReader
{
    /// <summary>The .tflite file identifier (bytes 4..7).</summary>
    public const string FileIdentifier = "TFL3";

    /// <summary>Parses a whole .tflite file held in memory.</summary>
    public static TflModel Read(ReadOnlyMemory<byte> file) =>
        Read(file, file.Length, (offset, length) => file.Slice((int)offset, length));

    /// <summary>
    /// Parses the FlatBuffer part of a file that may be larger than the FlatBuffer itself (&gt;2 GB layout).
    /// Buffers stored as offset/size are resolved with <paramref name="slice"/> after checking they lie inside
    /// <paramref name="fileLength"/>.
    /// </summary>
    public static TflModel Read(ReadOnlyMemory<byte> flatBuffer, long fileLength, FileSlicer slice)
    {
        var reader = new FlatBufferReader(flatBuffer);
        var root = reader.GetRoot("Model", FileIdentifier);
        return new Parser(fileLength, slice).Model(root);
    }

    private sealed class Parser(long fileLength, FileSlicer slice)
    {
        public TflModel Model(FbTable t) => new()
        {
            Version = t.GetUInt32(0, "version"),
            OperatorCodes = List(t.GetTableVector(1, "operator_codes", "OperatorCode"), OperatorCode),
            Subgraphs = List(t.GetTableVector(2, "subgraphs", "SubGraph"), SubGraph),
            Description = t.GetString(3, "description"),
            Buffers = List(t.GetTableVector(4, "buffers", "Buffer"), Buffer),
            MetadataBuffer = t.GetArray<int>(5, "metadata_buffer"),
            Metadata = List(t.GetTableVector(6, "metadata", "Metadata"), Metadata),
            SignatureDefs = List(t.GetTableVector(7, "signature_defs", "SignatureDef"), SignatureDef),
            ExternalBufferGroups = List(t.GetTableVector(8, "external_buffer_groups", "ExternalBufferGroup"),
                g => new TflExternalBufferGroup { Name = g.GetString(0, "name") }),
            ExternalBuffers = List(t.GetTableVector(9, "external_buffers", "ExternalBuffer"), ExternalBuffer),
        };

        private static List<T>? List<T>(FbTableVector? vector, Func<FbTable, T> read)
        {
            if (vector is not { } v) return null;
            var list = new List<T>(v.Count); // count was checked against the bytes present
            for (int i = 0; i < v.Count; i++) list.Add(read(v[i]));
            return list;
        }

        private static TflOperatorCode OperatorCode(FbTable t) => new()
        {
            DeprecatedBuiltinCode = t.GetInt8(0, "deprecated_builtin_code"),
            CustomCode = t.GetString(1, "custom_code"),
            Version = t.GetInt32(2, "version", 1),
            BuiltinCode = (BuiltinOperator)t.GetInt32(3, "builtin_code"),
        };

        private TflSubGraph SubGraph(FbTable t) => new()
        {
            Tensors = List(t.GetTableVector(0, "tensors", "Tensor"), Tensor),
            Inputs = t.GetArray<int>(1, "inputs"),
            Outputs = t.GetArray<int>(2, "outputs"),
            Operators = List<TflOperator>(t.GetTableVector(3, "operators", "Operator"), Operator),
            Name = t.GetString(4, "name"),
            DebugMetadataIndex = t.GetInt32(5, "debug_metadata_index", -1),
        };

        private static TflTensor Tensor(FbTable t) => new()
        {
            Shape = t.GetArray<int>(0, "shape"),
            Type = (TensorType)t.GetInt8(1, "type"),
            Buffer = t.GetUInt32(2, "buffer"),
            Name = t.GetString(3, "name"),
            Quantization = t.GetTable(4, "quantization", "QuantizationParameters") is { } q ? Quantization(q) : null,
            IsVariable = t.GetBool(5, "is_variable"),
            Sparsity = t.GetTable(6, "sparsity", "SparsityParameters") is { } s ? Sparsity(s) : null,
            ShapeSignature = t.GetArray<int>(7, "shape_signature"),
            HasRank = t.GetBool(8, "has_rank"),
            VariantTensors = List(t.GetTableVector(9, "variant_tensors", "VariantSubType"), v => new TflVariantSubType
            {
                Shape = v.GetArray<int>(0, "shape"),
                Type = (TensorType)v.GetInt8(1, "type"),
                HasRank = v.GetBool(2, "has_rank"),
            }),
            ExternalBuffer = t.GetUInt32(10, "external_buffer"),
        };

        private static TflQuantizationParameters Quantization(FbTable t)
        {
            var q = new TflQuantizationParameters
            {
                Min = t.GetArray<float>(0, "min"),
                Max = t.GetArray<float>(1, "max"),
                Scale = t.GetArray<float>(2, "scale"),
                ZeroPoint = t.GetArray<long>(3, "zero_point"),
                DetailsType = (QuantizationDetailsType)t.GetUInt8(4, "details_type"),
                QuantizedDimension = t.GetInt32(6, "quantized_dimension"),
            };
            switch (q.DetailsType)
            {
                case QuantizationDetailsType.None:
                    break;
                case QuantizationDetailsType.CustomQuantization:
                    if (t.GetTable(5, "details", "CustomQuantization") is { } c)
                        q.CustomDetails = new TflCustomQuantization { Custom = c.GetBytes(0, "custom") };
                    break;
                case QuantizationDetailsType.BlockwiseQuantization:
                    if (t.GetTable(5, "details", "BlockwiseQuantization") is { } b)
                        q.BlockwiseDetails = new TflBlockwiseQuantization
                        {
                            Scales = b.GetInt32(0, "scales"),
                            ZeroPoints = b.GetInt32(1, "zero_points"),
                            BlockSize = b.GetInt32(2, "block_size"),
                        };
                    break;
                case QuantizationDetailsType.MultiAxisQuantization:
                    if (t.GetTable(5, "details", "MultiAxisQuantization") is { } m)
                        q.MultiAxisDetails = new TflMultiAxisQuantization
                        {
                            Scales = m.GetInt32(0, "scales"),
                            ZeroPoints = m.GetInt32(1, "zero_points"),
                            BlockSize = m.GetInt32(2, "block_size"),
                            QuantizedDimensions = m.GetArray<int>(3, "quantized_dimensions"),
                        };
                    break;
                default:
                    throw new LiteRtFormatException("QuantizationParameters", "details_type", t.Position,
                        $"unknown QuantizationDetails union tag {(byte)q.DetailsType}");
            }
            return q;
        }

        private static TflSparsityParameters Sparsity(FbTable t) => new()
        {
            TraversalOrder = t.GetArray<int>(0, "traversal_order"),
            BlockMap = t.GetArray<int>(1, "block_map"),
            DimMetadata = List(t.GetTableVector(2, "dim_metadata", "DimensionMetadata"), d => new TflDimensionMetadata
            {
                Format = (DimensionType)d.GetInt8(0, "format"),
                DenseSize = d.GetInt32(1, "dense_size"),
                ArraySegments = SparseIndexVector(d, 2, "array_segments"),
                ArrayIndices = SparseIndexVector(d, 4, "array_indices"),
            }),
        };

        /// <summary>Union <c>SparseIndexVector</c>: type at <paramref name="typeId"/>, value at the next id.</summary>
        private static TflSparseIndexVector? SparseIndexVector(FbTable t, int typeId, string field)
        {
            var type = (SparseIndexVectorType)t.GetUInt8(typeId, field + "_type");
            if (type == SparseIndexVectorType.None) return null;
            var v = new TflSparseIndexVector { Type = type };
            switch (type)
            {
                case SparseIndexVectorType.Int32Vector:
                    v.Int32Values = t.GetTable(typeId + 1, field, "Int32Vector")?.GetArray<int>(0, "values");
                    break;
                case SparseIndexVectorType.Uint16Vector:
                    v.Uint16Values = t.GetTable(typeId + 1, field, "Uint16Vector")?.GetArray<ushort>(0, "values");
                    break;
                case SparseIndexVectorType.Uint8Vector:
                    v.Uint8Values = t.GetTable(typeId + 1, field, "Uint8Vector")?.GetArray<byte>(0, "values");
                    break;
                default:
                    throw new LiteRtFormatException("DimensionMetadata", field + "_type", t.Position,
                        $"unknown SparseIndexVector union tag {(byte)type}");
            }
            return v;
        }

        private TflOperator Operator(FbTable t)
        {
            var op = new TflOperator
            {
                OpcodeIndex = t.GetUInt32(0, "opcode_index"),
                Inputs = t.GetArray<int>(1, "inputs"),
                Outputs = t.GetArray<int>(2, "outputs"),
                CustomOptions = t.GetBytes(5, "custom_options"),
                CustomOptionsFormat = (CustomOptionsFormat)t.GetInt8(6, "custom_options_format"),
                MutatingVariableInputs = t.GetBoolArray(7, "mutating_variable_inputs"),
                Intermediates = t.GetArray<int>(8, "intermediates"),
                LargeCustomOptionsOffset = t.GetUInt64(9, "large_custom_options_offset"),
                LargeCustomOptionsSize = t.GetUInt64(10, "large_custom_options_size"),
                DebugMetadataIndex = t.GetInt32(13, "debug_metadata_index", -1),
            };

            var type1 = (BuiltinOptionsType)t.GetUInt8(3, "builtin_options_type");
            if (type1 != BuiltinOptionsType.None)
            {
                var d = OptionsSchema.TryGet(type1) ?? throw new LiteRtFormatException("Operator", "builtin_options_type",
                    t.Position, $"unknown BuiltinOptions union tag {(byte)type1}");
                op.BuiltinOptions = Options(t, 4, "builtin_options", d);
            }
            var type2 = (BuiltinOptions2Type)t.GetUInt8(11, "builtin_options_2_type");
            if (type2 != BuiltinOptions2Type.None)
            {
                var d = OptionsSchema.TryGet(type2) ?? throw new LiteRtFormatException("Operator", "builtin_options_2_type",
                    t.Position, $"unknown BuiltinOptions2 union tag {(byte)type2}");
                op.BuiltinOptions2 = Options(t, 12, "builtin_options_2", d);
            }

            // >2 GB layout: custom options stored after the FlatBuffer.
            if (op.CustomOptions is null && op.LargeCustomOptionsOffset > 1)
                op.CustomOptions = External(op.LargeCustomOptionsOffset, op.LargeCustomOptionsSize, "Operator", "large_custom_options_offset", t.Position);
            return op;
        }

        /// <summary>A union value whose table is absent reads as an options table with every field at its default.</summary>
        private static OptionsTable Options(FbTable t, int id, string field, OptionsTableDescriptor d) =>
            t.GetTable(id, field, d.Name) is { } o ? OptionsCodec.Read(o, d) : new OptionsTable(d);

        private TflBuffer Buffer(FbTable t)
        {
            var b = new TflBuffer
            {
                Data = t.GetBytes(0, "data"),
                Offset = t.GetUInt64(1, "offset"),
                Size = t.GetUInt64(2, "size"),
            };
            if (b.Data is null && b.IsExternal)
                b.Data = External(b.Offset, b.Size, "Buffer", "offset", t.Position);
            return b;
        }

        /// <summary>Resolves data stored after the FlatBuffer, relative to the start of the file.</summary>
        private ReadOnlyMemory<byte> External(ulong offset, ulong size, string table, string field, long position)
        {
            if (offset > (ulong)fileLength || size > (ulong)fileLength - offset)
                throw new LiteRtFormatException(table, field, position,
                    $"data at offset {offset} of {size} bytes lies outside the {fileLength}-byte file");
            if (size > int.MaxValue)
                throw new LiteRtFormatException(table, field, position, $"data of {size} bytes exceeds the 2 GB limit of one buffer");
            return slice((long)offset, (int)size);
        }

        private static TflMetadata Metadata(FbTable t) => new()
        {
            Name = t.GetString(0, "name"),
            Buffer = t.GetUInt32(1, "buffer"),
        };

        private static TflSignatureDef SignatureDef(FbTable t) => new()
        {
            Inputs = List(t.GetTableVector(0, "inputs", "TensorMap"), TensorMap),
            Outputs = List(t.GetTableVector(1, "outputs", "TensorMap"), TensorMap),
            SignatureKey = t.GetString(2, "signature_key"),
            DeprecatedTag = t.GetString(3, "deprecated_tag"),
            SubgraphIndex = t.GetUInt32(4, "subgraph_index"),
        };

        private static TflTensorMap TensorMap(FbTable t) => new()
        {
            Name = t.GetString(0, "name"),
            TensorIndex = t.GetUInt32(1, "tensor_index"),
        };

        private static TflExternalBuffer ExternalBuffer(FbTable t) => new()
        {
            Id = t.GetUInt32(0, "id"),
            Group = t.GetUInt32(1, "group"),
            Offset = t.GetUInt64(2, "offset"),
            Length = t.GetUInt64(3, "length"),
            Packing = t.GetString(4, "packing"),
        };
    }
}
