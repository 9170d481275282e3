using LiteRt.Format.Schema;
using static LiteRt.Graph.Catalog.DataMovementHelpers;

namespace LiteRt.Graph.Catalog;

// GATHER and EMBEDDING_LOOKUP: rows picked by index.
internal static partial class DataMovementOps
{
    private static void RegisterGathers(Action<OpDefinition> add)
    {
        add(new OpDefinition
        {
            Op = BuiltinOperator.Gather,
            Summary = "Picks slices of params along axis at the positions in indices (int16/int32/int64), with batch_dims leading dims shared; an index outside [0, dim) is an error.",
            Inputs = ["params", "indices"],
            OptionsType = BuiltinOptionsType.GatherOptions,
            InferShapes = GatherShape,
            Reference = GatherReference,
        });
        add(new OpDefinition
        {
            Op = BuiltinOperator.EmbeddingLookup,
            Summary = "Output row i is params row ids[i] (ids: int32 vector). Quantized int8/uint8 params with a float32 output are dequantized " +
                      "as LiteRT does (symmetric: value·scale, the stored byte read as int8, per-row scales allowed).",
            Inputs = ["ids", "params"],
            InferShapes = EmbeddingLookupShape,
            Reference = EmbeddingLookupReference,
        });
    }

    /// <summary>Normalised axis and batch_dims of a GATHER.</summary>
    internal static (int Axis, int BatchDims) GatherAxes(Operation op, int paramsRank, int indicesRank, Func<string, Exception> error)
    {
        int axis = op.IntAttr("axis");
        int a = axis < 0 ? axis + paramsRank : axis;
        if (a < 0 || a >= paramsRank) throw error($"axis {axis} is out of range for params of rank {paramsRank}");
        int batchDims = op.IntAttr("batch_dims");
        int b = batchDims < 0 ? batchDims + indicesRank : batchDims;
        if (b < 0 || b > a || b >= paramsRank || b > indicesRank)
            throw error($"batch_dims {batchDims} is invalid for axis {axis}, params rank {paramsRank} and indices rank {indicesRank}");
        return (a, b);
    }

    private static void GatherShape(ShapeContext ctx)
    {
        var p = ctx.InputShape(0);
        var idx = ctx.InputShape(1);
        ctx.Require(ctx.InputType(1) is TensorType.Int16 or TensorType.Int32 or TensorType.Int64,
            $"indices must be int16, int32 or int64, not {ctx.InputType(1).Name()}");
        var (axis, batch) = GatherAxes(ctx.Op, p.Length, idx.Length, ctx.Error);
        for (int i = 0; i < batch; i++)
            if (!Compatible(p[i], idx[i])) throw ctx.Error($"batch dimension {i} differs: params {Shapes.Format(p)}, indices {Shapes.Format(idx)}");
        var output = new List<int>();
        for (int i = 0; i < axis; i++) output.Add(p[i] < 0 && i < batch ? idx[i] : p[i]);
        for (int i = batch; i < idx.Length; i++) output.Add(idx[i]);
        for (int i = axis + 1; i < p.Length; i++) output.Add(p[i]);
        ctx.SetOutputShape(0, [.. output]);
    }

    private static void GatherReference(ReferenceContext ctx)
    {
        var p = ctx.Input(0);
        var indices = ctx.Input(1);
        var (axis, batch) = GatherAxes(ctx.Op, p.Rank, indices.Rank, m => new LiteRtModelException(m, ctx.Node));
        long batchSize = Product(p.Shape, 0, batch);
        long outer = Product(p.Shape, batch, axis);
        int axisSize = p.Shape[axis];
        long inner = Product(p.Shape, axis + 1, p.Rank);
        long coords = Product(indices.Shape, batch, indices.Rank);
        var y = ctx.Output(0);
        for (long b = 0; b < batchSize; b++)
            for (long o = 0; o < outer; o++)
                for (long i = 0; i < coords; i++)
                {
                    double v = indices.Data[b * coords + i];
                    if (v < 0 || v >= axisSize)
                        throw new LiteRtModelException($"gather index {v} is out of range [0, {axisSize})", ctx.Node);
                    long src = ((b * outer + o) * axisSize + (long)v) * inner;
                    long dst = ((b * outer + o) * coords + i) * inner;
                    p.Data.AsSpan((int)src, (int)inner).CopyTo(y.Data.AsSpan((int)dst));
                }
    }

    /// <summary>True when EMBEDDING_LOOKUP dequantizes (int8/uint8 params, float32 output).</summary>
    internal static bool IsHybridEmbedding(TensorType paramsType, TensorType outputType) =>
        paramsType is TensorType.Int8 or TensorType.Uint8 && outputType == TensorType.Float32;

    private static void EmbeddingLookupShape(ShapeContext ctx)
    {
        var ids = ctx.InputShape(0);
        var p = ctx.InputShape(1);
        ctx.Require(ids.Length == 1, $"ids must be a vector, got {Shapes.Format(ids)}");
        ctx.Require(ctx.InputType(0) == TensorType.Int32, $"ids must be int32, not {ctx.InputType(0).Name()}");
        ctx.Require(p.Length >= 2, $"params must have rank 2 or more, got {Shapes.Format(p)}");
        var output = (int[])p.Clone();
        output[0] = ids[0];
        ctx.SetOutputShape(0, output);
    }

    private static void EmbeddingLookupReference(ReferenceContext ctx)
    {
        var ids = ctx.Input(0);
        var p = ctx.Input(1);
        var y = ctx.Output(0);
        int rows = p.Shape[0];
        int cols = (int)Product(p.Shape, 1, p.Rank);
        bool hybrid = IsHybridEmbedding(p.Type, y.Type) && p.Quantization is { IsEmpty: false, Scale.Length: > 0 };
        var q = p.Quantization;
        for (int i = 0; i < ids.Length; i++)
        {
            double id = ids.Data[i];
            if (id < 0 || id >= rows) throw new LiteRtModelException($"embedding id {id} is out of range [0, {rows})", ctx.Node);
            int row = (int)id;
            var src = p.Data.AsSpan(row * cols, cols);
            var dst = y.Data.AsSpan(i * cols, cols);
            if (!hybrid)
            {
                src.CopyTo(dst);
                continue;
            }
            // LiteRT reads the stored bytes as int8 and multiplies by the (row's) scale, zero point ignored
            // (hybrid lookups are symmetric; old models store such int8 values in uint8 tensors).
            double scale = q!.ScaleAt(q.IsPerChannel ? row : 0);
            long zp = q.ZeroPointAt(q.IsPerChannel ? row : 0);
            for (int j = 0; j < cols; j++)
            {
                long stored = (long)Math.Round(src[j] / scale) + zp;
                dst[j] = (sbyte)(byte)stored * scale;
            }
        }
    }
}
