using LiteRt.Format.Schema;
using LiteRt.Graph;
using LiteRt.Graph.Catalog;
using LiteRt.Runtime.Execution;

namespace LiteRt.Runtime.Cpu.Kernels.NeuralNet;

/// <summary>
/// RESIZE_NEAREST_NEIGHBOR for float32, int32, int16, uint8 and int8: source indices precomputed with TFLite's float32
/// math, then whole channel rows copied; 8-bit tensors whose output quantization differs from the input's go through a
/// 256-entry requantization table.
/// </summary>
public static unsafe class ResizeNearestNeighborKernel
{
    private sealed class State
    {
        public required int[] Ys, Xs;
        public byte[]? Table;
        public int Batches, InHeight, InWidth, OutHeight, OutWidth, RowBytes, TypeMin;
    }

    public static bool Accepts(TensorType t) => t is TensorType.Float32 or TensorType.Int32 or TensorType.Int16 or TensorType.Uint8 or TensorType.Int8;

    public static void Prepare(PreparedNode node)
    {
        var (align, half) = NeuralNetAttributes.Resize(node.Op, node.Description);
        var input = node.Input(0);
        var output = node.Output(0);
        if (!Accepts(input.Type) || output.Type != input.Type) throw node.Error($"unsupported types {input} -> {output}");
        if (input.Rank != 4 || output.Rank != 4 || output.Dim(0) != input.Dim(0) || output.Dim(3) != input.Dim(3))
            throw node.Error($"expected 4-D input and output with equal batch and channels, got {input}, {output}");
        int inH = input.Dim(1), inW = input.Dim(2), outH = output.Dim(1), outW = output.Dim(2);
        if ((inH == 0 && outH > 0) || (inW == 0 && outW > 0)) throw node.Error("cannot resize an empty image to a non-empty one");
        var st = new State
        {
            Ys = new int[outH], Xs = new int[outW],
            Batches = input.Dim(0), InHeight = inH, InWidth = inW, OutHeight = outH, OutWidth = outW,
            RowBytes = input.Dim(3) * input.Type.BitsPerElement() / 8,
        };
        for (int i = 0; i < outH; i++) st.Ys[i] = ResizeGeometry.Nearest(i, inH, outH, align, half);
        for (int i = 0; i < outW; i++) st.Xs[i] = ResizeGeometry.Nearest(i, inW, outW, align, half);
        if (QuantizedMath.Is8Bit(input.Type) && input.Quantization is not null && output.Quantization is not null && !QuantizedMath.SameParams(input, output))
        {
            var (inScale, inZp) = QuantizedMath.TensorParams(node, input);
            var (outScale, outZp) = QuantizedMath.TensorParams(node, output);
            var (min, max) = QuantizedMath.TypeRange(input.Type);
            st.TypeMin = min;
            st.Table = new byte[256];
            for (int i = 0; i < 256; i++)
                st.Table[i] = (byte)QuantizedMath.Requantize(min + i - inZp, (double)inScale / outScale, outZp, min, max);
        }
        node.State = st;
    }

    public static void Eval(PreparedNode node)
    {
        var st = node.GetState<State>();
        ReadOnlySpan<byte> x = node.Input(0).Bytes;
        Span<byte> y = node.Output(0).Bytes;
        if (y.Length == 0) return;
        int rb = st.RowBytes;
        for (int b = 0; b < st.Batches; b++)
        for (int oy = 0; oy < st.OutHeight; oy++)
        {
            int iy = st.Ys[oy];
            for (int ox = 0; ox < st.OutWidth; ox++)
            {
                var src = x.Slice(((b * st.InHeight + iy) * st.InWidth + st.Xs[ox]) * rb, rb);
                var dst = y.Slice(((b * st.OutHeight + oy) * st.OutWidth + ox) * rb, rb);
                if (st.Table is null) src.CopyTo(dst);
                else
                {
                    bool signed = st.TypeMin < 0;
                    for (int i = 0; i < rb; i++) dst[i] = st.Table[(signed ? (sbyte)src[i] : src[i]) - st.TypeMin];
                }
            }
        }
    }
}
