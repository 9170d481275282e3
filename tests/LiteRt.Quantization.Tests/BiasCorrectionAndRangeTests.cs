using LiteRt.Format.Schema;
using LiteRt.Graph;
using LiteRt.Graph.IO;
using LiteRt.Quantization.Evaluation;
using LiteRt.Quantization.Tests.Support;
using LiteRt.TestSupport;

namespace LiteRt.Quantization.Tests;

public class BiasCorrectionAndRangeTests
{
    [Fact]
    public void Least_squared_error_ranges_clip_long_tails_and_keep_dense_ranges()
    {
        // Laplace(1): the largest of 2 M values lies near ±14, while 255 levels lose least clipped near ±10 (ACIQ).
        var rng = new Random(3);
        var laplace = new double[2_000_000];
        for (int i = 0; i < laplace.Length; i++) laplace[i] = (rng.Next(2) * 2 - 1) * -Math.Log(1 - rng.NextDouble());
        var h = new RangeHistogram(laplace.Min(), laplace.Max());
        h.Add(laplace);
        var (lo, hi) = MseRangeSearch.Select(h);
        Assert.InRange(hi, 6, 0.85 * laplace.Max());
        Assert.InRange(lo, 0.85 * laplace.Min(), -6);
        // Isolated outliers cost more clipped than the finer step saves: kept.
        var outliers = TestData.Uniform(rng, 20000, -1, 1);
        outliers[0] = 60;
        var o = new RangeHistogram(outliers.Min(), outliers.Max());
        o.Add(outliers);
        Assert.True(MseRangeSearch.Select(o).Max > 50);
        var uniform = TestData.Uniform(rng, 20000, -1, 1);
        var u = new RangeHistogram(uniform.Min(), uniform.Max());
        u.Add(uniform);
        var (ulo, uhi) = MseRangeSearch.Select(u);
        Assert.True(ulo < -0.95 && uhi > 0.95, $"[{ulo}, {uhi}]");
    }

    /// <summary>FULLY_CONNECTED 256 → 64 on inputs with a large positive mean (as after ReLU).</summary>
    private static ModelGraph Linear(Random rng)
    {
        var f = TensorType.Float32;
        var b = new GraphBuilder();
        int x = b.Input("x", f, [1, 256]);
        int y = b.Op(BuiltinOperator.FullyConnected, [x, b.Const("fc/w", f, [64, 256], TestData.Uniform(rng, 64 * 256, -0.2, 0.2)), b.Const("fc/b", f, [64], TestData.Uniform(rng, 64, -0.1, 0.1))],
            "fc", f, Zoo.Opt(BuiltinOptionsType.FullyConnectedOptions));
        b.Output(y);
        return b.Build();
    }

    [Fact]
    public void Bias_correction_removes_the_mean_shift_of_rounded_weights()
    {
        var rng = new Random(5);
        var g = Linear(rng);
        var samples = Enumerable.Range(0, 16).Select(_ => (IReadOnlyDictionary<string, NpyArray>)new Dictionary<string, NpyArray>
            { ["x"] = Zoo.Floats([1, 256], TestData.Uniform(rng, 256, 2, 4)) }).ToList();
        double MeanShift(bool correct)
        {
            var (q, _) = ModelQuantizer.Quantize(g, QuantizationRecipe.Preset("weight_only_int8"), CalibrationSet.FromSamples(samples, "test"),
                new QuantizeOptions { BiasCorrection = correct, Evaluate = false });
            using var fr = new GraphRunner(g, intermediates: false);
            using var qr = new GraphRunner(q, intermediates: false);
            var shift = new double[64];
            foreach (var s in samples)
            {
                var a = fr.Run(s).Outputs.Values.First().Values;
                var c = qr.Run(s).Outputs.Values.First().Values;
                for (int u = 0; u < 64; u++) shift[u] += (c[u] - a[u]) / samples.Count;
            }
            return shift.Average(Math.Abs);
        }
        double without = MeanShift(false), with = MeanShift(true);
        Assert.True(with < without / 5, $"mean |shift| {with:G3} with correction, {without:G3} without");
    }
}
