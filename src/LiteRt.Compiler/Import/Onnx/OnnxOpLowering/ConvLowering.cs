using LiteRt.Compiler.Ir;
using LiteRt.Format.Schema;
using LiteRt.Graph;

namespace LiteRt.Compiler.Import.Onnx.OnnxOpLowering;

/// <summary>
/// Conv → CONV_2D (groups as TFLite's grouped conv) or DEPTHWISE_CONV_2D (group = channels), 1-D as 2-D with H = 1,
/// 3-D → CONV_3D; ConvTranspose → TRANSPOSE_CONV (VALID + crop when ONNX pads are not TFLite's SAME; dilation by
/// dilating the kernel; groups by splitting). Weights are re-laid out at conversion time (OIHW → OHWI), and every
/// convolution gets a bias (TFLite's CONV_2D requires one).
/// </summary>
internal static class ConvLowering
{
    public static void Register(Action<string, OnnxLowering> add)
    {
        add("Conv", Conv);
        add("ConvTranspose", ConvTranspose);
    }

    private static readonly TensorType[] F32 = [TensorType.Float32];

    private static void Conv(LoweringContext ctx)
    {
        var node = ctx.Node;
        int x = ctx.Required(0), w = ctx.Required(1), bias = ctx.Input(2);
        var xType = ctx.Type(x);
        int r = ctx.Computed([x, w, bias], F32, c => ConvCore(ctx, c[0], c[1], c[2]));
        ctx.Output(0, r);
        _ = xType;
    }

    /// <summary>A float32 convolution with the current node's Conv attributes (used by ConvInteger / QLinearConv).</summary>
    internal static int FloatConv(LoweringContext ctx, int x, int w, int bias) => ConvCore(ctx, x, w, bias);

    private static int ConvCore(LoweringContext ctx, int x, int w, int bias)
    {
        var node = ctx.Node;
        var b = ctx.B;
        int rank = ctx.Rank(x);
        var wDims = ctx.KnownDims(w, "the weights");
        if (rank < 3 || rank > 5 || wDims.Length != rank)
            throw node.Unsupported($"Conv with input rank {rank} and weight rank {wDims.Length} is not supported (1-D, 2-D and 3-D are)");
        int spatial = rank - 2;
        int group = node.Int32("group", 1);
        int m = wDims[0], cPerGroup = wDims[1];
        var kernel = wDims[2..];
        if (node.Ints("kernel_shape") is { } ks && !ks.Select(v => (int)v).SequenceEqual(kernel))
            throw node.Error(ErrorCodes.InvalidGraph, $"kernel_shape [{string.Join(",", ks)}] differs from the weights {Shapes.Format(wDims)}");
        var (strides, dilations) = Layout.StridesDilations(node, spatial);
        var xDims = ctx.Dims(x);
        int channels = xDims[1];
        if (channels >= 0 && channels != cPerGroup * group)
            throw node.Error(ErrorCodes.InvalidGraph, $"input has {channels} channels, weights expect {cPerGroup} × group {group}");
        if (m % group != 0) throw node.Error(ErrorCodes.InvalidGraph, $"{m} output channels are not divisible by group {group}");

        if (bias < 0) bias = b.Filled(ctx.Name("bias"), TensorType.Float32, [m], 0);

        if (spatial == 3) return Conv3D(ctx, x, w, bias, kernel, strides, dilations, group);

        var (before, after) = Layout.Pads(ctx, xDims[2..], kernel, strides, dilations);
        // 1-D: [N, C, W] → [N, C, 1, W] with a 1 × k kernel.
        bool oneD = spatial == 1;
        if (oneD)
        {
            x = b.Reshape(x, [xDims[0] < 0 ? -1 : xDims[0], xDims[1], 1, xDims[2]], ctx.Name("as_2d"));
            w = b.Reshape(w, [m, cPerGroup, 1, kernel[0]], ctx.Name("weights_2d"));
            kernel = [1, kernel[0]];
            strides = [1, strides[0]];
            dilations = [1, dilations[0]];
            before = [0, before[0]];
            after = [0, after[0]];
        }
        var spatialDims = ctx.Dims(x)[2..];
        int input = Layout.Nhwc(ctx, x);
        var padding = Layout.AsTfLitePadding(spatialDims, kernel, strides, dilations, before, after);
        if (padding is null)
        {
            input = Layout.PadSpatialNhwc(ctx, input, before, after);
            padding = Padding.Valid;
        }

        int y;
        bool depthwise = group > 1 && cPerGroup == 1 && group == channels;
        if (depthwise)
        {
            // [M, 1, kH, kW] → [1, kH, kW, M]
            int filter = b.Transpose(w, [1, 2, 3, 0], ctx.Name("filter"));
            var o = IrBuilder.Options(BuiltinOptionsType.DepthwiseConv2DOptions,
                ("padding", padding.Value), ("stride_w", strides[1]), ("stride_h", strides[0]),
                ("depth_multiplier", m / group), ("dilation_w_factor", dilations[1]), ("dilation_h_factor", dilations[0]));
            y = b.Op(BuiltinOperator.DepthwiseConv2d, [input, filter, bias], TensorType.Float32, o, ctx.Name("depthwise"));
        }
        else
        {
            // [M, C/g, kH, kW] → [M, kH, kW, C/g]; TFLite's CONV_2D groups by the filter's input channels.
            int filter = b.Transpose(w, [0, 2, 3, 1], ctx.Name("filter"));
            var o = IrBuilder.Options(BuiltinOptionsType.Conv2DOptions,
                ("padding", padding.Value), ("stride_w", strides[1]), ("stride_h", strides[0]),
                ("dilation_w_factor", dilations[1]), ("dilation_h_factor", dilations[0]));
            y = b.Op(BuiltinOperator.Conv2d, [input, filter, bias], TensorType.Float32, o, ctx.Name("conv"));
        }
        y = Layout.Nchw(ctx, y);
        if (oneD)
        {
            var d = ctx.Dims(y);
            y = b.Reshape(y, [d[0] < 0 ? -1 : d[0], d[1], d[3]], ctx.Name("as_1d"));
        }
        return y;
    }

    private static int Conv3D(LoweringContext ctx, int x, int w, int bias, int[] kernel, int[] strides, int[] dilations, int group)
    {
        var b = ctx.B;
        var spatialDims = ctx.Dims(x)[2..];
        var (before, after) = Layout.Pads(ctx, spatialDims, kernel, strides, dilations);
        int input = Layout.Nhwc(ctx, x); // NCDHW → NDHWC
        var padding = Layout.AsTfLitePadding(spatialDims, kernel, strides, dilations, before, after);
        if (padding is null)
        {
            input = Layout.PadSpatialNhwc(ctx, input, before, after);
            padding = Padding.Valid;
        }
        var wDims = ctx.Dims(w);
        int m = wDims[0], cPerGroup = wDims[1];
        // ONNX [M, C/g, kD, kH, kW] → TFLite CONV_3D filter [kD, kH, kW, C/g, M].
        int filter = b.Transpose(w, [2, 3, 4, 1, 0], ctx.Name("filter"));
        OptionsTable Opts() => IrBuilder.Options(BuiltinOptionsType.Conv3DOptions,
            ("padding", padding.Value), ("stride_d", strides[0]), ("stride_h", strides[1]), ("stride_w", strides[2]),
            ("dilation_d_factor", dilations[0]), ("dilation_h_factor", dilations[1]), ("dilation_w_factor", dilations[2]));
        int y;
        if (group == 1)
            y = b.Op(BuiltinOperator.Conv3d, [input, filter, bias], TensorType.Float32, Opts(), ctx.Name("conv3d"));
        else
        {
            // CONV_3D has no groups: one convolution per group on a channel slice, then concatenate.
            int mPerGroup = m / group;
            var parts = new int[group];
            var filterValues = b.IsConst(filter) ? b.Values(filter) : null;
            var fDims = ctx.Dims(filter);
            var biasValues = b.IsConst(bias) ? b.Values(bias) : throw ctx.Node.Error(ErrorCodes.NeedsConstant, "grouped 3-D convolution needs constant weights and bias");
            if (filterValues is null) throw ctx.Node.Error(ErrorCodes.NeedsConstant, "grouped 3-D convolution needs constant weights");
            var inDims = ctx.Dims(input);
            for (int g = 0; g < group; g++)
            {
                int slice = b.Op(BuiltinOperator.Slice,
                    [input, b.Int32s(ctx.Name("begin"), 0, 0, 0, 0, g * cPerGroup), b.Int32s(ctx.Name("size"), -1, -1, -1, -1, cPerGroup)],
                    TensorType.Float32, null, ctx.Name($"group{g}"));
                // Filter [kD, kH, kW, C/g, M] → the group's M/g output channels.
                int inner = fDims[4];
                long outer = (long)fDims[0] * fDims[1] * fDims[2] * fDims[3];
                var gf = new double[outer * mPerGroup];
                for (long o = 0; o < outer; o++)
                    for (int k = 0; k < mPerGroup; k++)
                        gf[o * mPerGroup + k] = filterValues[o * inner + g * mPerGroup + k];
                int gFilter = b.Const(ctx.Name($"filter{g}"), TensorType.Float32, [fDims[0], fDims[1], fDims[2], fDims[3], mPerGroup], gf);
                int gBias = b.Const(ctx.Name($"bias{g}"), TensorType.Float32, [mPerGroup], biasValues.AsSpan(g * mPerGroup, mPerGroup));
                parts[g] = b.Op(BuiltinOperator.Conv3d, [slice, gFilter, gBias], TensorType.Float32, Opts(), ctx.Name($"conv3d_{g}"));
                _ = inDims;
            }
            y = b.Op(BuiltinOperator.Concatenation, parts, TensorType.Float32,
                IrBuilder.Options(BuiltinOptionsType.ConcatenationOptions, ("axis", 4)), ctx.Name("concat"));
        }
        return Layout.Nchw(ctx, y);
    }

    private static void ConvTranspose(LoweringContext ctx)
    {
        int x = ctx.Required(0), w = ctx.Required(1), bias = ctx.Input(2);
        ctx.Output(0, ctx.Computed([x, w, bias], F32, c => ConvTransposeCore(ctx, c[0], c[1], c[2])));
    }

    private static int ConvTransposeCore(LoweringContext ctx, int x, int w, int bias)
    {
        var node = ctx.Node;
        var b = ctx.B;
        int rank = ctx.Rank(x);
        if (rank is not (3 or 4))
            throw node.Unsupported($"ConvTranspose with input rank {rank} is not supported (1-D and 2-D are)");
        var xDims = ctx.KnownDims(x, "the input");
        var wDims = ctx.KnownDims(w, "the weights");
        int group = node.Int32("group", 1);
        int c = wDims[0], mPerGroup = wDims[1], m = mPerGroup * group;
        if (xDims[1] != c) throw node.Error(ErrorCodes.InvalidGraph, $"input has {xDims[1]} channels, weights {c}");
        int spatial = rank - 2;
        var kernel = wDims[2..];
        var (strides, dilations) = Layout.StridesDilations(node, spatial);
        var outPad = node.Ints("output_padding")?.Select(v => (int)v).ToArray() ?? new int[spatial];
        bool constWeights = b.IsConst(w);
        var weights = constWeights ? b.Values(w) : [];
        if (!constWeights && (group != 1 || dilations.Any(v => v != 1)))
            throw ctx.NotConstant(1, w, "the weights of a grouped or dilated ConvTranspose");
        int runtimeBias = bias >= 0 && !b.IsConst(bias) ? bias : -1;
        var biasValues = bias >= 0 && runtimeBias < 0 ? b.Values(bias) : new double[m];

        bool oneD = spatial == 1;
        int[] inSpatial = xDims[2..];
        if (oneD)
        {
            x = b.Reshape(x, [xDims[0], c, 1, xDims[2]], ctx.Name("as_2d"));
            kernel = [1, kernel[0]];
            strides = [1, strides[0]];
            dilations = [1, dilations[0]];
            outPad = [0, outPad[0]];
            inSpatial = [1, inSpatial[0]];
        }
        int kh = kernel[0], kw = kernel[1];
        int ekh = (kh - 1) * dilations[0] + 1, ekw = (kw - 1) * dilations[1] + 1;

        // Pads: explicit, auto_pad, or from output_shape.
        var before = new int[2];
        var after = new int[2];
        var full = new int[2];
        for (int i = 0; i < 2; i++) full[i] = strides[i] * (inSpatial[i] - 1) + (i == 0 ? ekh : ekw);
        var outShapeAttr = node.Ints("output_shape");
        string autoPad = node.String("auto_pad", "NOTSET");
        if (outShapeAttr is not null)
        {
            var os = outShapeAttr.Length == spatial + 2 ? outShapeAttr[2..] : outShapeAttr;
            if (os.Length != spatial) throw node.Unsupported("output_shape must list the spatial dims");
            int[] target = oneD ? [1, (int)os[0]] : [(int)os[0], (int)os[1]];
            for (int i = 0; i < 2; i++)
            {
                int total = full[i] + outPad[i] - target[i];
                // A larger output_shape extends the end with rows only the bias reaches (negative end padding).
                if (total < 0) (before[i], after[i]) = (0, total);
                else (before[i], after[i]) = autoPad == "SAME_UPPER" ? (total / 2, total - total / 2) : (total - total / 2, total / 2);
            }
        }
        else if (autoPad is "SAME_UPPER" or "SAME_LOWER")
        {
            for (int i = 0; i < 2; i++)
            {
                int target = inSpatial[i] * strides[i];
                int total = full[i] + outPad[i] - target;
                (before[i], after[i]) = autoPad == "SAME_UPPER" ? (total / 2, total - total / 2) : (total - total / 2, total / 2);
            }
        }
        else if (autoPad is "NOTSET" or "VALID")
        {
            if (autoPad == "NOTSET" && node.Ints("pads") is { } pads)
            {
                if (pads.Length != 2 * spatial) throw node.Unsupported($"pads has {pads.Length} values");
                if (oneD) { before = [0, (int)pads[0]]; after = [0, (int)pads[1]]; }
                else { before = [(int)pads[0], (int)pads[1]]; after = [(int)pads[2], (int)pads[3]]; }
            }
        }
        else throw node.Unsupported($"auto_pad '{autoPad}' is not supported");
        var outSize = new int[2];
        for (int i = 0; i < 2; i++)
        {
            outSize[i] = full[i] + outPad[i] - before[i] - after[i];
            if (before[i] < 0 || outSize[i] <= 0) throw node.Unsupported("these pads are not supported");
        }

        int input = Layout.Nhwc(ctx, x);
        int n = xDims[0];
        var parts = new List<int>();
        for (int g = 0; g < group; g++)
        {
            // TFLite weights [out, kh', kw', in] with the kernel dilated (zeros between taps).
            int cg = c / group;
            var f = new double[constWeights ? (long)mPerGroup * ekh * ekw * cg : 0];
            for (int o = 0; o < (constWeights ? mPerGroup : 0); o++)
                for (int i = 0; i < kh; i++)
                    for (int j = 0; j < kw; j++)
                        for (int ci = 0; ci < cg; ci++)
                        {
                            int srcC = g * cg + ci;
                            double v = oneD
                                ? weights[((long)srcC * mPerGroup + o) * kw + j]
                                : weights[(((long)srcC * mPerGroup + o) * kh + i) * kw + j];
                            f[(((long)o * ekh + i * dilations[0]) * ekw + j * dilations[1]) * cg + ci] = v;
                        }
            int filter = constWeights
                ? b.Const(ctx.Name($"filter{g}"), TensorType.Float32, [mPerGroup, ekh, ekw, cg], f)
                : b.Transpose(oneD ? b.Reshape(w, [c, mPerGroup, 1, kw], ctx.Name("weights_2d")) : w, [1, 2, 3, 0], ctx.Name("filter"));
            int gin = group == 1 ? input : b.Op(BuiltinOperator.Slice,
                [input, b.Int32s(ctx.Name("begin"), 0, 0, 0, g * cg), b.Int32s(ctx.Name("size"), -1, -1, -1, cg)], TensorType.Float32, null, ctx.Name($"group{g}"));

            // SAME when TFLite's padding rule gives these pads; otherwise VALID (the full output) and a crop.
            bool same = true;
            for (int i = 0; i < 2 && same; i++)
            {
                int k = i == 0 ? ekh : ekw;
                int outS = LiteRt.Graph.Catalog.ConvGeometry.OutputSize(Padding.Same, outSize[i], k, strides[i]);
                int pb = LiteRt.Graph.Catalog.ConvGeometry.PaddingBefore(strides[i], 1, outSize[i], k, outS, out _);
                same = pb == before[i]; // TFLite's output row j is full row j + pb (rows past the full output get only the bias, as in ONNX)
            }
            int[] shapeOut = same ? [n, outSize[0], outSize[1], mPerGroup] : [n, full[0], full[1], mPerGroup];
            var gBias = b.Const(ctx.Name($"bias{g}"), TensorType.Float32, [mPerGroup], biasValues.AsSpan(g * mPerGroup, mPerGroup));
            var opts = IrBuilder.Options(BuiltinOptionsType.TransposeConvOptions,
                ("padding", same ? Padding.Same : Padding.Valid), ("stride_w", strides[1]), ("stride_h", strides[0]));
            int y = b.Op(BuiltinOperator.TransposeConv, [b.Int32s(ctx.Name("output_shape"), shapeOut), filter, gin, same ? gBias : -1],
                TensorType.Float32, opts, ctx.Name($"deconv{g}"));
            if (!same)
            {
                // Crop [before, before + out) of the full output; rows past its end (output_padding) are zeros, then the bias.
                int[] keep = [Math.Min(outSize[0], full[0] - before[0]), Math.Min(outSize[1], full[1] - before[1])];
                y = b.Op(BuiltinOperator.Slice,
                    [y, b.Int32s(ctx.Name("crop_begin"), 0, before[0], before[1], 0), b.Int32s(ctx.Name("crop_size"), -1, keep[0], keep[1], -1)],
                    TensorType.Float32, null, ctx.Name("crop"));
                if (keep[0] < outSize[0] || keep[1] < outSize[1])
                    y = Layout.PadSpatialNhwc(ctx, y, [0, 0], [outSize[0] - keep[0], outSize[1] - keep[1]]);
                y = b.Binary(BuiltinOperator.Add, y, gBias, ctx.Name("bias_add"));
            }
            parts.Add(y);
        }
        int result = parts.Count == 1 ? parts[0] : b.Op(BuiltinOperator.Concatenation, [.. parts], TensorType.Float32,
            IrBuilder.Options(BuiltinOptionsType.ConcatenationOptions, ("axis", 3)), ctx.Name("concat"));
        if (runtimeBias >= 0) result = b.Binary(BuiltinOperator.Add, result, runtimeBias, ctx.Name("bias_add"));
        result = Layout.Nchw(ctx, result);
        if (oneD) result = b.Reshape(result, [n, m, outSize[1]], ctx.Name("as_1d"));
        return result;
    }
}
