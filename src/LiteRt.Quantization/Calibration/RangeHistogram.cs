namespace LiteRt.Quantization;

/// <summary>
/// Histogram of one tensor's values over its calibrated [min, max] (widened to include 0), for choosing the int8
/// range that loses least. Exact zeros (ReLU outputs, padding) are counted apart: 0 is always representable.
/// </summary>
internal sealed class RangeHistogram
{
    public const int Bins = 2048;

    public RangeHistogram(double min, double max)
    {
        Min = Math.Min(min, 0);
        Max = Math.Max(max, 0);
        Counts = new double[Bins];
    }

    public double Min { get; }
    public double Max { get; }
    public double[] Counts { get; }
    public double Zeros { get; private set; }
    public double BinWidth => (Max - Min) / Bins;
    public double Center(int bin) => Min + (bin + 0.5) * BinWidth;

    public void Add(ReadOnlySpan<double> values)
    {
        double width = BinWidth;
        if (!(width > 0)) return;
        double inv = 1 / width;
        foreach (double v in values)
        {
            if (v == 0) { Zeros++; continue; }
            if (double.IsNaN(v)) continue;
            int b = (int)((v - Min) * inv);
            Counts[Math.Clamp(b, 0, Bins - 1)]++;
        }
    }
}

/// <summary>
/// Picks an asymmetric int8 range [lo, hi] (lo ≤ 0 ≤ hi) for a tensor from its histogram by minimizing the expected
/// squared error: values outside are clipped ((v − hi)² above, (lo − v)² below), values inside are rounded to a
/// step s = (hi − lo) / 255 (s²/12 each). Min/max ranges make the step as large as the rarest outlier asks; on
/// heavy-tailed activations a tighter range keeps far more precision for the bulk of the values than it loses on the
/// few clipped ones. Prefix sums make each candidate O(1); candidates are a grid of fractions of each side's extent.
/// </summary>
internal static class MseRangeSearch
{
    private const int Steps = 100;

    public static (double Min, double Max) Select(RangeHistogram h, int levels = 256)
    {
        int n = RangeHistogram.Bins;
        double total = h.Zeros;
        foreach (double c in h.Counts) total += c;
        if (!(h.Max > h.Min) || total == 0) return (h.Min, h.Max);
        // Prefix sums of count, count·v, count·v² over bin centers.
        var c0 = new double[n + 1];
        var c1 = new double[n + 1];
        var c2 = new double[n + 1];
        for (int b = 0; b < n; b++)
        {
            double v = h.Center(b), k = h.Counts[b];
            c0[b + 1] = c0[b] + k;
            c1[b + 1] = c1[b] + k * v;
            c2[b + 1] = c2[b] + k * v * v;
        }
        int BinOf(double v) => Math.Clamp((int)Math.Floor((v - h.Min) / h.BinWidth), 0, n);

        double Error(double lo, double hi)
        {
            int a = BinOf(lo), z = BinOf(hi);
            if (z < a) z = a;
            // Below lo: Σ k (lo − v)²; above hi: Σ k (v − hi)²; inside: s²/12 per (non-zero) value.
            double below = lo * lo * c0[a] - 2 * lo * c1[a] + c2[a];
            double aboveN = c0[n] - c0[z], above1 = c1[n] - c1[z], above2 = c2[n] - c2[z];
            double above = hi * hi * aboveN - 2 * hi * above1 + above2;
            double s = (hi - lo) / (levels - 1);
            double inside = c0[z] - c0[a];
            return below + above + inside * s * s / 12;
        }

        var best = (h.Min, h.Max);
        double bestError = Error(h.Min, h.Max);
        for (int i = 0; i <= Steps; i++)
        {
            double lo = h.Min * (1 - (double)i / Steps);
            if (i > 0 && h.Min == 0) break;
            for (int j = 0; j < Steps; j++)
            {
                double hi = h.Max * (1 - (double)j / Steps);
                if (hi - lo <= 0) continue;
                double e = Error(lo, hi);
                if (e < bestError)
                {
                    bestError = e;
                    best = (lo, hi);
                }
                if (h.Max == 0) break;
            }
        }
        return best;
    }
}
