namespace LiteRt.Quantization;

/// <summary>Options of <see cref="ModelQuantizer.Quantize"/>.</summary>
public sealed record QuantizeOptions
{
    public static QuantizeOptions Default { get; } = new();

    /// <summary>Samples the fidelity is measured on. Default: held-back calibration samples (static schemes), all
    /// calibration samples (weight schemes), or deterministic synthetic inputs when there is no data.</summary>
    public CalibrationSet? EvaluationSet { get; init; }

    /// <summary>Fraction of the calibration samples held back for evaluation when they are also used to calibrate (default 0.2).</summary>
    public double HoldOutFraction { get; init; } = 0.2;

    /// <summary>At most this many samples are used to calibrate and to evaluate (default 256 each).</summary>
    public int MaxSamples { get; init; } = 256;

    /// <summary>Synthetic evaluation samples when no data is given (default 4), and their seed.</summary>
    public int SyntheticSamples { get; init; } = 4;
    public int Seed { get; init; }

    /// <summary>
    /// Correct each quantized layer's float bias for the mean shift its rounded weights cause (−ΔW·E[x], E[x] measured
    /// on the calibration data; needs calibration data). Default (null): on for the weight schemes (dynamic_int8,
    /// weight_only_int8/int4), where weight rounding is the main error; off for the static schemes, where activation
    /// rounding dominates (MobileNetV2 static_int8: +0.0006 cosine); true/false: on/off for all.
    /// </summary>
    public bool? BiasCorrection { get; init; }

    /// <summary>
    /// How static int8 activation ranges are chosen from the calibration data (default min/max). Least squared error
    /// (<see cref="ActivationRangeMethod.Mse"/>) measured 0.9878 against 0.9867 cosine on MobileNetV2, but its tighter
    /// steps let one-step rounding differences between runtimes compound further end to end, so it is opt-in.
    /// </summary>
    public ActivationRangeMethod ActivationRanges { get; init; } = ActivationRangeMethod.MinMax;

    /// <summary>Measure the quantized model against the float model at all (default true; auto mixed precision needs it).</summary>
    public bool Evaluate { get; init; } = true;

    /// <summary>Measure every layer's output against the float model (default true).</summary>
    public bool MeasureLayers { get; init; } = true;

    /// <summary>Auto mixed precision target (overrides the recipe's <c>auto</c>).</summary>
    public FidelityThreshold? AutoTarget { get; init; }

    /// <summary>Keep float inputs/outputs around full-integer models (default), or expose quantized I/O (overrides the recipe when set).</summary>
    public bool? QuantizedIo { get; init; }

    /// <summary>Progress messages (optional).</summary>
    public Action<string>? Log { get; init; }
}

/// <summary>How a static int8 activation range is chosen from the calibration data.</summary>
public enum ActivationRangeMethod
{
    /// <summary>Least expected squared error (clipping plus rounding) over the calibration values.</summary>
    Mse,
    /// <summary>Min/max over the calibration samples.</summary>
    MinMax,
}

/// <summary>The quantized model and its fidelity report; deconstructs as <c>var (model, report) = …</c>.</summary>
public sealed record QuantizationResult(LiteRt.Graph.ModelGraph Model, FidelityReport Report)
{
    public IReadOnlyList<QuantizationDiagnostic> Diagnostics => Report.Diagnostics;
}
