using System.Numerics.Tensors;
using LiteRt.Format.Schema;
using LiteRt.Runtime.Execution;

namespace LiteRt.Runtime.Cpu.Kernels.NeuralNet;

/// <summary>LOG_SOFTMAX float32 over the last axis: x − max − log Σ exp(x − max) (vectorized per row).</summary>
public static unsafe class LogSoftmaxFloatKernel
{
    public static void Prepare(PreparedNode node)
    {
        if (node.Input(0).Type != TensorType.Float32 || node.Output(0).Type != TensorType.Float32)
            throw node.Error("expected float32 input and output");
        if (node.Input(0).Rank < 1) throw node.Error("input must have at least one dim");
    }

    public static void Eval(PreparedNode node)
    {
        var input = node.Input(0);
        ReadOnlySpan<float> x = input.AsReadOnlySpan<float>();
        Span<float> y = node.Output(0).AsSpan<float>();
        int depth = input.Shape[^1];
        if (depth == 0) return;
        for (int r = 0; r + depth <= x.Length; r += depth)
        {
            var row = x.Slice(r, depth);
            var outRow = y.Slice(r, depth);
            float max = TensorPrimitives.Max(row);
            TensorPrimitives.Subtract(row, max, outRow);
            TensorPrimitives.Exp(outRow, outRow);
            float log = MathF.Log(TensorPrimitives.Sum(outRow));
            TensorPrimitives.Subtract(row, max + log, outRow);
        }
    }
}
