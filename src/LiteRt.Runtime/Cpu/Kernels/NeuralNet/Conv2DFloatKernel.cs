using System.Numerics.Tensors;
using LiteRt.Format.Schema;
using LiteRt.Runtime.Execution;

namespace LiteRt.Runtime.Cpu.Kernels.NeuralNet;

/// <summary>
/// CONV_2D float32: per output pixel and group, an im2col patch (skipped for 1×1 filters, which read the input pixel
/// directly) dotted with each filter row [h·w·in] (contiguous), plus bias, then the activation clamp.
/// </summary>
public static unsafe class Conv2DFloatKernel
{
    private sealed class State
    {
        public required ConvDims D;
        public float Min, Max;
    }

    public static void Prepare(PreparedNode node)
    {
        ConvDims.RequireTypes(node, TensorType.Float32, TensorType.Float32, TensorType.Float32);
        var d = ConvDims.Read(node, depthwise: false);
        var (min, max) = NeuralNetActivation.FloatRange(d.Attributes.Activation);
        node.State = new State { D = d, Min = min, Max = max };
        node.ScratchBytes = d.IsPointwise ? 0 : (long)d.PatchLength * sizeof(float);
    }

    public static void Eval(PreparedNode node)
    {
        var st = node.GetState<State>();
        var d = st.D;
        ReadOnlySpan<float> x = node.Input(0).AsReadOnlySpan<float>();
        ReadOnlySpan<float> f = node.Input(1).AsReadOnlySpan<float>();
        ReadOnlySpan<float> bias = node.HasInput(2) ? node.Input(2).AsReadOnlySpan<float>() : default;
        Span<float> y = node.Output(0).AsSpan<float>();
        if (y.Length == 0) return;
        int k = d.PatchLength, cg = d.FilterChannels, ocg = d.OutPerGroup, oc = d.OutChannels;
        Span<float> patch = d.IsPointwise ? default : node.ScratchSpan<float>(0, k);
        var a = d.Attributes;
        for (int b = 0; b < d.Batches; b++)
        for (int oy = 0; oy < d.OutHeight; oy++)
        for (int ox = 0; ox < d.OutWidth; ox++)
        {
            int outBase = ((b * d.OutHeight + oy) * d.OutWidth + ox) * oc;
            for (int g = 0; g < d.Groups; g++)
            {
                ReadOnlySpan<float> p;
                if (d.IsPointwise)
                {
                    int iy = oy * a.StrideHeight, ix = ox * a.StrideWidth;
                    p = x.Slice(((b * d.InHeight + iy) * d.InWidth + ix) * d.InChannels + g * cg, cg);
                }
                else
                {
                    Im2Col(x, patch, d, b, oy, ox, g);
                    p = patch;
                }
                for (int o = g * ocg; o < (g + 1) * ocg; o++)
                    y[outBase + o] = TensorPrimitives.Dot(p, f.Slice(o * k, k)) + (bias.IsEmpty ? 0f : bias[o]);
            }
            NeuralNetActivation.Clamp(y.Slice(outBase, oc), st.Min, st.Max);
        }
    }

    /// <summary>Copies the receptive field of output pixel (b, oy, ox) for group g into patch [h, w, cg]; padding reads 0.</summary>
    internal static void Im2Col(ReadOnlySpan<float> x, Span<float> patch, ConvDims d, int b, int oy, int ox, int g)
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
