using System.Runtime.InteropServices;

namespace LiteRt.Compiler.Import.HuggingFace;

/// <summary>
/// Converts checkpoint rows to the stored form, a row at a time (row = one output channel of a [rows, cols]
/// matrix): float32, float16, int8 symmetric per row, or int4 in blocks along the row with FLOAT16 scales. The
/// rounding is LiteRt.Quantization's (round half away from zero, scale = max|w| / qmax, 1 for an all-zero row/block),
/// applied in a streaming pass: scales come from a first read of the source, values from a second one at write time.
/// </summary>
internal static class WeightEncoder
{
    public static void Float32(CheckpointTensor t, Span<byte> dst)
    {
        t.Read(0, MemoryMarshal.Cast<byte, float>(dst));
        t.ReleasePages();
    }

    public static void Float16(CheckpointTensor t, int cols, Span<byte> dst)
    {
        var outHalf = MemoryMarshal.Cast<byte, Half>(dst);
        var row = new float[cols];
        for (long r = 0; r < t.ElementCount / cols; r++)
        {
            t.Read(r * cols, row);
            System.Numerics.Tensors.TensorPrimitives.ConvertToHalf(row, outHalf.Slice((int)(r * cols), cols));
        }
        t.ReleasePages();
    }

    /// <summary>Per-row int8 scales: max|w| / 127 (1 for a zero row).</summary>
    public static float[] Int8Scales(CheckpointTensor t, int rows, int cols)
    {
        var scales = new float[rows];
        var row = new float[cols];
        for (int r = 0; r < rows; r++)
        {
            t.Read((long)r * cols, row);
            float m = System.Numerics.Tensors.TensorPrimitives.MaxMagnitude(row);
            m = Math.Abs(m);
            scales[r] = m > 0 ? (float)(m / 127.0) : 1f;
        }
        t.ReleasePages();
        return scales;
    }

    public static void Int8(CheckpointTensor t, float[] scales, int cols, Span<byte> dst)
    {
        var q = MemoryMarshal.Cast<byte, sbyte>(dst);
        var row = new float[cols];
        for (int r = 0; r < scales.Length; r++)
        {
            t.Read((long)r * cols, row);
            double s = scales[r];
            var qr = q.Slice(r * cols, cols);
            for (int c = 0; c < cols; c++) qr[c] = (sbyte)Math.Clamp(Math.Round(row[c] / s, MidpointRounding.AwayFromZero), -127, 127);
        }
        t.ReleasePages();
    }

    /// <summary>Blockwise int4 scales [rows, cols / block] as FLOAT16, kept representable and large enough (as WeightMath).</summary>
    public static Half[] Int4Scales(CheckpointTensor t, int rows, int cols, int block)
    {
        int blocks = cols / block;
        var scales = new Half[rows * blocks];
        var row = new float[cols];
        for (int r = 0; r < rows; r++)
        {
            t.Read((long)r * cols, row);
            for (int b = 0; b < blocks; b++)
            {
                double m = Math.Abs(System.Numerics.Tensors.TensorPrimitives.MaxMagnitude(row.AsSpan(b * block, block)));
                var s = (Half)(m / 7);
                if (m == 0) s = (Half)1f;
                else if ((double)s <= 0 || double.IsInfinity((double)s)) s = m > 1 ? Half.MaxValue : Half.Epsilon;
                else if ((double)s * 7 < m) s = BitConverter.UInt16BitsToHalf((ushort)(BitConverter.HalfToUInt16Bits(s) + 1));
                scales[r * blocks + b] = s;
            }
        }
        t.ReleasePages();
        return scales;
    }

    /// <summary>int4 values packed two per byte, element 2k in the low nibble (LiteRT's order).</summary>
    public static void Int4(CheckpointTensor t, Half[] scales, int cols, int block, Span<byte> dst)
    {
        int blocks = cols / block, rows = scales.Length / blocks;
        var row = new float[cols];
        dst.Clear();
        for (int r = 0; r < rows; r++)
        {
            t.Read((long)r * cols, row);
            for (int c = 0; c < cols; c++)
            {
                double s = (double)scales[r * blocks + c / block];
                int q = (int)Math.Clamp(Math.Round(row[c] / s, MidpointRounding.AwayFromZero), -7, 7);
                long i = (long)r * cols + c;
                dst[(int)(i >> 1)] |= (byte)((q & 0xF) << (int)((i & 1) * 4));
            }
        }
        t.ReleasePages();
    }
}
