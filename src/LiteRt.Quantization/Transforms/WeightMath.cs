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
                var s = (Half)(m / qmax);
                // Tiny blocks: fp16 underflows to 0 or loses precision; keep the scale positive and representable.
                if (m == 0) s = (Half)1f;
                else if ((double)s <= 0 || double.IsInfinity((double)s)) s = m > 1 ? Half.MaxValue : Half.Epsilon;
                else if ((double)s * qmax < m) s = NextUp(s);
                scales[r * blocks + b] = s;
                double sd = (double)s;
                for (int k = 0; k < block; k++)
                    q[r * cols + b * block + k] = Math.Clamp(Math.Round(slice[k] / sd, MidpointRounding.AwayFromZero), -qmax, qmax);
            }
        }
        return (q, scales);
    }

    private static Half NextUp(Half h) => BitConverter.UInt16BitsToHalf((ushort)(BitConverter.HalfToUInt16Bits(h) + 1));

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
