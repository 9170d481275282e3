using LiteRt.Format.Schema;
using LiteRt.TestSupport;

namespace LiteRt.Runtime.Tests.Kernels.NeuralNet;

public sealed class FullyConnectedTests
{
    private static void Run(int[] inShape, int units, int depth, bool keepDims, ActivationFunctionType act, bool bias, Variant v, bool perChannel,
        int seed, bool constWeights = true)
    {
        var rng = new Random(seed);
        var type = Quant.Type(v);
        int[] wShape = [units, depth];
        var x = TestData.Uniform(rng, TestData.Count(inShape));
        var w = TestData.Uniform(rng, TestData.Count(wShape));
        var b = TestData.Uniform(rng, units);
        var inQ = Quant.Activation(v, -1, 1);
        var wQ = Quant.Weights(v, w, wShape, 0, perChannel);
        double range = Math.Sqrt(depth) * 0.8 + 1;
        var outQ = Quant.Activation(v, -range, range);
        var options = NeuralNetTestOptions.Create(BuiltinOptionsType.FullyConnectedOptions, ("keep_num_dims", keepDims), ("fused_activation_function", act));
        var m = new SingleOpModel(BuiltinOperator.FullyConnected, options).Input("input", type, inShape, inQ);
        var inputs = new Dictionary<string, double[]> { ["input"] = x };
        if (constWeights) m.Const("weights", type, wShape, w, wQ);
        else
        {
            m.Input("weights", type, wShape, wQ);
            inputs["weights"] = w;
        }
        if (bias) m.Const("bias", Quant.BiasType(v), [units], b, Quant.Bias(v, inQ, wQ, units));
        else m.Absent();
        m.Output("output", type, null, outQ);
        try { OpCheck.AgainstReference(m.Build(), inputs); }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new Xunit.Sdk.XunitException($"in [{string.Join(",", inShape)}] units {units} keep {keepDims} {act}: {e.Message}");
        }
    }

    [Theory]
    [InlineData(Variant.F32, false)]
    [InlineData(Variant.U8, false)]
    [InlineData(Variant.I8, true)]
    [InlineData(Variant.I8, false)]
    public void RandomShapes(Variant v, bool perChannel)
    {
        var rng = new Random(404);
        for (int i = 0; i < 12; i++)
        {
            int depth = rng.Next(1, 70), units = rng.Next(1, 20);
            bool keep = i % 3 == 0;
            int[] shape = (i % 4) switch
            {
                0 => [rng.Next(1, 4), depth],
                1 => [rng.Next(1, 3), rng.Next(1, 3), depth],
                2 => [depth],
                _ => [2, 3, depth],
            };
            if (!keep && i % 4 == 3) shape = [3, 2 * depth]; // flattened to 6 rows of depth
            Run(shape, units, depth, keep, Quant.Activations[i % 4], bias: i % 5 != 1, v, perChannel, 4000 + i, constWeights: i % 6 != 5);
        }
    }

    [Theory]
    [InlineData(Variant.F32)]
    [InlineData(Variant.U8)]
    [InlineData(Variant.I8)]
    public void EdgeCases(Variant v)
    {
        bool pc = v == Variant.I8;
        Run([0, 5], 3, 5, false, ActivationFunctionType.None, true, v, pc, 1);   // empty batch
        Run([1, 1], 1, 1, false, ActivationFunctionType.Relu, true, v, pc, 2);   // size-1 everything
        Run([2, 1, 8], 4, 8, true, ActivationFunctionType.Relu6, false, v, pc, 3); // keep_num_dims rank 3
        Run([4, 256], 10, 256, false, ActivationFunctionType.None, true, v, pc, 4); // long rows
    }
}
