using LiteRt.Format.Schema;
using LiteRt.Runtime.Execution;

namespace LiteRt.Runtime.Cpu.Kernels.NeuralNet;

/// <summary>
/// SOFTMAX and LOG_SOFTMAX on uint8/int8 input (per-tensor) over the last axis, writing whatever quantization the
/// output declares (uint8, int8 or int16): exp(−beta·in_scale·(max − q)) comes from a 256-entry table, so a row costs
/// a max, a table sum and one rounding per element.
/// </summary>
public static unsafe class SoftmaxQuantizedKernel
{
    private sealed class State
    {
        public required double[] Table;
        public int Depth, InZp, OutZp, Min, Max;
        public double InScale, OutScale;
        public bool Log, Signed;
        public TensorType OutType;
    }

    public static void Prepare(PreparedNode node)
    {
        var input = node.Input(0);
        var output = node.Output(0);
        if (!QuantizedMath.Is8Bit(input.Type) || !(QuantizedMath.Is8Bit(output.Type) || output.Type == TensorType.Int16))
            throw node.Error($"expected uint8/int8 input and uint8/int8/int16 output, got {input}, {output}");
        if (input.Rank < 1) throw node.Error("input must have at least one dim");
        var (inScale, inZp) = QuantizedMath.TensorParams(node, input);
        var (outScale, outZp) = QuantizedMath.TensorParams(node, output);
        bool log = node.Op.Op == BuiltinOperator.LogSoftmax;
        double beta = log ? 1.0 : Graph.Catalog.NeuralNetAttributes.SoftmaxBeta(node.Op);
        var table = new double[256];
        for (int d = 0; d < 256; d++) table[d] = Math.Exp(-beta * inScale * d);
        var (min, max) = QuantizedMath.TypeRange(output.Type);
        node.State = new State
        {
            Table = table, Depth = input.Shape[^1], InZp = inZp, OutZp = outZp, Min = min, Max = max,
            InScale = inScale, OutScale = outScale, Log = log, Signed = input.Type == TensorType.Int8, OutType = output.Type,
        };
    }

    public static void Eval(PreparedNode node)
    {
        var st = node.GetState<State>();
        if (st.Signed) Run<sbyte>(node, st);
        else Run<byte>(node, st);
    }

    private static void Run<T>(PreparedNode node, State st) where T : unmanaged
    {
        ReadOnlySpan<T> x = node.Input(0).AsReadOnlySpan<T>();
        var output = node.Output(0);
        Span<byte> y8 = output.Type == TensorType.Int16 ? default : output.AsSpan<byte>();
        Span<short> y16 = output.Type == TensorType.Int16 ? output.AsSpan<short>() : default;
        int depth = st.Depth;
        if (depth == 0) return;
        double[] table = st.Table;
        for (int r = 0; r + depth <= x.Length; r += depth)
        {
            var row = x.Slice(r, depth);
            int max = int.MinValue;
            for (int i = 0; i < depth; i++) max = Math.Max(max, QuantizedMath.ToInt(row[i]));
            double sum = 0;
            for (int i = 0; i < depth; i++) sum += table[max - QuantizedMath.ToInt(row[i])];
            double inv = 1.0 / (sum * st.OutScale), logSum = Math.Log(sum);
            for (int i = 0; i < depth; i++)
            {
                int diff = max - QuantizedMath.ToInt(row[i]);
                double v = st.Log ? (-st.InScale * diff - logSum) / st.OutScale : table[diff] * inv;
                int q = QuantizedMath.RoundClamp(v, st.OutZp, st.Min, st.Max);
                if (y16.IsEmpty) y8[r + i] = (byte)q;
                else y16[r + i] = (short)q;
            }
        }
    }
}
