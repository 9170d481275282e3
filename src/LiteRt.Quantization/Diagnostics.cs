namespace LiteRt.Quantization;

/// <summary>Error and warning codes of the quantizer (LRT2xxx; docs/error-codes.md lists them all).</summary>
public static class QuantizationCodes
{
    /// <summary>Warning: a static scheme was asked for without calibration data; dynamic_int8 is used instead.</summary>
    public const string StaticWithoutCalibration = "LRT2001";
    /// <summary>Error: the calibration set has no samples for an input.</summary>
    public const string EmptyCalibration = "LRT2002";
    /// <summary>Error: a calibration sample does not fit the model input (shape, rank or element count).</summary>
    public const string CalibrationMismatch = "LRT2003";
    /// <summary>Error: a calibration sample names an input the model does not have, or misses one.</summary>
    public const string CalibrationInputName = "LRT2004";
    /// <summary>Error: a calibration file or image cannot be read or decoded.</summary>
    public const string CalibrationRead = "LRT2005";
    /// <summary>Error: the recipe is invalid (JSON, unknown scheme or op, bad regex, bad block size).</summary>
    public const string InvalidRecipe = "LRT2010";
    /// <summary>Warning: a recipe rule matched no operation.</summary>
    public const string RuleMatchedNothing = "LRT2011";
    /// <summary>Warning: an operation the recipe selects cannot take the scheme and stays float (or falls back).</summary>
    public const string OpKeptFloat = "LRT2012";
    /// <summary>Warning: the model has no float weights or activations the recipe quantizes.</summary>
    public const string NothingQuantized = "LRT2013";
    /// <summary>Error: a fidelity threshold expression is invalid.</summary>
    public const string InvalidThreshold = "LRT2020";
    /// <summary>Error: the quantized model is below the fidelity threshold (names the worst layers).</summary>
    public const string FidelityBelowThreshold = "LRT2021";
    /// <summary>Warning: auto mixed precision could not reach its target; the best model found is returned.</summary>
    public const string AutoTargetMissed = "LRT2022";
    /// <summary>Error: the model cannot be quantized (no float model, unsupported structure).</summary>
    public const string UnsupportedModel = "LRT2030";
}

public enum DiagnosticSeverity { Info, Warning, Error }

/// <summary>A message from the quantizer: <c>LRT2001 warning: …</c>.</summary>
public sealed record QuantizationDiagnostic(string Code, DiagnosticSeverity Severity, string Message)
{
    public override string ToString() => $"{Code} {Severity.ToString().ToLowerInvariant()}: {Message}";
}

/// <summary>A quantization failure with its LRT2xxx code (the message starts with the code).</summary>
public sealed class LiteRtQuantizationException : Exception
{
    public LiteRtQuantizationException(string code, string message, Exception? inner = null) : base($"{code}: {message}", inner)
    {
        Code = code;
        Reason = message;
    }

    public string Code { get; }
    public string Reason { get; }
}
