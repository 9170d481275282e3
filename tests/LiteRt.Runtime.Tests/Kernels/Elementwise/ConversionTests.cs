using LiteRt.Format.Schema;
using LiteRt.Graph;
using LiteRt.TestSupport;
using static LiteRt.Runtime.Tests.Kernels.Elementwise.ElementwiseCheck;

namespace LiteRt.Runtime.Tests.Kernels.Elementwise;

public class ConversionTests
{
    private static readonly TensorType[] CastTypes =
    [
        TensorType.Float32, TensorType.Float16, TensorType.Int32, TensorType.Int64,
        TensorType.Uint8, TensorType.Int8, TensorType.Int16, TensorType.Bool,
    ];

    public static TheoryData<TensorType, TensorType> CastPairs
    {
        get
        {
            var d = new TheoryData<TensorType, TensorType>();
            foreach (var from in CastTypes)
                foreach (var to in CastTypes)
                    d.Add(from, to);
            return d;
        }
    }

    /// <summary>Source values inside the source type's range, reaching past narrower targets (wrap/saturation) and with fractions for floats.</summary>
    private static double[] CastValues(Random rng, TensorType from, long n)
    {
        var v = new double[n];
        for (int i = 0; i < n; i++)
        {
            v[i] = from switch
            {
                TensorType.Bool => rng.Next(2),
                TensorType.Uint8 => rng.Next(0, 256),
                TensorType.Int8 => rng.Next(-128, 128),
                TensorType.Int16 => rng.Next(-32768, 32768),
                TensorType.Float32 or TensorType.Float16 => Math.Round((rng.NextDouble() - 0.5) * 700, 2),
                _ => rng.Next(-70000, 70000),
            };
            if (i % 7 == 0) v[i] = 0;
        }
        return v;
    }

    [Theory]
    [MemberData(nameof(CastPairs))]
    public void Cast_matches_reference(TensorType from, TensorType to)
    {
        var rng = new Random(1100 + (int)from * 31 + (int)to);
        var options = Options(BuiltinOptionsType.CastOptions, ("in_data_type", from), ("out_data_type", to));
        foreach (var shape in new[] { new[] { 3, 4, 5 }, [], [0] })
            Run(BuiltinOperator.Cast, options, [new Operand(from, shape)], to, null, rng, tolerance: 0, values: (_, n) => CastValues(rng, from, n));
    }

    [Fact]
    public void Cast_reads_stored_values_of_a_quantized_input()
    {
        var rng = new Random(1150);
        var q = QuantizationParams.PerTensor(0.5f, 10);
        var result = Run(BuiltinOperator.Cast, null, [new Operand(TensorType.Uint8, [6], q)], TensorType.Float32, null, rng, tolerance: 0,
            values: (_, _) => [-5, -4.5, 0, 1, 60, 122.5]);
        Assert.Equal([0, 1, 10, 12, 130, 255], result);
    }

    [Theory]
    [InlineData(TensorType.Uint8)]
    [InlineData(TensorType.Int8)]
    [InlineData(TensorType.Int16)]
    public void Quantize_float_per_tensor(TensorType type)
    {
        var rng = new Random(1200 + (int)type);
        var q = UnaryTests.Calibrate(type, -3, 5);
        foreach (var shape in new[] { new[] { 2, 3, 4, 5 }, [], [0, 4] })
            // Inputs reach beyond the representable range, so the result saturates there.
            Run(BuiltinOperator.Quantize, null, [Operand.Float(shape, -4, 6)], type, q, rng, quantizedSteps: 0);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    public void Quantize_float_per_channel(int axis)
    {
        var rng = new Random(1250 + axis);
        int[] shape = [4, 3, 2, 5];
        var scales = Enumerable.Range(0, shape[axis]).Select(c => 0.01f * (c + 1)).ToArray();
        var zeros = Enumerable.Range(0, shape[axis]).Select(c => (long)(c * 3 - 5)).ToArray();
        Run(BuiltinOperator.Quantize, null, [Operand.Float(shape, -2, 2)], TensorType.Int8, QuantizationParams.PerAxis(scales, zeros, axis), rng, quantizedSteps: 0);
    }

    [Theory]
    [InlineData(TensorType.Int8, TensorType.Uint8, true)]
    [InlineData(TensorType.Uint8, TensorType.Int8, true)]
    [InlineData(TensorType.Int8, TensorType.Int8, false)]
    [InlineData(TensorType.Uint8, TensorType.Int8, false)]
    [InlineData(TensorType.Int8, TensorType.Uint8, false)]
    [InlineData(TensorType.Int16, TensorType.Int8, false)]
    [InlineData(TensorType.Int8, TensorType.Int16, false)]
    public void Quantize_requantizes(TensorType from, TensorType to, bool sameScale)
    {
        var rng = new Random(1300 + (int)from * 3 + (int)to);
        var inQ = UnaryTests.Calibrate(from, -2, 3);
        var outQ = sameScale
            ? QuantizationParams.PerTensor(inQ.ScaleAt(0), inQ.ZeroPointAt(0) + (to == TensorType.Uint8 ? 128 : -128))
            : UnaryTests.Calibrate(to, -2.5, 2);
        var (lo, hi) = from.IntegerRange();
        double s = inQ.ScaleAt(0), z = inQ.ZeroPointAt(0);
        var result = Run(BuiltinOperator.Quantize, null, [new Operand(from, [3, 7, 5], inQ, s * (lo - z), s * (hi - z))], to, outQ, rng);
        Assert.NotEmpty(result);
    }

    [Theory]
    [InlineData(TensorType.Uint8)]
    [InlineData(TensorType.Int8)]
    [InlineData(TensorType.Int16)]
    public void Dequantize_per_tensor(TensorType type)
    {
        var rng = new Random(1400 + (int)type);
        var q = UnaryTests.Calibrate(type, -1.5, 4);
        foreach (var shape in new[] { new[] { 2, 3, 4 }, [], [3, 0] })
            Run(BuiltinOperator.Dequantize, null, [Operand.Quantized(type, shape, q.Scale![0], (int)q.ZeroPointAt(0))], TensorType.Float32, null, rng);
    }

    [Fact]
    public void Dequantize_per_channel_constant_weights()
    {
        var rng = new Random(1450);
        int[] shape = [6, 3, 3, 4];
        var scales = Enumerable.Range(0, 6).Select(c => 0.002f * (c + 1)).ToArray();
        var q = QuantizationParams.PerAxis(scales, new long[6], 0);
        var weights = new Operand(TensorType.Int8, shape, q, -0.2, 0.2).AsConstant();
        Run(BuiltinOperator.Dequantize, null, [weights], TensorType.Float32, null, rng);
        // Per-channel along the last axis, as a non-constant input.
        var q3 = QuantizationParams.PerAxis([0.01f, 0.02f, 0.03f, 0.04f], [1, -2, 3, 0], 3);
        Run(BuiltinOperator.Dequantize, null, [new Operand(TensorType.Int8, shape, q3, -1, 1)], TensorType.Float32, null, rng);
    }

    [Fact]
    public void Dequantize_float16()
    {
        var rng = new Random(1500);
        Run(BuiltinOperator.Dequantize, null, [new Operand(TensorType.Float16, [4, 5], null, -100, 100)], TensorType.Float32, null, rng, tolerance: 0);
        Run(BuiltinOperator.Dequantize, null, [new Operand(TensorType.Float16, [8], null, -3, 3).AsConstant()], TensorType.Float32, null, rng, tolerance: 0);
    }
}
