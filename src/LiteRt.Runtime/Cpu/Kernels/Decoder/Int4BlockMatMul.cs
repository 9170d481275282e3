using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace LiteRt.Runtime.Cpu.Kernels.Decoder;

/// <summary>
/// Blockwise int4 weights (two per byte, low nibble first, a float scale per group of 32 along the depth) times input
/// rows quantized to int8, on AVX2, for LLM decode (one row: weights streamed once) and prefill (many rows: a slab of
/// weight rows stays in cache while every group of four input rows passes over it, so weights are read once per call,
/// not once per row).
/// <para>
/// Two groups (32 packed bytes) are unpacked at once into two registers of unsigned nibbles u = w + 8: low nibbles
/// (even elements of group A | of group B) and high nibbles (odd elements). The input rows are stored permuted to
/// match (<see cref="StoreQuantizedRow"/>), so vpmaddubsw(u, q) needs no sign handling (pairs ≤ 2·15·128 fit int16,
/// and so does the sum of the two registers). Per group: Σ q·w = Σ q·u − 8·Σ q, the second term subtracted in int32
/// from a per-row vector made once per call; the input zero point is taken out once per output:
/// Σ_g s_g Σ (q − zp)·w = Σ_g s_g Σ q·w − zp · Σ_g s_g Σ w.
/// </para>
/// </summary>
internal static unsafe class Int4BlockMatMul
{
    private const int Group = 32;

    /// <summary>Input rows that share each unpacked weight register.</summary>
    private const int RowGroup = 4;

    /// <summary>Packed weight bytes a slab of output channels may take (kept in L2 while the row groups pass).</summary>
    private const int SlabBytes = 96 * 1024;

    public static bool IsSupported(int block) => Avx2.IsSupported && Fma.IsSupported && block > 0 && block % Group == 0;

    public struct Work
    {
        public sbyte* X;              // rows × depth, permuted (StoreQuantizedRow)
        public int* Offsets;          // rows × OffsetInts(depth): 8·Σ q per group, in the lanes PairDot gives the group
        public float* RowScales;
        public int* RowZeroPoints;
        public byte* W;               // units × depth / 2
        public float* Scales;         // units × groups
        public float* ZeroCorrection; // units: Σ_g s_g Σ w
        public float* Bias;           // units, or null
        public float* Y;              // rows × units
        public int Rows, Units, Depth;
        public float Min, Max;
    }

    /// <summary>Scales per group of 32 from scales per block (a multiple of 32): repeated when the block is larger.</summary>
    public static float[] GroupScales(float[] blockScales, int units, int depth, int block)
    {
        if (block == Group) return blockScales;
        int groups = depth / Group, blocks = depth / block;
        var result = new float[units * groups];
        for (int u = 0; u < units; u++)
            for (int g = 0; g < groups; g++) result[u * groups + g] = blockScales[u * blocks + g * Group / block];
        return result;
    }

    /// <summary>Int32 values of one row's offsets: 8 per pair of groups and per last unpaired group.</summary>
    public static int OffsetInts(int depth) => (depth / 32 + 1) / 2 * 8;

    /// <summary>
    /// Writes q = centered + zp as int8, each pair of groups A, B (64 values) as [A even, B even, A odd, B odd] and a
    /// last unpaired group as [even, odd]; and 8 · Σ q per group to <paramref name="offsets"/> (lane 0 of a pair's 8
    /// for A, lane 4 for B, the others 0). Depth: a multiple of 32.
    /// </summary>
    public static void StoreQuantizedRow(ReadOnlySpan<short> centered, int zeroPoint, sbyte* dst, int* offsets)
    {
        new Span<int>(offsets, OffsetInts(centered.Length)).Clear();
        int depth = centered.Length, pairsEnd = depth / 64 * 64;
        for (int k0 = 0; k0 < depth; k0 += Group)
        {
            bool paired = k0 < pairsEnd;
            bool second = paired && (k0 & 32) != 0;
            int baseOffset = paired ? (k0 & ~63) : k0;
            int evenAt = baseOffset + (second ? 16 : 0), oddAt = baseOffset + (paired ? 32 : 16) + (second ? 16 : 0);
            int sum = 0;
            for (int j = 0; j < 16; j++)
            {
                int even = centered[k0 + 2 * j] + zeroPoint, odd = centered[k0 + 2 * j + 1] + zeroPoint;
                dst[evenAt + j] = (sbyte)even;
                dst[oddAt + j] = (sbyte)odd;
                sum += even + odd;
            }
            offsets[k0 / 64 * 8 + (second ? 4 : 0)] = 8 * sum;
        }
    }

    /// <summary>Outputs of channels [u0, u1) for every row (a <see cref="HelperThread"/> work item).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void UnitRange(void* context, int u0, int u1)
    {
        ref Work c = ref *(Work*)context;
        int depth = c.Depth, groups = depth / Group, rowBytes = depth / 2, offsetInts = OffsetInts(depth);
        int slab = c.Rows < RowGroup ? u1 - u0 : Math.Max(4, SlabBytes / Math.Max(rowBytes, 1));
        for (int s0 = u0; s0 < u1; s0 += slab)
        {
            int s1 = Math.Min(u1, s0 + slab);
            int r = 0;
            for (; r <= c.Rows - RowGroup; r += RowGroup)
                for (int u = s0; u < s1; u++)
                {
                    var sums = Dot4Rows(c.X + (long)r * depth, c.Offsets + (long)r * offsetInts, depth, offsetInts, c.W + (long)u * rowBytes, c.Scales + (long)u * groups, groups);
                    for (int j = 0; j < RowGroup; j++) Store(ref c, r + j, u, sums.GetElement(j));
                }
            for (; r < c.Rows; r++)
                for (int u = s0; u < s1; u++)
                    Store(ref c, r, u, Dot1Row(c.X + (long)r * depth, c.Offsets + (long)r * offsetInts, c.W + (long)u * rowBytes, c.Scales + (long)u * groups, groups));
        }
    }

    /// <summary>y = s_row · (Σ_g s_g Σ q·w − zp · Σ_g s_g Σ w) + bias, clamped.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(ref Work c, int r, int u, float dot)
    {
        float v = c.RowScales[r] * (dot - c.RowZeroPoints[r] * c.ZeroCorrection[u]) + (c.Bias is null ? 0 : c.Bias[u]);
        c.Y[(long)r * c.Units + u] = Math.Clamp(v, c.Min, c.Max);
    }

    /// <summary>Σ w·q over 64 values as 8 int32 lanes (lanes 0–3 group A, 4–7 group B): Σ u·q minus the row's 8·Σ q.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> PairDot(Vector256<byte> lo, Vector256<byte> hi, sbyte* x, int* offsets, Vector256<short> ones) =>
        Avx2.Subtract(Avx2.MultiplyAddAdjacent(Avx2.Add(
            Avx2.MultiplyAddAdjacent(lo, Avx.LoadVector256(x)),
            Avx2.MultiplyAddAdjacent(hi, Avx.LoadVector256(x + 32))), ones), Avx.LoadVector256(offsets));

    /// <summary>As <see cref="PairDot"/> for the unpaired last group (u from <see cref="UnpackSingle"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> SingleDot(Vector256<byte> u, sbyte* x, int* offsets, Vector256<short> ones) =>
        Avx2.Subtract(Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(u, Avx.LoadVector256(x)), ones), Avx.LoadVector256(offsets));

    /// <summary>[s_A × 4, s_B × 4].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> PairScales(float* s) => Vector256.Create(Vector128.Create(s[0]), Vector128.Create(s[1]));

    /// <summary>The unpaired last group: u = w + 8, even elements then odd, in one register.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<byte> UnpackSingle(byte* p)
    {
        var v = Sse2.LoadVector128(p) ^ Vector128.Create((byte)0x88);
        var mask = Vector128.Create((byte)0x0F);
        return Vector256.Create(v & mask, Sse2.ShiftRightLogical(v.AsUInt16(), 4).AsByte() & mask);
    }

    private static float Dot1Row(sbyte* x, int* o, byte* w, float* scales, int groups)
    {
        var ones = Vector256.Create((short)1);
        var mask = Vector256.Create((byte)0x0F);
        var flip = Vector256.Create((byte)0x88); // nibble n (two's complement w) ^ 8 = w + 8
        Vector256<float> f0 = default, f1 = default;
        int g = 0;
        // Two pairs per step into two accumulators, so the FMA latency does not serialize the stream.
        for (; g <= groups - 4; g += 4)
        {
            var v0 = Avx.LoadVector256(w + g * 16) ^ flip;
            var v1 = Avx.LoadVector256(w + g * 16 + 32) ^ flip;
            var d0 = PairDot(v0 & mask, Avx2.ShiftRightLogical(v0.AsUInt16(), 4).AsByte() & mask, x + g * 32, o + g * 4, ones);
            var d1 = PairDot(v1 & mask, Avx2.ShiftRightLogical(v1.AsUInt16(), 4).AsByte() & mask, x + g * 32 + 64, o + g * 4 + 8, ones);
            f0 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(d0), PairScales(scales + g), f0);
            f1 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(d1), PairScales(scales + g + 2), f1);
        }
        for (; g <= groups - 2; g += 2)
        {
            var v0 = Avx.LoadVector256(w + g * 16) ^ flip;
            var d0 = PairDot(v0 & mask, Avx2.ShiftRightLogical(v0.AsUInt16(), 4).AsByte() & mask, x + g * 32, o + g * 4, ones);
            f0 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(d0), PairScales(scales + g), f0);
        }
        if (g < groups)
        {
            var d = SingleDot(UnpackSingle(w + g * 16), x + g * 32, o + g * 4, ones);
            f1 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(d), Vector256.Create(scales[g]), f1);
        }
        return Vector256.Sum(f0 + f1);
    }

    /// <summary>One weight row against four consecutive input rows (strides <paramref name="depth"/>, <paramref name="offsetInts"/>).</summary>
    private static Vector128<float> Dot4Rows(sbyte* x, int* o, int depth, int offsetInts, byte* w, float* scales, int groups)
    {
        var ones = Vector256.Create((short)1);
        var mask = Vector256.Create((byte)0x0F);
        var flip = Vector256.Create((byte)0x88); // nibble n (two's complement w) ^ 8 = w + 8
        Vector256<float> f0 = default, f1 = default, f2 = default, f3 = default;
        sbyte* x1 = x + depth, x2 = x1 + depth, x3 = x2 + depth;
        int* o1 = o + offsetInts, o2 = o1 + offsetInts, o3 = o2 + offsetInts;
        int g = 0;
        for (; g <= groups - 2; g += 2)
        {
            var v = Avx.LoadVector256(w + g * 16) ^ flip;
            var lo = v & mask;
            var hi = Avx2.ShiftRightLogical(v.AsUInt16(), 4).AsByte() & mask;
            var sc = PairScales(scales + g);
            int k = g * 32, j = g * 4;
            f0 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(PairDot(lo, hi, x + k, o + j, ones)), sc, f0);
            f1 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(PairDot(lo, hi, x1 + k, o1 + j, ones)), sc, f1);
            f2 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(PairDot(lo, hi, x2 + k, o2 + j, ones)), sc, f2);
            f3 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(PairDot(lo, hi, x3 + k, o3 + j, ones)), sc, f3);
        }
        if (g < groups)
        {
            var u = UnpackSingle(w + g * 16);
            var sc = Vector256.Create(scales[g]);
            int k = g * 32, j = g * 4;
            f0 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(SingleDot(u, x + k, o + j, ones)), sc, f0);
            f1 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(SingleDot(u, x1 + k, o1 + j, ones)), sc, f1);
            f2 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(SingleDot(u, x2 + k, o2 + j, ones)), sc, f2);
            f3 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(SingleDot(u, x3 + k, o3 + j, ones)), sc, f3);
        }
        return Vector128.Create(Vector256.Sum(f0), Vector256.Sum(f1), Vector256.Sum(f2), Vector256.Sum(f3));
    }
}
