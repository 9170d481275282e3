using LiteRt.Format.Schema;
using LiteRt.Graph;
using LiteRt.Graph.Catalog;
using LiteRt.Runtime;
using LiteRt.TestSupport;

namespace LiteRt.Runtime.Tests.Kernels.Decoder;

/// <summary>
/// CUSTOM litert.gqa_attention against its float64 reference: GQA groups, padding positions, tokens written and read in
/// one call, non-contiguous positions; and in place (caches bound to caller memory) against value semantics.
/// </summary>
public class GqaAttentionTests
{
    private static ModelGraph Graph(int n, int hq, int hkv, int d, int t)
    {
        var g = new SingleOpModel(BuiltinOperator.Custom)
            .Input("q", TensorType.Float32, [n, hq * d]).Input("k", TensorType.Float32, [n, hkv * d]).Input("v", TensorType.Float32, [n, hkv * d])
            .Input("input_pos", TensorType.Int32, [n])
            .Input("k_cache", TensorType.Float32, [1, t, hkv, d]).Input("v_cache", TensorType.Float32, [1, t, hkv, d])
            .Input("cos", TensorType.Float32, [t, d / 2]).Input("sin", TensorType.Float32, [t, d / 2])
            .Output("out", TensorType.Float32).Output("k_out", TensorType.Float32).Output("v_out", TensorType.Float32)
            .Build();
        g.Main.Operations[0].CustomCode = GqaAttention.CustomCode;
        return g;
    }

    private static Dictionary<string, double[]> Inputs(Random rng, int n, int hq, int hkv, int d, int t, int[] pos)
    {
        double[] R(int count) => TestData.Uniform(rng, count, -1, 1);
        var cos = new double[t * d / 2];
        var sin = new double[t * d / 2];
        for (int p = 0; p < t; p++)
            for (int c = 0; c < d / 2; c++)
            {
                double a = p / Math.Pow(10000, 2.0 * c / d);
                cos[p * d / 2 + c] = (float)Math.Cos(a);
                sin[p * d / 2 + c] = (float)Math.Sin(a);
            }
        return new()
        {
            ["q"] = R(n * hq * d), ["k"] = R(n * hkv * d), ["v"] = R(n * hkv * d), ["input_pos"] = pos.Select(p => (double)p).ToArray(),
            ["k_cache"] = R(t * hkv * d), ["v_cache"] = R(t * hkv * d), ["cos"] = cos, ["sin"] = sin,
        };
    }

    [Theory]
    [InlineData(1, 4, 2, 8, 16, new[] { 5 })]                 // decode, GQA group 2
    [InlineData(4, 6, 3, 4, 12, new[] { 3, 4, 5, 6 })]        // prefill continuing a cache
    [InlineData(5, 8, 1, 8, 10, new[] { 0, 1, 2, -1, -1 })]   // padded prefill, multi-query
    [InlineData(3, 2, 2, 16, 32, new[] { 31, 7, 20 })]        // positions in any order
    public void MatchesReference(int n, int hq, int hkv, int d, int t, int[] pos)
    {
        var g = Graph(n, hq, hkv, d, t);
        OpCheck.AgainstReference(g, Inputs(new Random(n * 31 + t), n, hq, hkv, d, t, pos), relativeTolerance: 1e-5);
    }

    [Fact]
    public void InPlaceBindingWritesOnlyTheNewRowsAndGivesTheSameResult()
    {
        const int n = 3, hq = 4, hkv = 2, d = 8, t = 20;
        int[] pos = [6, 7, 8];
        var inputs = Inputs(new Random(5), n, hq, hkv, d, t, pos);
        var g = Graph(n, hq, hkv, d, t);
        var expected = OpCheck.AgainstReference(g, inputs);

        using var model = CompiledModel.FromGraph(g);
        var s = model.DefaultSignature;
        using var kc = new TensorMemory(t * hkv * d * 4);
        using var vc = new TensorMemory(t * hkv * d * 4);
        // Input and output have different names in this graph: bind each name to the same memory.
        s.BindInPlace([new("k_cache", kc), new("k_out", kc), new("v_cache", vc), new("v_out", vc)]);
        foreach (var name in new[] { "q", "k", "v", "cos", "sin" })
            s.Input(name).Write(inputs[name].Select(x => (float)x).ToArray());
        s.Input("input_pos").Write(pos);
        inputs["k_cache"].Select(x => (float)x).ToArray().CopyTo(kc.AsSpan<float>());
        inputs["v_cache"].Select(x => (float)x).ToArray().CopyTo(vc.AsSpan<float>());
        s.Run();
        Assert.Equal(expected["out"], s.Output("out").ToArray<float>().Select(x => (double)x).ToArray(), new ToleranceComparer(1e-6));
        Assert.Equal(expected["k_out"], kc.AsSpan<float>().ToArray().Select(x => (double)x).ToArray(), new ToleranceComparer(1e-6));
        Assert.Equal(expected["v_out"], vc.AsSpan<float>().ToArray().Select(x => (double)x).ToArray(), new ToleranceComparer(1e-6));
        Assert.True(s.Output("k_out").AsSpan<float>().Overlaps(kc.AsSpan<float>()));
    }

    [Fact]
    public void PositionOutsideTheCacheIsAModelError()
    {
        var g = Graph(1, 2, 1, 4, 8);
        using var model = CompiledModel.FromGraph(g);
        var s = model.DefaultSignature;
        s.Input("input_pos").Write(new[] { 8 });
        var e = Assert.Throws<LiteRtModelException>(s.Run);
        Assert.Contains("outside the 8-row KV cache", e.Message);
    }

    private sealed class ToleranceComparer(double tol) : IEqualityComparer<double>
    {
        public bool Equals(double a, double b) => Math.Abs(a - b) <= tol * (1 + Math.Abs(a));
        public int GetHashCode(double x) => 0;
    }
}
