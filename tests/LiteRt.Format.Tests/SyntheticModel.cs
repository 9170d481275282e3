using LiteRt.Format.Schema;
using LiteRt.Format.TfLite;

namespace LiteRt.Format.Tests;

/// <summary>
/// A small model built in code that uses every part of the schema the reader handles (both option unions,
/// quantization details, sparsity, variant tensors, signatures, metadata, external buffer tables), so tests and
/// the fuzzer run even without ../shared.
/// </summary>
internal static class SyntheticModel
{
    public static TflModel Create(string? description = "synthetic", int[]? metadataBuffer = null)
    {
        var weights = new byte[64];
        for (int i = 0; i < weights.Length; i++) weights[i] = (byte)(i * 7);
        var model = new TflModel
        {
            Description = description,
            MetadataBuffer = metadataBuffer,
            OperatorCodes =
            [
                TflOperatorCode.ForBuiltin(BuiltinOperator.Add),
                TflOperatorCode.ForBuiltin(BuiltinOperator.StablehloGather, version: 2),
                new TflOperatorCode { BuiltinCode = BuiltinOperator.Custom, DeprecatedBuiltinCode = 32, CustomCode = "MyCustomOp" },
            ],
            Buffers =
            [
                new TflBuffer(),
                new TflBuffer { Data = weights },
                new TflBuffer { Data = new byte[] { 1, 2, 3 } },
                new TflBuffer { Data = "1.5.0\0"u8.ToArray() },
            ],
            Metadata = [new TflMetadata { Name = "min_runtime_version", Buffer = 3 }],
            SignatureDefs =
            [
                new TflSignatureDef
                {
                    SignatureKey = "serving_default",
                    Inputs = [new TflTensorMap { Name = "x", TensorIndex = 0 }],
                    Outputs = [new TflTensorMap { Name = "y", TensorIndex = 2 }],
                },
            ],
            ExternalBufferGroups = [new TflExternalBufferGroup { Name = "weights.bin" }],
            ExternalBuffers = [new TflExternalBuffer { Id = 1, Group = 0, Offset = 4096, Length = 128, Packing = "unpacked" }],
            Subgraphs = [MainGraph(), SecondGraph()],
        };
        return model;
    }

    public static byte[] Bytes(string? description = "synthetic", int[]? metadataBuffer = null) =>
        TflModelWriter.WriteToArray(Create(description, metadataBuffer));

    private static TflSubGraph MainGraph() => new()
    {
        Name = "main",
        Inputs = [0],
        Outputs = [2],
        Tensors =
        [
            new TflTensor { Name = "x", Shape = [1, 4], ShapeSignature = [-1, 4], Type = TensorType.Int8, HasRank = true,
                Quantization = new TflQuantizationParameters { Scale = [0.5f], ZeroPoint = [-3], Min = [-1f], Max = [1f] } },
            new TflTensor { Name = "w", Shape = [4, 4], Type = TensorType.Int8, Buffer = 1,
                Quantization = new TflQuantizationParameters
                {
                    Scale = [0.1f, 0.2f, 0.3f, 0.4f], ZeroPoint = [0, 0, 0, 0], QuantizedDimension = 0,
                    DetailsType = QuantizationDetailsType.CustomQuantization,
                    CustomDetails = new TflCustomQuantization { Custom = new byte[] { 9, 8, 7 } },
                },
                Sparsity = new TflSparsityParameters
                {
                    TraversalOrder = [0, 1], BlockMap = [],
                    DimMetadata =
                    [
                        new TflDimensionMetadata { Format = DimensionType.Dense, DenseSize = 4 },
                        new TflDimensionMetadata
                        {
                            Format = DimensionType.SparseCsr,
                            ArraySegments = new TflSparseIndexVector { Type = SparseIndexVectorType.Int32Vector, Int32Values = [0, 2, 4] },
                            ArrayIndices = new TflSparseIndexVector { Type = SparseIndexVectorType.Uint8Vector, Uint8Values = [1, 3, 0, 2] },
                        },
                    ],
                } },
            new TflTensor { Name = "y", Shape = [1, 4], Type = TensorType.Int8,
                Quantization = new TflQuantizationParameters
                {
                    DetailsType = QuantizationDetailsType.BlockwiseQuantization,
                    BlockwiseDetails = new TflBlockwiseQuantization { Scales = 1, ZeroPoints = -1, BlockSize = 32 },
                } },
            new TflTensor { Name = "list", Type = TensorType.Variant, IsVariable = true,
                VariantTensors = [new TflVariantSubType { Shape = [2, 2], Type = TensorType.Float32, HasRank = true }] },
            new TflTensor { Name = "z", Shape = [], Type = TensorType.Float32, Buffer = 2, ExternalBuffer = 1,
                Quantization = new TflQuantizationParameters
                {
                    DetailsType = QuantizationDetailsType.MultiAxisQuantization,
                    MultiAxisDetails = new TflMultiAxisQuantization { Scales = 1, ZeroPoints = 2, BlockSize = 0, QuantizedDimensions = [0, 1] },
                } },
        ],
        Operators =
        [
            new TflOperator
            {
                OpcodeIndex = 0, Inputs = [0, 1], Outputs = [2],
                BuiltinOptions = OptionsTable.Create(BuiltinOptionsType.AddOptions)
                    .Set("fused_activation_function", ActivationFunctionType.Relu6).Set("pot_scale_int16", true),
            },
            new TflOperator
            {
                OpcodeIndex = 1, Inputs = [0, -1], Outputs = [4], Intermediates = [3], MutatingVariableInputs = [false, true],
                BuiltinOptions2 = OptionsTable.Create(BuiltinOptions2Type.StablehloGatherOptions)
                    .Set("offset_dims", new long[] { 1, 2 }).Set("index_vector_dim", 5_000_000_000L)
                    .Set("slice_sizes", new long[] { 1, 4 }).Set("indices_are_sorted", true),
                DebugMetadataIndex = 7,
            },
            new TflOperator
            {
                OpcodeIndex = 2, Inputs = [2], Outputs = [3],
                CustomOptions = new byte[] { 0xAA, 0xBB, 0xCC }, CustomOptionsFormat = CustomOptionsFormat.Flexbuffers,
            },
        ],
    };

    private static TflSubGraph SecondGraph() => new()
    {
        Name = "empty_ops",
        Tensors = [new TflTensor { Name = "only", Shape = [3] }],
        Inputs = [0],
        Outputs = [0],
        Operators = [],
        DebugMetadataIndex = 2,
    };
}
