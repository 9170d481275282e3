using LiteRt.Runtime.Execution;

namespace LiteRt.Runtime.Cpu.Kernels;

/// <summary>
/// A tensor's quantization laid out for loops: the tensor seen as [Outer, AxisSize, Inner] with one scale and zero
/// point per index of the middle dim (AxisSize = 1 for per-tensor quantization). Element (o, c, k) is at
/// (o · AxisSize + c) · Inner + k.
/// </summary>
public sealed class AxisQuantization
{
    private AxisQuantization(int outer, int axisSize, int inner, double[] scales, int[] zeroPoints)
    {
        Outer = outer;
        AxisSize = axisSize;
        Inner = inner;
        Scales = scales;
        ZeroPoints = zeroPoints;
    }

    public int Outer { get; }
    public int AxisSize { get; }
    public int Inner { get; }
    public double[] Scales { get; }
    public int[] ZeroPoints { get; }

    public static AxisQuantization Create(RuntimeTensor t, PreparedNode node)
    {
        var q = t.Quantization;
        int count = checked((int)t.ElementCount);
        if (q is not { IsPerChannel: true })
            return new AxisQuantization(count == 0 ? 0 : 1, 1, count, [t.Scale], [t.ZeroPoint]);
        int dim = q.QuantizedDimension;
        if (dim < 0 || dim >= t.Rank || t.Shape[dim] != q.Scale!.Length)
            throw node.Error($"per-axis quantization with {q.Scale!.Length} scales does not match dimension {dim} of {t}");
        int outer = 1, inner = 1;
        for (int d = 0; d < dim; d++) outer *= t.Shape[d];
        for (int d = dim + 1; d < t.Rank; d++) inner *= t.Shape[d];
        var scales = new double[t.Shape[dim]];
        var zeros = new int[t.Shape[dim]];
        for (int c = 0; c < scales.Length; c++)
        {
            scales[c] = q.ScaleAt(c);
            zeros[c] = (int)q.ZeroPointAt(c);
        }
        return new AxisQuantization(outer, t.Shape[dim], inner, scales, zeros);
    }
}
