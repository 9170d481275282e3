using System.Numerics;
using LiteRt.Format.Schema;
using LiteRt.Graph;
using LiteRt.Graph.Catalog;
using LiteRt.Runtime.Execution;

namespace LiteRt.Runtime.Cpu.Kernels.DataMovement;

/// <summary>
/// MEAN, SUM and REDUCE_MAX over constant axes. float32 sums accumulate in float64; integer sums in int64
/// (quantized inputs: stored values, then one requantization per output element:
/// <c>q = round(s_in·(Σq − n·zp_in)[/n] / s_out) + zp_out</c>; unquantized integer MEAN truncates).
/// REDUCE_MAX keeps the stored maximum (requantized by table when 8-bit quantization differs).
/// </summary>
public static class ReduceKernel
{
    private enum Mode { FloatSum, IntegerSum, QuantizedSum, Max }

    private sealed class State
    {
        public required ReductionLayout Layout;
        public required Mode Mode;
        public required bool Mean;
        public required int OutputCount;
        public double InScale = 1, OutScale = 1;
        public long InZeroPoint, OutZeroPoint;
        public byte[]? Table;
    }

    public static void Prepare(PreparedNode node)
    {
        var input = node.Input(0);
        var output = node.Output(0);
        if (input.Type != output.Type) throw node.Error($"output {output} must have the type of input {input}");
        var axes = LayoutTypes.ConstantInts(node, 1, "axis");
        bool[] mask;
        try
        {
            mask = ReductionAxes.Mask(axes, input.Rank);
        }
        catch (ArgumentException e)
        {
            throw node.Error(e.Message);
        }
        var layout = ReductionLayout.Create(input.Shape, mask);
        var op = node.Op.Op;
        bool quantized = input.Quantization is not null && output.Quantization is not null && input.Type != TensorType.Float32;
        var mode = op == BuiltinOperator.ReduceMax ? Mode.Max
            : input.Type == TensorType.Float32 ? Mode.FloatSum
            : quantized ? Mode.QuantizedSum
            : Mode.IntegerSum;
        if (quantized && (input.Quantization!.IsPerChannel || output.Quantization!.IsPerChannel))
            throw node.Error("per-axis quantized reductions are not supported");
        var st = new State
        {
            Layout = layout,
            Mode = mode,
            Mean = op == BuiltinOperator.Mean,
            OutputCount = checked((int)output.ElementCount),
        };
        if (quantized)
        {
            st.InScale = input.Quantization!.ScaleAt(0);
            st.InZeroPoint = input.Quantization.ZeroPointAt(0);
            st.OutScale = output.Quantization!.ScaleAt(0);
            st.OutZeroPoint = output.Quantization.ZeroPointAt(0);
        }
        if (mode == Mode.Max) st.Table = LayoutRequantization.Table(node, input, output);
        node.ScratchBytes = mode == Mode.Max ? 0 : (long)st.OutputCount * 8;
        node.State = st;
    }

    public static unsafe void Eval(PreparedNode node)
    {
        var st = node.GetState<State>();
        var input = node.Input(0);
        var output = node.Output(0);
        switch (st.Mode)
        {
            case Mode.FloatSum:
            {
                var acc = new Span<double>(node.Scratch, st.OutputCount);
                acc.Clear();
                var r = new FloatSumReducer((double*)node.Scratch);
                ReductionWalker.Walk(st.Layout, (float*)input.Data, ref r);
                var y = output.AsSpan<float>();
                double div = st.Mean ? st.Layout.ReducedCount : 1;
                for (int i = 0; i < y.Length; i++) y[i] = (float)(acc[i] / div);
                break;
            }
            case Mode.IntegerSum:
            case Mode.QuantizedSum:
                switch (input.Type)
                {
                    case TensorType.Uint8: Sum<byte>(node, st); break;
                    case TensorType.Int8: Sum<sbyte>(node, st); break;
                    case TensorType.Int16: Sum<short>(node, st); break;
                    case TensorType.Int32: Sum<int>(node, st); break;
                    case TensorType.Int64: Sum<long>(node, st); break;
                }
                break;
            default:
                switch (input.Type)
                {
                    case TensorType.Float32: Max<float>(node, st); break;
                    case TensorType.Uint8: Max<byte>(node, st); break;
                    case TensorType.Int8: Max<sbyte>(node, st); break;
                    case TensorType.Int16: Max<short>(node, st); break;
                    case TensorType.Int32: Max<int>(node, st); break;
                    case TensorType.Int64: Max<long>(node, st); break;
                }
                break;
        }
    }

    private static unsafe void Sum<T>(PreparedNode node, State st) where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T>
    {
        var acc = new Span<long>(node.Scratch, st.OutputCount);
        acc.Clear();
        var r = new IntegerSumReducer<T>((long*)node.Scratch);
        ReductionWalker.Walk(st.Layout, (T*)node.Input(0).Data, ref r);
        var output = node.Output(0);
        var y = output.AsSpan<T>();
        long n = st.Layout.ReducedCount;
        if (st.Mode == Mode.QuantizedSum)
        {
            double scale = st.InScale / (st.Mean ? n : 1);
            for (int i = 0; i < y.Length; i++)
            {
                double real = scale * (acc[i] - n * st.InZeroPoint);
                y[i] = T.CreateTruncating(TensorData.QuantizeValue(real, st.OutScale, st.OutZeroPoint, output.Type));
            }
        }
        else
        {
            for (int i = 0; i < y.Length; i++)
            {
                long v = st.Mean ? (n == 0 ? 0 : acc[i] / n) : acc[i];
                y[i] = T.CreateSaturating(v);
            }
        }
    }

    private static unsafe void Max<T>(PreparedNode node, State st) where T : unmanaged, INumber<T>, IMinMaxValue<T>
    {
        var output = node.Output(0);
        var y = output.AsSpan<T>();
        y.Fill(T.MinValue); // float: the lowest finite value, as LiteRT
        if (st.Layout.ReducedCount == 0) return;
        var r = new MaxReducer<T>((T*)output.Data);
        ReductionWalker.Walk(st.Layout, (T*)node.Input(0).Data, ref r);
        if (st.Table is { } table) ByteMoves.Move(output.Bytes, output.Bytes, table);
    }
}
