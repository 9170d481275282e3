using LiteRt.Format.Schema;

namespace LiteRt.Graph.Catalog;

/// <summary>
/// The scalar math of the elementwise ops in double precision: one definition used by the reference kernels and by
/// CPU kernels that tabulate it (quantized unary ops build lookup tables from <see cref="Unary"/>).
/// </summary>
public static class ElementwiseFunctions
{
    private const double Sqrt2OverPi = 0.7978845608028654;
    private const double Sqrt1Over2 = 0.7071067811865476;

    /// <summary>The function a unary elementwise op computes, with its attributes bound; null when the op is not one.</summary>
    public static Func<double, double>? Unary(Operation op)
    {
        switch (op.Op)
        {
            case BuiltinOperator.Relu: return Relu;
            case BuiltinOperator.Relu6: return Relu6;
            case BuiltinOperator.ReluN1To1: return ReluN1To1;
            case BuiltinOperator.LeakyRelu:
                double alpha = op.FloatAttr("alpha");
                return x => LeakyRelu(x, alpha);
            case BuiltinOperator.Logistic: return Logistic;
            case BuiltinOperator.Tanh: return Math.Tanh;
            case BuiltinOperator.HardSwish: return HardSwish;
            case BuiltinOperator.Gelu:
                return op.BoolAttr("approximate") ? GeluTanh : Gelu;
            case BuiltinOperator.Exp: return Math.Exp;
            case BuiltinOperator.Log: return Math.Log;
            case BuiltinOperator.Sqrt: return Math.Sqrt;
            case BuiltinOperator.Rsqrt: return Rsqrt;
            case BuiltinOperator.Abs: return Math.Abs;
            case BuiltinOperator.Neg: return Neg;
            default: return null;
        }
    }

    /// <summary>The function a binary elementwise op computes (before any fused activation); null when the op is not one.</summary>
    public static Func<double, double, double>? Binary(BuiltinOperator op) => op switch
    {
        BuiltinOperator.Add => static (a, b) => a + b,
        BuiltinOperator.Sub => static (a, b) => a - b,
        BuiltinOperator.Mul => static (a, b) => a * b,
        BuiltinOperator.Div => static (a, b) => a / b,
        BuiltinOperator.SquaredDifference => static (a, b) => (a - b) * (a - b),
        BuiltinOperator.Maximum => Math.Max,
        BuiltinOperator.Minimum => Math.Min,
        BuiltinOperator.Pow => Math.Pow,
        BuiltinOperator.Prelu => Prelu,
        _ => null,
    };

    public static double Relu(double x) => x < 0 ? 0 : x;
    public static double Relu6(double x) => x < 0 ? 0 : x > 6 ? 6 : x;
    public static double ReluN1To1(double x) => x < -1 ? -1 : x > 1 ? 1 : x;
    /// <summary>TFLite: <c>x &gt; 0 ? x : alpha·x</c>.</summary>
    public static double LeakyRelu(double x, double alpha) => x > 0 ? x : alpha * x;
    /// <summary>TFLite: <c>x &gt;= 0 ? x : alpha·x</c>.</summary>
    public static double Prelu(double x, double alpha) => x >= 0 ? x : x * alpha;
    public static double Logistic(double x) => 1 / (1 + Math.Exp(-x));
    /// <summary>x · relu6(x + 3) / 6.</summary>
    public static double HardSwish(double x) => x * Relu6(x + 3) / 6;
    /// <summary>Exact GELU: x · Φ(x) = ½ x erfc(−x/√2).</summary>
    public static double Gelu(double x) => 0.5 * x * ErrorFunction.Erfc(-x * Sqrt1Over2);
    /// <summary>
    /// Tanh-approximated GELU: ½ x (1 + tanh(√(2/π)(x + 0.044715 x³))), evaluated as x · σ(2z) (the same value,
    /// without cancellation for large negative x).
    /// </summary>
    public static double GeluTanh(double x)
    {
        double z = Sqrt2OverPi * (x + 0.044715 * x * x * x);
        return x / (1 + Math.Exp(-2 * z));
    }
    public static double Rsqrt(double x) => 1 / Math.Sqrt(x);
    public static double Neg(double x) => -x;
}
