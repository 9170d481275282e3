using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace LiteRt.Runtime.Cpu.Kernels.Decoder;

/// <summary>
/// Blockwise int4 weights (two per byte, low nibble first, one float scale per block of a multiple of 32) times input
/// rows quantized to int8, on AVX2, for LLM decode (one row: weights streamed once) and prefill (many rows: a slab of
/// weight rows stays in cache while every group of four input rows passes over it, so weights are read once per call,
/// not once per row). Each 16-byte group of packed weights is widened to 32 int8 in one register — low nibbles in
/// the lower half, high nibbles in the upper — so the input rows are stored permuted to match (see
/// <see cref="StoreQuantizedRow"/>). Products use vpmaddubsw on |x| and sign(w, x) (pairs stay within int16), int32
/// per block, then float with the block's scale. The zero point of the input row is taken out once per output:
/// Σ_b s_b Σ (q − zp)·w = Σ_b s_b Σ q·w − zp · Σ_b s_b Σ w.
/// </summary>
internal static unsafe class Int4BlockMatMul
{
    /// <summary>Input rows that share each unpacked weight register.</summary>
    private const int RowGroup = 4;

    /// <summary>Packed weight bytes a slab of output channels may take (kept in L2 while the row groups pass).</summary>
    private const int SlabBytes = 96 * 1024;

    public static bool IsSupported(int block) => Avx2.IsSupported && Fma.IsSupported && block > 0 && block % 32 == 0;

    public struct Work
    {
        public sbyte* X;              // rows × depth, permuted per 32 (StoreQuantizedRow)
        public float* RowScales;
        public int* RowZeroPoints;
        public byte* W;               // units × depth / 2
        public float* Scales;         // units × blocks
        public float* ZeroCorrection; // units: Σ_b s_b Σ w
        public float* Bias;           // units, or null
        public float* Y;              // rows × units
        public int Rows, Units, Depth, Block;
        public float Min, Max;
    }

    /// <summary>
    /// Writes q = centered + zp as int8 with each group of 32 reordered to [x0, x2, …, x30, x1, x3, …, x31], the order of
    /// the unpacked weights. The depth is a multiple of 32.
    /// </summary>
    public static void StoreQuantizedRow(ReadOnlySpan<short> centered, int zeroPoint, sbyte* dst)
    {
        for (int k0 = 0; k0 < centered.Length; k0 += 32)
            for (int j = 0; j < 16; j++)
            {
                dst[k0 + j] = (sbyte)(centered[k0 + 2 * j] + zeroPoint);
                dst[k0 + 16 + j] = (sbyte)(centered[k0 + 2 * j + 1] + zeroPoint);
            }
    }

    /// <summary>Outputs of channels [u0, u1) for every row (a <see cref="HelperThread"/> work item).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void UnitRange(void* context, int u0, int u1)
    {
        ref Work c = ref *(Work*)context;
        int depth = c.Depth, blocks = depth / c.Block, rowBytes = depth / 2;
        int slab = c.Rows < RowGroup ? u1 - u0 : Math.Max(4, SlabBytes / Math.Max(rowBytes, 1));
        for (int s0 = u0; s0 < u1; s0 += slab)
        {
            int s1 = Math.Min(u1, s0 + slab);
            int r = 0;
            for (; r <= c.Rows - RowGroup; r += RowGroup)
                for (int u = s0; u < s1; u++)
                {
                    var sums = Dot4Rows(c.X + (long)r * depth, depth, c.W + (long)u * rowBytes, c.Scales + (long)u * blocks, blocks, c.Block);
                    for (int j = 0; j < RowGroup; j++) Store(ref c, r + j, u, sums.GetElement(j));
                }
            for (; r < c.Rows; r++)
                for (int u = s0; u < s1; u++)
                    Store(ref c, r, u, Dot1Row(c.X + (long)r * depth, c.W + (long)u * rowBytes, c.Scales + (long)u * blocks, blocks, c.Block));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(ref Work c, int r, int u, float dot)
    {
        float v = c.RowScales[r] * (dot - c.RowZeroPoints[r] * c.ZeroCorrection[u]) + (c.Bias is null ? 0 : c.Bias[u]);
        c.Y[(long)r * c.Units + u] = Math.Clamp(v, c.Min, c.Max);
    }

    /// <summary>32 int4 weights from 16 packed bytes: low nibbles (even elements) then high nibbles (odd), as int8.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<sbyte> Unpack(byte* p)
    {
        var v = Sse2.LoadVector128(p);
        var mask = Vector128.Create((byte)0x0F);
        var nibbles = Vector256.Create(v & mask, Sse2.ShiftRightLogical(v.AsUInt16(), 4).AsByte() & mask);
        var eight = Vector256.Create((byte)8);
        return Avx2.Subtract(Avx2.Xor(nibbles, eight), eight).AsSByte(); // 4-bit two's complement → int8
    }

    /// <summary>Σ x·w over 32 int8 pairs as 8 int32 lanes (|x| · sign(w, x): pairs within int16).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Dot32(Vector256<sbyte> x, Vector256<sbyte> w, Vector256<short> ones) =>
        Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(Avx2.Abs(x), Avx2.Sign(w, x)), ones);

    private static float Dot1Row(sbyte* x, byte* w, float* scales, int blocks, int block)
    {
        var ones = Vector256.Create((short)1);
        Vector256<float> f0 = default, f1 = default;
        int steps = block / 32, b = 0;
        // Two float accumulators (alternate blocks) so the FMA latency does not serialize the stream.
        for (; b <= blocks - 2; b += 2)
        {
            Vector256<int> i0 = default, i1 = default;
            for (int s = 0; s < steps; s++)
            {
                long k0 = (long)b * block + s * 32, k1 = k0 + block;
                i0 = Avx2.Add(i0, Dot32(Avx.LoadVector256(x + k0), Unpack(w + k0 / 2), ones));
                i1 = Avx2.Add(i1, Dot32(Avx.LoadVector256(x + k1), Unpack(w + k1 / 2), ones));
            }
            f0 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(i0), Vector256.Create(scales[b]), f0);
            f1 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(i1), Vector256.Create(scales[b + 1]), f1);
        }
        for (; b < blocks; b++)
        {
            Vector256<int> i0 = default;
            for (int s = 0; s < steps; s++)
            {
                long k = (long)b * block + s * 32;
                i0 = Avx2.Add(i0, Dot32(Avx.LoadVector256(x + k), Unpack(w + k / 2), ones));
            }
            f0 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(i0), Vector256.Create(scales[b]), f0);
        }
        return Vector256.Sum(f0 + f1);
    }

    /// <summary>One weight row against four consecutive input rows (stride <paramref name="depth"/>): the four dots.</summary>
    private static Vector128<float> Dot4Rows(sbyte* x, int depth, byte* w, float* scales, int blocks, int block)
    {
        var ones = Vector256.Create((short)1);
        Vector256<float> f0 = default, f1 = default, f2 = default, f3 = default;
        sbyte* x1 = x + depth, x2 = x1 + depth, x3 = x2 + depth;
        int steps = block / 32;
        for (int b = 0; b < blocks; b++)
        {
            Vector256<int> i0 = default, i1 = default, i2 = default, i3 = default;
            for (int s = 0; s < steps; s++)
            {
                long k = (long)b * block + s * 32;
                var wv = Unpack(w + k / 2);
                i0 = Avx2.Add(i0, Dot32(Avx.LoadVector256(x + k), wv, ones));
                i1 = Avx2.Add(i1, Dot32(Avx.LoadVector256(x1 + k), wv, ones));
                i2 = Avx2.Add(i2, Dot32(Avx.LoadVector256(x2 + k), wv, ones));
                i3 = Avx2.Add(i3, Dot32(Avx.LoadVector256(x3 + k), wv, ones));
            }
            var sc = Vector256.Create(scales[b]);
            f0 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(i0), sc, f0);
            f1 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(i1), sc, f1);
            f2 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(i2), sc, f2);
            f3 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(i3), sc, f3);
        }
        return Vector128.Create(Vector256.Sum(f0), Vector256.Sum(f1), Vector256.Sum(f2), Vector256.Sum(f3));
    }
}
