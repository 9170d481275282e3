using System.Runtime.CompilerServices;
using System.Numerics.Tensors;
using LiteRt.Format.Schema;
using LiteRt.Runtime.Execution;

namespace LiteRt.Runtime.Cpu.Kernels.NeuralNet;

/// <summary>
/// CONV_2D float32 as a matrix product per group: blocks of output pixels are the rows (their im2col patches, or the
/// input pixels themselves for 1×1 filters), the filter [out, h·w·in] packed into 16-column panels is the other
/// operand (<see cref="FloatGemm"/>); then bias and the activation clamp per output row.
/// </summary>
public static unsafe class Conv2DFloatKernel
{
    internal const int BlockRows = 64;

    private sealed class State
    {
        public required ConvDims D;
        public float Min, Max;
        public float[]? Packed;
        public int GroupPacked;
        public long PackedOffset;
    }

    public static void Prepare(PreparedNode node)
    {
        ConvDims.RequireTypes(node, TensorType.Float32, TensorType.Float32, TensorType.Float32);
        var d = ConvDims.Read(node, depthwise: false);
        var (min, max) = FusedActivation.FloatRange(d.Attributes.Activation);
        int k = d.PatchLength;
        var st = new State { D = d, Min = min, Max = max, GroupPacked = FloatGemm.PackedLength(k, d.OutPerGroup) };
        long scratch = d.IsPointwise ? 0 : QuantizedMath.Align((long)BlockRows * k * sizeof(float));
        st.PackedOffset = scratch;
        var filter = node.Input(1);
        if (filter.IsConstant)
        {
            st.Packed = new float[(long)d.Groups * st.GroupPacked];
            Pack(filter.AsReadOnlySpan<float>(), d, st.Packed, st.GroupPacked);
        }
        else scratch += (long)d.Groups * st.GroupPacked * sizeof(float);
        node.State = st;
        node.ScratchBytes = scratch;
    }

    private static void Pack(ReadOnlySpan<float> filter, ConvDims d, Span<float> dst, int groupPacked)
    {
        for (int g = 0; g < d.Groups; g++)
            FloatGemm.Pack(filter, g * d.OutPerGroup, d.OutPerGroup, d.PatchLength, dst.Slice(g * groupPacked, groupPacked));
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
        int k = d.PatchLength, cg = d.FilterChannels, ocg = d.OutPerGroup, oc = d.OutChannels, gp = st.GroupPacked;
        ReadOnlySpan<float> packed;
        if (st.Packed is { } p) packed = p;
        else
        {
            var dst = node.ScratchSpan<float>(st.PackedOffset, d.Groups * gp);
            Pack(node.Input(1).AsReadOnlySpan<float>(), d, dst, gp);
            packed = dst;
        }
        Span<float> block = d.IsPointwise ? default : node.ScratchSpan<float>(0, BlockRows * k);
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
                    if (d.IsPointwise)
                        rowOffsets[r] = ((b * d.InHeight + oy * a.StrideHeight) * d.InWidth + ox * a.StrideWidth) * d.InChannels + g * cg;
                    else
                    {
                        Im2Col(x, block.Slice(r * k, k), d, b, oy, ox, g);
                        rowOffsets[r] = r * k;
                    }
                }
                FloatGemm.Multiply(d.IsPointwise ? x : block, rowOffsets, rows, packed.Slice(g * gp, gp), ocg, k, y.Slice(p0 * oc + g * ocg), oc);
            }
            for (int r = 0; r < rows; r++)
            {
                var outRow = y.Slice((p0 + r) * oc, oc);
                if (!bias.IsEmpty) TensorPrimitives.Add(outRow, bias, outRow);
                NeuralNetActivation.Clamp(outRow, st.Min, st.Max);
            }
        }
    }

    /// <summary>Copies the receptive field of output pixel (b, oy, ox) for group g into patch [h, w, cg]; padding reads 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Im2Col<T>(ReadOnlySpan<T> x, Span<T> patch, ConvDims d, int b, int oy, int ox, int g)
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
                else x.Slice(((b * d.InHeight + iy) * d.InWidth + ix) * d.InChannels + g * cg, cg).CopyTo(patch.Slice(pos, cg));
            }
        }
    }
}
