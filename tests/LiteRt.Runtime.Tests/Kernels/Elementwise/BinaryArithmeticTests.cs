using LiteRt.Format.Schema;
using LiteRt.Graph;
using LiteRt.TestSupport;
using static LiteRt.Runtime.Tests.Kernels.Elementwise.ElementwiseCheck;

namespace LiteRt.Runtime.Tests.Kernels.Elementwise;

public class BinaryArithmeticTests
{
    public static TheoryData<BuiltinOperator> FloatOps => new(
        BuiltinOperator.Add, BuiltinOperator.Sub, BuiltinOperator.Mul, BuiltinOperator.Div, BuiltinOperator.SquaredDifference,
        BuiltinOperator.Maximum, BuiltinOperator.Minimum, BuiltinOperator.Pow, BuiltinOperator.Prelu);

    public static TheoryData<BuiltinOperator, TensorType> IntegerOps
    {
        get
        {
            var d = new TheoryData<BuiltinOperator, TensorType>();
            foreach (var op in new[] { BuiltinOperator.Add, BuiltinOperator.Sub, BuiltinOperator.Mul, BuiltinOperator.Maximum, BuiltinOperator.Minimum })
            {
                d.Add(op, TensorType.Int32);
                d.Add(op, TensorType.Int64);
            }
            d.Add(BuiltinOperator.SquaredDifference, TensorType.Int32);
            return d;
        }
    }

    public static TheoryData<BuiltinOperator, ActivationFunctionType> FusedOps
    {
        get
        {
            var d = new TheoryData<BuiltinOperator, ActivationFunctionType>();
            foreach (var op in new[] { BuiltinOperator.Add, BuiltinOperator.Sub, BuiltinOperator.Mul, BuiltinOperator.Div })
                foreach (var act in new[] { ActivationFunctionType.None, ActivationFunctionType.Relu, ActivationFunctionType.ReluN1To1, ActivationFunctionType.Relu6 })
                    d.Add(op, act);
            return d;
        }
    }

    internal static OptionsTable? OptionsFor(BuiltinOperator op, ActivationFunctionType act = ActivationFunctionType.None) => op switch
    {
        BuiltinOperator.Add => Activation(BuiltinOptionsType.AddOptions, act),
        BuiltinOperator.Sub => Activation(BuiltinOptionsType.SubOptions, act),
        BuiltinOperator.Mul => Activation(BuiltinOptionsType.MulOptions, act),
        BuiltinOperator.Div => Activation(BuiltinOptionsType.DivOptions, act),
        _ => null,
    };

    /// <summary>Values that keep the op well conditioned: DIV denominators away from 0, POW bases positive.</summary>
    private static Func<Operand, long, double[]> FloatValues(BuiltinOperator op, Random rng, Operand first) => (x, n) =>
    {
        bool isFirst = ReferenceEquals(x, first);
        if (op == BuiltinOperator.Div && !isFirst)
        {
            var v = TestData.Uniform(rng, n, 0.5, 2);
            for (int i = 0; i < v.Length; i++) if (rng.Next(2) == 0) v[i] = -v[i];
            return v;
        }
        if (op == BuiltinOperator.Pow) return isFirst ? TestData.Uniform(rng, n, 0.1, 3) : TestData.Uniform(rng, n, -2, 2);
        return TestData.Uniform(rng, n, x.Min, x.Max);
    };

    [Theory]
    [MemberData(nameof(FloatOps))]
    public void Float32_matches_reference_under_broadcasting(BuiltinOperator op)
    {
        var rng = new Random(100 + (int)op);
        foreach (var (a, b) in BroadcastShapes(seed: (int)op))
        {
            var x = Operand.Float(a);
            Run(op, OptionsFor(op), [x, Operand.Float(b)], TensorType.Float32, null, rng, values: FloatValues(op, rng, x));
        }
    }

    [Theory]
    [MemberData(nameof(FloatOps))]
    public void Float32_with_constant_second_input(BuiltinOperator op)
    {
        var rng = new Random(200 + (int)op);
        var x = Operand.Float([2, 3, 4]);
        Run(op, OptionsFor(op), [x, Operand.Float([3, 1]).AsConstant()], TensorType.Float32, null, rng, values: FloatValues(op, rng, x));
        x = Operand.Float([1, 1, 1, 7]);
        Run(op, OptionsFor(op), [x, Operand.Float([]).AsConstant()], TensorType.Float32, null, rng, values: FloatValues(op, rng, x));
    }

    [Theory]
    [MemberData(nameof(FusedOps))]
    public void Float32_fused_activation_clamps(BuiltinOperator op, ActivationFunctionType act)
    {
        var rng = new Random(300 + (int)op * 7 + (int)act);
        foreach (var (a, b) in new (int[], int[])[] { ([2, 3, 8], [2, 3, 8]), ([4, 1, 5], [3, 1]), ([6], []) })
        {
            var x = Operand.Float(a, -8, 8);
            var result = Run(op, OptionsFor(op, act), [x, Operand.Float(b, -8, 8)], TensorType.Float32, null, rng, values: FloatValues(op, rng, x));
            var (min, max) = act switch
            {
                ActivationFunctionType.Relu => (0.0, double.PositiveInfinity),
                ActivationFunctionType.Relu6 => (0.0, 6.0),
                ActivationFunctionType.ReluN1To1 => (-1.0, 1.0),
                _ => (double.NegativeInfinity, double.PositiveInfinity),
            };
            Assert.All(result, v => Assert.InRange(v, min, max));
        }
    }

    [Theory]
    [MemberData(nameof(IntegerOps))]
    public void Integer_matches_reference_under_broadcasting(BuiltinOperator op, TensorType type)
    {
        var rng = new Random(400 + (int)op + (int)type);
        foreach (var (a, b) in BroadcastShapes(seed: 17 + (int)op, randomCount: 3))
            Run(op, OptionsFor(op), [new Operand(type, a, Min: -100, Max: 100), new Operand(type, b, Min: -100, Max: 100)], type, null, rng, tolerance: 0);
    }

    [Theory]
    [InlineData(BuiltinOperator.Add, ActivationFunctionType.Relu)]
    [InlineData(BuiltinOperator.Sub, ActivationFunctionType.Relu6)]
    [InlineData(BuiltinOperator.Mul, ActivationFunctionType.ReluN1To1)]
    public void Integer_fused_activation_clamps(BuiltinOperator op, ActivationFunctionType act)
    {
        var rng = new Random(500 + (int)act);
        foreach (var type in new[] { TensorType.Int32, TensorType.Int64 })
            Run(op, OptionsFor(op, act), [new Operand(type, [3, 5], Min: -10, Max: 10), new Operand(type, [5], Min: -10, Max: 10)], type, null, rng, tolerance: 0);
    }

    [Fact]
    public void Int64_values_beyond_int32_are_exact()
    {
        var rng = new Random(9);
        var big = (Operand x, long n) => TestData.Integers(rng, n, -1_000_000, 1_000_000).Select(v => v * 1_000_000.0).ToArray();
        Run(BuiltinOperator.Add, OptionsFor(BuiltinOperator.Add), [new Operand(TensorType.Int64, [8]), new Operand(TensorType.Int64, [8])],
            TensorType.Int64, null, rng, tolerance: 0, values: big);
    }

    [Fact]
    public void Tanh_as_fused_activation_is_rejected()
    {
        var model = new SingleOpModel(BuiltinOperator.Add, OptionsFor(BuiltinOperator.Add, ActivationFunctionType.Tanh))
            .Input("a", TensorType.Float32, [2]).Input("b", TensorType.Float32, [2]).Output("out", TensorType.Float32).Build();
        var e = Assert.Throws<LiteRtModelException>(() => CompiledModel.FromGraph(model).Dispose());
        Assert.Contains("fused activation", e.Message);
    }

    [Fact]
    public void Shapes_that_do_not_broadcast_are_rejected()
    {
        var model = new SingleOpModel(BuiltinOperator.Mul, OptionsFor(BuiltinOperator.Mul))
            .Input("a", TensorType.Float32, [2, 3]).Input("b", TensorType.Float32, [4]).Output("out", TensorType.Float32).Build();
        Assert.Throws<LiteRtModelException>(() => CompiledModel.FromGraph(model).Dispose());
    }
}
