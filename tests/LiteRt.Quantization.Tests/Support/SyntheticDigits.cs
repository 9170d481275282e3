namespace LiteRt.Quantization.Tests.Support;

/// <summary>
/// Procedurally drawn handwritten-style digits (28×28, white strokes on black, values in [0, 1], like MNIST): each
/// digit is a stroke skeleton, randomly scaled, rotated, sheared, shifted, thickened and noised. Deterministic per seed.
/// </summary>
public static class SyntheticDigits
{
    public const int Size = 28;

    private static readonly (double X, double Y)[][][] Strokes = Build();

    private static (double, double)[][][] Build()
    {
        static (double, double)[] Circle(double cx, double cy, double rx, double ry, int n = 16, double a0 = 0, double a1 = 2 * Math.PI)
        {
            var p = new (double, double)[n + 1];
            for (int i = 0; i <= n; i++)
            {
                double a = a0 + (a1 - a0) * i / n;
                p[i] = (cx + rx * Math.Cos(a), cy + ry * Math.Sin(a));
            }
            return p;
        }
        return
        [
            [Circle(0.5, 0.5, 0.27, 0.4)],
            [[(0.35, 0.25), (0.52, 0.1), (0.52, 0.9)]],
            [[(0.22, 0.3), (0.3, 0.15), (0.5, 0.1), (0.7, 0.15), (0.78, 0.3), (0.72, 0.47), (0.22, 0.9), (0.8, 0.9)]],
            [[(0.22, 0.15), (0.68, 0.12), (0.78, 0.28), (0.5, 0.48), (0.8, 0.65), (0.75, 0.85), (0.5, 0.92), (0.2, 0.85)]],
            [[(0.65, 0.9), (0.65, 0.1), (0.15, 0.65), (0.85, 0.65)]],
            [[(0.8, 0.1), (0.27, 0.1), (0.23, 0.45), (0.55, 0.4), (0.78, 0.55), (0.75, 0.8), (0.5, 0.92), (0.2, 0.85)]],
            [[(0.7, 0.12), (0.42, 0.25), (0.27, 0.55), (0.3, 0.8), (0.5, 0.92), (0.72, 0.8), (0.72, 0.6), (0.5, 0.5), (0.28, 0.62)]],
            [[(0.2, 0.1), (0.8, 0.1), (0.42, 0.9)]],
            [Circle(0.5, 0.29, 0.18, 0.18), Circle(0.5, 0.7, 0.23, 0.21)],
            [Circle(0.5, 0.32, 0.21, 0.21), [(0.71, 0.32), (0.66, 0.9)]],
        ];
    }

    /// <summary>One digit image (row-major 28×28) of class <paramref name="digit"/>.</summary>
    public static float[] Draw(int digit, Random rng)
    {
        double scale = 0.62 + rng.NextDouble() * 0.2;
        double angle = (rng.NextDouble() - 0.5) * 0.5;
        double shear = (rng.NextDouble() - 0.5) * 0.4;
        double dx = (rng.NextDouble() - 0.5) * 4, dy = (rng.NextDouble() - 0.5) * 4;
        double thickness = 1.0 + rng.NextDouble() * 1.3;
        double cos = Math.Cos(angle), sin = Math.Sin(angle);
        var segments = new List<(double X0, double Y0, double X1, double Y1)>();
        foreach (var stroke in Strokes[digit])
        {
            var pts = stroke.Select(p =>
            {
                double u = (p.X - 0.5) + shear * (p.Y - 0.5), v = p.Y - 0.5;
                // Per-point wobble, like a hand.
                u += (rng.NextDouble() - 0.5) * 0.04;
                v += (rng.NextDouble() - 0.5) * 0.04;
                double x = (cos * u - sin * v) * scale * Size + Size / 2.0 + dx;
                double y = (sin * u + cos * v) * scale * Size + Size / 2.0 + dy;
                return (x, y);
            }).ToArray();
            for (int i = 0; i + 1 < pts.Length; i++) segments.Add((pts[i].x, pts[i].y, pts[i + 1].x, pts[i + 1].y));
        }
        var img = new float[Size * Size];
        for (int y = 0; y < Size; y++)
        for (int x = 0; x < Size; x++)
        {
            double px = x + 0.5, py = y + 0.5, best = double.MaxValue;
            foreach (var s in segments) best = Math.Min(best, Distance(px, py, s));
            double v = Math.Clamp(thickness - best + 0.5, 0, 1);
            v += (rng.NextDouble() - 0.5) * 0.08;
            img[y * Size + x] = (float)Math.Clamp(v, 0, 1);
        }
        return img;
    }

    private static double Distance(double px, double py, (double X0, double Y0, double X1, double Y1) s)
    {
        double vx = s.X1 - s.X0, vy = s.Y1 - s.Y0;
        double len2 = vx * vx + vy * vy;
        double t = len2 == 0 ? 0 : Math.Clamp(((px - s.X0) * vx + (py - s.Y0) * vy) / len2, 0, 1);
        double cx = s.X0 + t * vx - px, cy = s.Y0 + t * vy - py;
        return Math.Sqrt(cx * cx + cy * cy);
    }

    /// <summary>A labelled set: <paramref name="count"/> images with labels cycling 0..9.</summary>
    public static (float[][] Images, int[] Labels) Dataset(int count, int seed)
    {
        var rng = new Random(seed);
        var images = new float[count][];
        var labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            labels[i] = i % 10;
            images[i] = Draw(labels[i], rng);
        }
        return (images, labels);
    }
}
