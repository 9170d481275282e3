using LiteRt.Format.Schema;
using LiteRt.Graph;
using LiteRt.TestSupport;
using static LiteRt.Runtime.Tests.Kernels.Elementwise.ElementwiseCheck;

namespace LiteRt.Runtime.Tests.Kernels.Elementwise;

public class QuantizedBinaryTests
{
    public static TheoryData<BuiltinOperator, TensorType> Cases
    {
        get
        {
            var d = new TheoryData<BuiltinOperator, TensorType>();
            foreach (var op in new[] { BuiltinOperator.Add, BuiltinOperator.Sub, BuiltinOperator.Mul, BuiltinOperator.Maximum, BuiltinOperator.Minimum, BuiltinOperator.Prelu })
                foreach (var t in new[] { TensorType.Uint8, TensorType.Int8, TensorType.Int16 })
                    d.Add(op, t);
            d.Add(BuiltinOperator.SquaredDifference, TensorType.Uint8);
            d.Add(BuiltinOperator.SquaredDifference, TensorType.Int8);
            return d;
        }
    }

    /// <summary>Quantization of the two inputs and the output for an op: different scales and zero points, output range fitting the result.</summary>
    internal static (QuantizationParams A, QuantizationParams B, QuantizationParams Out) Params(BuiltinOperator op, TensorType type)
    {
        // Zero points: 8-bit off-centre; 16-bit symmetric (what TFLite requires for int16 arithmetic).
        bool wide = type == TensorType.Int16;
        double unit = wide ? 1.0 / 256 : 1; // 16-bit steps are 256× finer
        int Zp(int z) => wide ? 0 : type == TensorType.Uint8 ? 128 + z : z;
        var a = QuantizationParams.PerTensor((float)(0.05 * unit), Zp(-7));
        var b = QuantizationParams.PerTensor((float)(0.03 * unit), Zp(12));
        double outScale = op switch
        {
            BuiltinOperator.Add or BuiltinOperator.Sub => 0.085,
            BuiltinOperator.Mul => 0.2,
            BuiltinOperator.SquaredDifference => 0.4,
            BuiltinOperator.Prelu => 0.06,
            _ => 0.045,
        };
        int outZero = op == BuiltinOperator.SquaredDifference ? (type == TensorType.Uint8 ? 0 : -128) : Zp(3);
        if (op == BuiltinOperator.Prelu) b = QuantizationParams.PerTensor((float)(0.01 * unit), Zp(-20)); // alpha
        return (a, b, QuantizationParams.PerTensor((float)(outScale * unit), outZero));
    }

    private static Operand Q(TensorType type, int[] shape, QuantizationParams q)
    {
        var (lo, hi) = type.IntegerRange();
        double s = q.ScaleAt(0), z = q.ZeroPointAt(0);
        return new Operand(type, shape, q, s * (lo - z), s * (hi - z));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Quantized_matches_reference_within_one_step(BuiltinOperator op, TensorType type)
    {
        var rng = new Random(600 + (int)op * 3 + (int)type);
        var (qa, qb, qo) = Params(op, type);
        foreach (var (a, b) in BroadcastShapes(seed: 31 + (int)op, randomCount: 3))
            Run(op, BinaryArithmeticTests.OptionsFor(op), [Q(type, a, qa), Q(type, b, qb)], type, qo, rng);
    }

    [Theory]
    [InlineData(BuiltinOperator.Maximum, TensorType.Uint8)]
    [InlineData(BuiltinOperator.Minimum, TensorType.Int8)]
    [InlineData(BuiltinOperator.Maximum, TensorType.Int16)]
    public void Max_min_with_shared_parameters_compare_stored_values(BuiltinOperator op, TensorType type)
    {
        var rng = new Random(650);
        var q = QuantizationParams.PerTensor(type == TensorType.Int16 ? 0.001f : 0.1f, type == TensorType.Uint8 ? 120 : 0);
        Run(op, null, [Q(type, [4, 6], q), Q(type, [6], q)], type, q, rng, quantizedSteps: 0);
    }

    [Theory]
    [InlineData(BuiltinOperator.Add, TensorType.Uint8)]
    [InlineData(BuiltinOperator.Add, TensorType.Int8)]
    [InlineData(BuiltinOperator.Sub, TensorType.Int8)]
    [InlineData(BuiltinOperator.Mul, TensorType.Uint8)]
    [InlineData(BuiltinOperator.Mul, TensorType.Int8)]
    [InlineData(BuiltinOperator.Add, TensorType.Int16)]
    [InlineData(BuiltinOperator.Mul, TensorType.Int16)]
    public void Quantized_fused_activation_clamps_in_the_quantized_domain(BuiltinOperator op, TensorType type)
    {
        var (qa, qb, qo) = Params(op, type);
        foreach (var act in new[] { ActivationFunctionType.Relu, ActivationFunctionType.ReluN1To1, ActivationFunctionType.Relu6 })
        {
            var rng = new Random(700 + (int)act);
            var result = Run(op, BinaryArithmeticTests.OptionsFor(op, act), [Q(type, [3, 4, 5], qa), Q(type, [4, 1], qb)], type, qo, rng);
            double step = qo.ScaleAt(0);
            double min = act == ActivationFunctionType.ReluN1To1 ? -1 : 0, max = act == ActivationFunctionType.Relu ? double.MaxValue : act == ActivationFunctionType.Relu6 ? 6 : 1;
            Assert.All(result, v => Assert.InRange(v, min - step / 2, max + step / 2));
        }
    }

    [Fact]
    public void Uint8_add_as_in_mobilenet_v2_residuals()
    {
        // MobileNet v2's residual ADDs: [1,28,28,32] + [1,28,28,32], uint8, different scales, no activation.
        var rng = new Random(800);
        var qa = QuantizationParams.PerTensor(0.38f, 129);
        var qb = QuantizationParams.PerTensor(0.27f, 122);
        var qo = QuantizationParams.PerTensor(0.43f, 125);
        Run(BuiltinOperator.Add, BinaryArithmeticTests.OptionsFor(BuiltinOperator.Add),
            [Q(TensorType.Uint8, [1, 28, 28, 32], qa), Q(TensorType.Uint8, [1, 28, 28, 32], qb)], TensorType.Uint8, qo, rng);
    }

    [Fact]
    public void Prelu_with_constant_per_channel_alpha_shape()
    {
        var rng = new Random(810);
        var (qa, qb, qo) = Params(BuiltinOperator.Prelu, TensorType.Int8);
        Run(BuiltinOperator.Prelu, null, [Q(TensorType.Int8, [2, 5, 5, 8], qa), Q(TensorType.Int8, [1, 1, 8], qb).AsConstant()], TensorType.Int8, qo, rng);
        Run(BuiltinOperator.Prelu, null, [Operand.Float([2, 5, 5, 8]), Operand.Float([1, 1, 8]).AsConstant()], TensorType.Float32, null, rng);
    }

    [Fact]
    public void Int16_add_with_nonzero_zero_point_is_rejected()
    {
        var q = QuantizationParams.PerTensor(0.001f, 5);
        var model = new SingleOpModel(BuiltinOperator.Add, BinaryArithmeticTests.OptionsFor(BuiltinOperator.Add))
            .Input("a", TensorType.Int16, [2], q).Input("b", TensorType.Int16, [2], q).Output("out", TensorType.Int16, null, q).Build();
        var e = Assert.Throws<LiteRtModelException>(() => CompiledModel.FromGraph(model).Dispose());
        Assert.Contains("zero point", e.Message);
    }
}
