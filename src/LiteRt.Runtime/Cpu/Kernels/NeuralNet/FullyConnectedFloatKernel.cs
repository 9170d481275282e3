using System.Numerics.Tensors;
using LiteRt.Format.Schema;
using LiteRt.Runtime.Execution;

namespace LiteRt.Runtime.Cpu.Kernels.NeuralNet;

/// <summary>FULLY_CONNECTED float32: each output is a dot product of an input row with a weights row, plus bias, clamped.</summary>
public static unsafe class FullyConnectedFloatKernel
{
    private sealed class State
    {
        public FullyConnectedDims D;
        public float Min, Max;
    }

    public static void Prepare(PreparedNode node)
    {
        ConvDims.RequireTypes(node, TensorType.Float32, TensorType.Float32, TensorType.Float32);
        var d = FullyConnectedDims.Read(node);
        var (min, max) = NeuralNetActivation.FloatRange(d.Activation);
        node.State = new State { D = d, Min = min, Max = max };
    }

    public static void Eval(PreparedNode node)
    {
        var st = node.GetState<State>();
        var d = st.D;
        ReadOnlySpan<float> x = node.Input(0).AsReadOnlySpan<float>();
        ReadOnlySpan<float> w = node.Input(1).AsReadOnlySpan<float>();
        ReadOnlySpan<float> bias = node.HasInput(2) ? node.Input(2).AsReadOnlySpan<float>() : default;
        Span<float> y = node.Output(0).AsSpan<float>();
        for (int r = 0; r < d.Rows; r++)
        {
            var row = x.Slice(r * d.Depth, d.Depth);
            var outRow = y.Slice(r * d.Units, d.Units);
            for (int u = 0; u < d.Units; u++)
                outRow[u] = TensorPrimitives.Dot(row, w.Slice(u * d.Depth, d.Depth)) + (bias.IsEmpty ? 0f : bias[u]);
            NeuralNetActivation.Clamp(outRow, st.Min, st.Max);
        }
    }
}
