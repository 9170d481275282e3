using LiteRt.Format.Schema;
using LiteRt.Graph;
using LiteRt.TestSupport;

namespace LiteRt.Runtime.Tests.Kernels.NeuralNet;

public sealed class L2NormalizationTests
{
    private static void Run(int[] shape, ActivationFunctionType act, Variant v, int seed, bool zeros = false, QuantizationParams? outQ = null)
    {
        var rng = new Random(seed);
        var type = Quant.Type(v);
        var x = zeros ? new double[TestData.Count(shape)] : TestData.Uniform(rng, TestData.Count(shape), -2, 2);
        var inQ = Quant.Activation(v, -2, 2);
        // TFLite's output quantization: 1/128 with zero point 128 (uint8) or 0 (int8).
        outQ ??= v switch
        {
            Variant.U8 => QuantizationParams.PerTensor(1f / 128, 128),
            Variant.I8 => QuantizationParams.PerTensor(1f / 128, 0),
            _ => null,
        };
        var options = NeuralNetTestOptions.Create(BuiltinOptionsType.L2NormOptions, ("fused_activation_function", act));
        var m = new SingleOpModel(BuiltinOperator.L2Normalization, options).Input("input", type, shape, inQ).Output("output", type, null, outQ).Build();
        OpCheck.AgainstReference(m, new Dictionary<string, double[]> { ["input"] = x });
    }

    [Theory]
    [InlineData(Variant.F32)]
    [InlineData(Variant.U8)]
    [InlineData(Variant.I8)]
    public void RandomShapes(Variant v)
    {
        var rng = new Random(808);
        for (int i = 0; i < 10; i++)
        {
            int rank = rng.Next(1, 5);
            var shape = new int[rank];
            for (int d = 0; d < rank; d++) shape[d] = rng.Next(1, d == rank - 1 ? 50 : 4);
            Run(shape, i % 5 == 4 ? ActivationFunctionType.Relu : ActivationFunctionType.None, v, 8000 + i);
        }
    }

    [Theory]
    [InlineData(Variant.F32)]
    [InlineData(Variant.U8)]
    [InlineData(Variant.I8)]
    public void EdgeCases(Variant v)
    {
        Run([2, 5], ActivationFunctionType.None, v, 1, zeros: true); // zero vector: the epsilon floor gives 0
        Run([3, 1], ActivationFunctionType.None, v, 2);              // single element: ±1
        Run([0, 4], ActivationFunctionType.None, v, 3);
        Run([1, 2, 2, 3], ActivationFunctionType.Relu6, v, 4);
        if (v != Variant.F32) Run([4, 6], ActivationFunctionType.None, v, 5, outQ: Quant.Activation(v, -0.7, 1.1));
    }
}
