using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using LiteRt.Format.Schema;
using LiteRt.Runtime.Cpu.Kernels.NeuralNet;
using LiteRt.Runtime.Execution;

namespace LiteRt.Runtime.Cpu.Kernels.Quantized;

/// <summary>
/// CONV_2D int8 (per-tensor activations, symmetric per-channel weights, one group) as an int16 GEMM whose 4×16 and
/// 6×16 micro-kernels requantize in registers: the input zero point is folded into the bias (bias − zp·Σw; padding reads
/// the zero point), so patches are plain widened input values; the sums start from the bias, and each tile gets the
/// float multiplier s_in·s_w[c]/s_out, rounding, the output zero point and the activation clamp
/// (<see cref="Int8Requantizer"/>) and is stored as int8 directly — no int32 matrix round trip. 1×1 stride-1
/// convolutions read widened input rows without im2col.
/// </summary>
public static unsafe class FastInt8Conv2DKernel
{
    private const int BlockRows = 64;
    private const int Panel = Int16Gemm.PanelWidth;

    private sealed class State
    {
        public required ConvDims D;
        public required short[] Packed;
        public required int[] Bias;
        public required float[] Multipliers;
        public int InZp, OutZp, Min, Max, RowLength;
    }

    public static bool Accepts(PreparedNode n) =>
        n.Inputs[0] is { Type: TensorType.Int8, Quantization: { IsPerChannel: false }, Rank: 4 } x
        && n.Inputs[1] is { Type: TensorType.Int8, IsConstant: true, Rank: 4 } w && w.Shape[3] == x.Shape[3]
        && n.Outputs[0] is { Type: TensorType.Int8 } && (!n.HasInput(2) || n.Inputs[2] is { Type: TensorType.Int32, IsConstant: true })
        && w.Quantization is { } q && Enumerable.Range(0, q.Scale?.Length ?? 0).All(c => q.ZeroPointAt(c) == 0);

    public static void Prepare(PreparedNode node)
    {
        ConvDims.RequireTypes(node, TensorType.Int8, TensorType.Int8, TensorType.Int32);
        var d = ConvDims.Read(node, depthwise: false);
        if (d.Groups != 1) throw node.Error("this kernel needs one group");
        var (inScale, inZp) = QuantizedMath.TensorParams(node, node.Input(0));
        var (outScale, outZp) = QuantizedMath.TensorParams(node, node.Output(0));
        var filter = node.Input(1);
        var (wScales, wZps) = QuantizedMath.ChannelParams(node, filter, 0, d.OutChannels);
        int k = d.PatchLength, n = d.OutChannels;
        var packed = new short[Int16Gemm.PackedLength(k, n)];
        var raw = filter.AsReadOnlySpan<sbyte>();
        Int16Gemm.Pack(raw, 0, n, k, wZps, packed);
        var bias = new int[Int16Gemm.Panels(n) * Panel];
        if (node.HasInput(2)) node.Input(2).AsReadOnlySpan<int>().CopyTo(bias);
        for (int c = 0; c < n; c++)
        {
            long sum = 0;
            for (int i = 0; i < k; i++) sum += raw[c * k + i];
            bias[c] = checked((int)(bias[c] - (long)inZp * sum));
        }
        var mult = new float[bias.Length];
        for (int c = 0; c < n; c++) mult[c] = (float)((double)inScale * wScales[c] / outScale);
        var (min, max) = FusedActivation.QuantizedRange(d.Attributes.Activation, outScale, outZp, TensorType.Int8);
        var st = new State
        {
            D = d, Packed = packed, Bias = bias, Multipliers = mult, InZp = inZp, OutZp = outZp, Min = min, Max = max,
            RowLength = 2 * Int16Gemm.KPairs(k),
        };
        node.State = st;
        node.ScratchBytes = ((long)BlockRows * st.RowLength + 16) * sizeof(short) + 64;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Eval(PreparedNode node)
    {
        var st = node.GetState<State>();
        var d = st.D;
        var a = d.Attributes;
        ReadOnlySpan<sbyte> x = node.Input(0).AsReadOnlySpan<sbyte>();
        Span<sbyte> y = node.Output(0).AsSpan<sbyte>();
        if (y.Length == 0) return;
        int k = d.PatchLength, n = d.OutChannels, lda = st.RowLength, kPairs = lda / 2;
        // 16 values of slack: im2col widens short filter rows 16 values at a time, past the row's end.
        Span<short> block = node.ScratchSpan<short>(0, BlockRows * lda + 16);
        int pixels = d.Batches * d.OutHeight * d.OutWidth, plane = d.OutHeight * d.OutWidth;
        bool pointwise = d.IsPointwise && a.StrideHeight == 1 && a.StrideWidth == 1;
        fixed (short* ap = block)
        fixed (short* bp = st.Packed)
        fixed (int* biasp = st.Bias)
        fixed (float* mp = st.Multipliers)
        fixed (sbyte* yp = y)
        {
            var epi = new Int8Requantizer(st.OutZp, st.Min, st.Max);
            for (int p0 = 0; p0 < pixels; p0 += BlockRows)
            {
                int rows = Math.Min(BlockRows, pixels - p0);
                for (int r = 0; r < rows; r++)
                {
                    var row = block.Slice(r * lda, lda);
                    int pix = p0 + r;
                    if (pointwise) QuantizedMath.Widen(x.Slice(pix * d.InChannels, d.InChannels), row, 0);
                    else
                    {
                        int b = pix / plane, oy = pix % plane / d.OutWidth, ox = pix % d.OutWidth;
                        Im2Col(x, block.Slice(r * lda), d, st.InZp, b, oy, ox);
                    }
                    if (lda > k) row[k] = 0;
                }
                for (int panel = 0, col = 0; col < n; panel++, col += Panel)
                {
                    short* bpanel = bp + panel * Int16Gemm.PanelLength(k);
                    int cols = Math.Min(Panel, n - col);
                    int r = 0;
                    for (; r + 6 <= rows; r += 6)
                        Tile6(ap + r * lda, lda, bpanel, kPairs, biasp + col, mp + col, epi, yp + (long)(p0 + r) * n + col, n, cols);
                    for (; r + 4 <= rows; r += 4)
                        Tile4(ap + r * lda, lda, bpanel, kPairs, biasp + col, mp + col, epi, yp + (long)(p0 + r) * n + col, n, cols);
                    for (; r < rows; r++)
                        Tile1(ap + r * lda, bpanel, kPairs, biasp + col, mp + col, epi, yp + (long)(p0 + r) * n + col, cols);
                }
            }
        }
    }

    /// <summary>
    /// Requantizes one row's 16 sums (the bias is already in them) and stores them. No stackalloc and no call here:
    /// Store16 must inline into the tiles, or the JIT keeps the accumulators of the rows still to store on the stack and
    /// spills them in every iteration of the k loop (no callee-saved YMM registers in the System V ABI).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store16(Vector256<int> c0, Vector256<int> c1, float* mult, in Int8Requantizer e, sbyte* dst, int cols)
    {
        var bytes = e.Apply(c0, c1, mult);
        if (cols == Panel) bytes.Store(dst);
        else Int8Requantizer.StorePartial(bytes, dst, cols);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile4(short* a, int lda, short* b, int kPairs, int* bias, float* mult, in Int8Requantizer e, sbyte* y, int ldy, int cols)
    {
        Vector256<int> c00 = Vector256.Load(bias), c01 = Vector256.Load(bias + 8); // the sums start from the bias
        Vector256<int> c10 = c00, c11 = c01, c20 = c00, c21 = c01, c30 = c00, c31 = c01;
        int* a0 = (int*)a, a1 = (int*)(a + lda), a2 = (int*)(a + 2 * lda), a3 = (int*)(a + 3 * lda);
        for (int kp = 0; kp < kPairs; kp++)
        {
            var b0 = Vector256.Load(b + kp * 32);
            var b1 = Vector256.Load(b + kp * 32 + 16);
            var x0 = Vector256.Create(a0[kp]).AsInt16();
            var x1 = Vector256.Create(a1[kp]).AsInt16();
            var x2 = Vector256.Create(a2[kp]).AsInt16();
            var x3 = Vector256.Create(a3[kp]).AsInt16();
            c00 += Avx2.MultiplyAddAdjacent(x0, b0); c01 += Avx2.MultiplyAddAdjacent(x0, b1);
            c10 += Avx2.MultiplyAddAdjacent(x1, b0); c11 += Avx2.MultiplyAddAdjacent(x1, b1);
            c20 += Avx2.MultiplyAddAdjacent(x2, b0); c21 += Avx2.MultiplyAddAdjacent(x2, b1);
            c30 += Avx2.MultiplyAddAdjacent(x3, b0); c31 += Avx2.MultiplyAddAdjacent(x3, b1);
        }
        Store16(c00, c01, mult, e, y, cols);
        Store16(c10, c11, mult, e, y + ldy, cols);
        Store16(c20, c21, mult, e, y + 2 * ldy, cols);
        Store16(c30, c31, mult, e, y + 3 * ldy, cols);
    }

    /// <summary>6 rows × 16 columns: 12 accumulators, 2 filter vectors, 1 broadcast and 1 product — all 16 YMM registers.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile6(short* a, int lda, short* b, int kPairs, int* bias, float* mult, in Int8Requantizer e, sbyte* y, int ldy, int cols)
    {
        Vector256<int> c00 = Vector256.Load(bias), c01 = Vector256.Load(bias + 8); // the sums start from the bias
        Vector256<int> c10 = c00, c11 = c01, c20 = c00, c21 = c01, c30 = c00, c31 = c01, c40 = c00, c41 = c01, c50 = c00, c51 = c01;
        int* a0 = (int*)a, a1 = (int*)(a + lda), a2 = (int*)(a + 2 * lda), a3 = (int*)(a + 3 * lda), a4 = (int*)(a + 4 * lda), a5 = (int*)(a + 5 * lda);
        for (int kp = 0; kp < kPairs; kp++)
        {
            var b0 = Vector256.Load(b + kp * 32);
            var b1 = Vector256.Load(b + kp * 32 + 16);
            var x = Vector256.Create(a0[kp]).AsInt16();
            c00 += Avx2.MultiplyAddAdjacent(x, b0); c01 += Avx2.MultiplyAddAdjacent(x, b1);
            x = Vector256.Create(a1[kp]).AsInt16();
            c10 += Avx2.MultiplyAddAdjacent(x, b0); c11 += Avx2.MultiplyAddAdjacent(x, b1);
            x = Vector256.Create(a2[kp]).AsInt16();
            c20 += Avx2.MultiplyAddAdjacent(x, b0); c21 += Avx2.MultiplyAddAdjacent(x, b1);
            x = Vector256.Create(a3[kp]).AsInt16();
            c30 += Avx2.MultiplyAddAdjacent(x, b0); c31 += Avx2.MultiplyAddAdjacent(x, b1);
            x = Vector256.Create(a4[kp]).AsInt16();
            c40 += Avx2.MultiplyAddAdjacent(x, b0); c41 += Avx2.MultiplyAddAdjacent(x, b1);
            x = Vector256.Create(a5[kp]).AsInt16();
            c50 += Avx2.MultiplyAddAdjacent(x, b0); c51 += Avx2.MultiplyAddAdjacent(x, b1);
        }
        Store16(c00, c01, mult, e, y, cols);
        Store16(c10, c11, mult, e, y + ldy, cols);
        Store16(c20, c21, mult, e, y + 2 * ldy, cols);
        Store16(c30, c31, mult, e, y + 3 * ldy, cols);
        Store16(c40, c41, mult, e, y + 4 * ldy, cols);
        Store16(c50, c51, mult, e, y + 5 * ldy, cols);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile1(short* a, short* b, int kPairs, int* bias, float* mult, in Int8Requantizer e, sbyte* y, int cols)
    {
        Vector256<int> c0 = Vector256.Load(bias), c1 = Vector256.Load(bias + 8);
        int* a0 = (int*)a;
        for (int kp = 0; kp < kPairs; kp++)
        {
            var x0 = Vector256.Create(a0[kp]).AsInt16();
            c0 += Avx2.MultiplyAddAdjacent(x0, Vector256.Load(b + kp * 32));
            c1 += Avx2.MultiplyAddAdjacent(x0, Vector256.Load(b + kp * 32 + 16));
        }
        Store16(c0, c1, mult, e, y, cols);
    }

    /// <summary>The receptive field of output pixel (b, oy, ox) as int16 input values; padding reads the input zero point.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Im2Col(ReadOnlySpan<sbyte> x, Span<short> patch, ConvDims d, int zp, int b, int oy, int ox)
    {
        var a = d.Attributes;
        int cg = d.FilterChannels, pos = 0;
        for (int ky = 0; ky < d.FilterHeight; ky++)
        {
            int iy = oy * a.StrideHeight - d.Window.PadTop + ky * a.DilationHeight;
            if (iy < 0 || iy >= d.InHeight)
            {
                patch.Slice(pos, d.FilterWidth * cg).Fill((short)zp);
                pos += d.FilterWidth * cg;
                continue;
            }
            int ix0 = ox * a.StrideWidth - d.Window.PadLeft;
            if (a.DilationWidth == 1 && ix0 >= 0 && ix0 + d.FilterWidth <= d.InWidth)
            {
                // The whole filter row lies inside the image: one contiguous run of FilterWidth pixels (one group, NHWC).
                int run = d.FilterWidth * cg, src = ((b * d.InHeight + iy) * d.InWidth + ix0) * d.InChannels;
                if (run <= 16 && src + 16 <= x.Length && pos + 16 <= patch.Length)
                {
                    // A short row (the 3×3 stem over 3 channels: 9 values): widen 16 in one step; the extra values land
                    // where the next run, the next row or the scratch slack is written later.
                    var bytes = Vector128.LoadUnsafe(ref Unsafe.As<sbyte, byte>(ref Unsafe.AsRef(in x[src])));
                    Avx2.ConvertToVector256Int16(bytes.AsSByte()).StoreUnsafe(ref patch[pos]);
                }
                else QuantizedMath.Widen(x.Slice(src, run), patch.Slice(pos, run), 0);
                pos += run;
                continue;
            }
            for (int kx = 0; kx < d.FilterWidth; kx++, pos += cg)
            {
                int ix = ix0 + kx * a.DilationWidth;
                if (ix < 0 || ix >= d.InWidth) patch.Slice(pos, cg).Fill((short)zp);
                else QuantizedMath.Widen(x.Slice(((b * d.InHeight + iy) * d.InWidth + ix) * d.InChannels, cg), patch.Slice(pos, cg), 0);
            }
        }
    }
}
