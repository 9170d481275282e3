using LiteRt.Format.Schema;
using LiteRt.Graph;
using LiteRt.TestSupport;

namespace LiteRt.Runtime.Tests.Kernels.NeuralNet;

public sealed class SoftmaxTests
{
    private static void Run(BuiltinOperator op, int[] shape, float beta, Variant v, QuantizationParams? outQ, int seed, double range = 4)
    {
        var rng = new Random(seed);
        var type = Quant.Type(v);
        var outType = outQ is null ? type : type;
        var x = TestData.Uniform(rng, TestData.Count(shape), -range, range);
        var inQ = Quant.Activation(v, -range, range);
        var options = op == BuiltinOperator.Softmax
            ? NeuralNetTestOptions.Create(BuiltinOptionsType.SoftmaxOptions, ("beta", beta))
            : NeuralNetTestOptions.Create(BuiltinOptionsType.LogSoftmaxOptions);
        var m = new SingleOpModel(op, options).Input("input", type, shape, inQ).Output("output", outType, null, outQ).Build();
        try { OpCheck.AgainstReference(m, new Dictionary<string, double[]> { ["input"] = x }); }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new Xunit.Sdk.XunitException($"{op} [{string.Join(",", shape)}] beta {beta} {v}: {e.Message}");
        }
    }

    /// <summary>TFLite's output quantization: softmax 1/256 (uint8 zp 0, int8 zp −128); log-softmax 16/256 (zp 255 / 127).</summary>
    private static QuantizationParams? TfliteOut(BuiltinOperator op, Variant v) => (op, v) switch
    {
        (_, Variant.F32) => null,
        (BuiltinOperator.Softmax, Variant.U8) => QuantizationParams.PerTensor(1f / 256, 0),
        (BuiltinOperator.Softmax, _) => QuantizationParams.PerTensor(1f / 256, -128),
        (_, Variant.U8) => QuantizationParams.PerTensor(16f / 256, 255),
        _ => QuantizationParams.PerTensor(16f / 256, 127),
    };

    public static TheoryData<BuiltinOperator, Variant> Variants()
    {
        var d = new TheoryData<BuiltinOperator, Variant>();
        foreach (var op in new[] { BuiltinOperator.Softmax, BuiltinOperator.LogSoftmax })
            foreach (var v in new[] { Variant.F32, Variant.U8, Variant.I8 }) d.Add(op, v);
        return d;
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void RandomShapes(BuiltinOperator op, Variant v)
    {
        var rng = new Random(707);
        for (int i = 0; i < 10; i++)
        {
            int rank = rng.Next(1, 5);
            var shape = new int[rank];
            for (int d = 0; d < rank; d++) shape[d] = rng.Next(1, d == rank - 1 ? 40 : 4);
            float beta = i % 3 == 0 ? 1f : (float)(0.2 + rng.NextDouble() * 2);
            Run(op, shape, beta, v, TfliteOut(op, v), 7000 + i);
        }
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void EdgeCases(BuiltinOperator op, Variant v)
    {
        var q = TfliteOut(op, v);
        Run(op, [1, 1001], 1, v, q, 1, range: 10);   // MobileNet classifier width
        Run(op, [3, 1], 1, v, q, 2);                 // a single class: probability 1 / log 0
        Run(op, [0, 5], 1, v, q, 3);                 // no rows
        Run(op, [2, 0], 1, v, q, 4);                 // empty rows
        if (v != Variant.F32) // whatever quantization the output declares
            Run(op, [4, 7], 1, v, op == BuiltinOperator.Softmax ? Quant.Activation(v, 0, 0.8) : Quant.Activation(v, -6, 0), 5);
    }

    [Fact]
    public void Int8InputInt16Output()
    {
        var rng = new Random(9);
        var x = TestData.Uniform(rng, 24, -4, 4);
        var m = new SingleOpModel(BuiltinOperator.Softmax, NeuralNetTestOptions.Create(BuiltinOptionsType.SoftmaxOptions, ("beta", 1f)))
            .Input("input", TensorType.Int8, [3, 8], Quant.Activation(Variant.I8, -4, 4))
            .Output("output", TensorType.Int16, null, QuantizationParams.PerTensor(1f / 32768, 0)).Build();
        OpCheck.AgainstReference(m, new Dictionary<string, double[]> { ["input"] = x });
    }
}
