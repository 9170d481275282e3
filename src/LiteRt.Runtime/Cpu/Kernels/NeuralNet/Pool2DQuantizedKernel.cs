using System.Runtime.CompilerServices;
using LiteRt.Format.Schema;
using LiteRt.Runtime.Execution;

namespace LiteRt.Runtime.Cpu.Kernels.NeuralNet;

/// <summary>
/// AVERAGE_POOL_2D and MAX_POOL_2D uint8/int8 (per-tensor). Average: int32 sums per channel (scratch) divided with
/// TFLite's integer rounding when input and output quantization agree, else requantized in float64. Max: the raw
/// maximum mapped through a 256-entry table (requantization and activation clamp are monotonic).
/// </summary>
public static unsafe class Pool2DQuantizedKernel
{
    private sealed class State
    {
        public required PoolDims D;
        public required byte[] Table;
        public bool Average, Signed, SameParams;
        public int InZp, OutZp, Min, Max;
        public double Ratio;
    }

    public static void Prepare(PreparedNode node)
    {
        var input = node.Input(0);
        var output = node.Output(0);
        var type = input.Type;
        if (!QuantizedMath.Is8Bit(type) || output.Type != type) throw node.Error($"expected uint8 or int8 input and output of one type, got {input}, {output}");
        var d = PoolDims.Read(node);
        var (inScale, inZp) = QuantizedMath.TensorParams(node, input);
        var (outScale, outZp) = QuantizedMath.TensorParams(node, output);
        var (min, max) = FusedActivation.QuantizedRange(d.Attributes.Activation, outScale, outZp, type);
        var st = new State
        {
            D = d, Table = new byte[256], Average = node.Op.Op == BuiltinOperator.AveragePool2d, Signed = type == TensorType.Int8,
            SameParams = inScale == outScale && inZp == outZp, InZp = inZp, OutZp = outZp, Min = min, Max = max,
            Ratio = (double)inScale / outScale,
        };
        int typeMin = st.Signed ? -128 : 0;
        for (int i = 0; i < 256; i++)
        {
            int q = typeMin + i;
            int r = st.SameParams ? Math.Clamp(q, min, max) : QuantizedMath.Requantize(q - inZp, st.Ratio, outZp, min, max);
            st.Table[i] = (byte)r;
        }
        node.State = st;
        node.ScratchBytes = (long)d.Channels * sizeof(int);
    }

    public static void Eval(PreparedNode node)
    {
        var st = node.GetState<State>();
        if (st.Signed) Run<sbyte>(node, st, -128);
        else Run<byte>(node, st, 0);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Run<T>(PreparedNode node, State st, int typeMin) where T : unmanaged
    {
        var d = st.D;
        ReadOnlySpan<T> x = node.Input(0).AsReadOnlySpan<T>();
        Span<byte> y = node.Output(0).AsSpan<byte>();
        if (y.Length == 0) return;
        int c = d.Channels;
        Span<int> acc = node.ScratchSpan<int>(0, c);
        for (int b = 0; b < d.Batches; b++)
        for (int oy = 0; oy < d.OutHeight; oy++)
        for (int ox = 0; ox < d.OutWidth; ox++)
        {
            var outRow = y.Slice(((b * d.OutHeight + oy) * d.OutWidth + ox) * c, c);
            var (y0, y1, x0, x1) = d.Clip(oy, ox);
            int count = Math.Max(y1 - y0, 0) * Math.Max(x1 - x0, 0);
            if (count == 0)
            {
                outRow.Fill((byte)Math.Clamp(st.OutZp, st.Min, st.Max));
                continue;
            }
            if (st.Average) acc.Clear();
            else acc.Fill(int.MinValue);
            for (int iy = y0; iy < y1; iy++)
            for (int ix = x0; ix < x1; ix++)
            {
                var inRow = x.Slice(((b * d.InHeight + iy) * d.InWidth + ix) * c, c);
                if (st.Average)
                    for (int i = 0; i < c; i++) acc[i] += QuantizedMath.ToInt(inRow[i]);
                else
                    for (int i = 0; i < c; i++) acc[i] = Math.Max(acc[i], QuantizedMath.ToInt(inRow[i]));
            }
            if (!st.Average)
            {
                for (int i = 0; i < c; i++) outRow[i] = st.Table[acc[i] - typeMin];
            }
            else if (st.SameParams)
            {
                int half = count / 2;
                for (int i = 0; i < c; i++)
                {
                    int s = acc[i];
                    int avg = s > 0 ? (s + half) / count : (s - half) / count;
                    outRow[i] = (byte)Math.Clamp(avg, st.Min, st.Max);
                }
            }
            else
            {
                double scale = st.Ratio / count;
                for (int i = 0; i < c; i++)
                    outRow[i] = (byte)QuantizedMath.Requantize(acc[i] - (long)count * st.InZp, scale, st.OutZp, st.Min, st.Max);
            }
        }
    }
}
