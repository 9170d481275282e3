using System.Numerics;
using LiteRt.Format.Schema;
using LiteRt.Runtime.Execution;

namespace LiteRt.Runtime.Cpu.Kernels.DataMovement;

/// <summary>
/// ARG_MAX over one constant axis for float32, uint8, int8, int16, int32 and int64 inputs (quantized values compare
/// as stored, the order being the same), writing int32 or int64 indices; ties keep the first index.
/// </summary>
public static class ArgMaxKernel
{
    private sealed class State(long outer, int axisSize, long inner)
    {
        public readonly long Outer = outer;
        public readonly int AxisSize = axisSize;
        public readonly long Inner = inner;
    }

    public static void Prepare(PreparedNode node)
    {
        var input = node.Input(0);
        var output = node.Output(0);
        if (output.Type is not (TensorType.Int32 or TensorType.Int64)) throw node.Error($"output must be int32 or int64, not {output.Type.Name()}");
        var axes = LayoutTypes.ConstantInts(node, 1, "axis");
        if (axes.Length != 1) throw node.Error("axis must hold exactly one value");
        int axis = axes[0] < 0 ? axes[0] + input.Rank : axes[0];
        if (axis < 0 || axis >= input.Rank) throw node.Error($"axis {axes[0]} is out of range for rank {input.Rank}");
        if (input.Shape[axis] == 0) throw node.Error($"ARG_MAX over an empty dimension of {input}");
        node.State = new State(LayoutTypes.Product(input.Shape, 0, axis), input.Shape[axis], LayoutTypes.Product(input.Shape, axis + 1, input.Rank));
    }

    public static void Eval(PreparedNode node)
    {
        if (node.Output(0).Type == TensorType.Int32) ByInput<int>(node);
        else ByInput<long>(node);
    }

    private static void ByInput<TOut>(PreparedNode node) where TOut : unmanaged, IBinaryInteger<TOut>
    {
        var x = node.Input(0);
        switch (x.Type)
        {
            case TensorType.Float32: Run<float, TOut>(node, x.AsReadOnlySpan<float>()); break;
            case TensorType.Uint8: Run<byte, TOut>(node, x.AsReadOnlySpan<byte>()); break;
            case TensorType.Int8: Run<sbyte, TOut>(node, x.AsReadOnlySpan<sbyte>()); break;
            case TensorType.Int16: Run<short, TOut>(node, x.AsReadOnlySpan<short>()); break;
            case TensorType.Int32: Run<int, TOut>(node, x.AsReadOnlySpan<int>()); break;
            case TensorType.Int64: Run<long, TOut>(node, x.AsReadOnlySpan<long>()); break;
        }
    }

    private static void Run<T, TOut>(PreparedNode node, ReadOnlySpan<T> x)
        where T : unmanaged, INumber<T> where TOut : unmanaged, IBinaryInteger<TOut>
    {
        var st = node.GetState<State>();
        var y = node.Output(0).AsSpan<TOut>();
        long inner = st.Inner;
        int n = st.AxisSize;
        if (inner == 1)
        {
            for (long o = 0; o < st.Outer; o++)
            {
                var row = x.Slice((int)(o * n), n);
                T best = row[0];
                int bestIndex = 0;
                for (int k = 1; k < n; k++)
                    if (row[k] > best)
                    {
                        best = row[k];
                        bestIndex = k;
                    }
                y[(int)o] = TOut.CreateTruncating(bestIndex);
            }
            return;
        }
        for (long o = 0; o < st.Outer; o++)
            for (long i = 0; i < inner; i++)
            {
                long b = o * n * inner + i;
                T best = x[(int)b];
                int bestIndex = 0;
                for (int k = 1; k < n; k++)
                {
                    T v = x[(int)(b + k * inner)];
                    if (v > best)
                    {
                        best = v;
                        bestIndex = k;
                    }
                }
                y[(int)(o * inner + i)] = TOut.CreateTruncating(bestIndex);
            }
    }
}
