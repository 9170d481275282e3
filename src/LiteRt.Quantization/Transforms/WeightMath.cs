using LiteRt.Graph;

namespace LiteRt.Quantization.Transforms;

/// <summary>Symmetric weight quantization: per tensor, per axis, or in blocks along the last axis.</summary>
internal static class WeightMath
{
    /// <summary>Largest magnitude the signed type uses symmetrically: 127 for int8 (−128 unused), 7 for int4.</summary>
    public static int QMax(int bits) => (1 << (bits - 1)) - 1;

    /// <summary>
    /// Quantizes <paramref name="w"/> symmetrically with one scale per slice of <paramref name="axis"/> (−1: one scale
    /// for the whole tensor). Returns the integer values and the float32 scales they were rounded with.
    /// </summary>
    public static (double[] Q, float[] Scales) Symmetric(ReadOnlySpan<double> w, int[] shape, int axis, int bits)
    {
        int qmax = QMax(bits);
        int channels = axis < 0 ? 1 : shape[axis];
        long inner = 1;
        if (axis >= 0) for (int k = axis + 1; k < shape.Length; k++) inner *= shape[k];
        var maxAbs = new double[channels];
        for (int i = 0; i < w.Length; i++)
        {
            int c = axis < 0 ? 0 : (int)(i / inner % channels);
            maxAbs[c] = Math.Max(maxAbs[c], Math.Abs(w[i]));
        }
        var scales = new float[channels];
        for (int c = 0; c < channels; c++) scales[c] = maxAbs[c] > 0 ? (float)(maxAbs[c] / qmax) : 1f;
        var q = new double[w.Length];
        for (int i = 0; i < w.Length; i++)
        {
            int c = axis < 0 ? 0 : (int)(i / inner % channels);
            q[i] = Math.Clamp(Math.Round(w[i] / scales[c], MidpointRounding.AwayFromZero), -qmax, qmax);
        }
        return (q, scales);
    }

    /// <summary>
    /// Blockwise int4 of a row-major [rows, cols] matrix: one FLOAT16 scale per block of <paramref name="block"/>
    /// consecutive values of a row (scales [rows, cols / block]); values rounded with the stored (fp16) scale.
    /// </summary>
    public static (double[] Q, Half[] Scales) Blockwise(ReadOnlySpan<double> w, int rows, int cols, int block, int bits = 4)
    {
        int qmax = QMax(bits);
        int blocks = cols / block;
        var scales = new Half[rows * blocks];
        var q = new double[w.Length];
        for (int r = 0; r < rows; r++)
        {
            for (int b = 0; b < blocks; b++)
            {
                var slice = w.Slice(r * cols + b * block, block);
                double m = 0;
                foreach (double v in slice) m = Math.Max(m, Math.Abs(v));
                // The scale is stored as FLOAT16 but rounded to a bfloat16 value first, as AI Edge Quantizer does:
                // XNNPack's blockwise kernels read the scales as bfloat16, so both runtimes then use the same number.
                var s = BFloat16Scale(m / qmax);
                if (m == 0) s = (Half)1f;
                scales[r * blocks + b] = s;
                double sd = (double)s;
                for (int k = 0; k < block; k++)
                    q[r * cols + b * block + k] = Math.Clamp(Math.Round(slice[k] / sd, MidpointRounding.AwayFromZero), -qmax, qmax);
            }
        }
        return (q, scales);
    }

    /// <summary>
    /// The smallest value ≥ <paramref name="target"/> exact in both bfloat16 and float16 (8 significant bits, within
    /// float16's normal range), so that max|w| / scale ≤ qmax.
    /// </summary>
    internal static Half BFloat16Scale(double target)
    {
        const double min = 6.103515625e-05; // smallest normal float16
        if (!(target > min)) return (Half)min;
        if (target >= 65024) return (Half)65024; // largest float16 with 8 significant bits
        int e = (int)Math.Floor(Math.Log2(target));
        double ulp = Math.Pow(2, e - 7);
        double v = Math.Ceiling(target / ulp) * ulp;
        return (Half)v;
    }

    /// <summary>The weights as the quantized model sees them (dequantized), for error estimates.</summary>
    public static double[] Dequantize(double[] q, float[] scales, int[] shape, int axis)
    {
        int channels = scales.Length;
        long inner = 1;
        if (axis >= 0) for (int k = axis + 1; k < shape.Length; k++) inner *= shape[k];
        var r = new double[q.Length];
        for (int i = 0; i < q.Length; i++) r[i] = q[i] * scales[channels == 1 ? 0 : (int)(i / inner % channels)];
        return r;
    }

    public static byte[] Encode(Format.Schema.TensorType type, double[] values, int[] shape) => TensorData.Encode(type, values, shape, null);
}
