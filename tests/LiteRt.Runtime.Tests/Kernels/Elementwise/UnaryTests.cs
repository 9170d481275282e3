using LiteRt.Format.Schema;
using LiteRt.Graph;
using LiteRt.Graph.Catalog;
using static LiteRt.Runtime.Tests.Kernels.Elementwise.ElementwiseCheck;

namespace LiteRt.Runtime.Tests.Kernels.Elementwise;

public class UnaryTests
{
    private static readonly BuiltinOperator[] AllUnary =
    [
        BuiltinOperator.Relu, BuiltinOperator.Relu6, BuiltinOperator.ReluN1To1, BuiltinOperator.LeakyRelu, BuiltinOperator.Logistic,
        BuiltinOperator.Tanh, BuiltinOperator.HardSwish, BuiltinOperator.Gelu, BuiltinOperator.Exp, BuiltinOperator.Log,
        BuiltinOperator.Sqrt, BuiltinOperator.Rsqrt, BuiltinOperator.Abs, BuiltinOperator.Neg,
    ];

    /// <summary>Every unary op, with GELU in both modes and LEAKY_RELU with two alphas.</summary>
    public static TheoryData<BuiltinOperator, bool> Ops
    {
        get
        {
            var d = new TheoryData<BuiltinOperator, bool>();
            foreach (var op in AllUnary) d.Add(op, false);
            d.Add(BuiltinOperator.Gelu, true);
            d.Add(BuiltinOperator.LeakyRelu, true);
            return d;
        }
    }

    public static TheoryData<BuiltinOperator, bool, TensorType> QuantizedOps
    {
        get
        {
            var d = new TheoryData<BuiltinOperator, bool, TensorType>();
            foreach (var row in Ops)
                foreach (var t in new[] { TensorType.Uint8, TensorType.Int8, TensorType.Int16 })
                    d.Add((BuiltinOperator)row[0], (bool)row[1], t);
            return d;
        }
    }

    internal static OptionsTable? OptionsFor(BuiltinOperator op, bool variant) => op switch
    {
        BuiltinOperator.LeakyRelu => Options(BuiltinOptionsType.LeakyReluOptions, ("alpha", variant ? 1.5f : 0.2f)),
        BuiltinOperator.Gelu => Options(BuiltinOptionsType.GeluOptions, ("approximate", variant)),
        _ => null,
    };

    /// <summary>Input range where the op is defined and interesting.</summary>
    private static (double Min, double Max) Domain(BuiltinOperator op) => op switch
    {
        BuiltinOperator.Log or BuiltinOperator.Sqrt or BuiltinOperator.Rsqrt => (0.05, 10),
        BuiltinOperator.Exp => (-6, 3),
        BuiltinOperator.Gelu => (-10, 6),
        _ => (-8, 8),
    };

    private static readonly int[][] Shapes = [[2, 3, 4, 5], [], [1], [0, 3], [7, 1, 13], [1, 2, 3, 4, 5, 2]];

    [Theory]
    [MemberData(nameof(Ops))]
    public void Float32_matches_reference(BuiltinOperator op, bool variant)
    {
        var rng = new Random(900 + (int)op);
        var (min, max) = Domain(op);
        foreach (var shape in Shapes)
            Run(op, OptionsFor(op, variant), [Operand.Float(shape, min, max)], TensorType.Float32, null, rng);
    }

    [Fact]
    public void Gelu_float_tails_match_reference()
    {
        var rng = new Random(901);
        foreach (bool approximate in new[] { false, true })
        {
            var values = (Operand x, long n) => new[] { -30.0, -12, -5, -1e-3, 0, 1e-3, 5, 12, 30 };
            Run(BuiltinOperator.Gelu, OptionsFor(BuiltinOperator.Gelu, approximate), [Operand.Float([9])], TensorType.Float32, null, rng, values: values);
        }
    }

    [Theory]
    [InlineData(BuiltinOperator.Abs, TensorType.Int32)]
    [InlineData(BuiltinOperator.Abs, TensorType.Int64)]
    [InlineData(BuiltinOperator.Neg, TensorType.Int32)]
    [InlineData(BuiltinOperator.Neg, TensorType.Int64)]
    public void Integer_abs_and_neg_match_reference(BuiltinOperator op, TensorType type)
    {
        var rng = new Random(950);
        foreach (var shape in Shapes)
            Run(op, null, [new Operand(type, shape, Min: -1000, Max: 1000)], type, null, rng, tolerance: 0);
    }

    /// <summary>
    /// Quantized in and out: the input spans its domain on the type's grid; the output's scale and zero point cover the
    /// op's range over that domain (as a converter would calibrate them).
    /// </summary>
    [Theory]
    [MemberData(nameof(QuantizedOps))]
    public void Quantized_lookup_table_matches_reference(BuiltinOperator op, bool variant, TensorType type)
    {
        var rng = new Random(1000 + (int)op + (int)type);
        var (min, max) = Domain(op);
        if (min > 0) min = 0; // log/sqrt/rsqrt: the grid starts at 0 (log 0 = −inf and rsqrt 0 = +inf saturate)
        var inQ = Calibrate(type, min, max);
        var f = ElementwiseFunctions.Unary(new Operation(op, [], [], OptionsFor(op, variant)))!;
        double lo = double.MaxValue, hi = double.MinValue;
        for (int i = 0; i <= 1000; i++)
        {
            double v = f(min + (max - min) * i / 1000.0);
            if (double.IsFinite(v)) { lo = Math.Min(lo, v); hi = Math.Max(hi, v); }
        }
        var outQ = Calibrate(type, Math.Min(lo, 0), Math.Max(hi, 0));
        var (qlo, qhi) = type.IntegerRange();
        foreach (var shape in new[] { new[] { 4, 5, 6 }, [], [0, 2] })
        {
            var x = new Operand(type, shape, inQ, inQ.ScaleAt(0) * (qlo - inQ.ZeroPointAt(0)), inQ.ScaleAt(0) * (qhi - inQ.ZeroPointAt(0)));
            Run(op, OptionsFor(op, variant), [x], type, outQ, rng, quantizedSteps: 0);
        }
    }

    /// <summary>Scale and zero point mapping [min, max] (containing 0) onto the type's range.</summary>
    internal static QuantizationParams Calibrate(TensorType type, double min, double max)
    {
        var (qmin, qmax) = type.IntegerRange();
        double scale = (max - min) / (qmax - qmin);
        long zero = Math.Clamp(qmin - (long)Math.Round(min / scale), qmin, qmax);
        return QuantizationParams.PerTensor((float)scale, zero);
    }
}
