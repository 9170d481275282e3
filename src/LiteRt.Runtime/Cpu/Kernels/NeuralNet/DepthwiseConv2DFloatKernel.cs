using System.Runtime.CompilerServices;
using System.Numerics.Tensors;
using LiteRt.Format.Schema;
using LiteRt.Runtime.Execution;

namespace LiteRt.Runtime.Cpu.Kernels.NeuralNet;

/// <summary>
/// DEPTHWISE_CONV_2D float32: per output pixel, the output row (all channels, contiguous) starts at the bias and
/// accumulates input row · filter tap row for every valid tap (vectorized over channels for multiplier 1).
/// </summary>
public static unsafe class DepthwiseConv2DFloatKernel
{
    private sealed class State
    {
        public required ConvDims D;
        public float Min, Max;
    }

    public static void Prepare(PreparedNode node)
    {
        ConvDims.RequireTypes(node, TensorType.Float32, TensorType.Float32, TensorType.Float32);
        var d = ConvDims.Read(node, depthwise: true);
        var (min, max) = FusedActivation.FloatRange(d.Attributes.Activation);
        node.State = new State { D = d, Min = min, Max = max };
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Eval(PreparedNode node)
    {
        var st = node.GetState<State>();
        var d = st.D;
        var a = d.Attributes;
        ReadOnlySpan<float> x = node.Input(0).AsReadOnlySpan<float>();
        ReadOnlySpan<float> f = node.Input(1).AsReadOnlySpan<float>();
        ReadOnlySpan<float> bias = node.HasInput(2) ? node.Input(2).AsReadOnlySpan<float>() : default;
        Span<float> y = node.Output(0).AsSpan<float>();
        if (y.Length == 0) return;
        int c = d.InChannels, oc = d.OutChannels, mult = d.OutPerGroup;
        for (int b = 0; b < d.Batches; b++)
        for (int oy = 0; oy < d.OutHeight; oy++)
        for (int ox = 0; ox < d.OutWidth; ox++)
        {
            var outRow = y.Slice(((b * d.OutHeight + oy) * d.OutWidth + ox) * oc, oc);
            if (bias.IsEmpty) outRow.Clear();
            else bias.CopyTo(outRow);
            for (int ky = 0; ky < d.FilterHeight; ky++)
            {
                int iy = oy * a.StrideHeight - d.Window.PadTop + ky * a.DilationHeight;
                if (iy < 0 || iy >= d.InHeight) continue;
                for (int kx = 0; kx < d.FilterWidth; kx++)
                {
                    int ix = ox * a.StrideWidth - d.Window.PadLeft + kx * a.DilationWidth;
                    if (ix < 0 || ix >= d.InWidth) continue;
                    var inRow = x.Slice(((b * d.InHeight + iy) * d.InWidth + ix) * c, c);
                    var tap = f.Slice((ky * d.FilterWidth + kx) * oc, oc);
                    if (mult == 1) TensorPrimitives.MultiplyAdd(inRow, tap, outRow, outRow);
                    else
                    {
                        for (int ic = 0; ic < c; ic++)
                        {
                            float v = inRow[ic];
                            for (int m = 0; m < mult; m++) outRow[ic * mult + m] += v * tap[ic * mult + m];
                        }
                    }
                }
            }
            NeuralNetActivation.Clamp(outRow, st.Min, st.Max);
        }
    }
}
