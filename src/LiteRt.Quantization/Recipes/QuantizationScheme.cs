namespace LiteRt.Quantization;

/// <summary>How one operation is quantized.</summary>
public enum QuantizationScheme
{
    /// <summary>Left in float32.</summary>
    Float,
    /// <summary>
    /// Dynamic range ("hybrid"): int8 symmetric per-channel weights; float activations are quantized on the fly per
    /// row/batch and the products are computed in integers (LiteRT's hybrid kernels). No calibration.
    /// </summary>
    DynamicInt8,
    /// <summary>int8 symmetric per-channel weights stored in the file, a DEQUANTIZE op feeds the float op.</summary>
    WeightOnlyInt8,
    /// <summary>int4 symmetric per-channel weights (two per byte), a DEQUANTIZE op feeds the float op.</summary>
    WeightOnlyInt4,
    /// <summary>int4 weights in blocks along the input dim with one FLOAT16 scale per block (BlockwiseQuantization).</summary>
    BlockwiseInt4,
    /// <summary>FLOAT16 weights and biases, a DEQUANTIZE op feeds the float op.</summary>
    Float16,
    /// <summary>Full integer: int8 per-channel weights, int8 per-tensor asymmetric activations, int32 bias. Needs calibration.</summary>
    StaticInt8,
    /// <summary>Full integer: int8 per-channel weights, int16 symmetric activations, int64 bias. Needs calibration.</summary>
    StaticInt16x8,
}

public static class QuantizationSchemes
{
    private static readonly (string Name, QuantizationScheme Scheme)[] Names =
    [
        ("float", QuantizationScheme.Float),
        ("none", QuantizationScheme.Float),
        ("dynamic_int8", QuantizationScheme.DynamicInt8),
        ("weight_only_int8", QuantizationScheme.WeightOnlyInt8),
        ("weight_only_int4", QuantizationScheme.WeightOnlyInt4),
        ("blockwise_int4", QuantizationScheme.BlockwiseInt4),
        ("fp16", QuantizationScheme.Float16),
        ("float16", QuantizationScheme.Float16),
        ("static_int8", QuantizationScheme.StaticInt8),
        ("static_int16x8", QuantizationScheme.StaticInt16x8),
    ];

    public static string Name(this QuantizationScheme s) => Names.First(n => n.Scheme == s).Name;

    public static bool TryParse(string name, out QuantizationScheme scheme)
    {
        foreach (var (n, s) in Names)
        {
            if (string.Equals(n, name, StringComparison.OrdinalIgnoreCase)) { scheme = s; return true; }
        }
        scheme = default;
        return false;
    }

    public static IEnumerable<string> AllNames => Names.Select(n => n.Name);

    public static bool IsStatic(this QuantizationScheme s) => s is QuantizationScheme.StaticInt8 or QuantizationScheme.StaticInt16x8;

    /// <summary>Schemes that only change constant weights (no calibration, activations stay float).</summary>
    public static bool IsWeightScheme(this QuantizationScheme s) => s is not QuantizationScheme.Float && !s.IsStatic();
}
