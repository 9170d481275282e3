namespace LiteRt.Compiler.Import.HuggingFace;

/// <summary>Options of a Hugging Face checkpoint → .tflite decoder conversion (see docs/llm-import.md).</summary>
public sealed record LlmConvertOptions
{
    /// <summary>Default prefill chunk lengths: short prompts use 32 (little padding), long ones 128-token chunks.</summary>
    public static readonly int[] DefaultPrefillLengths = [32, 128];

    /// <summary>KV-cache rows (largest position + 1); LiteRT's export default is 4096.</summary>
    public int MaxContext { get; init; } = 4096;

    /// <summary>One <c>prefill_&lt;N&gt;</c> signature per length (ascending, distinct, each ≤ MaxContext).</summary>
    public int[] PrefillLengths { get; init; } = DefaultPrefillLengths;

    public LlmWeightType Weights { get; init; } = LlmWeightType.Float32;

    /// <summary>Receives progress lines (phases and weight counts) for long conversions.</summary>
    public Action<string>? Progress { get; init; }

    /// <summary>Parses a --quantize name: none|float32, fp16, dynamic_int8, blockwise_int4 (LiteRt.Quantization's names).</summary>
    public static LlmWeightType ParseWeights(string name) => name.ToLowerInvariant() switch
    {
        "none" or "float" or "float32" or "f32" => LlmWeightType.Float32,
        "fp16" or "float16" => LlmWeightType.Float16,
        "dynamic_int8" or "int8" => LlmWeightType.DynamicInt8,
        "blockwise_int4" or "int4" => LlmWeightType.BlockwiseInt4,
        _ => throw new LiteRtCompileException(ErrorCodes.BadOption, $"--quantize '{name}' is not one of none, fp16, dynamic_int8, blockwise_int4"),
    };

    internal void Validate()
    {
        if (MaxContext < 1) throw new LiteRtCompileException(ErrorCodes.BadOption, $"max context {MaxContext} must be positive");
        if (PrefillLengths.Length == 0 || PrefillLengths.Any(n => n < 2 || n > MaxContext) || PrefillLengths.Distinct().Count() != PrefillLengths.Length)
            throw new LiteRtCompileException(ErrorCodes.BadOption,
                $"prefill lengths [{string.Join(",", PrefillLengths)}] must be distinct, each in [2, max context {MaxContext}]");
    }
}
