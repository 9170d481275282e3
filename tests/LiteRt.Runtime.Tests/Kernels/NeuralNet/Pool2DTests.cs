using LiteRt.Format.Schema;
using LiteRt.Graph;
using LiteRt.TestSupport;

namespace LiteRt.Runtime.Tests.Kernels.NeuralNet;

public sealed class Pool2DTests
{
    private static void Run(BuiltinOperator op, int[] inShape, int fh, int fw, int sh, int sw, Padding pad, ActivationFunctionType act, Variant v,
        int seed, QuantizationParams? outQ = null)
    {
        var rng = new Random(seed);
        var type = Quant.Type(v);
        var x = TestData.Uniform(rng, TestData.Count(inShape), -3, 3);
        var inQ = Quant.Activation(v, -3, 3);
        var options = NeuralNetTestOptions.Create(BuiltinOptionsType.Pool2DOptions,
            ("padding", pad), ("stride_h", sh), ("stride_w", sw), ("filter_height", fh), ("filter_width", fw), ("fused_activation_function", act));
        var m = new SingleOpModel(op, options).Input("input", type, inShape, inQ).Output("output", type, null, outQ ?? inQ).Build();
        try { OpCheck.AgainstReference(m, new Dictionary<string, double[]> { ["input"] = x }); }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new Xunit.Sdk.XunitException($"{op} in [{string.Join(",", inShape)}] f {fh}x{fw} s {sh}x{sw} {pad} {act}: {e.Message}");
        }
    }

    public static TheoryData<BuiltinOperator, Variant> Variants()
    {
        var d = new TheoryData<BuiltinOperator, Variant>();
        foreach (var op in new[] { BuiltinOperator.AveragePool2d, BuiltinOperator.MaxPool2d })
            foreach (var v in new[] { Variant.F32, Variant.U8, Variant.I8 }) d.Add(op, v);
        return d;
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void RandomShapes(BuiltinOperator op, Variant v)
    {
        var rng = new Random(606);
        for (int i = 0; i < 12; i++)
        {
            int[] shape = [rng.Next(1, 3), rng.Next(1, 10), rng.Next(1, 10), rng.Next(1, 20)];
            Run(op, shape, rng.Next(1, 5), rng.Next(1, 5), rng.Next(1, 4), rng.Next(1, 4), i % 2 == 0 ? Padding.Same : Padding.Valid,
                Quant.Activations[i % 4], v, 6000 + i);
        }
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void EdgeCases(BuiltinOperator op, Variant v)
    {
        var none = ActivationFunctionType.None;
        Run(op, [1, 7, 7, 32], 7, 7, 2, 2, Padding.Valid, none, v, 1);                      // global pool (MobileNet)
        Run(op, [1, 5, 5, 3], 3, 3, 1, 1, Padding.Same, ActivationFunctionType.Relu6, v, 2); // padded border windows
        Run(op, [1, 2, 2, 3], 3, 3, 1, 1, Padding.Valid, none, v, 3);                       // empty output
        Run(op, [0, 4, 4, 2], 2, 2, 2, 2, Padding.Same, none, v, 4);                        // empty batch
        Run(op, [2, 6, 5, 4], 1, 1, 3, 2, Padding.Same, ActivationFunctionType.ReluN1To1, v, 5);
        if (v != Variant.F32) // output quantization differs from the input's: requantized
            Run(op, [1, 6, 6, 5], 2, 3, 2, 1, Padding.Same, ActivationFunctionType.Relu, v, 6, Quant.Activation(v, -1.5, 2));
    }
}
