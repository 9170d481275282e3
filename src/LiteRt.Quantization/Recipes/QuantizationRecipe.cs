using System.Text.RegularExpressions;
using LiteRt.Format.Schema;
using LiteRt.Graph;

namespace LiteRt.Quantization;

/// <summary>
/// One recipe rule: which operations (by op type and by a regular expression searched in the op's first output
/// tensor name) get which scheme. Later rules override earlier ones; operations no rule matches stay float.
/// </summary>
public sealed class RecipeRule
{
    /// <summary>Op types as LiteRT names (<c>FULLY_CONNECTED</c>), or <c>*</c> for every op.</summary>
    public IReadOnlyList<string> Ops { get; init; } = ["*"];

    /// <summary>Regular expression searched (not anchored) in the op's output tensor name; null matches every name.</summary>
    public string? Regex { get; init; }

    public QuantizationScheme Scheme { get; init; }

    /// <summary>Block size along the input dim for <see cref="QuantizationScheme.BlockwiseInt4"/>: 32, 64, 128 or 256.</summary>
    public int BlockSize { get; init; } = 32;

    /// <summary>Per-channel weights (default) or one scale per tensor.</summary>
    public bool PerChannel { get; init; } = true;

    /// <summary>Dynamic range: quantize activations asymmetrically (per row) on the fly (LiteRT's asymmetric_quantize_inputs).</summary>
    public bool AsymmetricInputs { get; init; } = true;

    /// <summary>Weights with fewer elements stay float (AEQ's min_weight_elements).</summary>
    public int MinWeightElements { get; init; }

    private Regex? _compiled;
    internal Regex? CompiledRegex => Regex is null ? null : _compiled ??= new Regex(Regex, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

    public bool Matches(BuiltinOperator op, string outputName)
    {
        bool opMatches = false;
        foreach (var o in Ops)
        {
            if (o == "*" || string.Equals(o, op.Name(), StringComparison.OrdinalIgnoreCase)) { opMatches = true; break; }
        }
        return opMatches && (CompiledRegex is not { } r || r.IsMatch(outputName));
    }

    public override string ToString() =>
        $"{Scheme.Name()} for {string.Join("|", Ops)}{(Regex is null ? "" : $" /{Regex}/")}" +
        (Scheme == QuantizationScheme.BlockwiseInt4 ? $" block {BlockSize}" : "");
}

/// <summary>Automatic mixed precision: keep the most sensitive layers float until <see cref="Target"/> is met.</summary>
public sealed class AutoPrecision
{
    public required FidelityThreshold Target { get; init; }
    /// <summary>At most this many layers are kept float (default: as many as needed).</summary>
    public int? MaxFloatLayers { get; init; }
}

/// <summary>
/// A quantization recipe as data: ordered rules (JSON, see docs/quantization.md), the I/O choice for full-integer
/// schemes, and optionally automatic mixed precision. Presets: <see cref="PresetNames"/>.
/// </summary>
public sealed class QuantizationRecipe
{
    public string Name { get; init; } = "custom";
    public string? Description { get; init; }
    public List<RecipeRule> Rules { get; init; } = [];

    /// <summary>Full-integer schemes: keep float inputs/outputs with QUANTIZE/DEQUANTIZE (default) or expose the quantized tensors.</summary>
    public bool QuantizedIo { get; init; }

    public AutoPrecision? Auto { get; init; }

    /// <summary>The last rule matching the op, or null (the op stays float).</summary>
    public RecipeRule? Resolve(BuiltinOperator op, string outputName)
    {
        for (int i = Rules.Count - 1; i >= 0; i--)
            if (Rules[i].Matches(op, outputName)) return Rules[i];
        return null;
    }

    /// <summary>The main scheme (the first non-float rule's), for fallbacks and reports.</summary>
    public QuantizationScheme PrimaryScheme => Rules.FirstOrDefault(r => r.Scheme != QuantizationScheme.Float)?.Scheme ?? QuantizationScheme.Float;

    public QuantizationRecipe With(Func<RecipeRule, RecipeRule> map, string? name = null) => new()
    {
        Name = name ?? Name, Description = Description, Rules = Rules.Select(map).ToList(), QuantizedIo = QuantizedIo, Auto = Auto,
    };

    public static IReadOnlyList<string> PresetNames { get; } =
    [
        "dynamic_int8", "weight_only_int8", "weight_only_int4", "blockwise_int4", "blockwise_int4_b32", "blockwise_int4_b64",
        "blockwise_int4_b128", "fp16", "static_int8", "static_int16x8",
    ];

    /// <summary>A shipped preset by name (see <see cref="PresetNames"/>).</summary>
    public static QuantizationRecipe Preset(string name)
    {
        string n = name.Trim().ToLowerInvariant();
        int block = 32;
        if (n.StartsWith("blockwise_int4_b", StringComparison.Ordinal) && int.TryParse(n["blockwise_int4_b".Length..], out int b))
        {
            block = b;
            n = "blockwise_int4";
        }
        if (!QuantizationSchemes.TryParse(n, out var scheme) || scheme == QuantizationScheme.Float)
            throw new LiteRtQuantizationException(QuantizationCodes.InvalidRecipe,
                $"unknown recipe '{name}' (presets: {string.Join(", ", PresetNames)}; or a recipe .json file)");
        RecipeValidation.CheckBlockSize(block, name);
        string[] ops = scheme switch
        {
            QuantizationScheme.BlockwiseInt4 => ["FULLY_CONNECTED", "EMBEDDING_LOOKUP"],
            _ when scheme.IsStatic() => ["*"],
            _ => ["FULLY_CONNECTED", "CONV_2D", "DEPTHWISE_CONV_2D", "BATCH_MATMUL", "EMBEDDING_LOOKUP"],
        };
        // As LiteRT's converter does for dynamic range quantization: weights under 1024 elements (first convolutions,
        // small depthwise filters) stay float — they cost little and carry much of the error.
        int minElements = scheme is QuantizationScheme.DynamicInt8 or QuantizationScheme.WeightOnlyInt8 or QuantizationScheme.WeightOnlyInt4 ? 1024 : 0;
        return new QuantizationRecipe
        {
            Name = name.Trim().ToLowerInvariant(),
            Description = PresetDescription(scheme, block),
            Rules = [new RecipeRule { Ops = ops, Scheme = scheme, BlockSize = block, MinWeightElements = minElements }],
        };
    }

    private static string PresetDescription(QuantizationScheme s, int block) => s switch
    {
        QuantizationScheme.DynamicInt8 => "int8 symmetric per-channel weights, float activations quantized on the fly, integer compute",
        QuantizationScheme.WeightOnlyInt8 => "int8 per-channel weights + DEQUANTIZE, float compute",
        QuantizationScheme.WeightOnlyInt4 => "int4 per-channel weights + DEQUANTIZE, float compute",
        QuantizationScheme.BlockwiseInt4 => $"int4 weights in blocks of {block} with FLOAT16 scales (FULLY_CONNECTED, EMBEDDING_LOOKUP)",
        QuantizationScheme.Float16 => "FLOAT16 weights + DEQUANTIZE",
        QuantizationScheme.StaticInt8 => "full integer: int8 per-channel weights, int8 per-tensor asymmetric activations, int32 bias (calibrated)",
        QuantizationScheme.StaticInt16x8 => "full integer: int8 per-channel weights, int16 symmetric activations, int64 bias (calibrated)",
        _ => "float",
    };

    /// <summary>A preset name or a path to a recipe .json file (ours or an AI Edge Quantizer recipe).</summary>
    public static QuantizationRecipe Load(string nameOrPath)
    {
        if (nameOrPath.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || File.Exists(nameOrPath))
        {
            string text;
            try { text = File.ReadAllText(nameOrPath); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new LiteRtQuantizationException(QuantizationCodes.InvalidRecipe, $"cannot read recipe '{nameOrPath}': {e.Message}", e);
            }
            return RecipeJson.Parse(text, Path.GetFileNameWithoutExtension(nameOrPath));
        }
        return Preset(nameOrPath);
    }

    public static QuantizationRecipe Parse(string json, string? name = null) => RecipeJson.Parse(json, name);

    public string ToJson() => RecipeJson.Write(this);

    public override string ToString() => $"{Name}: {string.Join("; ", Rules)}";
}

internal static class RecipeValidation
{
    public static void CheckBlockSize(int block, string where)
    {
        if (block is not (32 or 64 or 128 or 256))
            throw new LiteRtQuantizationException(QuantizationCodes.InvalidRecipe, $"{where}: block size {block} is not one of 32, 64, 128, 256");
    }
}
