using LiteRt.Compiler.Ir;
using LiteRt.Format.Schema;
using LiteRt.Graph;
using static LiteRt.Compiler.Import.Onnx.OnnxOpLowering.ElementwiseLowering;

namespace LiteRt.Compiler.Import.Onnx.OnnxOpLowering;

/// <summary>
/// GridSample (2-D) from run-time coordinates: the grid is unnormalized, the padding mode applied (border: clamp,
/// reflection: mirror by FLOOR_MOD), and each tap — 1 for nearest, 2×2 for bilinear, 4×4 for bicubic (A = −0.75)
/// — is a GATHER_ND of the NHWC input at (n, y, x) weighted by its interpolation weight (zero outside the image for
/// zeros padding), summed.
/// </summary>
internal static class GridSampleLowering
{
    public static void Register(Action<string, OnnxLowering> add) => add("GridSample", GridSample);

    private static void GridSample(LoweringContext ctx)
    {
        var node = ctx.Node;
        var b = ctx.B;
        int x = ctx.CastTo(ctx.Required(0), TensorType.Float32), grid = ctx.CastTo(ctx.Required(1), TensorType.Float32);
        var type = ctx.Type(ctx.Required(0));
        var xd = ctx.KnownDims(x, "the input");
        var gd = ctx.KnownDims(grid, "the grid");
        if (xd.Length != 4 || gd.Length != 4 || gd[3] != 2) throw node.Unsupported("only 2-D GridSample is supported");
        int n = xd[0], c = xd[1], h = xd[2], w = xd[3], ho = gd[1], wo = gd[2];
        bool align = node.Int("align_corners", 0) != 0;
        string mode = node.String("mode", "bilinear"), padding = node.String("padding_mode", "zeros");
        if (mode is not ("bilinear" or "nearest" or "bicubic")) throw node.Unsupported($"mode '{mode}'");
        if (padding is not ("zeros" or "border" or "reflection")) throw node.Unsupported($"padding_mode '{padding}'");

        int image = Layout.Nhwc(ctx, x); // [N, H, W, C]
        int Channel(int k) => b.Reshape(b.Op(BuiltinOperator.Slice, [grid, b.Int32s(ctx.Name("begin"), 0, 0, 0, k), b.Int32s(ctx.Name("size"), n, ho, wo, 1)],
            TensorType.Float32, null, ctx.Name("grid_part")), [n, ho, wo], ctx.Name("grid_coord"));
        int Unnormalize(int g, int size) => align
            ? Mul(ctx, Add(ctx, g, One(ctx)), Const(ctx, (size - 1) / 2.0))
            : Mul(ctx, Sub(ctx, Mul(ctx, Add(ctx, g, One(ctx)), Const(ctx, size)), One(ctx)), Const(ctx, 0.5));
        int Clamp(int v, double lo, double hi) =>
            b.Binary(BuiltinOperator.Minimum, b.Binary(BuiltinOperator.Maximum, v, Const(ctx, lo), ctx.Name("lo")), Const(ctx, hi), ctx.Name("hi"));
        int Reflect(int v, int size)
        {
            double lo = align ? 0 : -0.5, hi = align ? size - 1 : size - 0.5, range = hi - lo;
            if (range <= 0) return Const(ctx, 0);
            // lo + range − |(v − lo) mod 2·range − range|
            int t = b.Op(BuiltinOperator.FloorMod, [Sub(ctx, v, Const(ctx, lo)), Const(ctx, 2 * range)], TensorType.Float32, null, ctx.Name("mirror"));
            return Add(ctx, Const(ctx, lo + range), b.Unary(BuiltinOperator.Neg, b.Unary(BuiltinOperator.Abs, Sub(ctx, t, Const(ctx, range)), ctx.Name("abs")), ctx.Name("neg")));
        }
        // As PyTorch's grid_sample (which ONNX follows): nearest and bilinear apply the padding to the coordinate
        // (border: clamp; reflection: mirror, then clamp), bicubic applies it to each tap.
        int Pad(int v, int size) => padding switch
        {
            "border" => Clamp(v, 0, size - 1),
            "reflection" => Clamp(Reflect(v, size), 0, size - 1),
            _ => v,
        };

        int gx = Unnormalize(Channel(0), w), gy = Unnormalize(Channel(1), h);
        if (mode != "bicubic")
        {
            gx = Pad(gx, w);
            gy = Pad(gy, h);
        }
        var batchGrid = new double[n * ho * wo];
        for (int i = 0; i < batchGrid.Length; i++) batchGrid[i] = i / (ho * wo);
        int batchIndex = b.Const(ctx.Name("batch_index"), TensorType.Int32, [n, ho, wo, 1], batchGrid);

        // One tap: pixels at integer float coordinates (iy, ix), times weight (0 outside the image for zeros padding).
        int Tap(int iy, int ix, int weight)
        {
            int valid = -1;
            if (padding == "zeros")
            {
                int inX = b.Op(BuiltinOperator.LogicalAnd, [b.Op(BuiltinOperator.GreaterEqual, [ix, Const(ctx, 0)], TensorType.Bool, null, ctx.Name("x_ge")),
                    b.Op(BuiltinOperator.LessEqual, [ix, Const(ctx, w - 1)], TensorType.Bool, null, ctx.Name("x_le"))], TensorType.Bool, null, ctx.Name("x_in"));
                int inY = b.Op(BuiltinOperator.LogicalAnd, [b.Op(BuiltinOperator.GreaterEqual, [iy, Const(ctx, 0)], TensorType.Bool, null, ctx.Name("y_ge")),
                    b.Op(BuiltinOperator.LessEqual, [iy, Const(ctx, h - 1)], TensorType.Bool, null, ctx.Name("y_le"))], TensorType.Bool, null, ctx.Name("y_in"));
                valid = b.Op(BuiltinOperator.LogicalAnd, [inX, inY], TensorType.Bool, null, ctx.Name("inside"));
            }
            else if (padding == "reflection" && mode == "bicubic")
            {
                ix = Reflect(ix, w);
                iy = Reflect(iy, h);
            }
            int cx = ctx.CastTo(b.Unary(BuiltinOperator.Round, Clamp(ix, 0, w - 1), ctx.Name("ix")), TensorType.Int32);
            int cy = ctx.CastTo(b.Unary(BuiltinOperator.Round, Clamp(iy, 0, h - 1), ctx.Name("iy")), TensorType.Int32);
            int coords = b.Op(BuiltinOperator.Concatenation, [batchIndex, b.Reshape(cy, [n, ho, wo, 1], ctx.Name("cy")), b.Reshape(cx, [n, ho, wo, 1], ctx.Name("cx"))],
                TensorType.Int32, IrBuilder.Options(BuiltinOptionsType.ConcatenationOptions, ("axis", 3)), ctx.Name("coords"));
            int pixels = b.Op(BuiltinOperator.GatherNd, [image, coords], TensorType.Float32, null, ctx.Name("pixels")); // [N, Ho, Wo, C]
            if (valid >= 0) weight = b.Op(BuiltinOperator.SelectV2, [valid, weight, Const(ctx, 0)], TensorType.Float32, null, ctx.Name("weight"));
            return Mul(ctx, pixels, b.Reshape(weight, [n, ho, wo, 1], ctx.Name("weight")));
        }

        int result;
        switch (mode)
        {
            case "nearest":
                result = Tap(b.Unary(BuiltinOperator.Round, gy, ctx.Name("ny")), b.Unary(BuiltinOperator.Round, gx, ctx.Name("nx")), One(ctx));
                break;
            case "bilinear":
            {
                int x0 = b.Unary(BuiltinOperator.Floor, gx, ctx.Name("x0")), y0 = b.Unary(BuiltinOperator.Floor, gy, ctx.Name("y0"));
                int fx = Sub(ctx, gx, x0), fy = Sub(ctx, gy, y0);
                int x1 = Add(ctx, x0, One(ctx)), y1 = Add(ctx, y0, One(ctx));
                int wx0 = Sub(ctx, One(ctx), fx), wy0 = Sub(ctx, One(ctx), fy);
                result = Add(ctx, Add(ctx, Tap(y0, x0, Mul(ctx, wy0, wx0)), Tap(y0, x1, Mul(ctx, wy0, fx))),
                    Add(ctx, Tap(y1, x0, Mul(ctx, fy, wx0)), Tap(y1, x1, Mul(ctx, fy, fx))));
                break;
            }
            default:
            {
                int x0 = b.Unary(BuiltinOperator.Floor, gx, ctx.Name("x0")), y0 = b.Unary(BuiltinOperator.Floor, gy, ctx.Name("y0"));
                int[] wx = CubicWeights(ctx, Sub(ctx, gx, x0)), wy = CubicWeights(ctx, Sub(ctx, gy, y0));
                int? acc = null;
                for (int i = 0; i < 4; i++)
                    for (int j = 0; j < 4; j++)
                    {
                        int tap = Tap(Add(ctx, y0, Const(ctx, i - 1)), Add(ctx, x0, Const(ctx, j - 1)), Mul(ctx, wy[i], wx[j]));
                        acc = acc is int a ? Add(ctx, a, tap) : tap;
                    }
                result = acc!.Value;
                break;
            }
        }
        ctx.Output(0, ctx.CastTo(Layout.Nchw(ctx, result), type));
    }

    /// <summary>Keys' cubic convolution weights (A = −0.75) of the taps at −1, 0, 1, 2 for fraction t.</summary>
    private static int[] CubicWeights(LoweringContext ctx, int t)
    {
        const double a = -0.75;
        // |d| ≤ 1: (a+2)|d|³ − (a+3)|d|² + 1;  1 < |d| < 2: a|d|³ − 5a|d|² + 8a|d| − 4a
        int Near(int d) => Add(ctx, Mul(ctx, Mul(ctx, d, d), Sub(ctx, Mul(ctx, d, Const(ctx, a + 2)), Const(ctx, a + 3))), One(ctx));
        int Far(int d) => Sub(ctx, Mul(ctx, Add(ctx, Mul(ctx, Sub(ctx, Mul(ctx, d, Const(ctx, a)), Const(ctx, 5 * a)), d), Const(ctx, 8 * a)), d), Const(ctx, 4 * a));
        int one = One(ctx);
        return [Far(Add(ctx, t, one)), Near(t), Near(Sub(ctx, one, t)), Far(Sub(ctx, Const(ctx, 2), t))];
    }
}
