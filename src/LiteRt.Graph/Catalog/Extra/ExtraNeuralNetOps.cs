using LiteRt.Format.Schema;

namespace LiteRt.Graph.Catalog;

/// <summary>Neural-net additions: LOCAL_RESPONSE_NORMALIZATION and CONV_3D.</summary>
public static class ExtraNeuralNetOps
{
    internal static void Register(Action<OpDefinition> add)
    {
        add(new OpDefinition
        {
            Op = BuiltinOperator.LocalResponseNormalization,
            Summary = "Over the last axis: out[c] = x[c] / (bias + alpha · Σ x[d]², d in [c − radius, c + radius])^beta.",
            Inputs = ["input"],
            OptionsType = BuiltinOptionsType.LocalResponseNormalizationOptions,
            InferShapes = ctx =>
            {
                var input = ctx.InputShape(0);
                ctx.Require(input.Length >= 1, "input must have at least one dim");
                ctx.Require(ctx.Op.IntAttr("radius") >= 0, "radius must be non-negative");
                ctx.SetOutputShape(0, (int[])input.Clone());
            },
            Reference = LrnReference,
        });
        add(new OpDefinition
        {
            Op = BuiltinOperator.Conv3d,
            Summary = "3-D convolution of an NDHWC input with a filter [d, h, w, in, out], SAME/VALID padding, strides, dilation, optional bias [out], fused activation.",
            Inputs = ["input", "filter", "bias?"],
            OptionsType = BuiltinOptionsType.Conv3DOptions,
            InferShapes = Conv3DShape,
            Reference = Conv3DReference,
        });
    }

    private static void LrnReference(ReferenceContext ctx)
    {
        var x = ctx.Input(0);
        var y = ctx.Output(0);
        int r = ctx.Op.IntAttr("radius");
        double bias = ctx.Op.FloatAttr("bias"), alpha = ctx.Op.FloatAttr("alpha"), beta = ctx.Op.FloatAttr("beta");
        int c = x.Shape[^1];
        if (c == 0) return;
        for (int row = 0; row < x.Length / c; row++)
        {
            int b = row * c;
            for (int i = 0; i < c; i++)
            {
                double sum = 0;
                for (int d = Math.Max(0, i - r); d <= Math.Min(c - 1, i + r); d++) sum += x.Data[b + d] * x.Data[b + d];
                y.Data[b + i] = x.Data[b + i] / Math.Pow(bias + alpha * sum, beta);
            }
        }
    }

    /// <summary>Conv3DOptions: padding, strides (d, h, w), dilations (d, h, w), activation.</summary>
    public static (Padding Padding, int[] Strides, int[] Dilations, ActivationFunctionType Activation) Conv3DAttributes(Operation op, string? node)
    {
        var padding = (Padding)op.IntAttr("padding", (int)Padding.Same);
        int[] s = [op.IntAttr("stride_d", 1), op.IntAttr("stride_h", 1), op.IntAttr("stride_w", 1)];
        int[] d = [op.IntAttr("dilation_d_factor", 1), op.IntAttr("dilation_h_factor", 1), op.IntAttr("dilation_w_factor", 1)];
        if (padding is not (Padding.Same or Padding.Valid)) throw new LiteRtModelException($"unknown padding {(int)padding}", node);
        if (s.Any(v => v <= 0) || d.Any(v => v <= 0)) throw new LiteRtModelException("strides and dilation factors must be positive", node);
        ActivationClamp.Require(op.FusedActivation, node);
        return (padding, s, d, op.FusedActivation);
    }

    private static void Conv3DShape(ShapeContext ctx)
    {
        var (padding, s, d, _) = Conv3DAttributes(ctx.Op, ctx.Node);
        var input = ctx.InputShape(0);
        var filter = ctx.InputShape(1);
        ctx.Require(input.Length == 5, $"input must be 5-D NDHWC, got {Shapes.Format(input)}");
        ctx.Require(filter.Length == 5, $"filter must be 5-D [d, h, w, in, out], got {Shapes.Format(filter)}");
        if (input[4] >= 0 && filter[3] >= 0)
            ctx.Require(input[4] == filter[3], $"input channels {input[4]} differ from the filter's {filter[3]}");
        if (ctx.HasInput(2))
        {
            var bias = ctx.InputShape(2);
            ctx.Require(bias.Length == 1 && (bias[0] < 0 || filter[4] < 0 || bias[0] == filter[4]), $"bias must be [{filter[4]}], got {Shapes.Format(bias)}");
        }
        var output = new int[5];
        output[0] = input[0];
        for (int i = 0; i < 3; i++) output[i + 1] = ConvGeometry.OutputSize(padding, input[i + 1], filter[i], s[i], d[i]);
        output[4] = filter[4];
        ctx.SetOutputShape(0, output);
    }

    private static void Conv3DReference(ReferenceContext ctx)
    {
        var (padding, s, d, act) = Conv3DAttributes(ctx.Op, ctx.Node);
        var x = ctx.Input(0);
        var f = ctx.Input(1);
        double[]? bias = ctx.HasInput(2) ? ctx.Input(2).Data : null;
        var y = ctx.Output(0);
        int n = x.Shape[0], inC = x.Shape[4], outC = f.Shape[4];
        int[] inS = [x.Shape[1], x.Shape[2], x.Shape[3]], k = [f.Shape[0], f.Shape[1], f.Shape[2]], outS = [y.Shape[1], y.Shape[2], y.Shape[3]];
        var pad = new int[3];
        for (int i = 0; i < 3; i++) pad[i] = padding == Padding.Same ? ConvGeometry.PaddingBefore(s[i], d[i], inS[i], k[i], outS[i], out _) : 0;
        for (int b = 0; b < n; b++)
        for (int od = 0; od < outS[0]; od++)
        for (int oh = 0; oh < outS[1]; oh++)
        for (int ow = 0; ow < outS[2]; ow++)
        for (int oc = 0; oc < outC; oc++)
        {
            double sum = bias is null ? 0 : bias[oc];
            for (int kd = 0; kd < k[0]; kd++)
            {
                int id = od * s[0] - pad[0] + kd * d[0];
                if (id < 0 || id >= inS[0]) continue;
                for (int kh = 0; kh < k[1]; kh++)
                {
                    int ih = oh * s[1] - pad[1] + kh * d[1];
                    if (ih < 0 || ih >= inS[1]) continue;
                    for (int kw = 0; kw < k[2]; kw++)
                    {
                        int iw = ow * s[2] - pad[2] + kw * d[2];
                        if (iw < 0 || iw >= inS[2]) continue;
                        long xb = ((((long)b * inS[0] + id) * inS[1] + ih) * inS[2] + iw) * inC;
                        long fb = (((long)kd * k[1] + kh) * k[2] + kw) * inC * outC;
                        for (int ic = 0; ic < inC; ic++) sum += x.Data[xb + ic] * f.Data[fb + (long)ic * outC + oc];
                    }
                }
            }
            y.Data[((((long)b * outS[0] + od) * outS[1] + oh) * outS[2] + ow) * outC + oc] = ActivationClamp.Apply(sum, act);
        }
    }
}
