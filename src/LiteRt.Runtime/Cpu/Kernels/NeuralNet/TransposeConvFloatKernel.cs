using System.Runtime.CompilerServices;
using System.Numerics.Tensors;
using LiteRt.Format.Schema;
using LiteRt.Runtime.Execution;

namespace LiteRt.Runtime.Cpu.Kernels.NeuralNet;

/// <summary>
/// TRANSPOSE_CONV float32: the output starts at the bias; every input pixel adds, for each filter tap that lands inside
/// the output, input row · weights[o, ky, kx, :] (contiguous over input channels) to the output pixel's channels.
/// </summary>
public static unsafe class TransposeConvFloatKernel
{
    private sealed class State
    {
        public required TransposeConvDims D;
        public float Min, Max;
    }

    public static void Prepare(PreparedNode node)
    {
        ConvDims.RequireTypes(node, TensorType.Float32, TensorType.Float32, TensorType.Float32, biasIndex: 3, inputIndex: 2, weightsIndex: 1);
        var d = TransposeConvDims.Read(node);
        var (min, max) = FusedActivation.FloatRange(d.Attributes.Activation);
        node.State = new State { D = d, Min = min, Max = max };
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Eval(PreparedNode node)
    {
        var st = node.GetState<State>();
        var d = st.D;
        var a = d.Attributes;
        ReadOnlySpan<float> w = node.Input(1).AsReadOnlySpan<float>();
        ReadOnlySpan<float> x = node.Input(2).AsReadOnlySpan<float>();
        ReadOnlySpan<float> bias = node.HasInput(3) ? node.Input(3).AsReadOnlySpan<float>() : default;
        Span<float> y = node.Output(0).AsSpan<float>();
        if (y.Length == 0) return;
        int c = d.InChannels, oc = d.OutChannels, fh = d.FilterHeight, fw = d.FilterWidth;
        for (int p = 0; p < y.Length; p += oc)
        {
            if (bias.IsEmpty) y.Slice(p, oc).Clear();
            else bias.CopyTo(y.Slice(p, oc));
        }
        for (int b = 0; b < d.Batches; b++)
        for (int iy = 0; iy < d.InHeight; iy++)
        for (int ix = 0; ix < d.InWidth; ix++)
        {
            var inRow = x.Slice(((b * d.InHeight + iy) * d.InWidth + ix) * c, c);
            for (int ky = 0; ky < fh; ky++)
            {
                int oy = iy * a.StrideHeight - d.Window.PadTop + ky;
                if (oy < 0 || oy >= d.OutHeight) continue;
                for (int kx = 0; kx < fw; kx++)
                {
                    int ox = ix * a.StrideWidth - d.Window.PadLeft + kx;
                    if (ox < 0 || ox >= d.OutWidth) continue;
                    var outRow = y.Slice(((b * d.OutHeight + oy) * d.OutWidth + ox) * oc, oc);
                    for (int o = 0; o < oc; o++)
                        outRow[o] += TensorPrimitives.Dot(inRow, w.Slice(((o * fh + ky) * fw + kx) * c, c));
                }
            }
        }
        NeuralNetActivation.Clamp(y, st.Min, st.Max);
    }
}
