using System.Buffers.Binary;
using LiteRt.Format.Schema;
using LiteRt.Graph;

namespace LiteRt.Compiler.Import.HuggingFace;

/// <summary>How converted weight matrices are stored (norms, biases and RoPE tables always stay float32).</summary>
public enum LlmWeightType
{
    /// <summary>float32 everywhere.</summary>
    Float32,
    /// <summary>FLOAT16 matrices, DEQUANTIZE before each FULLY_CONNECTED; the embedding table stays float32.</summary>
    Float16,
    /// <summary>int8 symmetric per output channel; FULLY_CONNECTED runs hybrid (activations quantized on the fly).</summary>
    DynamicInt8,
    /// <summary>int4 in blocks of 32 with FLOAT16 scales (int8 where a row is not a multiple of 32, and for the embedding).</summary>
    BlockwiseInt4,
}

/// <summary>
/// One stored weight of the output model, shared by every signature's subgraph (one file buffer): its type, shape,
/// quantization and a streamed buffer that converts the checkpoint tensor only when the file is written.
/// </summary>
internal sealed record StoredWeight(string Name, TensorType Type, int[] Shape, DataBuffer Buffer, QuantizationParams? Quantization, StoredWeight? Scales = null);

/// <summary>Creates <see cref="StoredWeight"/>s from checkpoint tensors: scales are computed now, values at write time.</summary>
internal sealed class DecoderWeights(ConversionSlot slot)
{
    public const int Int4Block = 32;

    public int Count { get; private set; }

    private DataBuffer Streamed(long bytes, Action<Span<byte>> produce, string name)
    {
        if (bytes > Array.MaxLength)
            throw new LiteRtCompileException(ErrorCodes.BadCheckpointTensor, $"tensor '{name}' converts to {bytes} bytes; one tensor must stay under 2 GB");
        Count++;
        return new DataBuffer(new StreamedBlob((int)Math.Max(bytes, 1), produce, slot).Memory);
    }

    public StoredWeight Float32(CheckpointTensor t, string name) =>
        new(name, TensorType.Float32, t.Shape, Streamed(t.ElementCount * 4, d => WeightEncoder.Float32(t, d), name), null);

    /// <summary>A small float32 constant computed here (RoPE tables), kept in memory.</summary>
    public static StoredWeight Constant(string name, int[] shape, float[] values)
    {
        var bytes = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), values[i]);
        return new(name, TensorType.Float32, shape, new DataBuffer(bytes), null);
    }

    /// <summary>A [rows, cols] matrix stored as <paramref name="type"/> (int4 falls back to int8 when cols is not a block multiple).</summary>
    public StoredWeight Matrix(CheckpointTensor t, string name, LlmWeightType type)
    {
        int rows = t.Shape[0], cols = t.Shape[1];
        switch (type)
        {
            case LlmWeightType.Float16:
                return new(name, TensorType.Float16, t.Shape, Streamed(t.ElementCount * 2, d => WeightEncoder.Float16(t, cols, d), name), null);
            case LlmWeightType.DynamicInt8:
            case LlmWeightType.BlockwiseInt4 when cols % Int4Block != 0:
            {
                var scales = WeightEncoder.Int8Scales(t, rows, cols);
                var q = new QuantizationParams { Scale = scales, ZeroPoint = new long[rows], QuantizedDimension = 0 };
                return new(name, TensorType.Int8, t.Shape, Streamed(t.ElementCount, d => WeightEncoder.Int8(t, scales, cols, d), name), q);
            }
            case LlmWeightType.BlockwiseInt4:
            {
                var scales = WeightEncoder.Int4Scales(t, rows, cols, Int4Block);
                var scaleBytes = new byte[scales.Length * 2];
                for (int i = 0; i < scales.Length; i++) BinaryPrimitives.WriteHalfLittleEndian(scaleBytes.AsSpan(i * 2), scales[i]);
                var scaleWeight = new StoredWeight(name + "_scale", TensorType.Float16, [rows, cols / Int4Block], new DataBuffer(scaleBytes), null);
                // Quantization.Blockwise.Scales is a tensor index, set per subgraph when the tensors are created.
                var q = new QuantizationParams { DetailsType = QuantizationDetailsType.BlockwiseQuantization };
                return new(name, TensorType.Int4, t.Shape, Streamed((t.ElementCount + 1) / 2, d => WeightEncoder.Int4(t, scales, cols, Int4Block, d), name), q, scaleWeight);
            }
            default:
                return Float32(t, name);
        }
    }
}
