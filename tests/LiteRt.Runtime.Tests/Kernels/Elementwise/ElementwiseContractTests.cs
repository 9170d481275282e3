using LiteRt.Format.Schema;
using LiteRt.Graph;
using LiteRt.Runtime.Cpu;
using LiteRt.Runtime.Cpu.Kernels;
using LiteRt.TestSupport;
using static LiteRt.Runtime.Tests.Kernels.Elementwise.ElementwiseCheck;

namespace LiteRt.Runtime.Tests.Kernels.Elementwise;

/// <summary>Kernel selection, allocation-free Eval, and the shared helpers (fused activation, fixed-point multipliers, broadcast plans).</summary>
public class ElementwiseContractTests
{
    private static ModelGraph Model(BuiltinOperator op, OptionsTable? options, TensorType inType, int[][] shapes, TensorType outType,
        QuantizationParams? q = null, QuantizationParams? outQ = null)
    {
        var m = new SingleOpModel(op, options);
        for (int i = 0; i < shapes.Length; i++) m.Input("in" + i, inType, shapes[i], q);
        return m.Output("out", outType, null, outQ ?? q).Build();
    }

    private static readonly QuantizationParams U8 = QuantizationParams.PerTensor(0.1f, 128);
    private static readonly QuantizationParams I8 = QuantizationParams.PerTensor(0.1f, -3);
    private static readonly QuantizationParams I16 = QuantizationParams.PerTensor(0.001f, 0);

    public static TheoryData<string> Models => new(
        "cpu.add.f32", "cpu.add.i32", "cpu.add.i64", "cpu.add.u8", "cpu.add.i8", "cpu.add.i16", "cpu.mul.u8", "cpu.sub.i8",
        "cpu.maximum.i8", "cpu.squared_difference.u8", "cpu.prelu.i8", "cpu.div.f32", "cpu.pow.f32", "cpu.prelu.f32",
        "cpu.relu.f32", "cpu.gelu.f32", "cpu.logistic.u8", "cpu.tanh.i16", "cpu.abs.i32", "cpu.neg.i64",
        "cpu.cast", "cpu.quantize.f32", "cpu.quantize.requantize", "cpu.dequantize.quantized", "cpu.dequantize.f16");

    private static ModelGraph ModelFor(string id)
    {
        int[][] two = [[2, 3, 4], [3, 1]];
        int[][] one = [[2, 3, 4]];
        var parts = id.Split('.');
        string variant = parts.Length > 2 ? parts[2] : "";
        var (type, q) = variant switch
        {
            "i32" => (TensorType.Int32, (QuantizationParams?)null),
            "i64" => (TensorType.Int64, null),
            "u8" => (TensorType.Uint8, U8),
            "i8" => (TensorType.Int8, I8),
            "i16" => (TensorType.Int16, I16),
            _ => (TensorType.Float32, null),
        };
        return id switch
        {
            "cpu.cast" => Model(BuiltinOperator.Cast, null, TensorType.Int32, one, TensorType.Float32),
            "cpu.quantize.f32" => Model(BuiltinOperator.Quantize, null, TensorType.Float32, one, TensorType.Int8, null, I8),
            "cpu.quantize.requantize" => Model(BuiltinOperator.Quantize, null, TensorType.Int8, one, TensorType.Uint8, I8, U8),
            "cpu.dequantize.quantized" => Model(BuiltinOperator.Dequantize, null, TensorType.Uint8, one, TensorType.Float32, U8, null),
            "cpu.dequantize.f16" => Model(BuiltinOperator.Dequantize, null, TensorType.Float16, one, TensorType.Float32),
            _ => Op(parts[1]) switch
            {
                var (op, binary) => Model(op, BinaryArithmeticTests.OptionsFor(op, ActivationFunctionType.Relu) ?? UnaryTests.OptionsFor(op, false),
                    type, binary ? two : one, type, q),
            },
        };
    }

    private static (BuiltinOperator Op, bool Binary) Op(string name) => name switch
    {
        "add" => (BuiltinOperator.Add, true),
        "sub" => (BuiltinOperator.Sub, true),
        "mul" => (BuiltinOperator.Mul, true),
        "div" => (BuiltinOperator.Div, true),
        "pow" => (BuiltinOperator.Pow, true),
        "maximum" => (BuiltinOperator.Maximum, true),
        "squared_difference" => (BuiltinOperator.SquaredDifference, true),
        "prelu" => (BuiltinOperator.Prelu, true),
        "relu" => (BuiltinOperator.Relu, false),
        "gelu" => (BuiltinOperator.Gelu, false),
        "logistic" => (BuiltinOperator.Logistic, false),
        "tanh" => (BuiltinOperator.Tanh, false),
        "abs" => (BuiltinOperator.Abs, false),
        "neg" => (BuiltinOperator.Neg, false),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(Models))]
    public void Kernel_is_selected_and_eval_allocates_nothing(string id)
    {
        using var model = CompiledModel.FromGraph(ModelFor(id));
        var runner = model.DefaultSignature;
        // Per-tensor int8 nodes may go to the quantized family's fast kernel of the same op.
        Assert.Contains(Assert.Single(runner.Placement).Kernel, new[] { id, LiteRt.Runtime.Cpu.Kernels.QuantizedFamily.FastVariantOf(id) });
        Assert.Equal(0, Allocations.SteadyState(runner.Run));
    }

    [Fact]
    public void Every_kernel_id_follows_the_naming_scheme()
    {
        var ids = CpuKernelRegistry.All.Where(k => k.Id.StartsWith("cpu.", StringComparison.Ordinal)).Select(k => k.Id).ToList();
        foreach (var op in new[] { "add", "sub", "mul", "maximum", "minimum" })
            foreach (var v in new[] { "f32", "i32", "i64", "u8", "i8", "i16" })
                Assert.Contains($"cpu.{op}.{v}", ids);
        foreach (var op in new[] { "relu", "relu6", "relu_n1_to_1", "leaky_relu", "logistic", "tanh", "hard_swish", "gelu", "exp", "log", "sqrt", "rsqrt", "abs", "neg" })
            foreach (var v in new[] { "f32", "u8", "i8", "i16" })
                Assert.Contains($"cpu.{op}.{v}", ids);
    }

    [Fact]
    public void Float_ranges_of_fused_activations()
    {
        Assert.Equal((float.NegativeInfinity, float.PositiveInfinity), FusedActivation.FloatRange(ActivationFunctionType.None));
        Assert.Equal((0f, float.PositiveInfinity), FusedActivation.FloatRange(ActivationFunctionType.Relu));
        Assert.Equal((0f, 6f), FusedActivation.FloatRange(ActivationFunctionType.Relu6));
        Assert.Equal((-1f, 1f), FusedActivation.FloatRange(ActivationFunctionType.ReluN1To1));
    }

    [Fact]
    public void Quantized_ranges_of_fused_activations()
    {
        Assert.Equal((-128, 127), FusedActivation.QuantizedRange(ActivationFunctionType.None, 0.05f, 3, TensorType.Int8));
        Assert.Equal((0, 255), FusedActivation.QuantizedRange(ActivationFunctionType.None, 0.05f, 3, TensorType.Uint8));
        Assert.Equal((10, 255), FusedActivation.QuantizedRange(ActivationFunctionType.Relu, 0.05f, 10, TensorType.Uint8));
        Assert.Equal((-128, -8), FusedActivation.QuantizedRange(ActivationFunctionType.Relu6, 0.05f, -128, TensorType.Int8));
        Assert.Equal((-100, 100), FusedActivation.QuantizedRange(ActivationFunctionType.ReluN1To1, 0.01f, 0, TensorType.Int8));
        // Bounds beyond the type's range are cut to it; 6 / 0.1 = 60 steps above zero point 200 exceeds 255.
        Assert.Equal((200, 255), FusedActivation.QuantizedRange(ActivationFunctionType.Relu6, 0.1f, 200, TensorType.Uint8));
        Assert.Equal((0, 6000), FusedActivation.QuantizedRange(ActivationFunctionType.Relu6, 0.001f, 0, TensorType.Int16));
        // Round half away from zero: 1 / 0.4 = 2.5 → 3.
        Assert.Equal((-3, 3), FusedActivation.QuantizedRange(ActivationFunctionType.ReluN1To1, 0.4f, 0, TensorType.Int8));
    }

    [Fact]
    public void Quantized_multiplier_matches_real_scaling()
    {
        var rng = new Random(1600);
        for (int trial = 0; trial < 2000; trial++)
        {
            double real = Math.Pow(2, -20 + 24 * rng.NextDouble());
            var (m, shift) = QuantizedMultiplier.Quantize(real);
            Assert.InRange(m, 1 << 30, int.MaxValue);
            Assert.Equal(real, m * Math.Pow(2, shift - 31), real * 1e-9);
            int x = rng.Next(-100_000, 100_000);
            double exact = x * real;
            if (Math.Abs(exact) > int.MaxValue / 2.0) continue;
            Assert.InRange(QuantizedMultiplier.Multiply(x, m, shift), Math.Floor(exact) - 1, Math.Ceiling(exact) + 1);
        }
        Assert.Equal((0, 0), QuantizedMultiplier.Quantize(0));
        Assert.Equal((1 << 30, 1), QuantizedMultiplier.Quantize(1));
        Assert.Equal(5, QuantizedMultiplier.Multiply(5, 1 << 30, 1));
    }

    [Fact]
    public void Rounding_helpers_round_half_away_from_zero()
    {
        Assert.Equal(3, QuantizedMultiplier.RoundingDivideByPOT(5, 1));   // 2.5 → 3
        Assert.Equal(-3, QuantizedMultiplier.RoundingDivideByPOT(-5, 1)); // −2.5 → −3
        Assert.Equal(2, QuantizedMultiplier.RoundingDivideByPOT(9, 2));   // 2.25 → 2
        Assert.Equal(int.MaxValue, QuantizedMultiplier.SaturatingRoundingDoublingHighMul(int.MinValue, int.MinValue));
        Assert.Equal(1 << 29, QuantizedMultiplier.SaturatingRoundingDoublingHighMul(1 << 30, 1 << 30));
    }

    [Fact]
    public void Broadcast_plans_collapse_dimensions()
    {
        Assert.True(BroadcastPlan.TryCreate([2, 3, 4], [2, 3, 4], [2, 3, 4])!.IsElementwise);
        Assert.Equal(24, BroadcastPlan.TryCreate([2, 3, 4], [2, 3, 4], [2, 3, 4])!.InnerSize);
        var channels = BroadcastPlan.TryCreate([1, 8, 8, 16], [16], [1, 8, 8, 16])!;
        Assert.Equal(16, channels.InnerSize);
        Assert.False(channels.IsElementwise);
        Assert.Equal(1, BroadcastPlan.TryCreate([], [], [])!.InnerSize);
        Assert.Null(BroadcastPlan.TryCreate([2, 3], [4], [2, 3]));
        Assert.Equal(0, BroadcastPlan.TryCreate([2, 0], [0], [2, 0])!.OutputCount);
    }
}
