using LiteRt.Format.Schema;
using LiteRt.Graph;

namespace LiteRt.Compiler.Import.Onnx.OnnxOpLowering;

/// <summary>
/// Signal-processing generators with constant inputs, computed at conversion time: HannWindow, HammingWindow,
/// BlackmanWindow and MelWeightMatrix.
/// </summary>
internal static class SignalLowering
{
    public static void Register(Action<string, OnnxLowering> add)
    {
        add("HannWindow", ctx => Window(ctx, [0.5, 0.5, 0]));
        add("HammingWindow", ctx => Window(ctx, [25.0 / 46, 21.0 / 46, 0]));
        add("BlackmanWindow", ctx => Window(ctx, [0.42, 0.5, 0.08]));
        add("MelWeightMatrix", MelWeightMatrix);
    }

    private static TensorType OutputType(LoweringContext ctx) =>
        OnnxDataType.ToTensorType(ctx.Node.Int32("output_datatype", OnnxDataType.Float)) ?? throw ctx.Node.Error(ErrorCodes.UnsupportedDataType, "output_datatype");

    /// <summary>a0 − a1·cos(2πn/N) + a2·cos(4πn/N), N = size (periodic) or size − 1 (symmetric).</summary>
    private static void Window(LoweringContext ctx, double[] a)
    {
        long size = ctx.ConstInts(0, "size")[0];
        bool periodic = ctx.Node.Int("periodic", 1) != 0;
        double n1 = periodic ? size : size - 1;
        var v = new double[size];
        for (long i = 0; i < size; i++)
            v[i] = a[0] - a[1] * Math.Cos(2 * Math.PI * i / n1) + a[2] * Math.Cos(4 * Math.PI * i / n1);
        ctx.Output(0, ctx.B.Const(ctx.Name("window"), OutputType(ctx), [(int)size], v));
    }

    /// <summary>Triangular mel filters over the DFT bins, as ONNX's reference computes them.</summary>
    private static void MelWeightMatrix(LoweringContext ctx)
    {
        long melBins = ctx.ConstInts(0, "num_mel_bins")[0], dftLength = ctx.ConstInts(1, "dft_length")[0], sampleRate = ctx.ConstInts(2, "sample_rate")[0];
        double lower = ctx.ConstValues(3, "lower_edge_hertz")[0], upper = ctx.ConstValues(4, "upper_edge_hertz")[0];
        long spectrogramBins = dftLength / 2 + 1;
        double lowMel = 2595 * Math.Log10(1 + lower / 700), highMel = 2595 * Math.Log10(1 + upper / 700);
        double step = (highMel - lowMel) / (melBins + 2);
        var bins = new long[melBins + 2];
        for (long i = 0; i < bins.Length; i++)
        {
            double hz = 700 * (Math.Pow(10, (i * step + lowMel) / 2595) - 1);
            bins[i] = (long)Math.Floor((dftLength + 1) * hz / sampleRate);
        }
        var w = new double[spectrogramBins * melBins];
        for (long i = 0; i < melBins; i++)
        {
            long lo = bins[i], center = bins[i + 1], hi = bins[i + 2];
            long up = center - lo;
            if (up == 0) w[center * melBins + i] = 1;
            else
                for (long j = lo; j <= center; j++) w[j * melBins + i] = (double)(j - lo) / up;
            long down = hi - center;
            if (down > 0)
                for (long j = center; j < hi; j++) w[j * melBins + i] = (double)(hi - j) / down;
        }
        ctx.Output(0, ctx.B.Const(ctx.Name("mel"), OutputType(ctx), [(int)spectrogramBins, (int)melBins], w));
    }
}
