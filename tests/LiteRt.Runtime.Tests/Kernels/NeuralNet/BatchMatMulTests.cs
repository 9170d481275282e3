using LiteRt.Format.Schema;
using LiteRt.TestSupport;

namespace LiteRt.Runtime.Tests.Kernels.NeuralNet;

public sealed class BatchMatMulTests
{
    private static void Run(int[] lhs, int[] rhs, bool adjX, bool adjY, Variant v, int seed, bool constRhs = false)
    {
        var rng = new Random(seed);
        var type = Quant.Type(v);
        var a = TestData.Uniform(rng, TestData.Count(lhs));
        var b = TestData.Uniform(rng, TestData.Count(rhs));
        int k = adjX ? lhs[^2] : lhs[^1];
        var lq = Quant.Activation(v, -1, 1);
        var rq = v == Variant.I8 ? Graph.QuantizationParams.PerTensor(1f / 127, 0) : Quant.Activation(v, -1, 1);
        double range = Math.Sqrt(k) * 0.8 + 1;
        var oq = Quant.Activation(v, -range, range);
        var options = NeuralNetTestOptions.Create(BuiltinOptionsType.BatchMatMulOptions, ("adj_x", adjX), ("adj_y", adjY));
        var m = new SingleOpModel(BuiltinOperator.BatchMatmul, options).Input("lhs", type, lhs, lq);
        var inputs = new Dictionary<string, double[]> { ["lhs"] = a };
        if (constRhs) m.Const("rhs", type, rhs, b, rq);
        else
        {
            m.Input("rhs", type, rhs, rq);
            inputs["rhs"] = b;
        }
        m.Output("output", type, null, oq);
        try { OpCheck.AgainstReference(m.Build(), inputs); }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new Xunit.Sdk.XunitException($"lhs [{string.Join(",", lhs)}] rhs [{string.Join(",", rhs)}] adj {adjX}/{adjY}: {e.Message}");
        }
    }

    [Theory]
    [InlineData(Variant.F32)]
    [InlineData(Variant.I8)]
    [InlineData(Variant.U8)]
    public void RandomShapes(Variant v)
    {
        var rng = new Random(505);
        for (int i = 0; i < 12; i++)
        {
            int m = rng.Next(1, 7), k = rng.Next(1, 40), n = rng.Next(1, 7);
            bool adjX = i % 2 == 1, adjY = i % 4 >= 2;
            int[] lb = (i % 3) switch { 0 => [], 1 => [rng.Next(1, 4)], _ => [2, 1] };
            int[] rb = (i % 3) switch { 0 => [rng.Next(1, 3)], 1 => [], _ => [1, 3] };
            int[] lhs = [.. lb, .. adjX ? new[] { k, m } : new[] { m, k }];
            int[] rhs = [.. rb, .. adjY ? new[] { n, k } : new[] { k, n }];
            Run(lhs, rhs, adjX, adjY, v, 5000 + i, constRhs: i % 5 == 4);
        }
    }

    [Theory]
    [InlineData(Variant.F32)]
    [InlineData(Variant.I8)]
    public void EdgeCases(Variant v)
    {
        Run([3, 0, 4], [3, 4, 2], false, false, v, 1);       // empty rows
        Run([2, 3, 0], [2, 0, 2], false, false, v, 2);       // K = 0: zeros
        Run([1, 1], [1, 1], true, true, v, 3);               // 1x1
        Run([2, 1, 3, 4, 5], [3, 1, 5, 2], false, false, v, 4); // rank 5 with two-sided broadcasting
    }
}
