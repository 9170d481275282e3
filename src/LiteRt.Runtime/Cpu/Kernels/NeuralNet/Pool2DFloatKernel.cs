using System.Runtime.CompilerServices;
using System.Numerics.Tensors;
using LiteRt.Format.Schema;
using LiteRt.Runtime.Execution;

namespace LiteRt.Runtime.Cpu.Kernels.NeuralNet;

/// <summary>
/// AVERAGE_POOL_2D and MAX_POOL_2D float32: per output pixel, the window clipped to the input is reduced row by row
/// over contiguous channels (sum then divide by the number of valid elements, or max), then clamped.
/// </summary>
public static unsafe class Pool2DFloatKernel
{
    private sealed class State
    {
        public required PoolDims D;
        public bool Average;
        public float Min, Max;
    }

    public static void Prepare(PreparedNode node)
    {
        if (node.Input(0).Type != TensorType.Float32 || node.Output(0).Type != TensorType.Float32)
            throw node.Error("expected float32 input and output");
        var d = PoolDims.Read(node);
        var (min, max) = FusedActivation.FloatRange(d.Attributes.Activation);
        node.State = new State { D = d, Average = node.Op.Op == BuiltinOperator.AveragePool2d, Min = min, Max = max };
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Eval(PreparedNode node)
    {
        var st = node.GetState<State>();
        var d = st.D;
        ReadOnlySpan<float> x = node.Input(0).AsReadOnlySpan<float>();
        Span<float> y = node.Output(0).AsSpan<float>();
        if (y.Length == 0) return;
        int c = d.Channels;
        for (int b = 0; b < d.Batches; b++)
        for (int oy = 0; oy < d.OutHeight; oy++)
        for (int ox = 0; ox < d.OutWidth; ox++)
        {
            var outRow = y.Slice(((b * d.OutHeight + oy) * d.OutWidth + ox) * c, c);
            var (y0, y1, x0, x1) = d.Clip(oy, ox);
            int count = Math.Max(y1 - y0, 0) * Math.Max(x1 - x0, 0);
            if (count == 0)
            {
                outRow.Clear();
                continue;
            }
            bool first = true;
            for (int iy = y0; iy < y1; iy++)
            for (int ix = x0; ix < x1; ix++)
            {
                var inRow = x.Slice(((b * d.InHeight + iy) * d.InWidth + ix) * c, c);
                if (first) inRow.CopyTo(outRow);
                else if (st.Average) TensorPrimitives.Add(outRow, inRow, outRow);
                else TensorPrimitives.Max(outRow, inRow, outRow);
                first = false;
            }
            if (st.Average && count > 1) TensorPrimitives.Divide(outRow, (float)count, outRow);
            NeuralNetActivation.Clamp(outRow, st.Min, st.Max);
        }
    }
}
