namespace LiteRt.Quantization;

/// <summary>A fidelity measure of a quantized tensor against its float reference.</summary>
public enum FidelityMetric
{
    /// <summary>Cosine similarity of the flattened tensors (mean over samples); 1 = identical direction.</summary>
    Cosine,
    /// <summary>Signal-to-noise ratio in dB: 10·log10(Σ ref² / Σ (q − ref)²).</summary>
    Snr,
    /// <summary>Mean squared error.</summary>
    Mse,
    /// <summary>Largest absolute difference.</summary>
    MaxAbs,
    /// <summary>KL divergence KL(ref ‖ q) over the last axis, for probability outputs (mean over positions).</summary>
    Kl,
    /// <summary>Fraction of positions whose argmax over the last axis agrees (classifiers).</summary>
    Top1,
}

public static class FidelityMetrics
{
    public static string Name(this FidelityMetric m) => m switch
    {
        FidelityMetric.Cosine => "cosine",
        FidelityMetric.Snr => "snr",
        FidelityMetric.Mse => "mse",
        FidelityMetric.MaxAbs => "max_abs",
        FidelityMetric.Kl => "kl",
        _ => "top1",
    };

    /// <summary>True when larger values are better (cosine, SNR, top-1).</summary>
    public static bool HigherIsBetter(this FidelityMetric m) => m is FidelityMetric.Cosine or FidelityMetric.Snr or FidelityMetric.Top1;

    public static bool TryParse(string s, out FidelityMetric metric)
    {
        metric = s.Trim().ToLowerInvariant().Replace("-", "_") switch
        {
            "cosine" or "cos" => FidelityMetric.Cosine,
            "snr" => FidelityMetric.Snr,
            "mse" => FidelityMetric.Mse,
            "max_abs" or "maxabs" or "max_abs_error" => FidelityMetric.MaxAbs,
            "kl" or "kl_divergence" => FidelityMetric.Kl,
            "top1" or "top_1" or "top1_agreement" => FidelityMetric.Top1,
            _ => (FidelityMetric)(-1),
        };
        return (int)metric >= 0;
    }
}

/// <summary>
/// Accumulates the comparison of one tensor over samples: float reference values against the quantized model's
/// (dequantized) values.
/// </summary>
public sealed class FidelityAccumulator
{
    private double _sumSq, _sumErrSq, _maxAbs, _cosineSum, _klSum;
    private long _elements, _positions, _agree, _klPositions;
    private int _samples;
    private bool _probabilities = true;

    public void Add(ReadOnlySpan<double> reference, ReadOnlySpan<double> quantized, int lastDim)
    {
        if (reference.Length != quantized.Length) throw new ArgumentException("tensors differ in size");
        double dot = 0, nr = 0, nq = 0;
        for (int i = 0; i < reference.Length; i++)
        {
            double r = reference[i], q = quantized[i], e = q - r;
            _sumSq += r * r;
            _sumErrSq += e * e;
            _maxAbs = Math.Max(_maxAbs, Math.Abs(e));
            dot += r * q; nr += r * r; nq += q * q;
        }
        _elements += reference.Length;
        _cosineSum += nr == 0 && nq == 0 ? 1 : nr == 0 || nq == 0 ? 0 : dot / Math.Sqrt(nr * nq);
        _samples++;
        if (lastDim > 1 && reference.Length % lastDim == 0)
        {
            for (int p = 0; p < reference.Length; p += lastDim)
            {
                var r = reference.Slice(p, lastDim);
                var q = quantized.Slice(p, lastDim);
                if (ArgMax(r) == ArgMax(q)) _agree++;
                _positions++;
                if (_probabilities && IsDistribution(r))
                {
                    double kl = 0;
                    for (int k = 0; k < lastDim; k++)
                        if (r[k] > 0) kl += r[k] * Math.Log(r[k] / Math.Max(q[k], 1e-12));
                    _klSum += Math.Max(kl, 0);
                    _klPositions++;
                }
                else _probabilities = false;
            }
        }
        else _probabilities = false;
    }

    private static int ArgMax(ReadOnlySpan<double> v)
    {
        int best = 0;
        for (int i = 1; i < v.Length; i++) if (v[i] > v[best]) best = i;
        return best;
    }

    private static bool IsDistribution(ReadOnlySpan<double> v)
    {
        double s = 0;
        foreach (double x in v)
        {
            if (x < -1e-6 || x > 1 + 1e-6) return false;
            s += x;
        }
        return Math.Abs(s - 1) < 1e-3;
    }

    public TensorFidelity Result(string name) => new()
    {
        Name = name,
        Elements = _elements,
        Samples = _samples,
        Mse = _elements == 0 ? 0 : _sumErrSq / _elements,
        Snr = _sumErrSq == 0 ? double.PositiveInfinity : _sumSq == 0 ? double.NegativeInfinity : 10 * Math.Log10(_sumSq / _sumErrSq),
        Cosine = _samples == 0 ? 1 : _cosineSum / _samples,
        MaxAbs = _maxAbs,
        Kl = _probabilities && _klPositions > 0 ? _klSum / _klPositions : null,
        Top1 = _positions > 0 ? (double)_agree / _positions : null,
    };
}

/// <summary>The comparison of one tensor (a model output or a layer's output) with its float reference.</summary>
public sealed class TensorFidelity
{
    public required string Name { get; init; }
    /// <summary>Layers: the op type and index in the quantized model's main subgraph, and the scheme it got.</summary>
    public string? Op { get; set; }
    public int? OpIndex { get; set; }
    public string? Scheme { get; set; }
    public long Elements { get; init; }
    public int Samples { get; init; }
    public double Mse { get; init; }
    public double Snr { get; init; }
    public double Cosine { get; init; }
    public double MaxAbs { get; init; }
    public double? Kl { get; init; }
    public double? Top1 { get; init; }

    /// <summary>
    /// Layers: the noise this layer adds, as a fraction of its signal power — its noise-to-signal ratio minus that of
    /// its noisiest input (errors arriving from upstream are not its own). Ranks the layers that hurt most.
    /// </summary>
    public double? AddedNoise { get; set; }

    public double? Get(FidelityMetric m) => m switch
    {
        FidelityMetric.Cosine => Cosine,
        FidelityMetric.Snr => Snr,
        FidelityMetric.Mse => Mse,
        FidelityMetric.MaxAbs => MaxAbs,
        FidelityMetric.Kl => Kl,
        _ => Top1,
    };

    public override string ToString()
    {
        var s = $"{Name}: cosine {Cosine:F6}  SNR {FormatDb(Snr)}  MSE {Mse:G3}  max|err| {MaxAbs:G3}";
        if (Kl is double kl) s += $"  KL {kl:G3}";
        if (Top1 is double t) s += $"  top-1 {t * 100:F2}%";
        return s;
    }

    internal static string FormatDb(double snr) => double.IsPositiveInfinity(snr) ? "inf dB" : $"{snr:F1} dB";
}
