using LiteRt.Format.Schema;

namespace LiteRt.Graph.Catalog;

/// <summary>Type conversions: CAST (raw values, quantization ignored), QUANTIZE (float → quantized, or requantize), DEQUANTIZE.</summary>
internal static class ElementwiseConversionOps
{
    public static void Register(Action<OpDefinition> add)
    {
        add(new OpDefinition
        {
            Op = BuiltinOperator.Cast,
            Summary = "Converts stored values to the output type like C++ static_cast: float → integer truncates toward zero, "
                + "integer narrowing wraps, anything → bool is x ≠ 0. Quantization parameters are ignored.",
            Inputs = ["input"],
            OptionsType = BuiltinOptionsType.CastOptions,
            InferShapes = ElementwiseReference.SameShape,
            Reference = CastReference,
        });
        add(new OpDefinition
        {
            Op = BuiltinOperator.Quantize,
            Summary = "out = clamp(round(x / scale) + zero_point) (per tensor or per axis); a quantized input is requantized to the output's parameters.",
            Inputs = ["input"],
            InferShapes = ElementwiseReference.SameShape,
            // Identity on real values: the interpreter rounds to the output grid.
            Reference = ctx => ElementwiseReference.Unary(ctx, static x => x),
        });
        add(new OpDefinition
        {
            Op = BuiltinOperator.Dequantize,
            Summary = "out = scale · (q − zero_point) (per tensor or per axis); FLOAT16 input is widened.",
            Inputs = ["input"],
            InferShapes = ElementwiseReference.SameShape,
            Reference = ctx => ElementwiseReference.Unary(ctx, static x => x),
        });
    }

    private static void CastReference(ReferenceContext ctx)
    {
        RefTensor x = ctx.Input(0), o = ctx.Output(0);
        var inQ = x.Quantization is { IsEmpty: false, Scale.Length: > 0 } qi ? qi : null;
        var outQ = o.Quantization is { IsEmpty: false, Scale.Length: > 0 } qo ? qo : null;
        bool fromInteger = x.Type.IsInteger() || x.Type == TensorType.Bool;
        for (int i = 0; i < x.Length; i++)
        {
            double v = x.Data[i];
            // CAST reads stored values: undo the interpreter's dequantization of a quantized input.
            if (inQ is not null) v = Math.Round(v / inQ.ScaleAt(0)) + inQ.ZeroPointAt(0);
            double r;
            if (o.Type == TensorType.Bool) r = v != 0 ? 1 : 0;
            else if (o.Type.IsInteger()) r = fromInteger ? Wrap((long)v, o.Type) : double.IsNaN(v) ? 0 : Math.Truncate(v);
            else r = v;
            if (outQ is not null) r = outQ.ScaleAt(0) * (r - outQ.ZeroPointAt(0));
            o.Data[i] = r;
        }
    }

    /// <summary>Two's-complement wrap of an integer to a narrower type (what static_cast does).</summary>
    private static long Wrap(long v, TensorType type)
    {
        int bits = type.BitsPerElement();
        if (bits >= 64) return v;
        var (min, _) = type.IntegerRange();
        long mask = (1L << bits) - 1;
        long u = v & mask;
        return min < 0 && u >= 1L << (bits - 1) ? u - (1L << bits) : u;
    }
}
