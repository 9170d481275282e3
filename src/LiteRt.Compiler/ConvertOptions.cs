using System.Globalization;
using LiteRt.Format.Schema;

namespace LiteRt.Compiler;

/// <summary>How <see cref="ModelConverter"/> converts a model.</summary>
public sealed record ConvertOptions
{
    public static ConvertOptions Default { get; } = new();

    /// <summary>
    /// Fixed shapes for inputs by name (e.g. from <c>InputShapes="input:1x3x224x224"</c>); dims the model leaves
    /// dynamic are otherwise kept dynamic (-1) where LiteRT allows it.
    /// </summary>
    public IReadOnlyDictionary<string, int[]> InputShapes { get; init; } = new Dictionary<string, int[]>();

    /// <summary>
    /// Graph inputs bound to fixed values: they become constants (and leave the signature). For inputs that only
    /// configure a model (a shape, a window size), since LiteRT fixes shapes at conversion time.
    /// </summary>
    public IReadOnlyDictionary<string, ConstantInput> ConstantInputs { get; init; } = new Dictionary<string, ConstantInput>();

    /// <summary>Run the optimization passes (layout propagation, fusions, folding). Off only for debugging.</summary>
    public bool Optimize { get; init; } = true;

    /// <summary>
    /// Parses <c>name:1x3x224x224[,name2:1x10]</c> (also <c>;</c>-separated; <c>?</c> or <c>-1</c> keeps a dim dynamic).
    /// Throws <see cref="LiteRtCompileException"/> LRT1010 for malformed text.
    /// </summary>
    public static Dictionary<string, int[]> ParseInputShapes(string? text)
    {
        var result = new Dictionary<string, int[]>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(text)) return result;
        foreach (var raw in text.Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int colon = raw.LastIndexOf(':');
            if (colon <= 0 || colon == raw.Length - 1)
                throw new LiteRtCompileException(ErrorCodes.BadOption, $"input shape '{raw}' is not of the form name:1x3x224x224");
            string name = raw[..colon];
            var dims = raw[(colon + 1)..].Split('x', 'X', '*');
            var shape = new int[dims.Length];
            for (int i = 0; i < dims.Length; i++)
            {
                string d = dims[i].Trim();
                if (d is "?" or "-1") shape[i] = -1;
                else if (!int.TryParse(d, NumberStyles.None, CultureInfo.InvariantCulture, out shape[i]))
                    throw new LiteRtCompileException(ErrorCodes.BadOption, $"input shape '{raw}': '{d}' is not a dimension");
            }
            if (!result.TryAdd(name, shape))
                throw new LiteRtCompileException(ErrorCodes.BadOption, $"input '{name}' is given two shapes");
        }
        return result;
    }
}

/// <summary>A value bound to a graph input: element type, shape and little-endian row-major bytes.</summary>
public sealed record ConstantInput(TensorType Type, int[] Shape, ReadOnlyMemory<byte> Data);
