using LiteRt.Compiler.Ir;
using LiteRt.Format.Schema;
using LiteRt.Graph;

namespace LiteRt.Compiler.Import.Onnx.OnnxOpLowering;

/// <summary>
/// Indexing: Gather → GATHER (negative run-time indices wrapped with FLOOR_MOD), GatherND → GATHER_ND (batch dims as
/// leading coordinates), GatherElements → GATHER_ND over full coordinates; ScatterND / ScatterElements → SCATTER_ND
/// with a mask and SELECT_V2 (or an ADD for reduction="add"); OneHot → ONE_HOT; Compress and NonZero of constants.
/// </summary>
internal static class IndexingLowering
{
    public static void Register(Action<string, OnnxLowering> add)
    {
        add("Gather", Gather);
        add("GatherND", GatherNd);
        add("GatherElements", GatherElements);
        add("ScatterND", ScatterNd);
        add("ScatterElements", ScatterElements);
        add("Scatter", ScatterElements);
        add("OneHot", OneHot);
        add("Compress", Compress);
        add("NonZero", NonZero);
        add("ReverseSequence", ReverseSequence);
    }

    /// <summary>Per batch entry b, the first lens[b] steps along the time axis reversed: GATHER_ND with constant (t', b) coordinates.</summary>
    private static void ReverseSequence(LoweringContext ctx)
    {
        int x = ctx.Required(0);
        var lens = ctx.ConstInts(1, "sequence_lens");
        int batchAxis = ctx.Node.Int32("batch_axis", 1), timeAxis = ctx.Node.Int32("time_axis", 0);
        var d = ctx.KnownDims(x, "the input");
        int outer = d[0], inner = d[1];
        var coords = new double[outer * inner * 2];
        for (int i = 0; i < outer; i++)
            for (int j = 0; j < inner; j++)
            {
                int b = batchAxis == 0 ? i : j, t = timeAxis == 0 ? i : j;
                int src = t < lens[b] ? (int)lens[b] - 1 - t : t;
                coords[(i * inner + j) * 2] = timeAxis == 0 ? src : i;
                coords[(i * inner + j) * 2 + 1] = timeAxis == 0 ? j : src;
            }
        int c = ctx.B.Const(ctx.Name("coords"), TensorType.Int32, [outer, inner, 2], coords);
        ctx.Output(0, ctx.B.Op(BuiltinOperator.GatherNd, [x, c], ctx.Type(x), null, ctx.Name("reverse_sequence")));
    }

    /// <summary>
    /// Indices made non-negative for a dim of <paramref name="dim"/> elements: constants are normalised at conversion,
    /// run-time indices through FLOOR_MOD (int32/int64).
    /// </summary>
    private static int NonNegative(LoweringContext ctx, int indices, int dim)
    {
        var b = ctx.B;
        var t = ctx.Type(indices);
        if (!t.IsInteger()) throw ctx.Node.Error(ErrorCodes.UnsupportedDataType, $"indices of type {t.Name()}");
        if (t is not (TensorType.Int32 or TensorType.Int64)) indices = ctx.CastTo(indices, TensorType.Int64);
        if (ctx.IsConst(indices))
        {
            var v = b.Ints(indices);
            if (v.All(i => i >= 0)) return indices;
            if (dim < 0) throw ctx.Node.Error(ErrorCodes.DynamicShape, "negative indices into a dynamic dim");
            return b.Const(ctx.Name("indices"), ctx.Type(indices), ctx.Dims(indices), v.Select(i => (double)(i < 0 ? i + dim : i)).ToArray());
        }
        if (dim < 0) return indices;
        return b.Op(BuiltinOperator.FloorMod, [indices, b.Scalar(ctx.Name("dim"), ctx.Type(indices), dim)], ctx.Type(indices), null, ctx.Name("wrap"));
    }

    private static void Gather(LoweringContext ctx)
    {
        int data = ctx.Required(0), indices = ctx.Required(1);
        var d = ctx.Dims(data);
        int axis = ctx.Axis(ctx.Node.Int("axis", 0), d.Length);
        if (ctx.Type(data) == TensorType.String) throw ctx.Node.Error(ErrorCodes.UnsupportedDataType, "Gather on strings is not supported");
        indices = NonNegative(ctx, indices, d[axis]);
        ctx.Output(0, ctx.B.Op(BuiltinOperator.Gather, [data, indices], ctx.Type(data),
            IrBuilder.Options(BuiltinOptionsType.GatherOptions, ("axis", axis)), ctx.Name("gather")));
    }

    private static void GatherNd(LoweringContext ctx)
    {
        int data = ctx.Required(0), indices = ctx.Required(1);
        int batch = ctx.Node.Int32("batch_dims", 0);
        var b = ctx.B;
        var dd = ctx.Dims(data);
        var idx = ctx.KnownDims(indices, "the indices");
        int k = idx[^1];
        // Negative indices: wrap each coordinate by its dim (constant indices only).
        if (ctx.IsConst(indices) && b.Ints(indices).Any(v => v < 0))
        {
            var v = b.Ints(indices);
            for (int i = 0; i < v.Length; i++)
                if (v[i] < 0) v[i] += dd[batch + i % k];
            indices = b.Const(ctx.Name("indices"), TensorType.Int64, idx, v.Select(x => (double)x).ToArray());
        }
        if (batch > 0)
        {
            // Prepend the batch coordinates: [b0.., rows, k] → [b0.., rows, batch + k].
            int[] lead = idx[..^1];
            int leadCount = (int)Shapes.ElementCount(lead);
            var parts = new List<int>();
            for (int j = 0; j < batch; j++)
            {
                var grid = new double[leadCount];
                var strides = Shapes.Strides(lead);
                for (int p = 0; p < leadCount; p++) grid[p] = p / strides[j] % lead[j];
                parts.Add(b.Const(ctx.Name($"batch{j}"), TensorType.Int64, [.. lead, 1], grid));
            }
            parts.Add(ctx.CastTo(indices, TensorType.Int64));
            indices = b.Op(BuiltinOperator.Concatenation, [.. parts], TensorType.Int64,
                IrBuilder.Options(BuiltinOptionsType.ConcatenationOptions, ("axis", idx.Length - 1)), ctx.Name("coords"));
        }
        ctx.Output(0, b.Op(BuiltinOperator.GatherNd, [data, indices], ctx.Type(data), null, ctx.Name("gather_nd")));
    }

    /// <summary>Full coordinates [..., rank] for element-wise indexing along <paramref name="axis"/>.</summary>
    private static int ElementCoords(LoweringContext ctx, int indices, int axis, int rank, int axisDim)
    {
        var b = ctx.B;
        var idx = ctx.KnownDims(indices, "the indices");
        indices = NonNegative(ctx, indices, axisDim);
        long count = Shapes.ElementCount(idx);
        var strides = Shapes.Strides(idx);
        var parts = new List<int>();
        for (int j = 0; j < rank; j++)
        {
            if (j == axis)
            {
                parts.Add(b.Reshape(ctx.CastTo(indices, TensorType.Int64), [.. idx, 1], ctx.Name("axis_coord")));
                continue;
            }
            var grid = new double[count];
            for (long p = 0; p < count; p++) grid[p] = p / strides[j] % idx[j];
            parts.Add(b.Const(ctx.Name($"coord{j}"), TensorType.Int64, [.. idx, 1], grid));
        }
        return b.Op(BuiltinOperator.Concatenation, [.. parts], TensorType.Int64,
            IrBuilder.Options(BuiltinOptionsType.ConcatenationOptions, ("axis", rank)), ctx.Name("coords"));
    }

    private static void GatherElements(LoweringContext ctx)
    {
        int data = ctx.Required(0), indices = ctx.Required(1);
        var d = ctx.Dims(data);
        int axis = ctx.Axis(ctx.Node.Int("axis", 0), d.Length);
        int coords = ElementCoords(ctx, indices, axis, d.Length, d[axis]);
        ctx.Output(0, ctx.B.Op(BuiltinOperator.GatherNd, [data, coords], ctx.Type(data), null, ctx.Name("gather_elements")));
    }

    /// <summary>data with updates written at coords: SCATTER_ND of the updates and of a ones mask, then SELECT_V2.</summary>
    private static int Scatter(LoweringContext ctx, int data, int coords, int updates, string reduction)
    {
        var b = ctx.B;
        var d = ctx.KnownDims(data, "the data");
        var type = ctx.Type(data);
        var ct = ctx.ComputeType(type, [TensorType.Float32, TensorType.Int32, TensorType.Int64]);
        int upd = ctx.CastTo(updates, ct);
        int shape = b.Int32s(ctx.Name("shape"), d);
        int scattered = b.Op(BuiltinOperator.ScatterNd, [coords, upd, shape], ct, null, ctx.Name("scatter"));
        int result;
        switch (reduction)
        {
            case "none":
                var ones = b.Filled(ctx.Name("ones"), TensorType.Int32, ctx.KnownDims(updates, "the updates"), 1);
                int hits = b.Op(BuiltinOperator.ScatterNd, [coords, ones, b.Int32s(ctx.Name("shape"), d)], TensorType.Int32, null, ctx.Name("hits"));
                int mask = b.Op(BuiltinOperator.Greater, [hits, b.Scalar(ctx.Name("zero"), TensorType.Int32, 0)], TensorType.Bool, null, ctx.Name("mask"));
                result = b.Op(BuiltinOperator.SelectV2, [mask, scattered, ctx.CastTo(data, ct)], ct, null, ctx.Name("scatter_select"));
                break;
            case "add":
                result = b.Binary(BuiltinOperator.Add, ctx.CastTo(data, ct), scattered, ctx.Name("scatter_add"));
                break;
            default:
                throw ctx.Node.Unsupported($"reduction '{reduction}' is not supported (none and add are)");
        }
        return ctx.CastTo(result, type);
    }

    private static void ScatterNd(LoweringContext ctx)
    {
        int data = ctx.Required(0), indices = ctx.Required(1), updates = ctx.Required(2);
        if (ctx.IsConst(indices) && ctx.B.Ints(indices).Any(v => v < 0)) throw ctx.Node.Unsupported("negative ScatterND indices");
        ctx.Output(0, Scatter(ctx, data, ctx.CastTo(indices, TensorType.Int64), updates, ctx.Node.String("reduction", "none")));
    }

    private static void ScatterElements(LoweringContext ctx)
    {
        int data = ctx.Required(0), indices = ctx.Required(1), updates = ctx.Required(2);
        var d = ctx.Dims(data);
        int axis = ctx.Axis(ctx.Node.Int("axis", 0), d.Length);
        int coords = ElementCoords(ctx, indices, axis, d.Length, d[axis]);
        ctx.Output(0, Scatter(ctx, data, coords, updates, ctx.Node.String("reduction", "none")));
    }

    private static void OneHot(LoweringContext ctx)
    {
        var b = ctx.B;
        int indices = ctx.Required(0), values = ctx.Required(2);
        var depthValues = ctx.ConstValues(1, "depth");
        int depth = checked((int)depthValues[0]);
        int axis = (int)ctx.Node.Int("axis", -1);
        int idx = ctx.Type(indices) is TensorType.Int32 or TensorType.Int64 ? indices : ctx.CastTo(indices, TensorType.Int64);
        var it = ctx.Type(idx);
        // Negative indices count from depth.
        int neg = b.Op(BuiltinOperator.Less, [idx, b.Scalar(ctx.Name("zero"), it, 0)], TensorType.Bool, null, ctx.Name("negative"));
        idx = b.Op(BuiltinOperator.SelectV2, [neg, b.Binary(BuiltinOperator.Add, idx, b.Scalar(ctx.Name("depth"), it, depth), ctx.Name("wrapped")), idx], it, null, ctx.Name("index"));
        var type = ctx.Type(values);
        int off = b.Op(BuiltinOperator.Slice, [values, b.Int32s(ctx.Name("b0"), 0), b.Int32s(ctx.Name("s1"), 1)], type, null, ctx.Name("off"));
        int on = b.Op(BuiltinOperator.Slice, [values, b.Int32s(ctx.Name("b1"), 1), b.Int32s(ctx.Name("s1"), 1)], type, null, ctx.Name("on"));
        off = b.Reshape(off, [], ctx.Name("off_value"));
        on = b.Reshape(on, [], ctx.Name("on_value"));
        ctx.Output(0, b.Op(BuiltinOperator.OneHot, [idx, b.ScalarInt32(ctx.Name("depth"), depth), on, off], type,
            IrBuilder.Options(BuiltinOptionsType.OneHotOptions, ("axis", axis)), ctx.Name("one_hot")));
    }

    private static void Compress(LoweringContext ctx)
    {
        int x = ctx.Required(0);
        var cond = ctx.ConstInts(1, "condition");
        var b = ctx.B;
        var positions = cond.Select((v, i) => (v, i)).Where(p => p.v != 0).Select(p => (long)p.i).ToArray();
        int indices = b.Const(ctx.Name("indices"), TensorType.Int32, [positions.Length], positions.Select(p => (double)p).ToArray());
        if (!ctx.Node.Has("axis"))
        {
            var d = ctx.Dims(x);
            int flat = b.Reshape(x, [-1], ctx.Name("flat"));
            _ = d;
            ctx.Output(0, b.Op(BuiltinOperator.Gather, [flat, indices], ctx.Type(x), IrBuilder.Options(BuiltinOptionsType.GatherOptions, ("axis", 0)), ctx.Name("compress")));
            return;
        }
        int axis = ctx.Axis(ctx.Node.Int("axis", 0), ctx.Rank(x));
        ctx.Output(0, b.Op(BuiltinOperator.Gather, [x, indices], ctx.Type(x), IrBuilder.Options(BuiltinOptionsType.GatherOptions, ("axis", axis)), ctx.Name("compress")));
    }

    private static void NonZero(LoweringContext ctx)
    {
        int x = ctx.Required(0);
        var values = ctx.ConstValues(0, "the input (its non-zero count decides the output shape)");
        var d = ctx.Dims(x);
        var strides = Shapes.Strides(d);
        var nz = values.Select((v, i) => (v, i)).Where(p => p.v != 0).Select(p => p.i).ToArray();
        var r = new double[d.Length * nz.Length];
        for (int k = 0; k < nz.Length; k++)
            for (int j = 0; j < d.Length; j++)
                r[j * nz.Length + k] = nz[k] / strides[j] % d[j];
        ctx.Output(0, ctx.B.Const(ctx.Name("nonzero"), TensorType.Int64, [d.Length, nz.Length], r));
    }
}
