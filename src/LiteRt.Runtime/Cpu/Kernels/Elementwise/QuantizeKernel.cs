using LiteRt.Format.Schema;
using LiteRt.Graph;
using LiteRt.Runtime.Execution;

namespace LiteRt.Runtime.Cpu.Kernels;

/// <summary>
/// QUANTIZE. From FLOAT32: q = clamp(round(x / scale) + zero_point) to UINT8 / INT8 / INT16, per tensor or per axis.
/// From UINT8 / INT8 / INT16 (requantize, per tensor): TFLite's fixed-point Requantize,
/// q = clamp(MultiplyByQuantizedMultiplier(x − zp_in, s_in/s_out) + zp_out).
/// </summary>
public static class QuantizeKernel
{
    public static bool IsQuantizedStorage(TensorType t) => t is TensorType.Uint8 or TensorType.Int8 or TensorType.Int16;

    public sealed class State(AxisQuantization axis, QuantizedMultiplier.Fixed multiplier, int inputZero, int outputZero, int min, int max)
    {
        public AxisQuantization Axis { get; } = axis;
        public QuantizedMultiplier.Fixed Multiplier { get; } = multiplier;
        public int InputZero { get; } = inputZero;
        public int OutputZero { get; } = outputZero;
        public int Min { get; } = min;
        public int Max { get; } = max;
    }

    public static void Prepare(PreparedNode node)
    {
        RuntimeTensor x = node.Input(0), y = node.Output(0);
        if (!IsQuantizedStorage(y.Type) || y.Quantization is null)
            throw node.Error($"output {y} must be a quantized UINT8, INT8 or INT16 tensor");
        if (x.ElementCount != y.ElementCount) throw node.Error($"output {y} does not have the shape of input {x}");
        var (lo, hi) = y.Type.IntegerRange();
        var axis = AxisQuantization.Create(y, node);
        var multiplier = default(QuantizedMultiplier.Fixed);
        if (x.Type != TensorType.Float32)
        {
            if (!IsQuantizedStorage(x.Type)) throw node.Error($"cannot quantize from {x.Type.Name()}");
            if (x.Quantization is { IsPerChannel: true } || y.Quantization.IsPerChannel)
                throw node.Error("requantization needs per-tensor quantization");
            try { multiplier = QuantizedMultiplier.Fixed.From((double)x.Scale / y.Scale); }
            catch (ArgumentOutOfRangeException e) { throw node.Error(e.Message); }
        }
        node.State = new State(axis, multiplier, x.ZeroPoint, y.ZeroPoint, (int)lo, (int)hi);
    }

    public static void Eval(PreparedNode node)
    {
        RuntimeTensor x = node.Input(0), y = node.Output(0);
        var s = node.GetState<State>();
        switch (x.Type)
        {
            case TensorType.Float32:
                switch (y.Type)
                {
                    case TensorType.Uint8: FromFloat(x.AsReadOnlySpan<float>(), y.AsSpan<byte>(), s); break;
                    case TensorType.Int8: FromFloat(x.AsReadOnlySpan<float>(), y.AsSpan<sbyte>(), s); break;
                    default: FromFloat(x.AsReadOnlySpan<float>(), y.AsSpan<short>(), s); break;
                }
                break;
            case TensorType.Uint8: Requantize(x.AsReadOnlySpan<byte>(), y, s); break;
            case TensorType.Int8: Requantize(x.AsReadOnlySpan<sbyte>(), y, s); break;
            default: Requantize(x.AsReadOnlySpan<short>(), y, s); break;
        }
    }

    private static void FromFloat<TOut>(ReadOnlySpan<float> x, Span<TOut> y, State s) where TOut : unmanaged, System.Numerics.INumberBase<TOut>
    {
        var axis = s.Axis;
        for (int o = 0, i = 0; o < axis.Outer; o++)
            for (int c = 0; c < axis.AxisSize; c++)
            {
                double scale = axis.Scales[c];
                int zero = axis.ZeroPoints[c];
                for (int k = 0; k < axis.Inner; k++, i++)
                {
                    double q = Math.Round(x[i] / scale, MidpointRounding.AwayFromZero) + zero;
                    y[i] = TOut.CreateTruncating(double.IsNaN(q) ? zero : (int)Math.Clamp(q, s.Min, s.Max));
                }
            }
    }

    private static void Requantize<TIn>(ReadOnlySpan<TIn> x, RuntimeTensor y, State s) where TIn : unmanaged, System.Numerics.IBinaryInteger<TIn>
    {
        switch (y.Type)
        {
            case TensorType.Uint8: Requantize(x, y.AsSpan<byte>(), s); break;
            case TensorType.Int8: Requantize(x, y.AsSpan<sbyte>(), s); break;
            default: Requantize(x, y.AsSpan<short>(), s); break;
        }
    }

    private static void Requantize<TIn, TOut>(ReadOnlySpan<TIn> x, Span<TOut> y, State s)
        where TIn : unmanaged, System.Numerics.IBinaryInteger<TIn>
        where TOut : unmanaged, System.Numerics.IBinaryInteger<TOut>
    {
        var m = s.Multiplier;
        int zin = s.InputZero, zout = s.OutputZero, min = s.Min, max = s.Max;
        for (int i = 0; i < y.Length; i++)
            y[i] = TOut.CreateTruncating(Math.Clamp(m.Apply(int.CreateTruncating(x[i]) - zin) + zout, min, max));
    }
}
