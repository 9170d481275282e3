using LiteRt.Format.Schema;
using LiteRt.Graph;

namespace LiteRt.Runtime.Tests.Kernels.NeuralNet;

/// <summary>The element type a NeuralNet kernel test runs in.</summary>
public enum Variant { F32, U8, I8 }

/// <summary>Quantization parameters for kernel tests, chosen from the real ranges the data covers.</summary>
internal static class Quant
{
    public static TensorType Type(Variant v) => v switch { Variant.U8 => TensorType.Uint8, Variant.I8 => TensorType.Int8, _ => TensorType.Float32 };

    /// <summary>Asymmetric per-tensor parameters covering [min, max] (widened to include 0); null for float.</summary>
    public static QuantizationParams? Activation(Variant v, double min, double max)
    {
        if (v == Variant.F32) return null;
        min = Math.Min(min, 0);
        max = Math.Max(max, 0);
        if (max - min < 1e-6) max = min + 1;
        double scale = (max - min) / 255;
        long zp = (long)Math.Round(-min / scale) + (v == Variant.I8 ? -128 : 0);
        return QuantizationParams.PerTensor((float)scale, zp);
    }

    /// <summary>
    /// Weights: uint8 asymmetric per tensor; int8 symmetric (zero point 0) per channel along <paramref name="dim"/>
    /// when <paramref name="perChannel"/>, else per tensor.
    /// </summary>
    public static QuantizationParams? Weights(Variant v, double[] w, int[] shape, int dim, bool perChannel)
    {
        if (v == Variant.F32) return null;
        if (v == Variant.U8) return Activation(v, w.Length == 0 ? -1 : w.Min(), w.Length == 0 ? 1 : w.Max());
        int channels = perChannel ? shape[dim] : 1;
        long inner = 1;
        for (int k = dim + 1; k < shape.Length; k++) inner *= shape[k];
        var maxAbs = new double[channels];
        for (int i = 0; i < w.Length; i++)
        {
            int c = perChannel ? (int)(i / inner % shape[dim]) : 0;
            maxAbs[c] = Math.Max(maxAbs[c], Math.Abs(w[i]));
        }
        var scales = maxAbs.Select(m => (float)(m > 0 ? m / 127 : 1.0 / 127)).ToArray();
        return perChannel ? QuantizationParams.PerAxis(scales, new long[channels], dim) : QuantizationParams.PerTensor(scales[0], 0);
    }

    /// <summary>int32 bias parameters: scale input_scale · weight_scale[c], zero point 0.</summary>
    public static QuantizationParams? Bias(Variant v, QuantizationParams? input, QuantizationParams? weights, int channels)
    {
        if (v == Variant.F32) return null;
        float s = input!.Scale![0];
        if (weights!.IsPerChannel)
            return QuantizationParams.PerAxis(weights.Scale!.Select(ws => s * ws).ToArray(), new long[channels], 0);
        return QuantizationParams.PerTensor(s * weights.Scale![0], 0);
    }

    public static TensorType BiasType(Variant v) => v == Variant.F32 ? TensorType.Float32 : TensorType.Int32;

    public static readonly ActivationFunctionType[] Activations =
        [ActivationFunctionType.None, ActivationFunctionType.Relu, ActivationFunctionType.ReluN1To1, ActivationFunctionType.Relu6];
}
