namespace LiteRt.Quantization.Tests.Kernels;

/// <summary>
/// An independent statement of LiteRT's dynamic-range arithmetic for the kernel tests: TFLite's
/// AsymmetricQuantizeFloats / SymmetricQuantizeFloats (float32 scaling, round half away from zero, nudged zero
/// point), exact integer products, float rescaling.
/// </summary>
internal static class HybridEmulation
{
    public static (int[] Q, double Scale, int ZeroPoint) Quantize(ReadOnlySpan<float> x, bool asymmetric)
    {
        var q = new int[x.Length];
        if (x.Length == 0) return (q, 1, 0);
        float lo = float.MaxValue, hi = float.MinValue;
        foreach (float v in x) { lo = Math.Min(lo, v); hi = Math.Max(hi, v); }
        double scale, zp;
        if (asymmetric)
        {
            double rmin = Math.Min(0, lo), rmax = Math.Max(0, hi);
            if (rmin == rmax) return (q, 1, 0);
            scale = (rmax - rmin) / 255;
            double zMin = -128 - rmin / scale, zMax = 127 - rmax / scale;
            double z = (128 + Math.Abs(rmin / scale)) < (127 + Math.Abs(rmax / scale)) ? zMin : zMax;
            zp = z <= -128 ? -128 : z >= 127 ? 127 : Math.Round(z, MidpointRounding.AwayFromZero);
        }
        else
        {
            double range = Math.Max(Math.Abs(lo), Math.Abs(hi));
            if (range == 0) return (q, 1, 0);
            scale = range / 127;
            zp = 0;
        }
        float inv = (float)(1.0 / scale);
        for (int i = 0; i < x.Length; i++)
        {
            float v = x[i] * inv + (float)zp;
            q[i] = (int)Math.Clamp(MathF.Round(v, MidpointRounding.AwayFromZero), asymmetric ? -128 : -127, 127);
        }
        return (q, scale, (int)zp);
    }

    public static float[] ToFloats(double[] v) => v.Select(x => (float)x).ToArray();

    /// <summary>Max |a − b| relative to max(1, max |b|).</summary>
    public static double RelativeError(ReadOnlySpan<float> a, ReadOnlySpan<double> b)
    {
        double scale = 1, err = 0;
        foreach (double v in b) scale = Math.Max(scale, Math.Abs(v));
        for (int i = 0; i < a.Length; i++) err = Math.Max(err, Math.Abs(a[i] - b[i]));
        return err / scale;
    }
}
