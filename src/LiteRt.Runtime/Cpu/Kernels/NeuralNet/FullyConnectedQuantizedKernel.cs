using LiteRt.Format.Schema;
using LiteRt.Runtime.Execution;

namespace LiteRt.Runtime.Cpu.Kernels.NeuralNet;

/// <summary>
/// FULLY_CONNECTED uint8 (per-tensor weights) and int8 (per-channel symmetric weights along dim 0): each input row
/// minus its zero point (int16, scratch) dotted exactly with each packed weights row, plus the int32 bias,
/// requantized with in_scale·w_scale[u]/out_scale and clamped to the activation range.
/// </summary>
public static unsafe class FullyConnectedQuantizedKernel
{
    private sealed class State
    {
        public FullyConnectedDims D;
        public required double[] Multipliers;
        public required int[] WeightZeroPoints;
        public short[]? Packed;
        public int InZp, OutZp, ActMin, ActMax;
        public bool Signed;
        public long WeightsOffset;
    }

    public static void Prepare(PreparedNode node)
    {
        var type = node.Input(0).Type;
        if (!QuantizedMath.Is8Bit(type)) throw node.Error($"expected uint8 or int8 input, got {node.Input(0)}");
        ConvDims.RequireTypes(node, type, type, TensorType.Int32);
        var d = FullyConnectedDims.Read(node);
        var (inScale, inZp) = QuantizedMath.TensorParams(node, node.Input(0));
        var (outScale, outZp) = QuantizedMath.TensorParams(node, node.Output(0));
        var weights = node.Input(1);
        var (wScales, wZps) = QuantizedMath.ChannelParams(node, weights, 0, d.Units);
        var mult = new double[d.Units];
        for (int u = 0; u < mult.Length; u++) mult[u] = (double)inScale * wScales[u] / outScale;
        var (min, max) = NeuralNetActivation.QuantizedRange(d.Activation, outScale, outZp, type);
        var st = new State
        {
            D = d, Multipliers = mult, WeightZeroPoints = wZps, InZp = inZp, OutZp = outZp, ActMin = min, ActMax = max,
            Signed = type == TensorType.Int8,
        };
        long scratch = QuantizedMath.Align((long)d.Depth * sizeof(short));
        st.WeightsOffset = scratch;
        if (weights.IsConstant)
        {
            st.Packed = new short[weights.ElementCount];
            QuantizedMath.PackWeights(weights, st.Packed, wZps, Math.Max(d.Depth, 1), perColumn: false);
        }
        else scratch += weights.ElementCount * sizeof(short);
        node.State = st;
        node.ScratchBytes = scratch;
    }

    public static void Eval(PreparedNode node)
    {
        var st = node.GetState<State>();
        if (st.Signed) Run<sbyte>(node, st);
        else Run<byte>(node, st);
    }

    private static void Run<T>(PreparedNode node, State st) where T : unmanaged
    {
        var d = st.D;
        ReadOnlySpan<T> x = node.Input(0).AsReadOnlySpan<T>();
        ReadOnlySpan<int> bias = node.HasInput(2) ? node.Input(2).AsReadOnlySpan<int>() : default;
        Span<byte> y = node.Output(0).AsSpan<byte>();
        if (y.Length == 0) return;
        ReadOnlySpan<short> w;
        if (st.Packed is { } packed) w = packed;
        else
        {
            var weights = node.Input(1);
            var dst = node.ScratchSpan<short>(st.WeightsOffset, (int)weights.ElementCount);
            QuantizedMath.PackWeights(weights, dst, st.WeightZeroPoints, Math.Max(d.Depth, 1), perColumn: false);
            w = dst;
        }
        Span<short> row = node.ScratchSpan<short>(0, d.Depth);
        for (int r = 0; r < d.Rows; r++)
        {
            QuantizedMath.Widen(x.Slice(r * d.Depth, d.Depth), row, st.InZp);
            var outRow = y.Slice(r * d.Units, d.Units);
            for (int u = 0; u < d.Units; u++)
            {
                int acc = QuantizedMath.Dot(row, w.Slice(u * d.Depth, d.Depth));
                if (!bias.IsEmpty) acc += bias[u];
                outRow[u] = (byte)QuantizedMath.Requantize(acc, st.Multipliers[u], st.OutZp, st.ActMin, st.ActMax);
            }
        }
    }
}
