namespace LiteRt.Quantization.Tests.Support;

/// <summary>
/// The images the ImageClassifier sample's model was trained on (samples/ImageClassifier/Training/train_shapes.py,
/// <c>draw</c>), redrawn in C#: 32×32 RGB, one of five shapes (circle, square, triangle, cross, ring) in a random
/// colour, size, rotation and position on a background of another colour, with Gaussian noise; values in [0, 1],
/// NCHW as the model's input. Deterministic per seed (not the same random stream as NumPy's).
/// </summary>
public static class SyntheticShapes
{
    public const int Size = 32;
    public static readonly string[] Classes = ["circle", "square", "triangle", "cross", "ring"];

    public static float[] DrawChw(int label, Random rng)
    {
        double[] bg = [rng.NextDouble(), rng.NextDouble(), rng.NextDouble()];
        double[] fg = [rng.NextDouble(), rng.NextDouble(), rng.NextDouble()];
        while (Math.Abs(fg[0] - bg[0]) + Math.Abs(fg[1] - bg[1]) + Math.Abs(fg[2] - bg[2]) < 0.9)
            fg = [rng.NextDouble(), rng.NextDouble(), rng.NextDouble()];
        double r = 6 + rng.NextDouble() * 6;
        double cx = r + 1 + rng.NextDouble() * (Size - 2 * r - 2), cy = r + 1 + rng.NextDouble() * (Size - 2 * r - 2);
        double a = label switch { 1 or 3 => rng.NextDouble() * Math.PI / 2, 2 => rng.NextDouble() * 2 * Math.PI, _ => 0 };
        double ca = Math.Cos(a), sa = Math.Sin(a);
        var img = new float[3 * Size * Size];
        for (int y = 0; y < Size; y++)
        for (int x = 0; x < Size; x++)
        {
            double dx = x + 0.5 - cx, dy = y + 0.5 - cy;
            double u = dx * ca + dy * sa, v = -dx * sa + dy * ca;
            bool inside;
            switch (label)
            {
                case 0: inside = dx * dx + dy * dy <= r * r; break;
                case 1: inside = Math.Abs(u) <= r * 0.8 && Math.Abs(v) <= r * 0.8; break;
                case 2:
                    inside = true;
                    for (int k = 0; k < 3; k++)
                    {
                        double t = a + k * 2 * Math.PI / 3;
                        inside &= dx * Math.Cos(t) + dy * Math.Sin(t) <= r * 0.5;
                    }
                    break;
                case 3:
                    double w = Math.Max(2.0, r * 0.3);
                    inside = (Math.Abs(u) <= w && Math.Abs(v) <= r) || (Math.Abs(v) <= w && Math.Abs(u) <= r);
                    break;
                default:
                    double d2 = dx * dx + dy * dy;
                    inside = d2 <= r * r && d2 >= r * 0.55 * r * 0.55;
                    break;
            }
            var col = inside ? fg : bg;
            for (int c = 0; c < 3; c++)
                img[(c * Size + y) * Size + x] = (float)Math.Clamp(col[c] + Gaussian(rng) * 0.06, 0, 1);
        }
        return img;
    }

    private static double Gaussian(Random rng)
    {
        double u1 = 1 - rng.NextDouble(), u2 = rng.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
