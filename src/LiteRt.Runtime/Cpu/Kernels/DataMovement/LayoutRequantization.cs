using LiteRt.Format.Schema;
using LiteRt.Graph;
using LiteRt.Runtime.Execution;

namespace LiteRt.Runtime.Cpu.Kernels.DataMovement;

/// <summary>
/// Layout ops move stored values; when a quantized input and output use different scales or zero points the
/// values must be requantized on the way: <c>q_out = clamp(round(s_in·(q_in − zp_in) / s_out) + zp_out)</c>.
/// For 8-bit tensors that is a 256-entry table built at Prepare.
/// </summary>
internal static class LayoutRequantization
{
    /// <summary>True when both tensors store the same real values for the same stored values.</summary>
    public static bool SameQuantization(QuantizationParams? a, QuantizationParams? b)
    {
        if (a is null || b is null) return true; // raw integers on one side: the bytes are the values
        var sa = a.Scale ?? [];
        var sb = b.Scale ?? [];
        if (sa.Length != sb.Length) return false;
        for (int i = 0; i < sa.Length; i++)
            if (sa[i] != sb[i] || a.ZeroPointAt(i) != b.ZeroPointAt(i)) return false;
        return true;
    }

    /// <summary>
    /// Null when the output can take the input's bytes as they are, else the 8-bit requantization table.
    /// Throws a node error for quantization it cannot convert (per-axis, or wider than 8 bits).
    /// </summary>
    public static byte[]? Table(PreparedNode node, RuntimeTensor input, RuntimeTensor output)
    {
        if (SameQuantization(input.Quantization, output.Quantization)) return null;
        var qi = input.Quantization!;
        var qo = output.Quantization!;
        if (qi.IsPerChannel || qo.IsPerChannel || input.Type != output.Type || input.Type is not (TensorType.Uint8 or TensorType.Int8))
            throw node.Error($"input {input} and output {output} must have the same quantization");
        var table = new byte[256];
        double si = qi.ScaleAt(0), so = qo.ScaleAt(0);
        long zi = qi.ZeroPointAt(0), zo = qo.ZeroPointAt(0);
        for (int b = 0; b < 256; b++)
        {
            long q = input.Type == TensorType.Int8 ? (sbyte)(byte)b : b;
            long r = TensorData.QuantizeValue(si * (q - zi), so, zo, output.Type);
            table[b] = (byte)r;
        }
        return table;
    }

    /// <summary>A real value on the output's grid, as the stored integer (for pad values and activation bounds).</summary>
    public static long Quantize(double real, RuntimeTensor output) =>
        output.Quantization is { } q ? TensorData.QuantizeValue(real, q.ScaleAt(0), q.ZeroPointAt(0), output.Type) : (long)real;
}
