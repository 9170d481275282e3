using LiteRt.Format.Schema;
using LiteRt.Graph;
using LiteRt.Runtime;
using LiteRt.TestSupport;

namespace LiteRt.Runtime.Tests.Kernels.Decoder;

/// <summary>
/// The tiled int4 path of blockwise FULLY_CONNECTED (decode: one row; prefill: groups of four rows over slabs of
/// weights) against a float64 statement of the arithmetic — input rows quantized asymmetrically to int8, exact
/// products with the dequantized weights — at edge sizes: row counts that are not a multiple of the group, one or an
/// odd number of blocks, blocks of 64 and 128, odd channel counts; and 1 vs 2 threads.
/// </summary>
public class Int4BlockMatMulTests
{
    [Theory]
    [InlineData(1, 32, 7, 32, true)]
    [InlineData(1, 96, 13, 32, false)]
    [InlineData(3, 160, 5, 32, true)]
    [InlineData(4, 64, 9, 64, false)]
    [InlineData(9, 384, 11, 128, true)]
    [InlineData(130, 96, 3, 32, true)]
    public void MatchesFloat64Reference(int rows, int depth, int units, int block, bool bias)
    {
        var rng = new Random(rows * 31 + depth + units);
        var (g, deq, b) = BlockwiseModels.FullyConnected(rng, rows, depth, units, block, bias);
        var x = TestData.Uniform(rng, rows * depth, -1, 2).Select(v => (float)v).ToArray();
        var want = new double[rows * units];
        for (int r = 0; r < rows; r++)
        {
            var (q, s, zp) = QuantizeAsymmetric(x.AsSpan(r * depth, depth));
            for (int u = 0; u < units; u++)
            {
                double acc = 0;
                for (int k = 0; k < depth; k++) acc += (q[k] - zp) * deq[u * depth + k];
                want[r * units + u] = acc * s + b[u];
            }
        }
        var got = Run(g, x, 1);
        double worst = 0, scale = want.Max(Math.Abs);
        for (int i = 0; i < want.Length; i++) worst = Math.Max(worst, Math.Abs(got[i] - want[i]));
        Assert.True(worst <= 1e-5 * scale, $"max error {worst:G3} of {scale:G3}");
    }

    [Fact]
    public void TwoThreadsGiveBitIdenticalResults()
    {
        var rng = new Random(5);
        var (g, _, _) = BlockwiseModels.FullyConnected(rng, 6, 512, 1030, 32, true); // above the hand-off threshold
        var x = TestData.Uniform(rng, 6 * 512, -3, 3).Select(v => (float)v).ToArray();
        Assert.Equal(Run(g, x, 1), Run(g, x, 2));
    }

    private static float[] Run(ModelGraph g, float[] x, int threads)
    {
        using var m = CompiledModel.FromGraph(g, new RuntimeOptions { IntraOpThreads = threads });
        var s = m.DefaultSignature;
        Assert.Equal("cpu.fully_connected.blockwise_i4", s.Placement[0].Kernel);
        s.Inputs[0].Write<float>(x);
        s.Run();
        s.Run(); // scratch and helper reused
        return s.Outputs[0].ToArray<float>();
    }

    /// <summary>TFLite's asymmetric input quantization (float32 scaling, round half away from zero, nudged zero point).</summary>
    private static (int[] Q, double Scale, int ZeroPoint) QuantizeAsymmetric(ReadOnlySpan<float> x)
    {
        float lo = float.MaxValue, hi = float.MinValue;
        foreach (float v in x) { lo = Math.Min(lo, v); hi = Math.Max(hi, v); }
        double rmin = Math.Min(0, lo), rmax = Math.Max(0, hi);
        double scale = (rmax - rmin) / 255;
        double zMin = -128 - rmin / scale, zMax = 127 - rmax / scale;
        double z = 128 + Math.Abs(rmin / scale) < 127 + Math.Abs(rmax / scale) ? zMin : zMax;
        double zp = z <= -128 ? -128 : z >= 127 ? 127 : Math.Round(z, MidpointRounding.AwayFromZero);
        float inv = (float)(1.0 / scale);
        var q = new int[x.Length];
        for (int i = 0; i < x.Length; i++)
            q[i] = (int)Math.Clamp(MathF.Round(x[i] * inv + (float)zp, MidpointRounding.AwayFromZero), -128, 127);
        return (q, scale, (int)zp);
    }
}
