using LiteRt.Format.Schema;
using LiteRt.Graph;
using LiteRt.Graph.Catalog;

namespace LiteRt.Compiler.Import.Onnx.OnnxOpLowering;

/// <summary>
/// The NCHW ↔ NHWC boundary of layout-sensitive lowerings. A lowering of an op LiteRT only has in NHWC (CONV_2D,
/// pools, resize…) wraps it in TRANSPOSEs: NCHW → NHWC before, NHWC → NCHW after. The layout pass
/// (Passes/TransposeSinking) then moves these transposes through layout-agnostic ops and cancels the pairs, so a
/// chain of convolutions keeps NHWC throughout and only the graph's boundaries transpose.
/// </summary>
internal static class Layout
{
    /// <summary>[N, C, d1..dk] → [N, d1..dk, C].</summary>
    public static int[] ToChannelsLast(int rank)
    {
        var p = new int[rank];
        p[0] = 0;
        for (int i = 1; i < rank - 1; i++) p[i] = i + 1;
        p[rank - 1] = 1;
        return p;
    }

    /// <summary>[N, d1..dk, C] → [N, C, d1..dk].</summary>
    public static int[] ToChannelsFirst(int rank)
    {
        var p = new int[rank];
        p[0] = 0;
        p[1] = rank - 1;
        for (int i = 2; i < rank; i++) p[i] = i - 1;
        return p;
    }

    public static int Nhwc(LoweringContext ctx, int x) => ctx.B.Transpose(x, ToChannelsLast(ctx.Rank(x)), ctx.Name("to_nhwc"));

    public static int Nchw(LoweringContext ctx, int x) => ctx.B.Transpose(x, ToChannelsFirst(ctx.Rank(x)), ctx.Name("to_nchw"));

    /// <summary>Spatial padding of a window op from ONNX attributes: (before, after) per spatial dim.</summary>
    public static (int[] Before, int[] After) Pads(LoweringContext ctx, int[] inputSpatial, int[] kernel, int[] strides, int[] dilations)
    {
        var node = ctx.Node;
        int n = kernel.Length;
        var before = new int[n];
        var after = new int[n];
        string autoPad = node.String("auto_pad", "NOTSET");
        switch (autoPad)
        {
            case "NOTSET":
                var pads = node.Ints("pads");
                if (pads is not null)
                {
                    if (pads.Length != 2 * n) throw node.Unsupported($"pads has {pads.Length} values, expected {2 * n}");
                    for (int i = 0; i < n; i++)
                    {
                        before[i] = checked((int)pads[i]);
                        after[i] = checked((int)pads[i + n]);
                    }
                }
                break;
            case "VALID":
                break;
            case "SAME_UPPER":
            case "SAME_LOWER":
                for (int i = 0; i < n; i++)
                {
                    if (inputSpatial[i] < 0)
                        throw node.Error(ErrorCodes.DynamicShape, $"auto_pad {autoPad} needs known spatial dims; fix the input shapes (--input-shapes)");
                    int outSize = (inputSpatial[i] + strides[i] - 1) / strides[i];
                    int effective = (kernel[i] - 1) * dilations[i] + 1;
                    int total = Math.Max((outSize - 1) * strides[i] + effective - inputSpatial[i], 0);
                    int small = total / 2, big = total - small;
                    (before[i], after[i]) = autoPad == "SAME_UPPER" ? (small, big) : (big, small);
                }
                break;
            default:
                throw node.Unsupported($"auto_pad '{autoPad}' is not supported");
        }
        foreach (int p in before.Concat(after))
            if (p < 0) throw node.Unsupported("negative pads are not supported");
        return (before, after);
    }

    /// <summary>
    /// The LiteRT padding that reproduces explicit (before, after) pads over known or unknown input sizes: VALID for
    /// none, SAME when TFLite's SAME rule gives exactly these pads, otherwise null (the caller pads explicitly).
    /// </summary>
    public static Padding? AsTfLitePadding(int[] inputSpatial, int[] kernel, int[] strides, int[] dilations, int[] before, int[] after)
    {
        if (before.All(p => p == 0) && after.All(p => p == 0)) return Padding.Valid;
        for (int i = 0; i < kernel.Length; i++)
        {
            int effective = (kernel[i] - 1) * dilations[i] + 1;
            int inSize = inputSpatial[i];
            if (inSize < 0)
            {
                // Unknown size: SAME matches only when the total padding does not depend on it (stride 1).
                if (strides[i] != 1) return null;
                int total = effective - 1;
                if (before[i] != total / 2 || after[i] != total - total / 2) return null;
                continue;
            }
            int outSize = ConvGeometry.OutputSize(Padding.Same, inSize, kernel[i], strides[i], dilations[i]);
            int pb = ConvGeometry.PaddingBefore(strides[i], dilations[i], inSize, kernel[i], outSize, out int offset);
            if (pb != before[i] || pb + offset != after[i]) return null;
            // The explicit pads must also give the same number of outputs.
            int explicitOut = (inSize + before[i] + after[i] - effective) / strides[i] + 1;
            if (explicitOut != outSize) return null;
        }
        return Padding.Same;
    }

    /// <summary>PAD (or PADV2 with <paramref name="value"/>) of the spatial dims of an NHWC tensor.</summary>
    public static int PadSpatialNhwc(LoweringContext ctx, int x, int[] before, int[] after, double value = 0)
    {
        int rank = ctx.Rank(x);
        var p = new int[rank * 2];
        for (int i = 0; i < before.Length; i++)
        {
            p[2 * (i + 1)] = before[i];
            p[2 * (i + 1) + 1] = after[i];
        }
        var b = ctx.B;
        int paddings = b.Const(ctx.Name("paddings"), TensorType.Int32, [rank, 2], p.Select(v => (double)v).ToArray());
        if (value == 0) return b.Op(BuiltinOperator.Pad, [x, paddings], ctx.Type(x), null, ctx.Name("pad"));
        int v = b.Scalar(ctx.Name("pad_value"), ctx.Type(x), value);
        return b.Op(BuiltinOperator.Padv2, [x, paddings, v], ctx.Type(x), null, ctx.Name("pad"));
    }

    /// <summary>Reads kernel_shape (or the weights' spatial dims), strides and dilations, defaulting to 1s.</summary>
    public static (int[] Strides, int[] Dilations) StridesDilations(OnnxNode node, int spatial)
    {
        int[] s = node.Ints("strides")?.Select(v => checked((int)v)).ToArray() ?? Enumerable.Repeat(1, spatial).ToArray();
        int[] d = node.Ints("dilations")?.Select(v => checked((int)v)).ToArray() ?? Enumerable.Repeat(1, spatial).ToArray();
        if (s.Length != spatial || d.Length != spatial) throw node.Unsupported($"strides/dilations must have {spatial} values");
        if (s.Any(v => v <= 0) || d.Any(v => v <= 0)) throw node.Unsupported("strides and dilations must be positive");
        return (s, d);
    }
}
