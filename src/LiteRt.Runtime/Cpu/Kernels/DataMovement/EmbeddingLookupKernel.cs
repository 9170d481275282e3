using LiteRt.Format.Schema;
using LiteRt.Runtime.Execution;

namespace LiteRt.Runtime.Cpu.Kernels.DataMovement;

/// <summary>
/// EMBEDDING_LOOKUP with int32 ids: rows are copied (any byte-addressable type), or, for int8/uint8 params with a
/// float32 output (hybrid), dequantized as LiteRT does: stored byte read as int8 × the tensor's or the row's scale
/// (symmetric quantization: zero point 0). An id outside [0, rows) throws.
/// </summary>
public static class EmbeddingLookupKernel
{
    private sealed class State(int rows, int cols, int rowBytes, byte[]? table, float[]? scales)
    {
        public readonly int Rows = rows;
        public readonly int Cols = cols;
        public readonly int RowBytes = rowBytes;
        public readonly byte[]? Table = table;
        /// <summary>Hybrid only: one scale per row (per-tensor scales repeated).</summary>
        public readonly float[]? Scales = scales;
    }

    public static void Prepare(PreparedNode node)
    {
        var ids = node.Input(0);
        var p = node.Input(1);
        var output = node.Output(0);
        if (ids.Type != TensorType.Int32 || ids.Rank != 1) throw node.Error($"ids must be an int32 vector, got {ids}");
        if (p.Rank < 2) throw node.Error($"params must have rank 2 or more, got {p}");
        int rows = p.Shape[0];
        int cols = checked((int)LayoutTypes.Product(p.Shape, 1, p.Rank));
        if ((long)ids.Shape[0] * cols != output.ElementCount) throw node.Error($"output {output} does not match the lookup");
        if (p.Type is TensorType.Int8 or TensorType.Uint8 && output.Type == TensorType.Float32)
        {
            var q = p.Quantization ?? throw node.Error($"hybrid lookup needs quantized params, {p} has no quantization");
            var scales = new float[rows];
            if (q.IsPerChannel)
            {
                if (q.QuantizedDimension != 0 || q.ChannelCount != rows) throw node.Error("per-axis params must be quantized along dimension 0, one scale per row");
                for (int r = 0; r < rows; r++) scales[r] = q.ScaleAt(r);
            }
            else Array.Fill(scales, q.ScaleAt(0));
            for (int r = 0; r < (q.IsPerChannel ? rows : 1); r++)
                if (q.ZeroPointAt(r) != 0) throw node.Error("hybrid embedding lookup supports only symmetric quantization (zero point 0)");
            node.State = new State(rows, cols, 0, null, scales);
            return;
        }
        int size = LayoutTypes.RequireSameType(node, p, output);
        node.State = new State(rows, cols, checked(cols * size), LayoutRequantization.Table(node, p, output), null);
    }

    public static void Eval(PreparedNode node)
    {
        var st = node.GetState<State>();
        var ids = node.Input(0).AsReadOnlySpan<int>();
        var p = node.Input(1);
        var output = node.Output(0);
        int cols = st.Cols;
        if (st.Scales is { } scales)
        {
            var values = p.AsReadOnlySpan<sbyte>();
            var dst = output.AsSpan<float>();
            for (int i = 0; i < ids.Length; i++)
            {
                int id = ids[i];
                if ((uint)id >= (uint)st.Rows) throw OutOfRange(node, id, st.Rows);
                float scale = scales[id];
                var row = values.Slice(id * cols, cols);
                var o = dst.Slice(i * cols, cols);
                for (int j = 0; j < cols; j++) o[j] = row[j] * scale;
            }
            return;
        }
        var src = p.Bytes;
        var bytes = output.Bytes;
        int rowBytes = st.RowBytes;
        for (int i = 0; i < ids.Length; i++)
        {
            int id = ids[i];
            if ((uint)id >= (uint)st.Rows) throw OutOfRange(node, id, st.Rows);
            ByteMoves.Move(src.Slice(id * rowBytes, rowBytes), bytes.Slice(i * rowBytes, rowBytes), st.Table);
        }
    }

    private static Exception OutOfRange(PreparedNode node, int id, int rows) =>
        node.Error($"embedding id {id} is out of range [0, {rows})");
}
