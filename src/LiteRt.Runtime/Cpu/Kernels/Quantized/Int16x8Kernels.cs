using System.Runtime.CompilerServices;
using LiteRt.Format.Schema;
using LiteRt.Runtime.Cpu.Kernels.NeuralNet;
using LiteRt.Runtime.Execution;

namespace LiteRt.Runtime.Cpu.Kernels.Quantized;

/// <summary>
/// Shared parts of the 16x8 kernels (int16 symmetric activations, int8 symmetric per-channel weights, int64 or
/// int32 bias, TFLite's 16x8 quantization spec): parameters, K-chunked integer products and requantization.
/// Products x·w reach 2^22, so int32 partial sums run over chunks of at most 256 values and are added in int64.
/// </summary>
internal sealed class Int16x8Params
{
    public const int ChunkK = 256;

    public required double[] Multipliers;
    public required long[] Bias;
    public int Min, Max;

    public static Int16x8Params Create(PreparedNode node, RuntimeTensor weights, int axis, int channels, int biasInput, ActivationFunctionType act)
    {
        var input = node.Input(biasInput == 3 ? 2 : 0);
        var output = node.Output(0);
        if (input.Type != TensorType.Int16 || output.Type != TensorType.Int16 || weights.Type != TensorType.Int8)
            throw node.Error($"expected INT16 input/output and INT8 weights, got {input}, {weights}, {output}");
        var (inScale, inZp) = QuantizedMath.TensorParams(node, input);
        var (outScale, outZp) = QuantizedMath.TensorParams(node, output);
        if (inZp != 0 || outZp != 0) throw node.Error("16x8 activations must be symmetric (zero point 0)");
        var wScales = DynamicQuantization.WeightScales(node, weights, axis, channels);
        var mult = new double[channels];
        for (int c = 0; c < channels; c++) mult[c] = (double)inScale * wScales[c] / outScale;
        var bias = new long[channels];
        if (node.HasInput(biasInput))
        {
            var b = node.Input(biasInput);
            if (!b.IsConstant || b.ElementCount != channels) throw node.Error($"bias {b} must be constant with {channels} values");
            if (b.Type == TensorType.Int64) b.AsReadOnlySpan<long>().CopyTo(bias);
            else if (b.Type == TensorType.Int32) { var s = b.AsReadOnlySpan<int>(); for (int c = 0; c < channels; c++) bias[c] = s[c]; }
            else throw node.Error($"expected an INT64 or INT32 bias, got {b}");
        }
        var (min, max) = FusedActivation.QuantizedRange(act, outScale, 0, TensorType.Int16);
        return new Int16x8Params { Multipliers = mult, Bias = bias, Min = min, Max = max };
    }

    /// <summary>Packs weight rows [first, first + n) of length k in chunks of <see cref="ChunkK"/> (one Int16Gemm panel set per chunk).</summary>
    public static short[][] PackChunks(ReadOnlySpan<sbyte> w, int first, int n, int k)
    {
        int chunks = Math.Max(1, (k + ChunkK - 1) / ChunkK);
        var result = new short[chunks][];
        var zeros = new int[first + n];
        var tmp = new sbyte[(first + n) * Math.Min(k, ChunkK)];
        for (int c = 0; c < chunks; c++)
        {
            int k0 = c * ChunkK, kc = Math.Min(ChunkK, k - k0);
            for (int j = 0; j < n; j++) w.Slice((first + j) * k + k0, kc).CopyTo(tmp.AsSpan((first + j) * kc, kc));
            result[c] = new short[Int16Gemm.PackedLength(kc, n)];
            Int16Gemm.Pack<sbyte>(tmp.AsSpan(0, (first + n) * kc), first, n, kc, zeros, result[c]);
        }
        return result;
    }

    /// <summary>acc64[r · n + j] = Σ_k a[rowOffsets[r] + k] · B[j, k] over all chunks.</summary>
    public static void Multiply(ReadOnlySpan<short> a, Span<int> rowOffsets, int rows, short[][] packed, int n, int k, Span<int> acc32, Span<long> acc64)
    {
        acc64.Slice(0, rows * n).Clear();
        for (int c = 0; c < packed.Length; c++)
        {
            int k0 = c * ChunkK, kc = Math.Min(ChunkK, k - k0);
            if (kc <= 0) break;
            if (c > 0) for (int r = 0; r < rows; r++) rowOffsets[r] += ChunkK;
            Int16Gemm.Multiply(a, rowOffsets, rows, packed[c], n, kc, acc32, n);
            for (int i = 0; i < rows * n; i++) acc64[i] += acc32[i];
        }
        if (packed.Length > 1) for (int r = 0; r < rows; r++) rowOffsets[r] -= (packed.Length - 1) * ChunkK;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Requantize(ReadOnlySpan<long> acc, int channelOffset, Span<short> y)
    {
        for (int j = 0; j < y.Length; j++)
        {
            int c = channelOffset + j;
            double v = (acc[j] + Bias[c]) * Multipliers[c];
            y[j] = (short)QuantizedMath.RoundClamp(v, 0, Min, Max);
        }
    }
}

/// <summary>FULLY_CONNECTED 16x8: int16 input/output, int8 per-channel weights, int64 bias.</summary>
public static unsafe class FullyConnected16x8Kernel
{
    private const int BlockRows = 32;

    private sealed class State
    {
        public FullyConnectedDims D;
        public required Int16x8Params P;
        public required short[][] Packed;
        public int RowLength;
        public long Acc32Offset, Acc64Offset;
    }

    public static void Prepare(PreparedNode node)
    {
        var w = node.Input(1);
        if (!w.IsConstant) throw node.Error("16x8 FULLY_CONNECTED needs constant weights");
        var d = FullyConnectedDims.Read(node);
        var p = Int16x8Params.Create(node, w, 0, d.Units, 2, d.Activation);
        var st = new State { D = d, P = p, Packed = Int16x8Params.PackChunks(w.AsReadOnlySpan<sbyte>(), 0, d.Units, d.Depth), RowLength = 2 * Int16Gemm.KPairs(d.Depth) };
        st.Acc32Offset = QuantizedMath.Align((long)BlockRows * st.RowLength * sizeof(short));
        st.Acc64Offset = st.Acc32Offset + QuantizedMath.Align((long)BlockRows * d.Units * sizeof(int));
        node.State = st;
        node.ScratchBytes = st.Acc64Offset + (long)BlockRows * d.Units * sizeof(long);
    }

    public static void Eval(PreparedNode node)
    {
        var st = node.GetState<State>();
        var d = st.D;
        ReadOnlySpan<short> x = node.Input(0).AsReadOnlySpan<short>();
        Span<short> y = node.Output(0).AsSpan<short>();
        if (y.Length == 0) return;
        int lda = st.RowLength;
        Span<short> block = node.ScratchSpan<short>(0, BlockRows * lda);
        Span<int> acc32 = node.ScratchSpan<int>(st.Acc32Offset, BlockRows * d.Units);
        Span<long> acc64 = node.ScratchSpan<long>(st.Acc64Offset, BlockRows * d.Units);
        Span<int> offsets = stackalloc int[BlockRows];
        for (int r0 = 0; r0 < d.Rows; r0 += BlockRows)
        {
            int rows = Math.Min(BlockRows, d.Rows - r0);
            for (int r = 0; r < rows; r++)
            {
                var row = block.Slice(r * lda, lda);
                x.Slice((r0 + r) * d.Depth, d.Depth).CopyTo(row);
                if (lda > d.Depth) row[d.Depth] = 0;
                offsets[r] = r * lda;
            }
            if (d.Depth > 0) Int16x8Params.Multiply(block, offsets, rows, st.Packed, d.Units, d.Depth, acc32, acc64);
            else acc64.Clear();
            for (int r = 0; r < rows; r++) st.P.Requantize(acc64.Slice(r * d.Units, d.Units), 0, y.Slice((r0 + r) * d.Units, d.Units));
        }
    }
}

/// <summary>CONV_2D 16x8: int16 input/output, int8 per-channel filter, int64 bias (im2col + chunked int16 GEMM).</summary>
public static unsafe class Conv2D16x8Kernel
{
    private const int BlockRows = 32;

    private sealed class State
    {
        public required ConvDims D;
        public required Int16x8Params P;
        public required short[][][] Packed;
        public int RowLength;
        public long Acc32Offset, Acc64Offset;
    }

    public static void Prepare(PreparedNode node)
    {
        var w = node.Input(1);
        if (!w.IsConstant) throw node.Error("16x8 CONV_2D needs a constant filter");
        var d = ConvDims.Read(node, depthwise: false);
        var p = Int16x8Params.Create(node, w, 0, d.OutChannels, 2, d.Attributes.Activation);
        var packed = new short[d.Groups][][];
        for (int g = 0; g < d.Groups; g++) packed[g] = Int16x8Params.PackChunks(w.AsReadOnlySpan<sbyte>(), g * d.OutPerGroup, d.OutPerGroup, d.PatchLength);
        var st = new State { D = d, P = p, Packed = packed, RowLength = 2 * Int16Gemm.KPairs(d.PatchLength) };
        st.Acc32Offset = QuantizedMath.Align((long)BlockRows * st.RowLength * sizeof(short));
        st.Acc64Offset = st.Acc32Offset + QuantizedMath.Align((long)BlockRows * d.OutPerGroup * sizeof(int));
        node.State = st;
        node.ScratchBytes = st.Acc64Offset + (long)BlockRows * d.OutPerGroup * sizeof(long);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Eval(PreparedNode node)
    {
        var st = node.GetState<State>();
        var d = st.D;
        var a = d.Attributes;
        ReadOnlySpan<short> x = node.Input(0).AsReadOnlySpan<short>();
        Span<short> y = node.Output(0).AsSpan<short>();
        if (y.Length == 0) return;
        int k = d.PatchLength, cg = d.FilterChannels, ocg = d.OutPerGroup, oc = d.OutChannels, lda = st.RowLength;
        Span<short> block = node.ScratchSpan<short>(0, BlockRows * lda);
        Span<int> acc32 = node.ScratchSpan<int>(st.Acc32Offset, BlockRows * ocg);
        Span<long> acc64 = node.ScratchSpan<long>(st.Acc64Offset, BlockRows * ocg);
        Span<int> offsets = stackalloc int[BlockRows];
        int plane = d.OutHeight * d.OutWidth, pixels = d.Batches * plane, image = d.InHeight * d.InWidth * d.InChannels;
        for (int p0 = 0; p0 < pixels; p0 += BlockRows)
        {
            int rows = Math.Min(BlockRows, pixels - p0);
            for (int g = 0; g < d.Groups; g++)
            {
                for (int r = 0; r < rows; r++)
                {
                    int pix = p0 + r, b = pix / plane, oy = pix % plane / d.OutWidth, ox = pix % d.OutWidth;
                    var row = block.Slice(r * lda, lda);
                    int pos = 0;
                    for (int ky = 0; ky < d.FilterHeight; ky++)
                    {
                        int iy = oy * a.StrideHeight - d.Window.PadTop + ky * a.DilationHeight;
                        for (int kx = 0; kx < d.FilterWidth; kx++, pos += cg)
                        {
                            int ix = ox * a.StrideWidth - d.Window.PadLeft + kx * a.DilationWidth;
                            if (iy < 0 || iy >= d.InHeight || ix < 0 || ix >= d.InWidth) row.Slice(pos, cg).Clear();
                            else x.Slice(b * image + (iy * d.InWidth + ix) * d.InChannels + g * cg, cg).CopyTo(row.Slice(pos, cg));
                        }
                    }
                    if (lda > k) row[k] = 0;
                    offsets[r] = r * lda;
                }
                Int16x8Params.Multiply(block, offsets, rows, st.Packed[g], ocg, k, acc32, acc64);
                for (int r = 0; r < rows; r++)
                    st.P.Requantize(acc64.Slice(r * ocg, ocg), g * ocg, y.Slice((p0 + r) * oc + g * ocg, ocg));
            }
        }
    }
}

/// <summary>DEPTHWISE_CONV_2D 16x8: int16 input/output, int8 per-channel filter (dim 3), int64 bias.</summary>
public static unsafe class DepthwiseConv2D16x8Kernel
{
    private sealed class State
    {
        public required ConvDims D;
        public required Int16x8Params P;
        public required int[] Weights;
        public QuantizedIsa Isa;
        public long Acc64Offset;
    }

    public static void Prepare(PreparedNode node)
    {
        var w = node.Input(1);
        if (!w.IsConstant) throw node.Error("16x8 DEPTHWISE_CONV_2D needs a constant filter");
        var d = ConvDims.Read(node, depthwise: true);
        var p = Int16x8Params.Create(node, w, 3, d.OutChannels, 2, d.Attributes.Activation);
        var raw = w.AsReadOnlySpan<sbyte>();
        var weights = new int[raw.Length];
        for (int i = 0; i < raw.Length; i++) weights[i] = raw[i];
        var st = new State { D = d, P = p, Weights = weights, Isa = QuantizedIsaSelection.Current };
        st.Acc64Offset = QuantizedMath.Align((long)d.OutChannels * sizeof(int));
        node.State = st;
        node.ScratchBytes = st.Acc64Offset + (long)d.OutChannels * sizeof(long);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Eval(PreparedNode node)
    {
        var st = node.GetState<State>();
        var d = st.D;
        var a = d.Attributes;
        ReadOnlySpan<short> x = node.Input(0).AsReadOnlySpan<short>();
        Span<short> y = node.Output(0).AsSpan<short>();
        if (y.Length == 0) return;
        int c = d.InChannels, oc = d.OutChannels, mult = d.OutPerGroup;
        Span<int> acc = node.ScratchSpan<int>(0, oc);
        Span<long> acc64 = node.ScratchSpan<long>(st.Acc64Offset, oc);
        ReadOnlySpan<int> w = st.Weights;
        for (int b = 0; b < d.Batches; b++)
        for (int oy = 0; oy < d.OutHeight; oy++)
        for (int ox = 0; ox < d.OutWidth; ox++)
        {
            acc.Clear();
            for (int ky = 0; ky < d.FilterHeight; ky++)
            {
                int iy = oy * a.StrideHeight - d.Window.PadTop + ky * a.DilationHeight;
                if (iy < 0 || iy >= d.InHeight) continue;
                for (int kx = 0; kx < d.FilterWidth; kx++)
                {
                    int ix = ox * a.StrideWidth - d.Window.PadLeft + kx * a.DilationWidth;
                    if (ix < 0 || ix >= d.InWidth) continue;
                    var inRow = x.Slice(((b * d.InHeight + iy) * d.InWidth + ix) * c, c);
                    var tap = w.Slice((ky * d.FilterWidth + kx) * oc, oc);
                    if (mult == 1) HybridDepthwiseConv2DKernel.Accumulate(inRow, tap, acc, st.Isa);
                    else
                        for (int ic = 0; ic < c; ic++)
                            for (int m = 0; m < mult; m++) acc[ic * mult + m] += inRow[ic] * tap[ic * mult + m];
                }
            }
            for (int j = 0; j < oc; j++) acc64[j] = acc[j];
            st.P.Requantize(acc64, 0, y.Slice(((b * d.OutHeight + oy) * d.OutWidth + ox) * oc, oc));
        }
    }
}
