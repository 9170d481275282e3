using System.Buffers.Binary;
using LiteRt.Format.Schema;

namespace LiteRt.Graph;

/// <summary>
/// Decoding and encoding of tensor bytes (little-endian, row-major; INT4/UINT4 packed two per byte, low nibble first)
/// to and from real values, with per-tensor or per-axis affine quantization.
/// </summary>
public static class TensorData
{
    /// <summary>Integer contents of a constant tensor (any integer type), e.g. a shape or an axis list.</summary>
    public static long[] ReadInts(Tensor t)
    {
        var bytes = t.DataBytes;
        long count = Shapes.ElementCount(t.Shape);
        if (count < 0 || t.Type.ByteCount(count) > bytes.Length)
            throw new LiteRtModelException($"constant tensor {t} holds {bytes.Length} bytes, fewer than its shape needs");
        var r = new long[count];
        for (int i = 0; i < count; i++) r[i] = ReadRawInteger(t.Type, bytes, i);
        return r;
    }

    /// <summary>Real values of raw tensor bytes: dequantized when <paramref name="q"/> is set.</summary>
    public static double[] Decode(TensorType type, ReadOnlySpan<byte> bytes, int[] shape, QuantizationParams? q)
    {
        long count = Shapes.ElementCount(shape);
        if (count < 0) throw new ArgumentException("shape has unknown dims");
        if (type.ByteCount(count) > bytes.Length)
            throw new LiteRtModelException($"{type.Name()}{Shapes.Format(shape)} needs {type.ByteCount(count)} bytes, got {bytes.Length}");
        var r = new double[count];
        bool quantized = q is { IsEmpty: false } && q.Scale is { Length: > 0 };
        int axisSize = 1; long inner = 1;
        if (quantized && q!.IsPerChannel) (axisSize, inner) = AxisLayout(shape, q.QuantizedDimension, q.Scale!.Length);
        for (long i = 0; i < count; i++)
        {
            double v = ReadRaw(type, bytes, i);
            if (quantized)
            {
                int c = q!.IsPerChannel ? (int)(i / inner % axisSize) : 0;
                v = q.ScaleAt(c) * (v - q.ZeroPointAt(c));
            }
            r[i] = v;
        }
        return r;
    }

    public static double[] Decode(Tensor t) => Decode(t.Type, t.DataBytes, t.Shape, t.Quantization);

    /// <summary>Raw bytes for real values: quantized (round half away from zero, clamped) when <paramref name="q"/> is set.</summary>
    public static byte[] Encode(TensorType type, ReadOnlySpan<double> values, int[] shape, QuantizationParams? q)
    {
        var bytes = new byte[type.ByteCount(values.Length)];
        bool quantized = q is { IsEmpty: false } && q.Scale is { Length: > 0 };
        int axisSize = 1; long inner = 1;
        if (quantized && q!.IsPerChannel) (axisSize, inner) = AxisLayout(shape, q.QuantizedDimension, q.Scale!.Length);
        for (int i = 0; i < values.Length; i++)
        {
            double v = values[i];
            if (quantized)
            {
                int c = q!.IsPerChannel ? (int)(i / inner % axisSize) : 0;
                v = QuantizeValue(v, q.ScaleAt(c), q.ZeroPointAt(c), type);
            }
            WriteRaw(type, bytes, i, v);
        }
        return bytes;
    }

    /// <summary>round(real / scale) + zero_point, clamped to the type's range (TFLite rounds half away from zero).</summary>
    public static long QuantizeValue(double real, double scale, long zeroPoint, TensorType type)
    {
        var (min, max) = type.IntegerRange();
        double q = Math.Round(real / scale, MidpointRounding.AwayFromZero) + zeroPoint;
        if (double.IsNaN(q)) return zeroPoint;
        return (long)Math.Clamp(q, min, max);
    }

    /// <summary>Rounds real values to what the quantized type can represent (quantize then dequantize).</summary>
    public static void RoundToGrid(Span<double> values, TensorType type, int[] shape, QuantizationParams q)
    {
        int axisSize = 1; long inner = 1;
        if (q.IsPerChannel) (axisSize, inner) = AxisLayout(shape, q.QuantizedDimension, q.Scale!.Length);
        for (int i = 0; i < values.Length; i++)
        {
            int c = q.IsPerChannel ? (int)(i / inner % axisSize) : 0;
            double s = q.ScaleAt(c); long zp = q.ZeroPointAt(c);
            values[i] = s * (QuantizeValue(values[i], s, zp, type) - zp);
        }
    }

    /// <summary>Rounds real values to a non-quantized storage type (float32 precision, integer truncation, bool).</summary>
    public static void RoundToType(Span<double> values, TensorType type)
    {
        for (int i = 0; i < values.Length; i++)
        {
            double v = values[i];
            values[i] = type switch
            {
                TensorType.Float32 => (float)v,
                TensorType.Float16 => (double)(Half)v,
                TensorType.Bfloat16 => BFloat16ToDouble(DoubleToBFloat16(v)),
                TensorType.Bool => v != 0 ? 1 : 0,
                TensorType.Float64 => v,
                _ when type.IsInteger() => ClampToInteger(v, type),
                _ => v,
            };
        }
    }

    private static double ClampToInteger(double v, TensorType type)
    {
        var (min, max) = type.IntegerRange();
        if (double.IsNaN(v)) return 0;
        return Math.Clamp(Math.Truncate(v), min, max);
    }

    private static (int AxisSize, long Inner) AxisLayout(int[] shape, int dim, int scales)
    {
        // TFLite Micro writes per-channel 1-D bias tensors with the filter's quantized_dimension (e.g. 3); a 1-D
        // tensor has one axis, so that is the axis meant (docs/format.md, "Per-channel 1-D tensors").
        if (shape.Length == 1 && shape[0] == scales) dim = 0;
        if (dim < 0 || dim >= shape.Length || shape[dim] != scales)
            throw new LiteRtModelException($"per-axis quantization with {scales} scales does not match dimension {dim} of {Shapes.Format(shape)}");
        long inner = 1;
        for (int k = dim + 1; k < shape.Length; k++) inner *= shape[k];
        return (shape[dim], inner);
    }

    public static double ReadRaw(TensorType type, ReadOnlySpan<byte> b, long i) => type switch
    {
        TensorType.Float32 => BinaryPrimitives.ReadSingleLittleEndian(b[(int)(i * 4)..]),
        TensorType.Float64 => BinaryPrimitives.ReadDoubleLittleEndian(b[(int)(i * 8)..]),
        TensorType.Float16 => (double)BinaryPrimitives.ReadHalfLittleEndian(b[(int)(i * 2)..]),
        TensorType.Bfloat16 => BFloat16ToDouble(BinaryPrimitives.ReadUInt16LittleEndian(b[(int)(i * 2)..])),
        _ => ReadRawInteger(type, b, i),
    };

    public static long ReadRawInteger(TensorType type, ReadOnlySpan<byte> b, long i) => type switch
    {
        TensorType.Int8 => (sbyte)b[(int)i],
        TensorType.Uint8 or TensorType.Bool => b[(int)i],
        TensorType.Int16 => BinaryPrimitives.ReadInt16LittleEndian(b[(int)(i * 2)..]),
        TensorType.Uint16 => BinaryPrimitives.ReadUInt16LittleEndian(b[(int)(i * 2)..]),
        TensorType.Int32 => BinaryPrimitives.ReadInt32LittleEndian(b[(int)(i * 4)..]),
        TensorType.Uint32 => BinaryPrimitives.ReadUInt32LittleEndian(b[(int)(i * 4)..]),
        TensorType.Int64 => BinaryPrimitives.ReadInt64LittleEndian(b[(int)(i * 8)..]),
        TensorType.Uint64 => (long)BinaryPrimitives.ReadUInt64LittleEndian(b[(int)(i * 8)..]),
        TensorType.Int4 => (sbyte)(Nibble(b, i) << 4) >> 4,
        TensorType.Uint4 => Nibble(b, i),
        _ => throw new LiteRtModelException($"cannot read values of type {type.Name()}"),
    };

    public static void WriteRaw(TensorType type, Span<byte> b, long i, double v)
    {
        switch (type)
        {
            case TensorType.Float32: BinaryPrimitives.WriteSingleLittleEndian(b[(int)(i * 4)..], (float)v); break;
            case TensorType.Float64: BinaryPrimitives.WriteDoubleLittleEndian(b[(int)(i * 8)..], v); break;
            case TensorType.Float16: BinaryPrimitives.WriteHalfLittleEndian(b[(int)(i * 2)..], (Half)v); break;
            case TensorType.Bfloat16: BinaryPrimitives.WriteUInt16LittleEndian(b[(int)(i * 2)..], DoubleToBFloat16(v)); break;
            case TensorType.Int8: b[(int)i] = (byte)(sbyte)(long)v; break;
            case TensorType.Uint8: b[(int)i] = (byte)(long)v; break;
            case TensorType.Bool: b[(int)i] = v != 0 ? (byte)1 : (byte)0; break;
            case TensorType.Int16: BinaryPrimitives.WriteInt16LittleEndian(b[(int)(i * 2)..], (short)(long)v); break;
            case TensorType.Uint16: BinaryPrimitives.WriteUInt16LittleEndian(b[(int)(i * 2)..], (ushort)(long)v); break;
            case TensorType.Int32: BinaryPrimitives.WriteInt32LittleEndian(b[(int)(i * 4)..], (int)(long)v); break;
            case TensorType.Uint32: BinaryPrimitives.WriteUInt32LittleEndian(b[(int)(i * 4)..], (uint)(long)v); break;
            case TensorType.Int64: BinaryPrimitives.WriteInt64LittleEndian(b[(int)(i * 8)..], (long)v); break;
            case TensorType.Uint64: BinaryPrimitives.WriteUInt64LittleEndian(b[(int)(i * 8)..], (ulong)v); break;
            case TensorType.Int4:
            case TensorType.Uint4:
                int shift = (int)(i & 1) * 4;
                ref byte cell = ref b[(int)(i >> 1)];
                cell = (byte)((cell & ~(0xF << shift)) | (((int)(long)v & 0xF) << shift));
                break;
            default: throw new LiteRtModelException($"cannot write values of type {type.Name()}");
        }
    }

    private static int Nibble(ReadOnlySpan<byte> b, long i) => (b[(int)(i >> 1)] >> (int)((i & 1) * 4)) & 0xF;

    public static double BFloat16ToDouble(ushort bits) => BitConverter.Int32BitsToSingle(bits << 16);

    public static ushort DoubleToBFloat16(double v)
    {
        // Round to nearest even on the upper 16 bits of the float32 pattern; NaN stays NaN.
        float f = (float)v;
        if (float.IsNaN(f)) return 0x7FC0;
        uint bits = (uint)BitConverter.SingleToInt32Bits(f);
        uint rounding = 0x7FFF + ((bits >> 16) & 1);
        return (ushort)((bits + rounding) >> 16);
    }
}
