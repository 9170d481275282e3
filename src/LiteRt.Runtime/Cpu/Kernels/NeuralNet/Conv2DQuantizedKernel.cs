using System.Runtime.CompilerServices;
using LiteRt.Format.Schema;
using LiteRt.Runtime.Execution;

namespace LiteRt.Runtime.Cpu.Kernels.NeuralNet;

/// <summary>
/// CONV_2D uint8 (per-tensor weights) and int8 (per-channel symmetric weights along dim 0) as an integer matrix
/// product per group (<see cref="Int16Gemm"/>): blocks of output pixels' im2col patches minus the input zero point
/// (int16) times the filter minus its zero points (packed once for constant filters, else at each Eval), exact int32
/// sums plus the int32 bias, requantized with in_scale·w_scale[c]/out_scale in float32 (XNNPack's fp32 requantization) and clamped
/// to the fused activation range.
/// </summary>
public static unsafe class Conv2DQuantizedKernel
{
    private const int BlockRows = Conv2DFloatKernel.BlockRows;

    private sealed class State
    {
        public required ConvDims D;
        public required float[] Multipliers;
        public required int[] WeightZeroPoints;
        public short[]? Packed;
        public int InZp, OutZp, ActMin, ActMax, GroupPacked, RowLength;
        public bool Signed;
        public long AccOffset, PackedOffset;
    }

    public static void Prepare(PreparedNode node)
    {
        var type = node.Input(0).Type;
        if (!QuantizedMath.Is8Bit(type)) throw node.Error($"expected uint8 or int8 input, got {node.Input(0)}");
        ConvDims.RequireTypes(node, type, type, TensorType.Int32);
        var d = ConvDims.Read(node, depthwise: false);
        var (inScale, inZp) = QuantizedMath.TensorParams(node, node.Input(0));
        var (outScale, outZp) = QuantizedMath.TensorParams(node, node.Output(0));
        var filter = node.Input(1);
        var (wScales, wZps) = QuantizedMath.ChannelParams(node, filter, 0, d.OutChannels);
        var mult = new float[d.OutChannels];
        for (int c = 0; c < mult.Length; c++) mult[c] = (float)((double)inScale * wScales[c] / outScale);
        var (min, max) = FusedActivation.QuantizedRange(d.Attributes.Activation, outScale, outZp, type);
        int k = d.PatchLength;
        var st = new State
        {
            D = d, Multipliers = mult, WeightZeroPoints = wZps, InZp = inZp, OutZp = outZp, ActMin = min, ActMax = max,
            Signed = type == TensorType.Int8, GroupPacked = Int16Gemm.PackedLength(k, d.OutPerGroup), RowLength = 2 * Int16Gemm.KPairs(k),
        };
        long scratch = QuantizedMath.Align((long)BlockRows * st.RowLength * sizeof(short));
        st.AccOffset = scratch;
        scratch += QuantizedMath.Align((long)BlockRows * d.OutPerGroup * sizeof(int));
        st.PackedOffset = scratch;
        if (filter.IsConstant)
        {
            st.Packed = new short[(long)d.Groups * st.GroupPacked];
            Pack(filter, d, wZps, st.Packed, st.GroupPacked);
        }
        else scratch += (long)d.Groups * st.GroupPacked * sizeof(short);
        node.State = st;
        node.ScratchBytes = scratch;
    }

    private static void Pack(RuntimeTensor filter, ConvDims d, int[] zps, Span<short> dst, int groupPacked)
    {
        for (int g = 0; g < d.Groups; g++)
        {
            var slice = dst.Slice(g * groupPacked, groupPacked);
            if (filter.Type == TensorType.Uint8) Int16Gemm.Pack(filter.AsReadOnlySpan<byte>(), g * d.OutPerGroup, d.OutPerGroup, d.PatchLength, zps, slice);
            else Int16Gemm.Pack(filter.AsReadOnlySpan<sbyte>(), g * d.OutPerGroup, d.OutPerGroup, d.PatchLength, zps, slice);
        }
    }

    public static void Eval(PreparedNode node)
    {
        var st = node.GetState<State>();
        if (st.Signed) Run<sbyte>(node, st);
        else Run<byte>(node, st);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Run<T>(PreparedNode node, State st) where T : unmanaged
    {
        var d = st.D;
        var a = d.Attributes;
        ReadOnlySpan<T> x = node.Input(0).AsReadOnlySpan<T>();
        ReadOnlySpan<int> bias = node.HasInput(2) ? node.Input(2).AsReadOnlySpan<int>() : default;
        Span<byte> y = node.Output(0).AsSpan<byte>();
        if (y.Length == 0) return;
        int k = d.PatchLength, cg = d.FilterChannels, ocg = d.OutPerGroup, oc = d.OutChannels, gp = st.GroupPacked, lda = st.RowLength;
        ReadOnlySpan<short> packed;
        if (st.Packed is { } pk) packed = pk;
        else
        {
            var dst = node.ScratchSpan<short>(st.PackedOffset, d.Groups * gp);
            Pack(node.Input(1), d, st.WeightZeroPoints, dst, gp);
            packed = dst;
        }
        Span<short> block = node.ScratchSpan<short>(0, BlockRows * lda);
        Span<int> acc = node.ScratchSpan<int>(st.AccOffset, BlockRows * ocg);
        Span<int> rowOffsets = stackalloc int[BlockRows];
        int pixels = d.Batches * d.OutHeight * d.OutWidth, plane = d.OutHeight * d.OutWidth;
        for (int p0 = 0; p0 < pixels; p0 += BlockRows)
        {
            int rows = Math.Min(BlockRows, pixels - p0);
            for (int g = 0; g < d.Groups; g++)
            {
                for (int r = 0; r < rows; r++)
                {
                    int pix = p0 + r, b = pix / plane, oy = pix % plane / d.OutWidth, ox = pix % d.OutWidth;
                    var row = block.Slice(r * lda, lda);
                    if (d.IsPointwise)
                    {
                        int iy = oy * a.StrideHeight, ix = ox * a.StrideWidth;
                        QuantizedMath.Widen(x.Slice(((b * d.InHeight + iy) * d.InWidth + ix) * d.InChannels + g * cg, cg), row, st.InZp);
                    }
                    else Im2Col(x, row, d, st.InZp, b, oy, ox, g);
                    if (lda > k) row[k] = 0;
                    rowOffsets[r] = r * lda;
                }
                Int16Gemm.Multiply(block, rowOffsets, rows, packed.Slice(g * gp, gp), ocg, k, acc, ocg);
                var groupBias = bias.IsEmpty ? default : bias.Slice(g * ocg, ocg);
                var groupMult = st.Multipliers.AsSpan(g * ocg, ocg);
                for (int r = 0; r < rows; r++)
                    QuantizedMath.RequantizeRow(acc.Slice(r * ocg, ocg), groupBias, groupMult, st.OutZp, st.ActMin, st.ActMax,
                        y.Slice((p0 + r) * oc + g * ocg, ocg));
            }
        }
    }

    /// <summary>The receptive field of output pixel (b, oy, ox), group g, as int16 values minus the zero point; padding reads 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Im2Col<T>(ReadOnlySpan<T> x, Span<short> patch, ConvDims d, int zp, int b, int oy, int ox, int g) where T : unmanaged
    {
        var a = d.Attributes;
        int cg = d.FilterChannels, pos = 0;
        for (int ky = 0; ky < d.FilterHeight; ky++)
        {
            int iy = oy * a.StrideHeight - d.Window.PadTop + ky * a.DilationHeight;
            if (iy < 0 || iy >= d.InHeight)
            {
                patch.Slice(pos, d.FilterWidth * cg).Clear();
                pos += d.FilterWidth * cg;
                continue;
            }
            for (int kx = 0; kx < d.FilterWidth; kx++, pos += cg)
            {
                int ix = ox * a.StrideWidth - d.Window.PadLeft + kx * a.DilationWidth;
                if (ix < 0 || ix >= d.InWidth) patch.Slice(pos, cg).Clear();
                else QuantizedMath.Widen(x.Slice(((b * d.InHeight + iy) * d.InWidth + ix) * d.InChannels + g * cg, cg), patch.Slice(pos, cg), zp);
            }
        }
    }
}
