namespace LiteRt.Quantization.Tests.Support;

/// <summary>
/// Procedural "natural-ish" RGB images for calibrating image models: a smooth two-colour gradient background with
/// random ellipses and rectangles, soft edges and mild noise. Values in [lo, hi], NHWC, deterministic per seed.
/// </summary>
public static class SyntheticImages
{
    public static float[] Draw(int height, int width, Random rng, float lo = -1, float hi = 1)
    {
        var img = new float[height * width * 3];
        double[] c0 = [rng.NextDouble(), rng.NextDouble(), rng.NextDouble()];
        double[] c1 = [rng.NextDouble(), rng.NextDouble(), rng.NextDouble()];
        double angle = rng.NextDouble() * Math.PI * 2;
        double gx = Math.Cos(angle), gy = Math.Sin(angle);
        for (int y = 0; y < height; y++)
        for (int x = 0; x < width; x++)
        {
            double t = Math.Clamp(0.5 + ((x - width / 2.0) * gx + (y - height / 2.0) * gy) / Math.Max(width, height), 0, 1);
            for (int c = 0; c < 3; c++) img[(y * width + x) * 3 + c] = (float)(c0[c] * (1 - t) + c1[c] * t);
        }
        int shapes = 3 + rng.Next(6);
        for (int s = 0; s < shapes; s++)
        {
            double cx = rng.NextDouble() * width, cy = rng.NextDouble() * height;
            double rx = (0.05 + rng.NextDouble() * 0.3) * width, ry = (0.05 + rng.NextDouble() * 0.3) * height;
            bool ellipse = rng.Next(2) == 0;
            double[] col = [rng.NextDouble(), rng.NextDouble(), rng.NextDouble()];
            double alpha = 0.5 + rng.NextDouble() * 0.5;
            int y0 = Math.Max(0, (int)(cy - ry - 2)), y1 = Math.Min(height, (int)(cy + ry + 2));
            int x0 = Math.Max(0, (int)(cx - rx - 2)), x1 = Math.Min(width, (int)(cx + rx + 2));
            for (int y = y0; y < y1; y++)
            for (int x = x0; x < x1; x++)
            {
                double u = (x + 0.5 - cx) / rx, v = (y + 0.5 - cy) / ry;
                double d = ellipse ? Math.Sqrt(u * u + v * v) : Math.Max(Math.Abs(u), Math.Abs(v));
                double m = Math.Clamp((1 - d) * Math.Min(rx, ry) / 1.5, 0, 1) * alpha;
                for (int c = 0; c < 3; c++)
                {
                    int i = (y * width + x) * 3 + c;
                    img[i] = (float)(img[i] * (1 - m) + col[c] * m);
                }
            }
        }
        for (int i = 0; i < img.Length; i++)
        {
            double v = Math.Clamp(img[i] + (rng.NextDouble() - 0.5) * 0.04, 0, 1);
            img[i] = (float)(lo + v * (hi - lo));
        }
        return img;
    }
}
