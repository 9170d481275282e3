using System.Numerics;
using LiteRt.Graph;
using LiteRt.Graph.Catalog;
using LiteRt.Runtime.Execution;

namespace LiteRt.Runtime.Cpu.Kernels;

/// <summary>
/// Quantized unary op (UINT8 / INT8: 256 entries, INT16: 65536 entries) as a lookup table built in Prepare from the
/// catalog's float64 math (<see cref="ElementwiseFunctions.Unary"/>): entry q = quantize_out(f(dequantize_in(q))),
/// so results equal the reference exactly. Input and output are per-tensor quantized with the same storage type.
/// </summary>
public static class LookupTableKernel<T> where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T>
{
    public sealed class State(T[] table)
    {
        public T[] Table { get; } = table;
    }

    public static void Prepare(PreparedNode node)
    {
        RuntimeTensor x = node.Input(0), y = node.Output(0);
        if (x.ElementCount != y.ElementCount) throw node.Error($"output {y} does not have the shape of input {x}");
        if (x.Quantization is { IsPerChannel: true } || y.Quantization is { IsPerChannel: true })
            throw node.Error("per-axis quantization is not supported for this op");
        var f = ElementwiseFunctions.Unary(node.Op) ?? throw node.Error($"{node.Op.OpName} is not a unary elementwise op");
        int min = int.CreateTruncating(T.MinValue), max = int.CreateTruncating(T.MaxValue);
        double inScale = x.Scale, outScale = y.Scale;
        int inZero = x.ZeroPoint, outZero = y.ZeroPoint;
        var table = new T[max - min + 1];
        for (int q = min; q <= max; q++)
        {
            double real = inScale * (q - inZero);
            table[q - min] = T.CreateTruncating(TensorData.QuantizeValue(f(real), outScale, outZero, y.Type));
        }
        node.State = new State(table);
    }

    public static void Eval(PreparedNode node)
    {
        var table = node.GetState<State>().Table;
        var x = node.Input(0).AsReadOnlySpan<T>();
        var y = node.Output(0).AsSpan<T>();
        int min = int.CreateTruncating(T.MinValue);
        for (int i = 0; i < y.Length; i++) y[i] = table[int.CreateTruncating(x[i]) - min];
    }
}
