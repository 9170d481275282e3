using LiteRt.Format.Schema;

namespace LiteRt.Graph.Catalog;

/// <summary>AVERAGE_POOL_2D and MAX_POOL_2D: definitions, shape rule and float64 reference kernels.</summary>
internal static class PoolOps
{
    public static void Register(Action<OpDefinition> add)
    {
        add(new OpDefinition
        {
            Op = BuiltinOperator.AveragePool2d,
            Summary = "2-D average pooling over NHWC windows (Pool2DOptions: padding, strides, filter size, fused activation); "
                + "the average is over the window's elements inside the input only (padding is not counted).",
            Inputs = ["input"],
            OptionsType = BuiltinOptionsType.Pool2DOptions,
            InferShapes = PoolShape,
            Reference = ctx => PoolReference(ctx, average: true),
        });
        add(new OpDefinition
        {
            Op = BuiltinOperator.MaxPool2d,
            Summary = "2-D max pooling over NHWC windows (Pool2DOptions: padding, strides, filter size, fused activation); padding never wins.",
            Inputs = ["input"],
            OptionsType = BuiltinOptionsType.Pool2DOptions,
            InferShapes = PoolShape,
            Reference = ctx => PoolReference(ctx, average: false),
        });
    }

    private static void PoolShape(ShapeContext ctx)
    {
        var a = WindowAttributes.ReadPool(ctx.Op, ctx.Node);
        var input = ctx.InputShape(0);
        ctx.Require(input.Length == 4, $"input must be 4-D NHWC, got {Shapes.Format(input)}");
        var w = ConvGeometry.Window2D(a.Padding, input[1], input[2], a.FilterHeight, a.FilterWidth, a.StrideHeight, a.StrideWidth);
        ctx.SetOutputShape(0, [input[0], w.OutputHeight, w.OutputWidth, input[3]]);
    }

    private static void PoolReference(ReferenceContext ctx, bool average)
    {
        var a = WindowAttributes.ReadPool(ctx.Op, ctx.Node);
        var input = ctx.Input(0);
        var output = ctx.Output(0);
        int batches = input.Shape[0], inH = input.Shape[1], inW = input.Shape[2], channels = input.Shape[3];
        int outH = output.Shape[1], outW = output.Shape[2];
        var geo = ConvGeometry.Window2D(a.Padding, inH, inW, a.FilterHeight, a.FilterWidth, a.StrideHeight, a.StrideWidth);
        double[] x = input.Data, y = output.Data;
        for (int b = 0; b < batches; b++)
        for (int oy = 0; oy < outH; oy++)
        for (int ox = 0; ox < outW; ox++)
        for (int c = 0; c < channels; c++)
        {
            double acc = average ? 0 : double.NegativeInfinity;
            int count = 0;
            for (int ky = 0; ky < a.FilterHeight; ky++)
            {
                int iy = oy * a.StrideHeight - geo.PadTop + ky;
                if (iy < 0 || iy >= inH) continue;
                for (int kx = 0; kx < a.FilterWidth; kx++)
                {
                    int ix = ox * a.StrideWidth - geo.PadLeft + kx;
                    if (ix < 0 || ix >= inW) continue;
                    double v = x[((b * inH + iy) * inW + ix) * channels + c];
                    acc = average ? acc + v : Math.Max(acc, v);
                    count++;
                }
            }
            double r = count == 0 ? 0 : average ? acc / count : acc;
            y[((b * outH + oy) * outW + ox) * channels + c] = ActivationClamp.Apply(r, a.Activation);
        }
    }
}
