using System.Numerics.Tensors;
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
/// and so does the sum of the two registers). Per group: Σ q·w = Σ q·u − 8·Σ q; the second term, scaled, is taken out
/// once per output (a dot of the group scales with the row's group sums), as is the input zero point:
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
        public float* GroupSums;      // rows × groups: Σ q per group of 32, times 8
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

    /// <summary>
    /// Writes q = centered + zp as int8, each pair of groups A, B (64 values) as [A even, B even, A odd, B odd] and a
    /// last unpaired group as [even, odd]; and 8 · Σ q per group to <paramref name="groupSums"/>. Depth: a multiple of 32.
    /// </summary>
    public static void StoreQuantizedRow(ReadOnlySpan<short> centered, int zeroPoint, sbyte* dst, float* groupSums)
    {
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
            groupSums[k0 / Group] = 8f * sum;
        }
    }

    /// <summary>Outputs of channels [u0, u1) for every row (a <see cref="HelperThread"/> work item).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void UnitRange(void* context, int u0, int u1)
    {
        ref Work c = ref *(Work*)context;
        int depth = c.Depth, groups = depth / Group, rowBytes = depth / 2;
        int slab = c.Rows < RowGroup ? u1 - u0 : Math.Max(4, SlabBytes / Math.Max(rowBytes, 1));
        for (int s0 = u0; s0 < u1; s0 += slab)
        {
            int s1 = Math.Min(u1, s0 + slab);
            int r = 0;
            for (; r <= c.Rows - RowGroup; r += RowGroup)
                for (int u = s0; u < s1; u++)
                {
                    float* scales = c.Scales + (long)u * groups;
                    var sums = Dot4Rows(c.X + (long)r * depth, depth, c.W + (long)u * rowBytes, scales, groups);
                    for (int j = 0; j < RowGroup; j++) Store(ref c, r + j, u, sums.GetElement(j), scales, groups);
                }
            for (; r < c.Rows; r++)
                for (int u = s0; u < s1; u++)
                {
                    float* scales = c.Scales + (long)u * groups;
                    Store(ref c, r, u, Dot1Row(c.X + (long)r * depth, c.W + (long)u * rowBytes, scales, groups), scales, groups);
                }
        }
    }

    /// <summary>y = s_row · (Σ_g s_g Σ q·u − Σ_g s_g · 8Σq − zp · Σ_g s_g Σ w) + bias, clamped.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(ref Work c, int r, int u, float dotUnsigned, float* scales, int groups)
    {
        float offset = TensorPrimitives.Dot(new ReadOnlySpan<float>(scales, groups), new ReadOnlySpan<float>(c.GroupSums + (long)r * groups, groups));
        float v = c.RowScales[r] * (dotUnsigned - offset - c.RowZeroPoints[r] * c.ZeroCorrection[u]) + (c.Bias is null ? 0 : c.Bias[u]);
        c.Y[(long)r * c.Units + u] = Math.Clamp(v, c.Min, c.Max);
    }

    /// <summary>Σ u·q over 64 values as 8 int32 lanes: lanes 0–3 group A, 4–7 group B.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> PairDot(Vector256<byte> lo, Vector256<byte> hi, sbyte* x, Vector256<short> ones) =>
        Avx2.MultiplyAddAdjacent(Avx2.Add(
            Avx2.MultiplyAddAdjacent(lo, Avx.LoadVector256(x)),
            Avx2.MultiplyAddAdjacent(hi, Avx.LoadVector256(x + 32))), ones);

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

    private static float Dot1Row(sbyte* x, byte* w, float* scales, int groups)
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
            var d0 = PairDot(v0 & mask, Avx2.ShiftRightLogical(v0.AsUInt16(), 4).AsByte() & mask, x + g * 32, ones);
            var d1 = PairDot(v1 & mask, Avx2.ShiftRightLogical(v1.AsUInt16(), 4).AsByte() & mask, x + g * 32 + 64, ones);
            f0 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(d0), PairScales(scales + g), f0);
            f1 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(d1), PairScales(scales + g + 2), f1);
        }
        for (; g <= groups - 2; g += 2)
        {
            var v0 = Avx.LoadVector256(w + g * 16) ^ flip;
            var d0 = PairDot(v0 & mask, Avx2.ShiftRightLogical(v0.AsUInt16(), 4).AsByte() & mask, x + g * 32, ones);
            f0 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(d0), PairScales(scales + g), f0);
        }
        if (g < groups)
        {
            var d = Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(UnpackSingle(w + g * 16), Avx.LoadVector256(x + g * 32)), ones);
            f1 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(d), Vector256.Create(scales[g]), f1);
        }
        return Vector256.Sum(f0 + f1);
    }

    /// <summary>One weight row against four consecutive input rows (stride <paramref name="depth"/>): the four dots.</summary>
    private static Vector128<float> Dot4Rows(sbyte* x, int depth, byte* w, float* scales, int groups)
    {
        var ones = Vector256.Create((short)1);
        var mask = Vector256.Create((byte)0x0F);
        var flip = Vector256.Create((byte)0x88); // nibble n (two's complement w) ^ 8 = w + 8
        Vector256<float> f0 = default, f1 = default, f2 = default, f3 = default;
        sbyte* x1 = x + depth, x2 = x1 + depth, x3 = x2 + depth;
        int g = 0;
        for (; g <= groups - 2; g += 2)
        {
            var v = Avx.LoadVector256(w + g * 16) ^ flip;
            var lo = v & mask;
            var hi = Avx2.ShiftRightLogical(v.AsUInt16(), 4).AsByte() & mask;
            var sc = PairScales(scales + g);
            int k = g * 32;
            f0 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(PairDot(lo, hi, x + k, ones)), sc, f0);
            f1 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(PairDot(lo, hi, x1 + k, ones)), sc, f1);
            f2 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(PairDot(lo, hi, x2 + k, ones)), sc, f2);
            f3 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(PairDot(lo, hi, x3 + k, ones)), sc, f3);
        }
        if (g < groups)
        {
            var u = UnpackSingle(w + g * 16);
            var sc = Vector256.Create(scales[g]);
            int k = g * 32;
            f0 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(u, Avx.LoadVector256(x + k)), ones)), sc, f0);
            f1 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(u, Avx.LoadVector256(x1 + k)), ones)), sc, f1);
            f2 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(u, Avx.LoadVector256(x2 + k)), ones)), sc, f2);
            f3 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(u, Avx.LoadVector256(x3 + k)), ones)), sc, f3);
        }
        return Vector128.Create(Vector256.Sum(f0), Vector256.Sum(f1), Vector256.Sum(f2), Vector256.Sum(f3));
    }
}
