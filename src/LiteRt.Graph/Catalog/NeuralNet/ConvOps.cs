using LiteRt.Format.Schema;

namespace LiteRt.Graph.Catalog;

/// <summary>CONV_2D, DEPTHWISE_CONV_2D and TRANSPOSE_CONV: definitions, shape rules and float64 reference kernels.</summary>
internal static class ConvOps
{
    public static void Register(Action<OpDefinition> add)
    {
        add(new OpDefinition
        {
            Op = BuiltinOperator.Conv2d,
            Summary = "2-D convolution of an NHWC input with a filter [out, h, w, in/groups] (grouped when the input has a multiple of the filter's "
                + "channels), SAME/VALID padding, strides, dilation, optional bias [out], fused activation.",
            Inputs = ["input", "filter", "bias?"],
            OptionsType = BuiltinOptionsType.Conv2DOptions,
            InferShapes = Conv2DShape,
            Reference = Conv2DReference,
        });
        add(new OpDefinition
        {
            Op = BuiltinOperator.DepthwiseConv2d,
            Summary = "Depthwise 2-D convolution: filter [1, h, w, in·multiplier], output channel c·multiplier+m reads input channel c only; "
                + "SAME/VALID padding, strides, dilation, optional bias, fused activation (the multiplier comes from the filter).",
            Inputs = ["input", "filter", "bias?"],
            OptionsType = BuiltinOptionsType.DepthwiseConv2DOptions,
            InferShapes = DepthwiseShape,
            Reference = DepthwiseReference,
        });
        add(new OpDefinition
        {
            Op = BuiltinOperator.TransposeConv,
            Summary = "Transpose (fractionally strided) 2-D convolution: inputs (output_shape [4], weights [out, h, w, in], input NHWC, bias? [out]); "
                + "each input pixel scatters input·weights into a stride-spaced output window; padding as for the forward convolution of the output.",
            Inputs = ["output_shape", "weights", "input", "bias?"],
            OptionsType = BuiltinOptionsType.TransposeConvOptions,
            InferShapes = TransposeConvShape,
            Reference = TransposeConvReference,
        });
    }

    // ---- CONV_2D ----

    private static void Conv2DShape(ShapeContext ctx)
    {
        var a = WindowAttributes.ReadConv(ctx.Op, ctx.Node);
        var input = ctx.InputShape(0);
        var filter = ctx.InputShape(1);
        ctx.Require(input.Length == 4, $"input must be 4-D NHWC, got {Shapes.Format(input)}");
        ctx.Require(filter.Length == 4, $"filter must be 4-D [out, h, w, in], got {Shapes.Format(filter)}");
        int channels = input[3], filterChannels = filter[3], outChannels = filter[0];
        if (channels >= 0 && filterChannels >= 0)
        {
            ctx.Require(filterChannels > 0 && channels > 0 && channels % filterChannels == 0,
                $"input channels {channels} are not a positive multiple of the filter's input channels {filterChannels}");
            int groups = channels / filterChannels;
            if (outChannels >= 0)
                ctx.Require(outChannels % groups == 0, $"output channels {outChannels} are not divisible by the {groups} groups");
        }
        CheckBias(ctx, 2, outChannels);
        var w = ConvGeometry.Window2D(a.Padding, input[1], input[2], filter[1], filter[2], a.StrideHeight, a.StrideWidth, a.DilationHeight, a.DilationWidth);
        ctx.SetOutputShape(0, [input[0], w.OutputHeight, w.OutputWidth, outChannels]);
    }

    private static void Conv2DReference(ReferenceContext ctx)
    {
        var a = WindowAttributes.ReadConv(ctx.Op, ctx.Node);
        var input = ctx.Input(0);
        var filter = ctx.Input(1);
        double[]? bias = ctx.HasInput(2) ? ctx.Input(2).Data : null;
        var output = ctx.Output(0);
        int batches = input.Shape[0], inH = input.Shape[1], inW = input.Shape[2], channels = input.Shape[3];
        int outC = filter.Shape[0], fH = filter.Shape[1], fW = filter.Shape[2], fC = filter.Shape[3];
        int outH = output.Shape[1], outW = output.Shape[2];
        var geo = ConvGeometry.Window2D(a.Padding, inH, inW, fH, fW, a.StrideHeight, a.StrideWidth, a.DilationHeight, a.DilationWidth);
        int groups = channels / fC, outPerGroup = outC / groups;
        double[] x = input.Data, f = filter.Data, y = output.Data;
        for (int b = 0; b < batches; b++)
        for (int oy = 0; oy < outH; oy++)
        for (int ox = 0; ox < outW; ox++)
        for (int oc = 0; oc < outC; oc++)
        {
            int g = oc / outPerGroup;
            double sum = bias is null ? 0 : bias[oc];
            for (int ky = 0; ky < fH; ky++)
            {
                int iy = oy * a.StrideHeight - geo.PadTop + ky * a.DilationHeight;
                if (iy < 0 || iy >= inH) continue;
                for (int kx = 0; kx < fW; kx++)
                {
                    int ix = ox * a.StrideWidth - geo.PadLeft + kx * a.DilationWidth;
                    if (ix < 0 || ix >= inW) continue;
                    for (int ic = 0; ic < fC; ic++)
                        sum += x[((b * inH + iy) * inW + ix) * channels + g * fC + ic] * f[((oc * fH + ky) * fW + kx) * fC + ic];
                }
            }
            y[((b * outH + oy) * outW + ox) * outC + oc] = ActivationClamp.Apply(sum, a.Activation);
        }
    }

    // ---- DEPTHWISE_CONV_2D ----

    private static void DepthwiseShape(ShapeContext ctx)
    {
        var a = WindowAttributes.ReadConv(ctx.Op, ctx.Node);
        var input = ctx.InputShape(0);
        var filter = ctx.InputShape(1);
        ctx.Require(input.Length == 4, $"input must be 4-D NHWC, got {Shapes.Format(input)}");
        ctx.Require(filter.Length == 4 && (filter[0] == 1 || filter[0] < 0), $"filter must be [1, h, w, channels·multiplier], got {Shapes.Format(filter)}");
        int channels = input[3], outChannels = filter[3];
        if (channels >= 0 && outChannels >= 0)
            ctx.Require(channels > 0 && outChannels % channels == 0,
                $"filter channels {outChannels} are not a multiple of the input channels {channels}");
        CheckBias(ctx, 2, outChannels);
        var w = ConvGeometry.Window2D(a.Padding, input[1], input[2], filter[1], filter[2], a.StrideHeight, a.StrideWidth, a.DilationHeight, a.DilationWidth);
        ctx.SetOutputShape(0, [input[0], w.OutputHeight, w.OutputWidth, outChannels]);
    }

    private static void DepthwiseReference(ReferenceContext ctx)
    {
        var a = WindowAttributes.ReadConv(ctx.Op, ctx.Node);
        var input = ctx.Input(0);
        var filter = ctx.Input(1);
        double[]? bias = ctx.HasInput(2) ? ctx.Input(2).Data : null;
        var output = ctx.Output(0);
        int batches = input.Shape[0], inH = input.Shape[1], inW = input.Shape[2], channels = input.Shape[3];
        int fH = filter.Shape[1], fW = filter.Shape[2], outC = filter.Shape[3];
        int outH = output.Shape[1], outW = output.Shape[2];
        int multiplier = outC / channels;
        var geo = ConvGeometry.Window2D(a.Padding, inH, inW, fH, fW, a.StrideHeight, a.StrideWidth, a.DilationHeight, a.DilationWidth);
        double[] x = input.Data, f = filter.Data, y = output.Data;
        for (int b = 0; b < batches; b++)
        for (int oy = 0; oy < outH; oy++)
        for (int ox = 0; ox < outW; ox++)
        for (int oc = 0; oc < outC; oc++)
        {
            int ic = oc / multiplier;
            double sum = bias is null ? 0 : bias[oc];
            for (int ky = 0; ky < fH; ky++)
            {
                int iy = oy * a.StrideHeight - geo.PadTop + ky * a.DilationHeight;
                if (iy < 0 || iy >= inH) continue;
                for (int kx = 0; kx < fW; kx++)
                {
                    int ix = ox * a.StrideWidth - geo.PadLeft + kx * a.DilationWidth;
                    if (ix < 0 || ix >= inW) continue;
                    sum += x[((b * inH + iy) * inW + ix) * channels + ic] * f[(ky * fW + kx) * outC + oc];
                }
            }
            y[((b * outH + oy) * outW + ox) * outC + oc] = ActivationClamp.Apply(sum, a.Activation);
        }
    }

    // ---- TRANSPOSE_CONV ----

    private static void TransposeConvShape(ShapeContext ctx)
    {
        WindowAttributes.ReadConv(ctx.Op, ctx.Node); // validates padding, strides and activation
        var weights = ctx.InputShape(1);
        var input = ctx.InputShape(2);
        ctx.Require(input.Length == 4, $"input must be 4-D NHWC, got {Shapes.Format(input)}");
        ctx.Require(weights.Length == 4, $"weights must be 4-D [out, h, w, in], got {Shapes.Format(weights)}");
        ctx.Require(ctx.InputShape(0) is [4] or [-1], "output_shape must be a 1-D tensor of 4 values");
        if (input[3] >= 0 && weights[3] >= 0)
            ctx.Require(input[3] == weights[3], $"input channels {input[3]} differ from the weights' input channels {weights[3]}");
        CheckBias(ctx, 3, weights[0]);
        var shape = ctx.ConstantInts(0, "output_shape");
        ctx.Require(shape.Length == 4, "output_shape must hold 4 values");
        var outShape = new int[4];
        for (int i = 0; i < 4; i++)
        {
            ctx.Require(shape[i] >= 0 && shape[i] <= int.MaxValue, $"output_shape[{i}] = {shape[i]} is invalid");
            outShape[i] = (int)shape[i];
        }
        if (input[0] >= 0) ctx.Require(outShape[0] == input[0], $"output_shape batch {outShape[0]} differs from the input batch {input[0]}");
        if (weights[0] >= 0) ctx.Require(outShape[3] == weights[0], $"output_shape channels {outShape[3]} differ from the weights' output channels {weights[0]}");
        ctx.SetOutputShape(0, outShape);
    }

    private static void TransposeConvReference(ReferenceContext ctx)
    {
        var a = WindowAttributes.ReadConv(ctx.Op, ctx.Node);
        var weights = ctx.Input(1);
        var input = ctx.Input(2);
        double[]? bias = ctx.HasInput(3) ? ctx.Input(3).Data : null;
        var output = ctx.Output(0);
        int batches = input.Shape[0], inH = input.Shape[1], inW = input.Shape[2], channels = input.Shape[3];
        int outC = weights.Shape[0], fH = weights.Shape[1], fW = weights.Shape[2];
        int outH = output.Shape[1], outW = output.Shape[2];
        var geo = ConvGeometry.TransposeWindow2D(a.Padding, outH, outW, fH, fW, a.StrideHeight, a.StrideWidth);
        double[] x = input.Data, f = weights.Data, y = output.Data;
        Array.Clear(y);
        for (int b = 0; b < batches; b++)
        for (int iy = 0; iy < inH; iy++)
        for (int ix = 0; ix < inW; ix++)
        for (int ky = 0; ky < fH; ky++)
        {
            int oy = iy * a.StrideHeight - geo.PadTop + ky;
            if (oy < 0 || oy >= outH) continue;
            for (int kx = 0; kx < fW; kx++)
            {
                int ox = ix * a.StrideWidth - geo.PadLeft + kx;
                if (ox < 0 || ox >= outW) continue;
                for (int oc = 0; oc < outC; oc++)
                {
                    double sum = 0;
                    for (int ic = 0; ic < channels; ic++)
                        sum += x[((b * inH + iy) * inW + ix) * channels + ic] * f[((oc * fH + ky) * fW + kx) * channels + ic];
                    y[((b * outH + oy) * outW + ox) * outC + oc] += sum;
                }
            }
        }
        for (int i = 0; i < y.Length; i++)
            y[i] = ActivationClamp.Apply(y[i] + (bias is null ? 0 : bias[i % outC]), a.Activation);
    }

    internal static void CheckBias(ShapeContext ctx, int index, int outChannels)
    {
        if (!ctx.HasInput(index)) return;
        var bias = ctx.InputShape(index);
        ctx.Require(bias.Length == 1 && (bias[0] < 0 || outChannels < 0 || bias[0] == outChannels),
            $"bias must be [{outChannels}], got {Shapes.Format(bias)}");
    }
}
