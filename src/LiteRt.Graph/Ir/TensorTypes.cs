using LiteRt.Format.Schema;

namespace LiteRt.Graph;

/// <summary>Storage facts about tensor types.</summary>
public static class TensorTypes
{
    /// <summary>Bits per element; sub-byte types (INT4, UINT4, INT2) are packed, low nibble first.</summary>
    public static int BitsPerElement(this TensorType type) => type switch
    {
        TensorType.Float32 or TensorType.Int32 or TensorType.Uint32 => 32,
        TensorType.Float16 or TensorType.Int16 or TensorType.Uint16 or TensorType.Bfloat16 => 16,
        TensorType.Uint8 or TensorType.Int8 or TensorType.Bool or TensorType.Float8E4m3fn or TensorType.Float8E5m2 => 8,
        TensorType.Int64 or TensorType.Uint64 or TensorType.Float64 or TensorType.Complex64 => 64,
        TensorType.Complex128 => 128,
        TensorType.Int4 or TensorType.Uint4 => 4,
        TensorType.Int2 => 2,
        _ => 0, // STRING, RESOURCE, VARIANT: no fixed size
    };

    public static bool HasFixedSize(this TensorType type) => type.BitsPerElement() > 0;

    /// <summary>Bytes needed for <paramref name="elements"/> elements (sub-byte types rounded up).</summary>
    public static long ByteCount(this TensorType type, long elements)
    {
        int bits = type.BitsPerElement();
        if (bits == 0) throw new LiteRtModelException($"tensor type {type.Name()} has no fixed element size");
        return (elements * bits + 7) / 8;
    }

    public static bool IsFloat(this TensorType t) => t is TensorType.Float32 or TensorType.Float16 or TensorType.Float64 or TensorType.Bfloat16;

    public static bool IsInteger(this TensorType t) => t is TensorType.Int8 or TensorType.Uint8 or TensorType.Int16 or TensorType.Uint16
        or TensorType.Int32 or TensorType.Uint32 or TensorType.Int64 or TensorType.Uint64 or TensorType.Int4 or TensorType.Uint4 or TensorType.Int2;

    /// <summary>Representable range of an integer type, for quantization clamping.</summary>
    public static (long Min, long Max) IntegerRange(this TensorType t) => t switch
    {
        TensorType.Int8 => (sbyte.MinValue, sbyte.MaxValue),
        TensorType.Uint8 => (0, byte.MaxValue),
        TensorType.Int16 => (short.MinValue, short.MaxValue),
        TensorType.Uint16 => (0, ushort.MaxValue),
        TensorType.Int32 => (int.MinValue, int.MaxValue),
        TensorType.Uint32 => (0, uint.MaxValue),
        TensorType.Int64 => (long.MinValue, long.MaxValue),
        TensorType.Uint64 => (0, long.MaxValue), // the part of the range a long holds
        TensorType.Int4 => (-8, 7),
        TensorType.Uint4 => (0, 15),
        TensorType.Int2 => (-2, 1),
        TensorType.Bool => (0, 1),
        _ => throw new ArgumentOutOfRangeException(nameof(t), t.Name() + " is not an integer type"),
    };
}
