using LiteRt.Compiler.Ir;
using LiteRt.Format.Schema;
using LiteRt.Graph;
using static LiteRt.Compiler.Import.Onnx.OnnxOpLowering.ElementwiseLowering;

namespace LiteRt.Compiler.Import.Onnx.OnnxOpLowering;

/// <summary>
/// ONNX's explicit quantization as float arithmetic on builtins, with ONNX's rounding (half to even) and
/// saturation: QuantizeLinear = CAST(clamp(ROUND(x / scale) + zp)), DequantizeLinear = (x − zp) · scale,
/// DynamicQuantizeLinear (scale and zero point from the data's range), and the integer/QLinear matmuls and
/// convolutions computed on dequantized values (exact for their integer ranges) and requantized.
/// </summary>
internal static class QuantizationLowering
{
    public static void Register(Action<string, OnnxLowering> add)
    {
        add("QuantizeLinear", Quantize);
        add("DequantizeLinear", Dequantize);
        add("DynamicQuantizeLinear", DynamicQuantize);
        add("MatMulInteger", ctx => IntegerOp(ctx, conv: false));
        add("ConvInteger", ctx => IntegerOp(ctx, conv: true));
        add("QLinearMatMul", ctx => QLinear(ctx, conv: false));
        add("QLinearConv", ctx => QLinear(ctx, conv: true));
    }

    /// <summary>A scale or zero point broadcast along axis <paramref name="axisAttr"/> of a rank-<paramref name="rank"/> tensor (per-tensor values pass through).</summary>
    private static int AlongAxis(LoweringContext ctx, int v, long axisAttr, int rank)
    {
        var d = ctx.Dims(v);
        if (d.Length == 0 || Shapes.ElementCount(d) == 1) return d.Length == 0 ? v : ctx.B.Reshape(v, [], ctx.Name("scalar"));
        int axis = ctx.Axis(axisAttr, rank);
        var shape = Enumerable.Repeat(1, rank - axis).ToArray();
        shape[0] = d[0];
        return ctx.B.Reshape(v, shape, ctx.Name("per_axis"));
    }

    private static int AsFloat(LoweringContext ctx, int t) => ctx.CastTo(t, TensorType.Float32);

    /// <summary>A per-output-channel vector [M] as [M, 1, …, 1] against conv weights [M, C, k…] (single values pass through).</summary>
    private static int PerOutputChannel(LoweringContext ctx, int v, int rank)
    {
        var d = ctx.Dims(v);
        if (d.Length == 0 || Shapes.ElementCount(d) == 1) return v;
        var shape = Enumerable.Repeat(1, rank).ToArray();
        shape[0] = (int)Shapes.ElementCount(d);
        return ctx.B.Reshape(v, shape, ctx.Name("per_output_channel"));
    }

    /// <summary>CAST(clamp(ROUND(v) + zp, type range)) with v in float32.</summary>
    internal static int Saturate(LoweringContext ctx, int v, int zp, TensorType type)
    {
        var b = ctx.B;
        int r = b.Unary(BuiltinOperator.Round, v, ctx.Name("round"));
        if (zp >= 0) r = Add(ctx, r, zp);
        var (lo, hi) = type.IntegerRange();
        r = b.Binary(BuiltinOperator.Minimum, b.Binary(BuiltinOperator.Maximum, r, Const(ctx, lo), ctx.Name("sat_lo")), Const(ctx, hi), ctx.Name("sat_hi"));
        return ctx.CastTo(r, type);
    }

    private static void Quantize(LoweringContext ctx)
    {
        var node = ctx.Node;
        int x = ctx.Required(0), scale = ctx.Required(1), zp = ctx.Input(2);
        int rank = ctx.Rank(x);
        long axis = node.Int("axis", 1);
        var type = zp >= 0 ? ctx.Type(zp) : TensorType.Uint8;
        if (!type.IsInteger()) throw node.Error(ErrorCodes.UnsupportedDataType, $"quantizing to {type.Name()} is not supported");
        int v = Div(ctx, AsFloat(ctx, x), AlongAxis(ctx, AsFloat(ctx, scale), axis, rank));
        ctx.Output(0, Saturate(ctx, v, zp >= 0 ? AlongAxis(ctx, AsFloat(ctx, zp), axis, rank) : -1, type));
    }

    private static void Dequantize(LoweringContext ctx)
    {
        var node = ctx.Node;
        int x = ctx.Required(0), scale = ctx.Required(1), zp = ctx.Input(2);
        int rank = ctx.Rank(x);
        long axis = node.Int("axis", 1);
        int v = AsFloat(ctx, x);
        if (zp >= 0) v = Sub(ctx, v, AlongAxis(ctx, AsFloat(ctx, zp), axis, rank));
        int y = Mul(ctx, v, AlongAxis(ctx, AsFloat(ctx, scale), axis, rank));
        ctx.Output(0, ctx.CastTo(y, ctx.Type(scale)));
    }

    private static void DynamicQuantize(LoweringContext ctx)
    {
        var b = ctx.B;
        int x = AsFloat(ctx, ctx.Required(0));
        int[] all = [.. Enumerable.Range(0, ctx.Rank(x))];
        int min = b.Binary(BuiltinOperator.Minimum, ReductionLowering.ReduceOp(ctx, BuiltinOperator.ReduceMin, x, all, false), Const(ctx, 0), ctx.Name("min"));
        int max = b.Binary(BuiltinOperator.Maximum, ReductionLowering.ReduceOp(ctx, BuiltinOperator.ReduceMax, x, all, false), Const(ctx, 0), ctx.Name("max"));
        int scale = Div(ctx, Sub(ctx, max, min), Const(ctx, 255));
        // zero point = saturate(round(0 − min / scale))
        int zpF = b.Binary(BuiltinOperator.Minimum, b.Binary(BuiltinOperator.Maximum,
            b.Unary(BuiltinOperator.Round, Sub(ctx, Const(ctx, 0), Div(ctx, min, scale)), ctx.Name("round")), Const(ctx, 0), ctx.Name("lo")), Const(ctx, 255), ctx.Name("hi"));
        ctx.Output(0, Saturate(ctx, Div(ctx, x, scale), zpF, TensorType.Uint8));
        ctx.Output(1, scale);
        ctx.Output(2, ctx.CastTo(zpF, TensorType.Uint8));
    }

    /// <summary>(x − x_zp) op (w − w_zp) in float32 (exact for 8-bit operands), as int32.</summary>
    private static void IntegerOp(LoweringContext ctx, bool conv)
    {
        int a = ctx.Required(0), w = ctx.Required(1);
        int azp = ctx.Input(2), wzp = ctx.Input(3);
        int af = AsFloat(ctx, a), wf = AsFloat(ctx, w);
        if (azp >= 0) af = Sub(ctx, af, AsFloat(ctx, azp));
        if (wzp >= 0) wf = Sub(ctx, wf, conv ? PerOutputChannel(ctx, AsFloat(ctx, wzp), ctx.Rank(w)) : AsFloat(ctx, wzp));
        int y = conv ? ConvLowering.FloatConv(ctx, af, wf, -1) : MatMulLowering.MatMulCore(ctx, af, wf);
        ctx.Output(0, ctx.CastTo(ctx.B.Unary(BuiltinOperator.Round, y, ctx.Name("round")), TensorType.Int32));
    }

    private static void QLinear(LoweringContext ctx, bool conv)
    {
        // QLinearMatMul(a, a_scale, a_zp, b, b_scale, b_zp, y_scale, y_zp); QLinearConv(x, x_scale, x_zp, w, w_scale, w_zp, y_scale, y_zp, B?)
        int a = ctx.Required(0), aScale = ctx.Required(1), aZp = ctx.Required(2);
        int w = ctx.Required(3), wScale = ctx.Required(4), wZp = ctx.Required(5);
        int yScale = ctx.Required(6), yZp = ctx.Required(7);
        int bias = conv ? ctx.Input(8) : -1;
        var type = ctx.Type(yZp);
        int rank = ctx.Rank(w);
        int af = Mul(ctx, Sub(ctx, AsFloat(ctx, a), AsFloat(ctx, aZp)), AsFloat(ctx, aScale));
        int wzpF = AsFloat(ctx, wZp), wsF = AsFloat(ctx, wScale);
        if (conv)
        {
            wzpF = PerOutputChannel(ctx, wzpF, rank);
            wsF = PerOutputChannel(ctx, wsF, rank);
        }
        int wf = Mul(ctx, Sub(ctx, AsFloat(ctx, w), wzpF), wsF);
        int biasF = -1;
        if (bias >= 0) biasF = Mul(ctx, AsFloat(ctx, bias), Mul(ctx, AsFloat(ctx, aScale), ctx.B.Reshape(AsFloat(ctx, wScale), [-1], ctx.Name("ws"))));
        int y = conv ? ConvLowering.FloatConv(ctx, af, wf, biasF) : MatMulLowering.MatMulCore(ctx, af, wf);
        ctx.Output(0, Saturate(ctx, Div(ctx, y, AsFloat(ctx, yScale)), AsFloat(ctx, yZp), type));
    }
}
