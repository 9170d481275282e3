using LiteRt.Format.Schema;
using LiteRt.Graph;
using LiteRt.Quantization.Editing;

namespace LiteRt.Quantization.Transforms;

/// <summary>
/// Bias correction for quantized weights (Nagel et al., "Data-Free Quantization", 2019): rounding the weights to
/// int8 changes each output's expected value by ΔW·E[x], where ΔW is the rounding error and E[x] the mean of each
/// input channel. Inputs after ReLU have large positive means, so the shift is systematic rather than noise and it
/// compounds through deep networks. The float bias absorbs −ΔW·E[x], with E[x] measured on the calibration data
/// (padding, which reads zeros, is not modelled). The file keeps its layout: only bias values change, so any runtime
/// computes the same thing.
/// </summary>
internal static class BiasCorrection
{
    /// <summary>Whether <paramref name="scheme"/> rounds the weights the way <see cref="Correct"/> models (int8/int4 symmetric per channel).</summary>
    public static bool Applies(QuantizationScheme scheme) => scheme is QuantizationScheme.DynamicInt8 or QuantizationScheme.WeightOnlyInt8
        or QuantizationScheme.WeightOnlyInt4 or QuantizationScheme.StaticInt8 or QuantizationScheme.StaticInt16x8;

    /// <summary>
    /// Replaces the float bias of <paramref name="op"/> (FULLY_CONNECTED, CONV_2D, DEPTHWISE_CONV_2D) with a corrected
    /// copy, for weights rounded per channel to <paramref name="bits"/> bits. Returns false where nothing applies.
    /// </summary>
    public static bool Correct(ModelGraph g, Subgraph sg, Operation op, int bits, bool perChannel, IReadOnlyDictionary<int, double[]> inputMeans)
    {
        if (op.Op is not (BuiltinOperator.FullyConnected or BuiltinOperator.Conv2d or BuiltinOperator.DepthwiseConv2d)) return false;
        if (WeightedOps.Find(sg, op) is not { } slot || slot.Bias < 0 || !op.HasInput(slot.Bias)) return false;
        if (!inputMeans.TryGetValue(op.Inputs[0], out var mean)) return false;
        var b = sg.Tensors[op.Inputs[slot.Bias]];
        if (!b.IsConstant || b.Type != TensorType.Float32 || b.IsQuantized) return false;
        var w = sg.Tensors[op.Inputs[slot.Input]];
        int[] shape = w.Shape;
        var values = TensorData.Decode(w);
        var bias = TensorData.Decode(b);
        int axis = perChannel ? slot.ChannelAxis : -1;
        var (q, scales) = WeightMath.Symmetric(values, shape, axis, bits);
        var rounded = WeightMath.Dequantize(q, scales, shape, axis);
        var shift = op.Op == BuiltinOperator.DepthwiseConv2d ? DepthwiseShift(values, rounded, shape, mean) : DenseShift(values, rounded, shape, mean);
        if (shift is null || shift.Length != bias.Length) return false;
        for (int c = 0; c < bias.Length; c++) bias[c] -= shift[c];
        op.Inputs[slot.Bias] = GraphEdit.AddConstant(g, sg, b.Name, TensorType.Float32, (int[])b.Shape.Clone(), TensorData.Encode(TensorType.Float32, bias, b.Shape, null));
        return true;
    }

    /// <summary>FULLY_CONNECTED [out, k] and CONV_2D [out, kh, kw, in / groups]: Σ over a row of ΔW · E[x] of the channel it reads.</summary>
    private static double[]? DenseShift(double[] w, double[] rounded, int[] shape, double[] mean)
    {
        int outs = shape[0];
        if (outs == 0) return null;
        int row = w.Length / outs, cg = shape[^1];
        if (cg == 0 || mean.Length % cg != 0) return null;
        int groups = mean.Length / cg;
        if (outs % groups != 0) return null;
        int perGroup = outs / groups;
        var shift = new double[outs];
        for (int o = 0; o < outs; o++)
        {
            int offset = o / perGroup * cg;
            double s = 0;
            for (int i = 0; i < row; i++) s += (rounded[o * row + i] - w[o * row + i]) * mean[offset + i % cg];
            shift[o] = s;
        }
        return shift;
    }

    /// <summary>DEPTHWISE_CONV_2D [1, kh, kw, out]: output channel o reads input channel o / multiplier.</summary>
    private static double[]? DepthwiseShift(double[] w, double[] rounded, int[] shape, double[] mean)
    {
        int outs = shape[^1];
        if (outs == 0 || mean.Length == 0 || outs % mean.Length != 0) return null;
        int mult = outs / mean.Length;
        var shift = new double[outs];
        for (int i = 0; i < w.Length; i++)
        {
            int o = i % outs;
            shift[o] += (rounded[i] - w[i]) * mean[o / mult];
        }
        return shift;
    }
}
