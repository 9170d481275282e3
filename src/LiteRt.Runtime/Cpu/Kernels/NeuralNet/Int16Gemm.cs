using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace LiteRt.Runtime.Cpu.Kernels.NeuralNet;

/// <summary>
/// Integer matrix product C[r, n] = Σ_k A[r, k] · B[n, k] for the quantized kernels, with int16 operands (8-bit values
/// minus their zero points) and exact int32 accumulation. B is packed once into panels of 16 columns whose k values
/// are interleaved in pairs ([panel][k/2][16 columns][2]), so that one pmaddwd multiplies a broadcast pair of A by
/// 8 columns. A rows hold 2·KPairs values (an odd k is padded with a zero).
/// </summary>
internal static class Int16Gemm
{
    public const int PanelWidth = 16;

    public static int KPairs(int k) => (k + 1) / 2;
    public static int Panels(int n) => (n + PanelWidth - 1) / PanelWidth;
    public static int PanelLength(int k) => KPairs(k) * 2 * PanelWidth;
    public static int PackedLength(int k, int n) => Panels(n) * PanelLength(k);

    /// <summary>
    /// Packs rows [firstRow, firstRow + n) of a row-major 8-bit matrix with rows of <paramref name="k"/> values, minus
    /// each row's zero point, into <paramref name="dst"/> (<see cref="PackedLength"/> values).
    /// </summary>
    public static void Pack<T>(ReadOnlySpan<T> src, int firstRow, int n, int k, int[] zeroPoints, Span<short> dst) where T : unmanaged
    {
        dst.Clear();
        int panelLength = PanelLength(k);
        for (int j = 0; j < n; j++)
        {
            int row = firstRow + j, zp = zeroPoints[row];
            var panel = dst.Slice(j / PanelWidth * panelLength);
            int col = j % PanelWidth;
            var s = src.Slice(row * k, k);
            for (int kk = 0; kk < k; kk++)
                panel[(kk >> 1) * 2 * PanelWidth + col * 2 + (kk & 1)] = (short)(QuantizedMath.ToInt(s[kk]) - zp);
        }
    }

    /// <summary>4 rows × one panel: rows start at offsets r0..r3 of <paramref name="a"/>; c receives 4 × 16 sums (row-major).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Kernel4(ReadOnlySpan<short> a, int r0, int r1, int r2, int r3, ReadOnlySpan<short> panel, int kPairs, Span<int> c)
    {
        ref short a0 = ref Unsafe.Add(ref Unsafe.AsRef(in a.GetPinnableReference()), r0);
        ref short a1 = ref Unsafe.Add(ref Unsafe.AsRef(in a.GetPinnableReference()), r1);
        ref short a2 = ref Unsafe.Add(ref Unsafe.AsRef(in a.GetPinnableReference()), r2);
        ref short a3 = ref Unsafe.Add(ref Unsafe.AsRef(in a.GetPinnableReference()), r3);
        ref short b = ref Unsafe.AsRef(in panel.GetPinnableReference());
        if (Avx2.IsSupported)
        {
            Vector256<int> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default, c30 = default, c31 = default;
            for (int kp = 0; kp < kPairs; kp++)
            {
                var b0 = Vector256.LoadUnsafe(ref b, (nuint)(kp * 32));
                var b1 = Vector256.LoadUnsafe(ref b, (nuint)(kp * 32 + 16));
                var x0 = Vector256.Create(Pair(ref a0, kp)).AsInt16();
                var x1 = Vector256.Create(Pair(ref a1, kp)).AsInt16();
                var x2 = Vector256.Create(Pair(ref a2, kp)).AsInt16();
                var x3 = Vector256.Create(Pair(ref a3, kp)).AsInt16();
                c00 = Avx2.Add(c00, Avx2.MultiplyAddAdjacent(x0, b0));
                c01 = Avx2.Add(c01, Avx2.MultiplyAddAdjacent(x0, b1));
                c10 = Avx2.Add(c10, Avx2.MultiplyAddAdjacent(x1, b0));
                c11 = Avx2.Add(c11, Avx2.MultiplyAddAdjacent(x1, b1));
                c20 = Avx2.Add(c20, Avx2.MultiplyAddAdjacent(x2, b0));
                c21 = Avx2.Add(c21, Avx2.MultiplyAddAdjacent(x2, b1));
                c30 = Avx2.Add(c30, Avx2.MultiplyAddAdjacent(x3, b0));
                c31 = Avx2.Add(c31, Avx2.MultiplyAddAdjacent(x3, b1));
            }
            ref int cr = ref c[0];
            c00.StoreUnsafe(ref cr, 0); c01.StoreUnsafe(ref cr, 8);
            c10.StoreUnsafe(ref cr, 16); c11.StoreUnsafe(ref cr, 24);
            c20.StoreUnsafe(ref cr, 32); c21.StoreUnsafe(ref cr, 40);
            c30.StoreUnsafe(ref cr, 48); c31.StoreUnsafe(ref cr, 56);
            return;
        }
        ScalarRow(ref a0, ref b, kPairs, c.Slice(0, 16));
        ScalarRow(ref a1, ref b, kPairs, c.Slice(16, 16));
        ScalarRow(ref a2, ref b, kPairs, c.Slice(32, 16));
        ScalarRow(ref a3, ref b, kPairs, c.Slice(48, 16));
    }

    /// <summary>1 row × one panel: c receives 16 sums.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Kernel1(ReadOnlySpan<short> a, int r0, ReadOnlySpan<short> panel, int kPairs, Span<int> c)
    {
        ref short a0 = ref Unsafe.Add(ref Unsafe.AsRef(in a.GetPinnableReference()), r0);
        ref short b = ref Unsafe.AsRef(in panel.GetPinnableReference());
        if (Avx2.IsSupported)
        {
            Vector256<int> c0 = default, c1 = default, d0 = default, d1 = default;
            int kp = 0;
            for (; kp + 1 < kPairs; kp += 2)
            {
                var x = Vector256.Create(Pair(ref a0, kp)).AsInt16();
                var y = Vector256.Create(Pair(ref a0, kp + 1)).AsInt16();
                c0 = Avx2.Add(c0, Avx2.MultiplyAddAdjacent(x, Vector256.LoadUnsafe(ref b, (nuint)(kp * 32))));
                c1 = Avx2.Add(c1, Avx2.MultiplyAddAdjacent(x, Vector256.LoadUnsafe(ref b, (nuint)(kp * 32 + 16))));
                d0 = Avx2.Add(d0, Avx2.MultiplyAddAdjacent(y, Vector256.LoadUnsafe(ref b, (nuint)(kp * 32 + 32))));
                d1 = Avx2.Add(d1, Avx2.MultiplyAddAdjacent(y, Vector256.LoadUnsafe(ref b, (nuint)(kp * 32 + 48))));
            }
            for (; kp < kPairs; kp++)
            {
                var x = Vector256.Create(Pair(ref a0, kp)).AsInt16();
                c0 = Avx2.Add(c0, Avx2.MultiplyAddAdjacent(x, Vector256.LoadUnsafe(ref b, (nuint)(kp * 32))));
                c1 = Avx2.Add(c1, Avx2.MultiplyAddAdjacent(x, Vector256.LoadUnsafe(ref b, (nuint)(kp * 32 + 16))));
            }
            ref int cr = ref c[0];
            Avx2.Add(c0, d0).StoreUnsafe(ref cr, 0);
            Avx2.Add(c1, d1).StoreUnsafe(ref cr, 8);
            return;
        }
        ScalarRow(ref a0, ref b, kPairs, c.Slice(0, 16));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Pair(ref short row, int kp) => Unsafe.ReadUnaligned<int>(ref Unsafe.As<short, byte>(ref Unsafe.Add(ref row, kp * 2)));

    private static void ScalarRow(ref short a, ref short b, int kPairs, Span<int> c)
    {
        for (int col = 0; col < PanelWidth; col++)
        {
            int sum = 0;
            for (int kp = 0; kp < kPairs; kp++)
            {
                int o = kp * 32 + col * 2;
                sum += Unsafe.Add(ref a, kp * 2) * Unsafe.Add(ref b, o) + Unsafe.Add(ref a, kp * 2 + 1) * Unsafe.Add(ref b, o + 1);
            }
            c[col] = sum;
        }
    }

    /// <summary>
    /// C[r, j] = Σ_k A[rowOffsets[r] + k] · B[j, k] for r &lt; rows and j &lt; n, written to c[r · ldc + j]
    /// (A rows hold 2 · KPairs(k) values; <paramref name="packed"/>: B packed by <see cref="Pack"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Multiply(ReadOnlySpan<short> a, ReadOnlySpan<int> rowOffsets, int rows, ReadOnlySpan<short> packed, int n, int k,
        Span<int> c, int ldc)
    {
        Span<int> tile = stackalloc int[4 * PanelWidth];
        int panelLength = PanelLength(k), kPairs = KPairs(k);
        for (int p = 0, col = 0; col < n; p++, col += PanelWidth)
        {
            var panel = packed.Slice(p * panelLength, panelLength);
            int cols = Math.Min(PanelWidth, n - col);
            int r = 0;
            for (; r + 4 <= rows; r += 4)
            {
                Kernel4(a, rowOffsets[r], rowOffsets[r + 1], rowOffsets[r + 2], rowOffsets[r + 3], panel, kPairs, tile);
                for (int i = 0; i < 4; i++) tile.Slice(i * PanelWidth, cols).CopyTo(c.Slice((r + i) * ldc + col, cols));
            }
            for (; r < rows; r++)
            {
                Kernel1(a, rowOffsets[r], panel, kPairs, tile);
                tile.Slice(0, cols).CopyTo(c.Slice(r * ldc + col, cols));
            }
        }
    }
}
