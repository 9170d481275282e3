using System.Numerics.Tensors;
using LiteRt.Format.Schema;
using LiteRt.Graph.Catalog;
using LiteRt.Runtime.Execution;

namespace LiteRt.Runtime.Cpu.Kernels.NeuralNet;

/// <summary>SOFTMAX float32 over the last axis: exp(beta·(x − max)), normalized by its sum (vectorized per row).</summary>
public static unsafe class SoftmaxFloatKernel
{
    private sealed class State
    {
        public int Depth;
        public float Beta;
    }

    public static void Prepare(PreparedNode node)
    {
        if (node.Input(0).Type != TensorType.Float32 || node.Output(0).Type != TensorType.Float32)
            throw node.Error("expected float32 input and output");
        var input = node.Input(0);
        if (input.Rank < 1) throw node.Error("input must have at least one dim");
        node.State = new State { Depth = input.Shape[^1], Beta = NeuralNetAttributes.SoftmaxBeta(node.Op) };
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
            float max = TensorPrimitives.Max(row);
            TensorPrimitives.Subtract(row, max, outRow);
            if (st.Beta != 1f) TensorPrimitives.Multiply(outRow, st.Beta, outRow);
            TensorPrimitives.Exp(outRow, outRow);
            float sum = TensorPrimitives.Sum(outRow);
            TensorPrimitives.Divide(outRow, sum, outRow);
        }
    }
}
