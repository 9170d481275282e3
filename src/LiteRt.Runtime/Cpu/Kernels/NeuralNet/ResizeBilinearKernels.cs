using System.Numerics.Tensors;
using LiteRt.Format.Schema;
using LiteRt.Graph.Catalog;
using LiteRt.Runtime.Execution;

namespace LiteRt.Runtime.Cpu.Kernels.NeuralNet;

/// <summary>Per-output-row and per-output-column source neighbours and weights of a RESIZE_BILINEAR node (TFLite's float32 math).</summary>
internal sealed class BilinearPlan
{
    public required int[] Y0, Y1, X0, X1;
    public required float[] Wy, Wx;
    public int Batches, InHeight, InWidth, Channels, OutHeight, OutWidth;

    public static BilinearPlan Read(PreparedNode node)
    {
        var (align, half) = NeuralNetAttributes.Resize(node.Op, node.Description);
        var input = node.Input(0);
        var output = node.Output(0);
        if (input.Rank != 4 || output.Rank != 4 || output.Dim(0) != input.Dim(0) || output.Dim(3) != input.Dim(3))
            throw node.Error($"expected 4-D input and output with equal batch and channels, got {input}, {output}");
        int inH = input.Dim(1), inW = input.Dim(2), outH = output.Dim(1), outW = output.Dim(2);
        if ((inH == 0 && outH > 0) || (inW == 0 && outW > 0)) throw node.Error("cannot resize an empty image to a non-empty one");
        var p = new BilinearPlan
        {
            Y0 = new int[outH], Y1 = new int[outH], Wy = new float[outH], X0 = new int[outW], X1 = new int[outW], Wx = new float[outW],
            Batches = input.Dim(0), InHeight = inH, InWidth = inW, Channels = input.Dim(3), OutHeight = outH, OutWidth = outW,
        };
        float sy = ResizeGeometry.Scale(inH, outH, align), sx = ResizeGeometry.Scale(inW, outW, align);
        for (int i = 0; i < outH; i++) (p.Y0[i], p.Y1[i], p.Wy[i]) = ResizeGeometry.Bilinear(i, sy, half, inH);
        for (int i = 0; i < outW; i++) (p.X0[i], p.X1[i], p.Wx[i]) = ResizeGeometry.Bilinear(i, sx, half, inW);
        return p;
    }

    public int Offset(int b, int y, int x) => ((b * InHeight + y) * InWidth + x) * Channels;
}

/// <summary>RESIZE_BILINEAR float32: four weighted input rows per output pixel, vectorized over channels.</summary>
public static unsafe class ResizeBilinearFloatKernel
{
    public static void Prepare(PreparedNode node)
    {
        if (node.Input(0).Type != TensorType.Float32 || node.Output(0).Type != TensorType.Float32)
            throw node.Error("expected float32 input and output");
        node.State = BilinearPlan.Read(node);
    }

    public static void Eval(PreparedNode node)
    {
        var p = node.GetState<BilinearPlan>();
        ReadOnlySpan<float> x = node.Input(0).AsReadOnlySpan<float>();
        Span<float> y = node.Output(0).AsSpan<float>();
        if (y.Length == 0) return;
        int c = p.Channels;
        for (int b = 0; b < p.Batches; b++)
        for (int oy = 0; oy < p.OutHeight; oy++)
        {
            int y0 = p.Y0[oy], y1 = p.Y1[oy];
            float dy = p.Wy[oy];
            for (int ox = 0; ox < p.OutWidth; ox++)
            {
                int x0 = p.X0[ox], x1 = p.X1[ox];
                float dx = p.Wx[ox];
                var outRow = y.Slice(((b * p.OutHeight + oy) * p.OutWidth + ox) * c, c);
                TensorPrimitives.Multiply(x.Slice(p.Offset(b, y0, x0), c), (1 - dy) * (1 - dx), outRow);
                TensorPrimitives.MultiplyAdd(x.Slice(p.Offset(b, y1, x0), c), dy * (1 - dx), outRow, outRow);
                TensorPrimitives.MultiplyAdd(x.Slice(p.Offset(b, y0, x1), c), (1 - dy) * dx, outRow, outRow);
                TensorPrimitives.MultiplyAdd(x.Slice(p.Offset(b, y1, x1), c), dy * dx, outRow, outRow);
            }
        }
    }
}

/// <summary>
/// RESIZE_BILINEAR uint8/int8 (per-tensor): interpolates the raw values in float32 as TFLite does, then requantizes to
/// the output's quantization (identity when they agree), rounding half away from zero.
/// </summary>
public static unsafe class ResizeBilinearQuantizedKernel
{
    private sealed class State
    {
        public required BilinearPlan Plan;
        public int InZp, OutZp, Min, Max;
        public double Ratio;
        public bool Signed;
    }

    public static void Prepare(PreparedNode node)
    {
        var input = node.Input(0);
        var output = node.Output(0);
        if (!QuantizedMath.Is8Bit(input.Type) || output.Type != input.Type)
            throw node.Error($"expected uint8 or int8 input and output of one type, got {input}, {output}");
        var (inScale, inZp) = QuantizedMath.TensorParams(node, input);
        var (outScale, outZp) = QuantizedMath.TensorParams(node, output);
        var (min, max) = QuantizedMath.TypeRange(output.Type);
        node.State = new State
        {
            Plan = BilinearPlan.Read(node), InZp = inZp, OutZp = outZp, Min = min, Max = max,
            Ratio = (double)inScale / outScale, Signed = input.Type == TensorType.Int8,
        };
    }

    public static void Eval(PreparedNode node)
    {
        var st = node.GetState<State>();
        if (st.Signed) Run<sbyte>(node, st);
        else Run<byte>(node, st);
    }

    private static void Run<T>(PreparedNode node, State st) where T : unmanaged
    {
        var p = st.Plan;
        ReadOnlySpan<T> x = node.Input(0).AsReadOnlySpan<T>();
        Span<byte> y = node.Output(0).AsSpan<byte>();
        if (y.Length == 0) return;
        int c = p.Channels;
        for (int b = 0; b < p.Batches; b++)
        for (int oy = 0; oy < p.OutHeight; oy++)
        {
            int y0 = p.Y0[oy], y1 = p.Y1[oy];
            float dy = p.Wy[oy];
            for (int ox = 0; ox < p.OutWidth; ox++)
            {
                int x0 = p.X0[ox], x1 = p.X1[ox];
                float dx = p.Wx[ox];
                float w00 = (1 - dy) * (1 - dx), w10 = dy * (1 - dx), w01 = (1 - dy) * dx, w11 = dy * dx;
                int o00 = p.Offset(b, y0, x0), o10 = p.Offset(b, y1, x0), o01 = p.Offset(b, y0, x1), o11 = p.Offset(b, y1, x1);
                int outBase = ((b * p.OutHeight + oy) * p.OutWidth + ox) * c;
                for (int i = 0; i < c; i++)
                {
                    float v = QuantizedMath.ToInt(x[o00 + i]) * w00 + QuantizedMath.ToInt(x[o10 + i]) * w10
                            + QuantizedMath.ToInt(x[o01 + i]) * w01 + QuantizedMath.ToInt(x[o11 + i]) * w11;
                    y[outBase + i] = (byte)QuantizedMath.RoundClamp((v - st.InZp) * st.Ratio, st.OutZp, st.Min, st.Max);
                }
            }
        }
    }
}
