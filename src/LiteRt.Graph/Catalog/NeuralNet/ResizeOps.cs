using LiteRt.Format.Schema;

namespace LiteRt.Graph.Catalog;

/// <summary>RESIZE_BILINEAR and RESIZE_NEAREST_NEIGHBOR: definitions, shape rule and float64 reference kernels.</summary>
internal static class ResizeOps
{
    public static void Register(Action<OpDefinition> add)
    {
        add(new OpDefinition
        {
            Op = BuiltinOperator.ResizeBilinear,
            Summary = "Bilinear resize of an NHWC image to size = [new_height, new_width] (constant int32), with align_corners or "
                + "half_pixel_centers source coordinates as TFLite computes them.",
            Inputs = ["input", "size"],
            OptionsType = BuiltinOptionsType.ResizeBilinearOptions,
            InferShapes = ResizeShape,
            Reference = BilinearReference,
        });
        add(new OpDefinition
        {
            Op = BuiltinOperator.ResizeNearestNeighbor,
            Summary = "Nearest-neighbour resize of an NHWC image to size = [new_height, new_width] (constant int32), with align_corners "
                + "(round) or floor, and half_pixel_centers offsets as TFLite computes them.",
            Inputs = ["input", "size"],
            OptionsType = BuiltinOptionsType.ResizeNearestNeighborOptions,
            InferShapes = ResizeShape,
            Reference = NearestReference,
        });
    }

    private static void ResizeShape(ShapeContext ctx)
    {
        NeuralNetAttributes.Resize(ctx.Op, ctx.Node);
        var input = ctx.InputShape(0);
        ctx.Require(input.Length == 4, $"input must be 4-D NHWC, got {Shapes.Format(input)}");
        ctx.Require(ctx.InputShape(1) is [2] or [-1], "size must be a 1-D tensor of 2 values");
        var size = ctx.ConstantInts(1, "size");
        ctx.Require(size.Length == 2 && size[0] >= 0 && size[1] >= 0 && size[0] <= int.MaxValue && size[1] <= int.MaxValue,
            $"size must be two non-negative values, got [{string.Join(",", size)}]");
        int h = (int)size[0], w = (int)size[1];
        ctx.Require((input[1] != 0 || h == 0) && (input[2] != 0 || w == 0), "cannot resize an empty image to a non-empty one");
        ctx.SetOutputShape(0, [input[0], h, w, input[3]]);
    }

    private static void BilinearReference(ReferenceContext ctx)
    {
        var (align, half) = NeuralNetAttributes.Resize(ctx.Op, ctx.Node);
        var input = ctx.Input(0);
        var output = ctx.Output(0);
        int batches = input.Shape[0], inH = input.Shape[1], inW = input.Shape[2], channels = input.Shape[3];
        int outH = output.Shape[1], outW = output.Shape[2];
        float sy = ResizeGeometry.Scale(inH, outH, align), sx = ResizeGeometry.Scale(inW, outW, align);
        double[] x = input.Data, y = output.Data;
        for (int b = 0; b < batches; b++)
        for (int oy = 0; oy < outH; oy++)
        {
            var (y0, y1, wy) = ResizeGeometry.Bilinear(oy, sy, half, inH);
            for (int ox = 0; ox < outW; ox++)
            {
                var (x0, x1, wx) = ResizeGeometry.Bilinear(ox, sx, half, inW);
                for (int c = 0; c < channels; c++)
                {
                    double v00 = x[((b * inH + y0) * inW + x0) * channels + c], v01 = x[((b * inH + y0) * inW + x1) * channels + c];
                    double v10 = x[((b * inH + y1) * inW + x0) * channels + c], v11 = x[((b * inH + y1) * inW + x1) * channels + c];
                    y[((b * outH + oy) * outW + ox) * channels + c] =
                        v00 * (1 - (double)wy) * (1 - (double)wx) + v10 * wy * (1 - (double)wx) + v01 * (1 - (double)wy) * wx + v11 * wy * (double)wx;
                }
            }
        }
    }

    private static void NearestReference(ReferenceContext ctx)
    {
        var (align, half) = NeuralNetAttributes.Resize(ctx.Op, ctx.Node);
        var input = ctx.Input(0);
        var output = ctx.Output(0);
        int batches = input.Shape[0], inH = input.Shape[1], inW = input.Shape[2], channels = input.Shape[3];
        int outH = output.Shape[1], outW = output.Shape[2];
        double[] x = input.Data, y = output.Data;
        for (int b = 0; b < batches; b++)
        for (int oy = 0; oy < outH; oy++)
        {
            int iy = ResizeGeometry.Nearest(oy, inH, outH, align, half);
            for (int ox = 0; ox < outW; ox++)
            {
                int ix = ResizeGeometry.Nearest(ox, inW, outW, align, half);
                Array.Copy(x, ((b * inH + iy) * inW + ix) * channels, y, ((b * outH + oy) * outW + ox) * channels, channels);
            }
        }
    }
}
