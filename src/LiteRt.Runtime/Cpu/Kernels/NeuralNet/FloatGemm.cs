using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace LiteRt.Runtime.Cpu.Kernels.NeuralNet;

/// <summary>
/// Float matrix product C[r, n] = Σ_k A[r, k] · B[n, k] for the float32 kernels: B is packed once into panels of
/// 16 columns ([panel][k][16]); a 4 × 16 micro-kernel keeps eight 8-wide accumulators in registers (FMA where the CPU
/// has it) and a 1 × 16 one handles remainder rows.
/// </summary>
internal static class FloatGemm
{
    public const int PanelWidth = 16;

    public static int Panels(int n) => (n + PanelWidth - 1) / PanelWidth;
    public static int PanelLength(int k) => k * PanelWidth;
    public static int PackedLength(int k, int n) => Panels(n) * PanelLength(k);

    /// <summary>Packs rows [firstRow, firstRow + n) of a row-major matrix with rows of <paramref name="k"/> values.</summary>
    public static void Pack(ReadOnlySpan<float> src, int firstRow, int n, int k, Span<float> dst)
    {
        dst.Clear();
        int panelLength = PanelLength(k);
        for (int j = 0; j < n; j++)
        {
            var panel = dst.Slice(j / PanelWidth * panelLength);
            int col = j % PanelWidth;
            var s = src.Slice((firstRow + j) * k, k);
            for (int kk = 0; kk < k; kk++) panel[kk * PanelWidth + col] = s[kk];
        }
    }

    /// <summary>4 rows × one panel: rows start at offsets r0..r3 of <paramref name="a"/>; c receives 4 × 16 sums.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Kernel4(ReadOnlySpan<float> a, int r0, int r1, int r2, int r3, ReadOnlySpan<float> panel, int k, Span<float> c)
    {
        ref float a0 = ref Unsafe.Add(ref Unsafe.AsRef(in a.GetPinnableReference()), r0);
        ref float a1 = ref Unsafe.Add(ref Unsafe.AsRef(in a.GetPinnableReference()), r1);
        ref float a2 = ref Unsafe.Add(ref Unsafe.AsRef(in a.GetPinnableReference()), r2);
        ref float a3 = ref Unsafe.Add(ref Unsafe.AsRef(in a.GetPinnableReference()), r3);
        ref float b = ref Unsafe.AsRef(in panel.GetPinnableReference());
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default, c30 = default, c31 = default;
            for (int kk = 0; kk < k; kk++)
            {
                var b0 = Vector256.LoadUnsafe(ref b, (nuint)(kk * 16));
                var b1 = Vector256.LoadUnsafe(ref b, (nuint)(kk * 16 + 8));
                var x0 = Vector256.Create(Unsafe.Add(ref a0, kk));
                var x1 = Vector256.Create(Unsafe.Add(ref a1, kk));
                var x2 = Vector256.Create(Unsafe.Add(ref a2, kk));
                var x3 = Vector256.Create(Unsafe.Add(ref a3, kk));
                c00 = MulAdd(x0, b0, c00); c01 = MulAdd(x0, b1, c01);
                c10 = MulAdd(x1, b0, c10); c11 = MulAdd(x1, b1, c11);
                c20 = MulAdd(x2, b0, c20); c21 = MulAdd(x2, b1, c21);
                c30 = MulAdd(x3, b0, c30); c31 = MulAdd(x3, b1, c31);
            }
            ref float cr = ref c[0];
            c00.StoreUnsafe(ref cr, 0); c01.StoreUnsafe(ref cr, 8);
            c10.StoreUnsafe(ref cr, 16); c11.StoreUnsafe(ref cr, 24);
            c20.StoreUnsafe(ref cr, 32); c21.StoreUnsafe(ref cr, 40);
            c30.StoreUnsafe(ref cr, 48); c31.StoreUnsafe(ref cr, 56);
            return;
        }
        ScalarRow(ref a0, ref b, k, c.Slice(0, 16));
        ScalarRow(ref a1, ref b, k, c.Slice(16, 16));
        ScalarRow(ref a2, ref b, k, c.Slice(32, 16));
        ScalarRow(ref a3, ref b, k, c.Slice(48, 16));
    }

    /// <summary>1 row × one panel: c receives 16 sums.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Kernel1(ReadOnlySpan<float> a, int r0, ReadOnlySpan<float> panel, int k, Span<float> c)
    {
        ref float a0 = ref Unsafe.Add(ref Unsafe.AsRef(in a.GetPinnableReference()), r0);
        ref float b = ref Unsafe.AsRef(in panel.GetPinnableReference());
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> c0 = default, c1 = default, d0 = default, d1 = default;
            int kk = 0;
            for (; kk + 1 < k; kk += 2)
            {
                var x = Vector256.Create(Unsafe.Add(ref a0, kk));
                var y = Vector256.Create(Unsafe.Add(ref a0, kk + 1));
                c0 = MulAdd(x, Vector256.LoadUnsafe(ref b, (nuint)(kk * 16)), c0);
                c1 = MulAdd(x, Vector256.LoadUnsafe(ref b, (nuint)(kk * 16 + 8)), c1);
                d0 = MulAdd(y, Vector256.LoadUnsafe(ref b, (nuint)(kk * 16 + 16)), d0);
                d1 = MulAdd(y, Vector256.LoadUnsafe(ref b, (nuint)(kk * 16 + 24)), d1);
            }
            for (; kk < k; kk++)
            {
                var x = Vector256.Create(Unsafe.Add(ref a0, kk));
                c0 = MulAdd(x, Vector256.LoadUnsafe(ref b, (nuint)(kk * 16)), c0);
                c1 = MulAdd(x, Vector256.LoadUnsafe(ref b, (nuint)(kk * 16 + 8)), c1);
            }
            ref float cr = ref c[0];
            (c0 + d0).StoreUnsafe(ref cr, 0);
            (c1 + d1).StoreUnsafe(ref cr, 8);
            return;
        }
        ScalarRow(ref a0, ref b, k, c.Slice(0, 16));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> MulAdd(Vector256<float> a, Vector256<float> b, Vector256<float> c) =>
        Fma.IsSupported ? Fma.MultiplyAdd(a, b, c) : a * b + c;

    private static void ScalarRow(ref float a, ref float b, int k, Span<float> c)
    {
        for (int col = 0; col < PanelWidth; col++)
        {
            float sum = 0;
            for (int kk = 0; kk < k; kk++) sum += Unsafe.Add(ref a, kk) * Unsafe.Add(ref b, kk * 16 + col);
            c[col] = sum;
        }
    }

    /// <summary>
    /// C[r, j] = Σ_k A[rowOffsets[r] + k] · B[j, k] for r &lt; rows and j &lt; n, written to c[r · ldc + j]
    /// (<paramref name="packed"/>: B packed by <see cref="Pack"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Multiply(ReadOnlySpan<float> a, ReadOnlySpan<int> rowOffsets, int rows, ReadOnlySpan<float> packed, int n, int k,
        Span<float> c, int ldc)
    {
        Span<float> tile = stackalloc float[4 * PanelWidth];
        int panelLength = PanelLength(k);
        for (int p = 0, col = 0; col < n; p++, col += PanelWidth)
        {
            var panel = packed.Slice(p * panelLength, panelLength);
            int cols = Math.Min(PanelWidth, n - col);
            int r = 0;
            for (; r + 4 <= rows; r += 4)
            {
                Kernel4(a, rowOffsets[r], rowOffsets[r + 1], rowOffsets[r + 2], rowOffsets[r + 3], panel, k, tile);
                for (int i = 0; i < 4; i++) tile.Slice(i * PanelWidth, cols).CopyTo(c.Slice((r + i) * ldc + col, cols));
            }
            for (; r < rows; r++)
            {
                Kernel1(a, rowOffsets[r], panel, k, tile);
                tile.Slice(0, cols).CopyTo(c.Slice(r * ldc + col, cols));
            }
        }
    }
}
