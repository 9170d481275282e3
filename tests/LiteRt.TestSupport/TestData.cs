namespace LiteRt.TestSupport;

/// <summary>Seeded random data for tests.</summary>
public static class TestData
{
    public static double[] Uniform(Random rng, long count, double min = -1, double max = 1)
    {
        var r = new double[count];
        for (long i = 0; i < count; i++) r[i] = min + (max - min) * rng.NextDouble();
        return r;
    }

    public static double[] Integers(Random rng, long count, int minInclusive, int maxExclusive)
    {
        var r = new double[count];
        for (long i = 0; i < count; i++) r[i] = rng.Next(minInclusive, maxExclusive);
        return r;
    }

    public static long Count(params int[] shape)
    {
        long n = 1;
        foreach (int d in shape) n *= d;
        return n;
    }
}
