using LiteRt.Compiler.Ir;
using LiteRt.Format.Schema;
using LiteRt.Graph;
using LiteRt.Graph.Catalog;

namespace LiteRt.Compiler.Import.Onnx.OnnxOpLowering;

/// <summary>
/// Resize and Upsample. ONNX's sampling (coordinate transformation, nearest rounding, linear/cubic taps) is
/// computed exactly at conversion time per axis. When it equals what RESIZE_NEAREST_NEIGHBOR or RESIZE_BILINEAR
/// compute for some align_corners/half_pixel_centers flags, that builtin is used (in NHWC); otherwise the resize is
/// separable GATHERs along each resized axis with constant indices and weights (exact for every mode, including
/// cubic, exclude_outside and tf_crop_and_resize's extrapolation).
/// </summary>
internal static class ResizeLowering
{
    private static readonly TensorType[] F32 = [TensorType.Float32];

    public static void Register(Action<string, OnnxLowering> add)
    {
        add("Resize", Resize);
        add("Upsample", Upsample);
    }

    private sealed record Spec(string Mode, string Transform, string NearestMode, double CubicA, bool ExcludeOutside, double Extrapolation);

    /// <summary>One output position along an axis: taps (input index, weight), or outside (tf_crop_and_resize extrapolation).</summary>
    private readonly record struct Sample(int[] Index, double[] Weight, bool Outside);

    private static void Upsample(LoweringContext ctx)
    {
        var node = ctx.Node;
        int x = ctx.Required(0);
        double[] scales = node.Opset < 9
            ? (node.Floats("scales") ?? throw node.Error(ErrorCodes.InvalidGraph, "scales is required")).Select(v => (double)v).ToArray()
            : ctx.ConstValues(1, "scales");
        string mode = node.String("mode", "nearest");
        if (mode == "bilinear") mode = "linear";
        var spec = new Spec(mode, "asymmetric", "floor", -0.75, false, 0);
        ctx.Output(0, ctx.Computed([x], Numeric(x, ctx), c => ResizeCore(ctx, c[0], scales, null, spec, null)));
    }

    private static TensorType[] Numeric(int x, LoweringContext ctx) =>
        ctx.Type(x) is TensorType.Float32 ? F32 : ctx.Type(x).IsFloat() ? F32 : [TensorType.Float32, TensorType.Int32, TensorType.Int64];

    private static void Resize(LoweringContext ctx)
    {
        var node = ctx.Node;
        int x = ctx.Required(0);
        int rank = ctx.Rank(x);
        double[]? scales = null;
        long[]? sizes = null;
        double[]? roi = null;
        if (node.Opset < 11)
            scales = ctx.ConstValues(1, "scales");
        else
        {
            if (node.HasInput(1) && !ctx.IsEmpty(ctx.Input(1))) roi = ctx.ConstValues(1, "roi");
            if (node.HasInput(2) && !ctx.IsEmpty(ctx.Input(2))) scales = ctx.ConstValues(2, "scales");
            if (node.HasInput(3) && !ctx.IsEmpty(ctx.Input(3))) sizes = ctx.ConstInts(3, "sizes");
        }
        if (node.Int("antialias", 0) != 0) throw node.Unsupported("antialias is not supported");
        if (node.String("keep_aspect_ratio_policy", "stretch") != "stretch") throw node.Unsupported("keep_aspect_ratio_policy is not supported");
        // Opset 18 axes: scales/sizes/roi list only those axes.
        if (node.Ints("axes") is { } axes)
        {
            var a = axes.Select(v => ctx.Axis(v, rank)).ToArray();
            if (scales is not null) { var s = Enumerable.Repeat(1.0, rank).ToArray(); for (int i = 0; i < a.Length; i++) s[a[i]] = scales[i]; scales = s; }
            if (sizes is not null)
            {
                var d = ctx.KnownDims(x, "the input");
                var s = d.Select(v => (long)v).ToArray();
                for (int i = 0; i < a.Length; i++) s[a[i]] = sizes[i];
                sizes = s;
            }
            if (roi is not null)
            {
                var r = new double[2 * rank];
                for (int i = 0; i < rank; i++) r[i + rank] = 1;
                for (int i = 0; i < a.Length; i++) { r[a[i]] = roi[i]; r[a[i] + rank] = roi[i + a.Length]; }
                roi = r;
            }
        }
        string mode = node.String("mode", "nearest");
        string transform = node.Opset < 11 ? "asymmetric" : node.String("coordinate_transformation_mode", "half_pixel");
        string nearestMode = node.Opset < 11 ? "floor" : node.String("nearest_mode", "round_prefer_floor");
        var spec = new Spec(mode, transform, nearestMode, node.Float("cubic_coeff_a", -0.75f), node.Int("exclude_outside", 0) != 0, node.Float("extrapolation_value", 0f));
        ctx.Output(0, ctx.Computed([x], Numeric(x, ctx), c => ResizeCore(ctx, c[0], scales, sizes, spec, roi)));
    }

    private static int ResizeCore(LoweringContext ctx, int x, double[]? scales, long[]? sizes, Spec spec, double[]? roi)
    {
        var node = ctx.Node;
        var b = ctx.B;
        var d = ctx.KnownDims(x, "the input");
        int rank = d.Length;
        if (spec.Mode is not ("nearest" or "linear" or "cubic")) throw node.Unsupported($"mode '{spec.Mode}' is not supported");
        var outDims = new int[rank];
        var scale = new double[rank];
        for (int i = 0; i < rank; i++)
        {
            if (sizes is not null)
            {
                outDims[i] = checked((int)sizes[i]);
                scale[i] = (double)outDims[i] / d[i];
            }
            else if (scales is not null)
            {
                scale[i] = scales[i];
                outDims[i] = (int)Math.Floor(d[i] * scales[i]);
            }
            else throw node.Error(ErrorCodes.InvalidGraph, "Resize needs scales or sizes");
        }
        var samples = new Sample[rank][];
        for (int a = 0; a < rank; a++)
            if (outDims[a] != d[a] || scale[a] != 1 || spec.Transform == "tf_crop_and_resize")
                samples[a] = AxisSamples(spec, d[a], outDims[a], scale[a], roi is null ? 0 : roi[a], roi is null ? 1 : roi[a + rank]);

        // The NHWC builtins, when they compute exactly this.
        if (rank == 4 && samples[0] is null && samples[1] is null && ctx.Type(x) == TensorType.Float32 && spec.Mode != "cubic" && spec.Transform != "tf_crop_and_resize")
        {
            var flags = MatchBuiltin(spec.Mode == "nearest", d, outDims, samples);
            if (flags is var (align, half))
            {
                int nhwc = Layout.Nhwc(ctx, x);
                var op = spec.Mode == "nearest" ? BuiltinOperator.ResizeNearestNeighbor : BuiltinOperator.ResizeBilinear;
                var o = spec.Mode == "nearest"
                    ? IrBuilder.Options(BuiltinOptionsType.ResizeNearestNeighborOptions, ("align_corners", align), ("half_pixel_centers", half))
                    : IrBuilder.Options(BuiltinOptionsType.ResizeBilinearOptions, ("align_corners", align), ("half_pixel_centers", half));
                int y = b.Op(op, [nhwc, b.Int32s(ctx.Name("size"), outDims[2], outDims[3])], TensorType.Float32, o, ctx.Name("resize"));
                return Layout.Nchw(ctx, y);
            }
        }

        // Separable gathers: along each resized axis, Σ_t weight_t · GATHER(x, index_t).
        var type = ctx.Type(x);
        bool anyOutside = false;
        for (int a = 0; a < rank; a++)
        {
            if (samples[a] is not { } s) continue;
            anyOutside |= s.Any(v => v.Outside);
            int taps = s[0].Index.Length;
            int? acc = null;
            var wShape = Enumerable.Repeat(1, rank).ToArray();
            wShape[a] = s.Length;
            for (int t = 0; t < taps; t++)
            {
                var idx = s.Select(v => (double)v.Index[t]).ToArray();
                var w = s.Select(v => v.Weight[t]).ToArray();
                if (w.All(v => v == 0)) continue;
                int g = b.Op(BuiltinOperator.Gather, [x, b.Const(ctx.Name("resize_index"), TensorType.Int32, [s.Length], idx)], type,
                    IrBuilder.Options(BuiltinOptionsType.GatherOptions, ("axis", a)), ctx.Name("resize_gather"));
                if (!w.All(v => v == 1))
                    g = b.Binary(BuiltinOperator.Mul, g, b.Const(ctx.Name("resize_weight"), type, wShape, w), ctx.Name("resize_weighted"));
                acc = acc is int p ? b.Binary(BuiltinOperator.Add, p, g, ctx.Name("resize_sum")) : g;
            }
            x = acc ?? b.Filled(ctx.Name("zeros"), type, [.. d.Select((v, i) => i < a ? outDims[i] : i == a ? s.Length : v)], 0);
        }
        if (anyOutside)
        {
            // tf_crop_and_resize: positions outside the input along any axis take extrapolation_value.
            long total = Shapes.ElementCount(outDims);
            var mask = new double[total];
            var strides = Shapes.Strides(outDims);
            for (long i = 0; i < total; i++)
            {
                bool inside = true;
                for (int a = 0; a < rank && inside; a++)
                    if (samples[a] is { } s && s[i / strides[a] % outDims[a]].Outside) inside = false;
                mask[i] = inside ? 1 : 0;
            }
            x = b.Op(BuiltinOperator.SelectV2, [b.Const(ctx.Name("inside"), TensorType.Bool, outDims, mask), x, b.Scalar(ctx.Name("extrapolation"), type, spec.Extrapolation)],
                type, null, ctx.Name("crop_and_resize"));
        }
        return x;
    }

    /// <summary>The source coordinate of output position <paramref name="o"/> (ONNX coordinate_transformation_mode).</summary>
    /// <remarks>As ONNX computes it, the output length in these formulas is scale · input length (not rounded).</remarks>
    private static double Original(string transform, int o, int inSize, int outSize, double scale, double roiStart, double roiEnd)
    {
        double outLen = scale * inSize;
        return transform switch
        {
            "half_pixel" => (o + 0.5) / scale - 0.5,
            "half_pixel_symmetric" => HalfPixelSymmetric(o, inSize, outSize, scale),
            "pytorch_half_pixel" => outLen > 1 ? (o + 0.5) / scale - 0.5 : 0,
            "align_corners" => outLen == 1 ? 0 : o * (inSize - 1) / (outLen - 1),
            "asymmetric" => o / scale,
            "tf_half_pixel_for_nn" => (o + 0.5) / scale,
            "tf_crop_and_resize" => outLen > 1
                ? roiStart * (inSize - 1) + o * (roiEnd - roiStart) * (inSize - 1) / (outLen - 1)
                : 0.5 * (roiStart + roiEnd) * (inSize - 1),
            _ => throw new NotSupportedException($"coordinate_transformation_mode '{transform}'"),
        };
    }

    private static double HalfPixelSymmetric(int o, int inSize, int outSize, double scale)
    {
        double adjustment = outSize / (scale * inSize);
        double center = inSize / 2.0;
        double offset = center * (1 - adjustment);
        return offset + (o + 0.5) / scale - 0.5;
    }

    private static Sample[] AxisSamples(Spec spec, int inSize, int outSize, double scale, double roiStart, double roiEnd)
    {
        var r = new Sample[outSize];
        for (int o = 0; o < outSize; o++)
        {
            double xo = Original(spec.Transform, o, inSize, outSize, scale, roiStart, roiEnd);
            bool outside = spec.Transform == "tf_crop_and_resize" && (xo < 0 || xo > inSize - 1);
            if (spec.Mode == "nearest")
            {
                double f = Math.Floor(xo);
                double frac = xo - f;
                long i = spec.NearestMode switch
                {
                    "round_prefer_floor" => frac <= 0.5 ? (long)f : (long)f + 1,
                    "round_prefer_ceil" => frac < 0.5 ? (long)f : (long)f + 1,
                    "floor" => (long)f,
                    "ceil" => (long)Math.Ceiling(xo),
                    _ => throw new NotSupportedException($"nearest_mode '{spec.NearestMode}'"),
                };
                r[o] = new Sample([(int)Math.Clamp(i, 0, inSize - 1)], [1], outside);
                continue;
            }
            long baseIndex = (long)Math.Floor(xo);
            double ratio = xo - baseIndex;
            bool integral = ratio == 0;
            double[] w;
            long[] idx;
            if (spec.Mode == "linear")
            {
                if (integral) { idx = [baseIndex - 1, baseIndex]; w = [0, 1]; }
                else { idx = [baseIndex, baseIndex + 1]; w = [1 - ratio, ratio]; }
            }
            else
            {
                double a = spec.CubicA;
                double t = integral ? 1 : ratio;
                w =
                [
                    ((a * (t + 1) - 5 * a) * (t + 1) + 8 * a) * (t + 1) - 4 * a,
                    ((a + 2) * t - (a + 3)) * t * t + 1,
                    ((a + 2) * (1 - t) - (a + 3)) * (1 - t) * (1 - t) + 1,
                    ((a * (1 - t + 1) - 5 * a) * (1 - t + 1) + 8 * a) * (1 - t + 1) - 4 * a,
                ];
                long first = integral ? baseIndex - 2 : baseIndex - 1;
                idx = [first, first + 1, first + 2, first + 3];
            }
            if (spec.ExcludeOutside)
            {
                double sum = 0;
                for (int k = 0; k < w.Length; k++)
                {
                    if (idx[k] < 0 || idx[k] >= inSize) w[k] = 0;
                    sum += w[k];
                }
                if (sum != 0) for (int k = 0; k < w.Length; k++) w[k] /= sum;
            }
            r[o] = new Sample(idx.Select(v => (int)Math.Clamp(v, 0, inSize - 1)).ToArray(), w, outside);
        }
        return r;
    }

    /// <summary>The (align_corners, half_pixel_centers) flags for which the TFLite builtin samples exactly like <paramref name="samples"/>.</summary>
    private static (bool, bool)? MatchBuiltin(bool nearest, int[] d, int[] outDims, Sample[]?[] samples)
    {
        foreach (var (align, half) in new[] { (false, false), (true, false), (false, true) })
        {
            bool ok = true;
            for (int a = 2; a < 4 && ok; a++)
            {
                int inSize = d[a], outSize = outDims[a];
                var s = samples[a];
                if (s is null) { ok = outSize == inSize && !align; if (!ok) break; continue; }
                for (int o = 0; o < outSize && ok; o++)
                {
                    var dense = Dense(s[o], inSize);
                    var tfl = new double[inSize];
                    if (nearest) tfl[ResizeGeometry.Nearest(o, inSize, outSize, align, half)] = 1;
                    else
                    {
                        float sc = ResizeGeometry.Scale(inSize, outSize, align);
                        var (lo, hi, w) = ResizeGeometry.Bilinear(o, sc, half, inSize);
                        tfl[lo] += 1 - (double)w;
                        tfl[hi] += w;
                    }
                    for (int i = 0; i < inSize && ok; i++) ok = Math.Abs(dense[i] - tfl[i]) < 1e-6;
                }
            }
            if (ok) return (align, half);
        }
        return null;
    }

    private static double[] Dense(Sample s, int inSize)
    {
        var r = new double[inSize];
        for (int k = 0; k < s.Index.Length; k++) r[s.Index[k]] += s.Weight[k];
        return r;
    }
}
