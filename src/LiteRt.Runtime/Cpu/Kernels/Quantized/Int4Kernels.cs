using LiteRt.Format.Schema;
using LiteRt.Runtime.Execution;

namespace LiteRt.Runtime.Cpu.Kernels.Quantized;

/// <summary>Real values of INT4 weights: per-tensor / per-axis affine, or blockwise along the last axis of a 2-D tensor.</summary>
internal sealed class Int4Layout
{
    public int Rows, Cols;
    /// <summary>Per-axis / per-tensor: scale and zero point per [outer, axis, inner] index of the axis.</summary>
    public float[]? AxisScales;
    public int[]? AxisZeroPoints;
    public int Inner = 1, AxisSize = 1;
    /// <summary>Blockwise: scales [rows, cols / block].</summary>
    public float[]? BlockScales;
    public int Block;

    public static Int4Layout Create(PreparedNode node, RuntimeTensor t)
    {
        var l = new Int4Layout();
        if (DynamicQuantization.IsBlockwise(t))
        {
            if (t.Rank != 2) throw node.Error($"blockwise {t} must be 2-D");
            l.Rows = t.Shape[0];
            l.Cols = t.Shape[1];
            (l.BlockScales, l.Block) = DynamicQuantization.BlockwiseScales(node, t, l.Rows, l.Cols);
            return l;
        }
        var axis = AxisQuantization.Create(t, node);
        l.AxisScales = axis.Scales.Select(s => (float)s).ToArray();
        l.AxisZeroPoints = axis.ZeroPoints;
        l.Inner = axis.Inner;
        l.AxisSize = axis.AxisSize;
        l.Rows = t.Rank > 0 ? t.Shape[0] : 1;
        l.Cols = l.Rows > 0 ? (int)(t.ElementCount / l.Rows) : 0;
        return l;
    }

    /// <summary>Writes elements [start, start + dst.Length) as float32.</summary>
    public void Dequantize(ReadOnlySpan<byte> packed, long start, Span<float> dst)
    {
        if (BlockScales is { } bs)
        {
            int blocks = Cols / Block;
            for (int k = 0; k < dst.Length; k++)
            {
                long i = start + k;
                long row = i / Cols, col = i % Cols;
                dst[k] = DynamicQuantization.Int4At(packed, i) * bs[row * blocks + col / Block];
            }
            return;
        }
        for (int k = 0; k < dst.Length; k++)
        {
            long i = start + k;
            int c = AxisSize == 1 ? 0 : (int)(i / Inner % AxisSize);
            dst[k] = (DynamicQuantization.Int4At(packed, i) - AxisZeroPoints![c]) * AxisScales![c];
        }
    }
}

/// <summary>DEQUANTIZE of INT4 (two per byte, low nibble first) to FLOAT32: per tensor, per axis, or blockwise.</summary>
public static class Int4DequantizeKernel
{
    public static void Prepare(PreparedNode node)
    {
        RuntimeTensor x = node.Input(0), y = node.Output(0);
        if (x.Type != TensorType.Int4 || y.Type != TensorType.Float32) throw node.Error($"expected INT4 → FLOAT32, got {x} → {y}");
        if (x.ElementCount != y.ElementCount) throw node.Error($"output {y} does not have the shape of input {x}");
        if (x.Quantization is null) throw node.Error($"{x} is not quantized");
        node.State = Int4Layout.Create(node, x);
    }

    public static void Eval(PreparedNode node)
    {
        var l = node.GetState<Int4Layout>();
        l.Dequantize(node.Input(0).Bytes, 0, node.Output(0).AsSpan<float>());
    }
}

/// <summary>
/// EMBEDDING_LOOKUP with INT4 params (per tensor, per row, or blockwise along the row) and a FLOAT32 output: each
/// looked-up row is dequantized. An id outside [0, rows) throws.
/// </summary>
public static class Int4EmbeddingLookupKernel
{
    public static void Prepare(PreparedNode node)
    {
        var ids = node.Input(0);
        var p = node.Input(1);
        var output = node.Output(0);
        if (ids.Type != TensorType.Int32 || ids.Rank != 1) throw node.Error($"ids must be an int32 vector, got {ids}");
        if (p.Type != TensorType.Int4 || output.Type != TensorType.Float32 || p.Quantization is null)
            throw node.Error($"expected quantized INT4 params and a FLOAT32 output, got {p}, {output}");
        if (p.Rank < 2) throw node.Error($"params must have rank 2 or more, got {p}");
        var l = Int4Layout.Create(node, p);
        if (p.Quantization.IsPerChannel && p.Quantization.QuantizedDimension != 0)
            throw node.Error("per-axis INT4 params must be quantized along dimension 0 (one scale per row)");
        if ((long)ids.Shape[0] * l.Cols != output.ElementCount) throw node.Error($"output {output} does not match the lookup");
        node.State = l;
    }

    public static void Eval(PreparedNode node)
    {
        var l = node.GetState<Int4Layout>();
        var ids = node.Input(0).AsReadOnlySpan<int>();
        var packed = node.Input(1).Bytes;
        var y = node.Output(0).AsSpan<float>();
        for (int i = 0; i < ids.Length; i++)
        {
            int id = ids[i];
            if ((uint)id >= (uint)l.Rows) throw node.Error($"embedding id {id} is out of range [0, {l.Rows})");
            l.Dequantize(packed, (long)id * l.Cols, y.Slice(i * l.Cols, l.Cols));
        }
    }
}
