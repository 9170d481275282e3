using System.Runtime.CompilerServices;
using System.Numerics.Tensors;
using LiteRt.Format.Schema;
using LiteRt.Runtime.Execution;

namespace LiteRt.Runtime.Cpu.Kernels.NeuralNet;

/// <summary>L2_NORMALIZATION float32 over the last axis: x / max(sqrt(Σ x²), 1e-6), then the activation clamp.</summary>
public static unsafe class L2NormalizationFloatKernel
{
    private sealed class State
    {
        public int Depth;
        public float Min, Max;
    }

    public static void Prepare(PreparedNode node)
    {
        if (node.Input(0).Type != TensorType.Float32 || node.Output(0).Type != TensorType.Float32)
            throw node.Error("expected float32 input and output");
        if (node.Input(0).Rank < 1) throw node.Error("input must have at least one dim");
        var (min, max) = FusedActivation.FloatRange(node.Op.FusedActivation);
        node.State = new State { Depth = node.Input(0).Shape[^1], Min = min, Max = max };
    }

    public static void Eval(PreparedNode node)
    {
        var st = node.GetState<State>();
        ReadOnlySpan<float> x = node.Input(0).AsReadOnlySpan<float>();
        Span<float> y = node.Output(0).AsSpan<float>();
        int depth = st.Depth;
        if (depth == 0) return;
        for (int r = 0; r + depth <= x.Length; r += depth)
        {
            var row = x.Slice(r, depth);
            var outRow = y.Slice(r, depth);
            float norm = MathF.Max(MathF.Sqrt(TensorPrimitives.SumOfSquares(row)), 1e-6f);
            TensorPrimitives.Divide(row, norm, outRow);
            NeuralNetActivation.Clamp(outRow, st.Min, st.Max);
        }
    }
}

/// <summary>
/// L2_NORMALIZATION uint8/int8 (per-tensor) over the last axis, for whatever output quantization the tensor declares:
/// exact integer sum of squares of (q − zp), then each value scaled by in_scale / (max(norm, 1e-6) · out_scale) and
/// rounded.
/// </summary>
public static unsafe class L2NormalizationQuantizedKernel
{
    private sealed class State
    {
        public int Depth, InZp, OutZp, Min, Max;
        public double InScale, OutScale;
        public bool Signed;
    }

    public static void Prepare(PreparedNode node)
    {
        var input = node.Input(0);
        var output = node.Output(0);
        if (!QuantizedMath.Is8Bit(input.Type) || output.Type != input.Type)
            throw node.Error($"expected uint8 or int8 input and output of one type, got {input}, {output}");
        if (input.Rank < 1) throw node.Error("input must have at least one dim");
        var (inScale, inZp) = QuantizedMath.TensorParams(node, input);
        var (outScale, outZp) = QuantizedMath.TensorParams(node, output);
        var (min, max) = FusedActivation.QuantizedRange(node.Op.FusedActivation, outScale, outZp, output.Type);
        node.State = new State
        {
            Depth = input.Shape[^1], InZp = inZp, OutZp = outZp, Min = min, Max = max, InScale = inScale, OutScale = outScale,
            Signed = input.Type == TensorType.Int8,
        };
    }

    public static void Eval(PreparedNode node)
    {
        var st = node.GetState<State>();
        if (st.Signed) Run<sbyte>(node, st);
        else Run<byte>(node, st);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Run<T>(PreparedNode node, State st) where T : unmanaged
    {
        ReadOnlySpan<T> x = node.Input(0).AsReadOnlySpan<T>();
        Span<byte> y = node.Output(0).AsSpan<byte>();
        int depth = st.Depth;
        if (depth == 0) return;
        for (int r = 0; r + depth <= x.Length; r += depth)
        {
            var row = x.Slice(r, depth);
            long sq = 0;
            for (int i = 0; i < depth; i++)
            {
                int v = QuantizedMath.ToInt(row[i]) - st.InZp;
                sq += v * v;
            }
            double norm = Math.Max(st.InScale * Math.Sqrt(sq), 1e-6);
            double factor = st.InScale / (norm * st.OutScale);
            for (int i = 0; i < depth; i++)
                y[r + i] = (byte)QuantizedMath.Requantize(QuantizedMath.ToInt(row[i]) - st.InZp, factor, st.OutZp, st.Min, st.Max);
        }
    }
}
