using LiteRt.Format.Schema;
using LiteRt.Runtime.Execution;

namespace LiteRt.Runtime.Cpu.Kernels;

/// <summary>
/// DEQUANTIZE to FLOAT32: x = (float)(scale · (q − zero_point)) from UINT8 / INT8 / INT16 / INT32, per tensor or per
/// axis; FLOAT16 is widened.
/// </summary>
public static class DequantizeKernel
{
    public static bool Supports(TensorType t) =>
        t is TensorType.Uint8 or TensorType.Int8 or TensorType.Int16 or TensorType.Int32 or TensorType.Float16;

    public static void Prepare(PreparedNode node)
    {
        RuntimeTensor x = node.Input(0), y = node.Output(0);
        if (y.Type != TensorType.Float32) throw node.Error($"output {y} must be FLOAT32");
        if (!Supports(x.Type)) throw node.Error($"cannot dequantize {x.Type.Name()}");
        if (x.ElementCount != y.ElementCount) throw node.Error($"output {y} does not have the shape of input {x}");
        node.State = AxisQuantization.Create(x, node);
    }

    public static void Eval(PreparedNode node)
    {
        RuntimeTensor x = node.Input(0), y = node.Output(0);
        var axis = node.GetState<AxisQuantization>();
        var output = y.AsSpan<float>();
        switch (x.Type)
        {
            case TensorType.Uint8: Dequantize(x.AsReadOnlySpan<byte>(), output, axis); break;
            case TensorType.Int8: Dequantize(x.AsReadOnlySpan<sbyte>(), output, axis); break;
            case TensorType.Int16: Dequantize(x.AsReadOnlySpan<short>(), output, axis); break;
            case TensorType.Int32: Dequantize(x.AsReadOnlySpan<int>(), output, axis); break;
            default:
                var h = x.AsReadOnlySpan<Half>();
                for (int i = 0; i < output.Length; i++) output[i] = (float)h[i];
                break;
        }
    }

    private static void Dequantize<T>(ReadOnlySpan<T> x, Span<float> y, AxisQuantization axis) where T : unmanaged, System.Numerics.IBinaryInteger<T>
    {
        for (int o = 0, i = 0; o < axis.Outer; o++)
            for (int c = 0; c < axis.AxisSize; c++)
            {
                double scale = axis.Scales[c];
                long zero = axis.ZeroPoints[c];
                for (int k = 0; k < axis.Inner; k++, i++) y[i] = (float)(scale * (long.CreateTruncating(x[i]) - zero));
            }
    }
}
