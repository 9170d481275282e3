using LiteRt.Format.Schema;
using LiteRt.Graph;
using LiteRt.Runtime;
using LiteRt.Runtime.Cpu.Kernels.Decoder;
using LiteRt.TestSupport;

namespace LiteRt.Runtime.Tests.Kernels.Decoder;

/// <summary>
/// The direct int8 hybrid FULLY_CONNECTED (weights read in place): chosen for hybrid FULLY_CONNECTED, exact int8 dot
/// products on every path (AVX2 blocks of 64 and 32, scalar tail), and within one input-quantization step of the
/// float64 reference.
/// </summary>
public class Int8MatVecTests
{
    [Theory]
    [InlineData(1, 1536 + 7, 5, true)]
    [InlineData(3, 33, 17, false)]
    [InlineData(32, 64, 9, true)]
    [InlineData(2, 5, 3, false)]
    public void MatchesReferenceAndIsChosen(int rows, int depth, int units, bool asymmetric)
    {
        var rng = new Random(rows * 7 + depth);
        var q = TestData.Integers(rng, units * depth, -127, 128);
        var scales = Enumerable.Range(0, units).Select(_ => (float)(0.002 + rng.NextDouble() * 0.01)).ToArray();
        var wq = new QuantizationParams { Scale = scales, ZeroPoint = new long[units], QuantizedDimension = 0 };
        var options = OptionsTable.Create(BuiltinOptionsType.FullyConnectedOptions).Set("asymmetric_quantize_inputs", asymmetric);
        var raw = q.Select(v => (byte)(sbyte)v).ToArray();
        var g = new SingleOpModel(BuiltinOperator.FullyConnected, options)
            .Input("x", TensorType.Float32, [rows, depth])
            .ConstRaw("w", TensorType.Int8, [units, depth], raw, wq)
            .Const("b", TensorType.Float32, [units], TestData.Uniform(rng, units, -1, 1))
            .Output("y", TensorType.Float32)
            .Build();
        using (var m = CompiledModel.FromGraph(g))
            Assert.Equal("cpu.fully_connected.direct.hybrid", m.DefaultSignature.Placement[0].Kernel);
        // One input quantization step per product: |Σ err| ≤ depth · (range/255/2) · max|w|.
        OpCheck.AgainstReference(g, new Dictionary<string, double[]> { ["x"] = TestData.Uniform(rng, rows * depth, -2, 2) }, relativeTolerance: 0.05);
    }

    [Fact]
    public void ManyRowsKeepTheGeneralKernel()
    {
        var wq = new QuantizationParams { Scale = [0.01f, 0.02f], ZeroPoint = [0, 0] };
        var g = new SingleOpModel(BuiltinOperator.FullyConnected)
            .Input("x", TensorType.Float32, [Int8MatVecKernel.MaxRows + 1, 4]).ConstRaw("w", TensorType.Int8, [2, 4], new byte[8], wq)
            .Output("y", TensorType.Float32).Build();
        using var m = CompiledModel.FromGraph(g);
        Assert.Equal("cpu.fully_connected.hybrid", m.DefaultSignature.Placement[0].Kernel);
    }

    [Fact]
    public void TwoThreadsGiveBitIdenticalResults()
    {
        const int rows = 3, depth = 1030, units = 601; // above the hand-off threshold; odd split remainder
        var rng = new Random(11);
        var raw = TestData.Integers(rng, units * depth, -127, 128).Select(v => (byte)(sbyte)v).ToArray();
        var wq = new QuantizationParams { Scale = Enumerable.Range(0, units).Select(_ => (float)(0.001 + rng.NextDouble() * 0.01)).ToArray(), ZeroPoint = new long[units] };
        var g = new SingleOpModel(BuiltinOperator.FullyConnected, OptionsTable.Create(BuiltinOptionsType.FullyConnectedOptions).Set("asymmetric_quantize_inputs", true))
            .Input("x", TensorType.Float32, [rows, depth]).ConstRaw("w", TensorType.Int8, [units, depth], raw, wq).Output("y", TensorType.Float32).Build();
        var x = TestData.Uniform(rng, rows * depth, -3, 3).Select(v => (float)v).ToArray();
        float[] Run(int threads)
        {
            using var m = CompiledModel.FromGraph(g, new RuntimeOptions { IntraOpThreads = threads });
            var s = m.DefaultSignature;
            s.Input("x").Write<float>(x);
            s.Run();
            s.Run(); // the helper is reused across runs
            return s.Output("y").ToArray<float>();
        }
        Assert.Equal(Run(1), Run(2));
    }

    [Fact]
    public unsafe void DotIsExactOnEveryPath()
    {
        var rng = new Random(3);
        foreach (int n in new[] { 0, 1, 31, 32, 33, 63, 64, 65, 127, 200, 4096 })
        {
            var x = new sbyte[n];
            var w = new sbyte[n];
            for (int i = 0; i < n; i++) { x[i] = (sbyte)rng.Next(-128, 128); w[i] = (sbyte)rng.Next(-127, 128); }
            if (n > 0) { x[0] = -128; w[0] = -127; }
            int expected = 0;
            for (int i = 0; i < n; i++) expected += x[i] * w[i];
            fixed (sbyte* px = x, pw = w)
                Assert.Equal(expected, Int8MatVecKernel.DotForTests(px, pw, n));
        }
    }
}
