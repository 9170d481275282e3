using LiteRt.Compiler.Ir;
using LiteRt.Format.Schema;
using LiteRt.Graph;

namespace LiteRt.Compiler.Import.Onnx.OnnxOpLowering;

/// <summary>
/// MaxPool / AveragePool → MAX_POOL_2D / AVERAGE_POOL_2D when the ONNX pads are TFLite's SAME or VALID. Otherwise
/// (explicit or asymmetric pads, ceil_mode, count_include_pad) the input is padded explicitly (−∞ for max, 0 for
/// average), pooled VALID, and averages are rescaled by a constant per output position to ONNX's divisor. 1-D pools
/// run as 2-D with H = 1; 3-D pools as a 2-D pool over (H, W) followed by one over D (both separable); dilated max
/// pools as the maximum of strided slices. GlobalAveragePool / GlobalMaxPool → MEAN / REDUCE_MAX over the spatial
/// axes (layout-agnostic, so they stay in NHWC after layout propagation).
/// </summary>
internal static class PoolLowering
{
    private static readonly TensorType[] F32 = [TensorType.Float32];

    public static void Register(Action<string, OnnxLowering> add)
    {
        add("MaxPool", ctx => Pool(ctx, max: true));
        add("AveragePool", ctx => Pool(ctx, max: false));
        add("GlobalAveragePool", ctx => Global(ctx, BuiltinOperator.Mean));
        add("GlobalMaxPool", ctx => Global(ctx, BuiltinOperator.ReduceMax));
    }

    private static void Global(LoweringContext ctx, BuiltinOperator op)
    {
        int x = ctx.Required(0);
        int rank = ctx.Rank(x);
        ctx.Output(0, ctx.Computed([x], F32, c => ReductionLowering.ReduceOp(ctx, op, c[0], [.. Enumerable.Range(2, rank - 2)], true)));
    }

    private static void Pool(LoweringContext ctx, bool max)
    {
        var node = ctx.Node;
        if (node.HasOutput(1)) throw node.Unsupported("MaxPool's Indices output is not supported");
        int x = ctx.Required(0);
        ctx.Output(0, ctx.Computed([x], F32, c => PoolCore(ctx, c[0], max)));
    }

    private static int PoolCore(LoweringContext ctx, int x, bool max)
    {
        var node = ctx.Node;
        var b = ctx.B;
        int rank = ctx.Rank(x);
        int spatial = rank - 2;
        if (spatial is < 1 or > 3) throw node.Unsupported($"{node.OpType} of rank {rank} is not supported");
        var kernel = node.Ints("kernel_shape")?.Select(v => checked((int)v)).ToArray() ?? throw node.Error(ErrorCodes.InvalidGraph, "kernel_shape is required");
        if (kernel.Length != spatial) throw node.Error(ErrorCodes.InvalidGraph, $"kernel_shape has {kernel.Length} values for {spatial} spatial dims");
        var (strides, dilations) = Layout.StridesDilations(node, spatial);
        bool ceil = node.Int("ceil_mode", 0) != 0;
        bool includePad = !max && node.Int("count_include_pad", 0) != 0;
        var xd = ctx.Dims(x);
        // A 1×1 window with stride 1 and no padding is the identity (adaptive pooling to the input's own size).
        if (kernel.All(k => k == 1) && strides.All(v => v == 1) && (node.Ints("pads")?.All(v => v == 0) ?? true)
            && node.String("auto_pad", "NOTSET") is "NOTSET" or "VALID")
            return x;

        bool oneD = spatial == 1;
        if (oneD)
        {
            x = b.Reshape(x, [xd[0] < 0 ? -1 : xd[0], xd[1], 1, xd[2]], ctx.Name("as_2d"));
            kernel = [1, kernel[0]];
            strides = [1, strides[0]];
            dilations = [1, dilations[0]];
            spatial = 2;
        }
        var inSpatial = ctx.Dims(x)[2..];
        var (before, after) = oneD ? PadsAs2D(ctx, inSpatial, kernel, strides, dilations) : Layout.Pads(ctx, inSpatial, kernel, strides, dilations);

        int nhwc = Layout.Nhwc(ctx, x);
        int y;
        var direct = !ceil && dilations.All(d => d == 1) && spatial == 2
            ? Layout.AsTfLitePadding(inSpatial, kernel, strides, dilations, before, after) : null;
        if (direct is Padding p && (max || p == Padding.Valid || !includePad))
            y = Pool2D(ctx, nhwc, max, p, kernel, strides);
        else
        {
            if (!Shapes.IsKnown(inSpatial)) throw node.Error(ErrorCodes.DynamicShape, $"{node.OpType} with these pads needs known spatial dims");
            var outSize = new int[spatial];
            var endPad = new int[spatial];
            for (int i = 0; i < spatial; i++)
            {
                int eff = (kernel[i] - 1) * dilations[i] + 1;
                int span = inSpatial[i] + before[i] + after[i] - eff;
                int o = ceil ? (span + strides[i] - 1) / strides[i] + 1 : span / strides[i] + 1;
                // PyTorch/ONNX: the last window must start inside the input or its left padding.
                if (ceil && (o - 1) * strides[i] >= inSpatial[i] + before[i]) o--;
                outSize[i] = o;
                endPad[i] = Math.Max(after[i], (o - 1) * strides[i] + eff - inSpatial[i] - before[i]);
            }
            int padded = Layout.PadSpatialNhwc(ctx, nhwc, before, endPad, max ? double.NegativeInfinity : 0);
            if (dilations.Any(d => d != 1))
            {
                if (!max || spatial != 2) throw node.Unsupported("dilated average or 3-D pooling is not supported");
                y = DilatedMax(ctx, padded, kernel, strides, dilations, outSize);
            }
            else if (spatial == 2) y = Pool2D(ctx, padded, max, Padding.Valid, kernel, strides);
            else y = Pool3D(ctx, padded, max, kernel, strides, outSize);
            if (!max)
            {
                // AVERAGE over the padded input divided by the full window; rescale to ONNX's divisor where it differs.
                var factor = DivisorCorrection(inSpatial, kernel, strides, before, after, outSize, includePad);
                if (factor is not null)
                    y = b.Binary(BuiltinOperator.Mul, y, b.Const(ctx.Name("avg_scale"), TensorType.Float32, [1, .. outSize, 1], factor), ctx.Name("avg_rescale"));
            }
        }
        y = Layout.Nchw(ctx, y);
        if (oneD)
        {
            var d = ctx.Dims(y);
            y = b.Reshape(y, [d[0] < 0 ? -1 : d[0], d[1], d[3]], ctx.Name("as_1d"));
        }
        return y;
    }

    private static (int[] Before, int[] After) PadsAs2D(LoweringContext ctx, int[] inSpatial, int[] kernel, int[] strides, int[] dilations)
    {
        var (b1, a1) = Layout.Pads(ctx, [inSpatial[1]], [kernel[1]], [strides[1]], [dilations[1]]);
        return ([0, b1[0]], [0, a1[0]]);
    }

    private static int Pool2D(LoweringContext ctx, int x, bool max, Padding padding, int[] kernel, int[] strides)
    {
        var o = IrBuilder.Options(BuiltinOptionsType.Pool2DOptions, ("padding", padding), ("stride_h", strides[0]), ("stride_w", strides[1]),
            ("filter_height", kernel[0]), ("filter_width", kernel[1]));
        return ctx.B.Op(max ? BuiltinOperator.MaxPool2d : BuiltinOperator.AveragePool2d, [x], TensorType.Float32, o, ctx.Name(max ? "max_pool" : "avg_pool"));
    }

    /// <summary>3-D pool of a padded NDHWC tensor: a 2-D pool over (H, W) per depth slice, then one over D.</summary>
    private static int Pool3D(LoweringContext ctx, int x, bool max, int[] kernel, int[] strides, int[] outSize)
    {
        var b = ctx.B;
        var d = ctx.Dims(x); // [N, D, H, W, C]
        int n = d[0] < 0 ? -1 : d[0], dp = d[1], hp = d[2], wp = d[3], c = d[4];
        int hw = Pool2D(ctx, b.Reshape(x, [-1, hp, wp, c], ctx.Name("slices")), max, Padding.Valid, [kernel[1], kernel[2]], [strides[1], strides[2]]);
        int oh = outSize[1], ow = outSize[2];
        int depth = b.Reshape(hw, [n, dp, oh * ow, c], ctx.Name("depth_rows"));
        int pooled = Pool2D(ctx, depth, max, Padding.Valid, [kernel[0], 1], [strides[0], 1]);
        return b.Reshape(pooled, [n, outSize[0], oh, ow, c], ctx.Name("pool3d"));
    }

    private static int DilatedMax(LoweringContext ctx, int x, int[] kernel, int[] strides, int[] dilations, int[] outSize)
    {
        var b = ctx.B;
        if (strides[0] % dilations[0] == 0 && strides[1] % dilations[1] == 0)
        {
            // Every window reads only rows/columns ≡ 0 (mod dilation): subsample, then an ordinary pool.
            int[] end = [0, (outSize[0] - 1) * strides[0] + (kernel[0] - 1) * dilations[0] + 1, (outSize[1] - 1) * strides[1] + (kernel[1] - 1) * dilations[1] + 1, 0];
            var so = IrBuilder.Options(BuiltinOptionsType.StridedSliceOptions, ("begin_mask", 0b1001), ("end_mask", 0b1001));
            int sub = b.Op(BuiltinOperator.StridedSlice, [x, b.Int32s(ctx.Name("begin"), 0, 0, 0, 0), b.Int32s(ctx.Name("end"), end),
                b.Int32s(ctx.Name("strides"), 1, dilations[0], dilations[1], 1)], TensorType.Float32, so, ctx.Name("dilation_phase"));
            return Pool2D(ctx, sub, true, Padding.Valid, kernel, [strides[0] / dilations[0], strides[1] / dilations[1]]);
        }
        int? acc = null;
        for (int i = 0; i < kernel[0]; i++)
            for (int j = 0; j < kernel[1]; j++)
            {
                int[] begin = [0, i * dilations[0], j * dilations[1], 0];
                int[] end = [0, begin[1] + (outSize[0] - 1) * strides[0] + 1, begin[2] + (outSize[1] - 1) * strides[1] + 1, 0];
                var o = IrBuilder.Options(BuiltinOptionsType.StridedSliceOptions, ("begin_mask", 0b1001), ("end_mask", 0b1001));
                int tap = b.Op(BuiltinOperator.StridedSlice, [x, b.Int32s(ctx.Name("begin"), begin), b.Int32s(ctx.Name("end"), end),
                    b.Int32s(ctx.Name("strides"), 1, strides[0], strides[1], 1)], TensorType.Float32, o, ctx.Name($"tap_{i}_{j}"));
                acc = acc is int a ? b.Binary(BuiltinOperator.Maximum, a, tap, ctx.Name("max")) : tap;
            }
        return acc!.Value;
    }

    /// <summary>
    /// Per output position: (window size) / (ONNX divisor), where the divisor counts window elements inside the input
    /// (or inside input + pads with count_include_pad). Null when it is 1 everywhere.
    /// </summary>
    private static double[]? DivisorCorrection(int[] inSpatial, int[] kernel, int[] strides, int[] before, int[] after, int[] outSize, bool includePad)
    {
        int n = kernel.Length;
        // Separable: the count is a product of per-axis counts.
        var perAxis = new double[n][];
        for (int a = 0; a < n; a++)
        {
            perAxis[a] = new double[outSize[a]];
            int lo = includePad ? -before[a] : 0, hi = includePad ? inSpatial[a] + after[a] : inSpatial[a];
            for (int o = 0; o < outSize[a]; o++)
            {
                int start = o * strides[a] - before[a];
                int count = 0;
                for (int k = 0; k < kernel[a]; k++)
                    if (start + k >= lo && start + k < hi) count++;
                perAxis[a][o] = count;
            }
        }
        long total = Shapes.ElementCount(outSize);
        double window = kernel.Aggregate(1.0, (p, k) => p * k);
        var r = new double[total];
        bool needed = false;
        var idx = new int[n];
        for (long i = 0; i < total; i++)
        {
            double count = 1;
            for (int a = 0; a < n; a++) count *= perAxis[a][idx[a]];
            r[i] = count == 0 ? 0 : window / count;
            if (r[i] != 1) needed = true;
            for (int a = n - 1; a >= 0; a--)
            {
                if (++idx[a] < outSize[a]) break;
                idx[a] = 0;
            }
        }
        return needed ? r : null;
    }
}
