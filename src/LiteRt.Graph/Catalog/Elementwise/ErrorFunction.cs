namespace LiteRt.Graph.Catalog;

/// <summary>
/// The error function in double precision (about 1e-13 relative), which .NET does not provide. Used by GELU's
/// reference and kernels. |x| &lt; 2: the everywhere-positive series erf(x) = 2/√π · e^(−x²) · Σ (2x²)^n x / (2n+1)!!;
/// |x| ≥ 2: the continued fraction erfc(x) = e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))).
/// </summary>
public static class ErrorFunction
{
    private const double TwoOverSqrtPi = 1.1283791670955126;
    private const double OneOverSqrtPi = 0.5641895835477563;

    public static double Erf(double x)
    {
        if (double.IsNaN(x)) return double.NaN;
        if (Math.Abs(x) < 2) return Series(x);
        return x > 0 ? 1 - ContinuedFraction(x) : ContinuedFraction(-x) - 1;
    }

    /// <summary>1 − erf(x), without cancellation for large positive x.</summary>
    public static double Erfc(double x)
    {
        if (double.IsNaN(x)) return double.NaN;
        if (x >= 2) return ContinuedFraction(x);
        if (x <= -2) return 2 - ContinuedFraction(-x);
        return 1 - Series(x);
    }

    private static double Series(double x)
    {
        double x2 = x * x, term = x, sum = x;
        for (int n = 1; n < 200; n++)
        {
            term *= 2 * x2 / (2 * n + 1);
            sum += term;
            if (Math.Abs(term) <= 1e-17 * Math.Abs(sum)) break;
        }
        return TwoOverSqrtPi * Math.Exp(-x2) * sum;
    }

    private static double ContinuedFraction(double x)
    {
        if (x > 27) return 0; // below the smallest double
        double k = x;
        for (int n = 40; n >= 1; n--) k = x + n * 0.5 / k;
        return Math.Exp(-x * x) * OneOverSqrtPi / k;
    }
}
