using System.Runtime.CompilerServices;
using LiteRt.Format.Schema;
using LiteRt.Runtime.Cpu.Kernels.NeuralNet;
using LiteRt.Runtime.Execution;

namespace LiteRt.Runtime.Cpu.Kernels.Quantized;

/// <summary>
/// CONV_2D hybrid (dynamic range), as LiteRT's per-channel hybrid convolution: float32 input/output, int8 symmetric
/// filter per output channel, float32 bias. Each batch image is quantized to int8 asymmetrically on the fly; im2col
/// patches of (q − zp) (padding reads 0, i.e. real 0.0) are multiplied with the packed filter in integers
/// (<see cref="Int16Gemm"/>) and scaled back: y = Σ · s_image · s_w[c] + bias[c], then the fused activation.
/// </summary>
public static unsafe class HybridConv2DKernel
{
    private const int BlockRows = 64;

    private sealed class State
    {
        public required ConvDims D;
        public required float[] WeightScales;
        public required short[] Packed;
        public float Min, Max;
        public int GroupPacked, RowLength, ImageLength;
        public long BlockOffset, AccOffset, ScalesOffset;
    }

    public static void Prepare(PreparedNode node)
    {
        var filter = node.Input(1);
        if (node.Input(0).Type != TensorType.Float32 || node.Output(0).Type != TensorType.Float32 || filter.Type != TensorType.Int8)
            throw node.Error($"expected FLOAT32 input/output and INT8 filter, got {node.Input(0)}, {filter}, {node.Output(0)}");
        if (node.HasInput(2) && node.Input(2).Type != TensorType.Float32) throw node.Error($"expected a FLOAT32 bias, got {node.Input(2)}");
        if (!filter.IsConstant) throw node.Error("hybrid CONV_2D needs a constant filter");
        var d = ConvDims.Read(node, depthwise: false);
        var scales = DynamicQuantization.WeightScales(node, filter, 0, d.OutChannels);
        var (min, max) = FusedActivation.FloatRange(d.Attributes.Activation);
        int k = d.PatchLength;
        int groupPacked = Int16Gemm.PackedLength(k, d.OutPerGroup);
        var packed = new short[(long)d.Groups * groupPacked];
        var zeros = new int[d.OutChannels];
        for (int g = 0; g < d.Groups; g++)
            Int16Gemm.Pack(filter.AsReadOnlySpan<sbyte>(), g * d.OutPerGroup, d.OutPerGroup, k, zeros, packed.AsSpan(g * groupPacked, groupPacked));
        var st = new State
        {
            D = d, WeightScales = scales, Packed = packed, Min = min, Max = max, GroupPacked = groupPacked,
            RowLength = 2 * Int16Gemm.KPairs(k), ImageLength = d.InHeight * d.InWidth * d.InChannels,
        };
        // Scratch: the quantized image (+1: pointwise rows may read one value past a pixel), the im2col block, the sums.
        st.BlockOffset = QuantizedMath.Align(((long)st.ImageLength + 2) * sizeof(short));
        st.AccOffset = st.BlockOffset + QuantizedMath.Align((long)BlockRows * st.RowLength * sizeof(short));
        node.State = st;
        st.ScalesOffset = st.AccOffset + QuantizedMath.Align((long)BlockRows * d.OutPerGroup * sizeof(int));
        node.ScratchBytes = st.ScalesOffset + (long)d.InHeight * d.InWidth * sizeof(float);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Eval(PreparedNode node)
    {
        var st = node.GetState<State>();
        var d = st.D;
        var a = d.Attributes;
        ReadOnlySpan<float> x = node.Input(0).AsReadOnlySpan<float>();
        ReadOnlySpan<float> bias = node.HasInput(2) ? node.Input(2).AsReadOnlySpan<float>() : default;
        Span<float> y = node.Output(0).AsSpan<float>();
        if (y.Length == 0) return;
        int k = d.PatchLength, cg = d.FilterChannels, ocg = d.OutPerGroup, oc = d.OutChannels, lda = st.RowLength;
        Span<short> image = node.ScratchSpan<short>(0, st.ImageLength + 2);
        Span<short> block = node.ScratchSpan<short>(st.BlockOffset, BlockRows * lda);
        Span<int> acc = node.ScratchSpan<int>(st.AccOffset, BlockRows * ocg);
        Span<int> rowOffsets = stackalloc int[BlockRows];
        int plane = d.OutHeight * d.OutWidth;
        // Pointwise, one group, unit stride: the quantized image rows are the GEMM rows (no copy).
        bool direct = d.IsPointwise && d.Groups == 1 && a.StrideHeight == 1 && a.StrideWidth == 1;
        // 1×1 convolutions are a fully connected layer over pixels: LiteRT runs them with XNNPack's dynamically
        // quantized GEMM, which quantizes each pixel on its own with XNNPack's arithmetic; larger filters quantize
        // per image as TFLite's hybrid convolution does.
        bool perPixel = d.IsPointwise && d.Groups == 1;
        Span<float> pixelScales = perPixel ? node.ScratchSpan<float>(st.ScalesOffset, d.InHeight * d.InWidth) : default;
        for (int b = 0; b < d.Batches; b++)
        {
            float s = 0;
            if (perPixel)
                for (int p = 0, c = d.InChannels; p < d.InHeight * d.InWidth; p++)
                    pixelScales[p] = DynamicQuantization.QuantizeRowAsXnnPack(x.Slice(b * st.ImageLength + p * c, c), image.Slice(p * c, c));
            else s = DynamicQuantization.QuantizeRow(x.Slice(b * st.ImageLength, st.ImageLength), image, asymmetric: true);
            image[st.ImageLength] = 0;
            image[st.ImageLength + 1] = 0;
            for (int p0 = 0; p0 < plane; p0 += BlockRows)
            {
                int rows = Math.Min(BlockRows, plane - p0);
                for (int g = 0; g < d.Groups; g++)
                {
                    ReadOnlySpan<short> src;
                    if (direct)
                    {
                        for (int r = 0; r < rows; r++) rowOffsets[r] = (p0 + r) * d.InChannels;
                        src = image;
                    }
                    else
                    {
                        for (int r = 0; r < rows; r++)
                        {
                            int pix = p0 + r, oy = pix / d.OutWidth, ox = pix % d.OutWidth;
                            var row = block.Slice(r * lda, lda);
                            Im2Col(image, row, d, oy, ox, g);
                            if (lda > k) row[k] = 0;
                            rowOffsets[r] = r * lda;
                        }
                        src = block;
                    }
                    Int16Gemm.Multiply(src, rowOffsets, rows, st.Packed.AsSpan(g * st.GroupPacked, st.GroupPacked), ocg, k, acc, ocg);
                    var groupBias = bias.IsEmpty ? default : bias.Slice(g * ocg, ocg);
                    var groupScales = st.WeightScales.AsSpan(g * ocg, ocg);
                    for (int r = 0; r < rows; r++)
                        HybridEpilogue.Apply(acc.Slice(r * ocg, ocg), perPixel ? pixelScales[PixelOf(d, p0 + r)] : s, groupScales, groupBias, st.Min, st.Max,
                            y.Slice(((b * plane) + p0 + r) * oc + g * ocg, ocg));
                }
            }
        }
    }

    /// <summary>The input pixel a 1×1 convolution's output pixel reads (strides applied; 1×1 filters have no padding effect inside).</summary>
    private static int PixelOf(ConvDims d, int outPixel)
    {
        int oy = outPixel / d.OutWidth, ox = outPixel % d.OutWidth;
        int iy = oy * d.Attributes.StrideHeight - d.Window.PadTop, ix = ox * d.Attributes.StrideWidth - d.Window.PadLeft;
        return iy < 0 || iy >= d.InHeight || ix < 0 || ix >= d.InWidth ? 0 : iy * d.InWidth + ix;
    }

    /// <summary>The receptive field of output pixel (oy, ox), group g, from the quantized image; padding reads 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Im2Col(ReadOnlySpan<short> image, Span<short> patch, ConvDims d, int oy, int ox, int g)
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
                else image.Slice((iy * d.InWidth + ix) * d.InChannels + g * cg, cg).CopyTo(patch.Slice(pos, cg));
            }
        }
    }
}
