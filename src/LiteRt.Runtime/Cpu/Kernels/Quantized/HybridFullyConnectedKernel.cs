using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using LiteRt.Format.Schema;
using LiteRt.Runtime.Cpu.Kernels.NeuralNet;
using LiteRt.Runtime.Execution;

namespace LiteRt.Runtime.Cpu.Kernels.Quantized;

/// <summary>
/// FULLY_CONNECTED hybrid (dynamic range): float32 input and output, int8 symmetric weights (per channel along dim 0,
/// or per tensor), float32 bias. Each input row is quantized to int8 on the fly (asymmetrically when the op's
/// asymmetric_quantize_inputs is set, else symmetrically), multiplied with the weights in integers
/// (<see cref="Int16Gemm"/>: exact int32 sums of (q − zp)·w), and scaled back: y = Σ · s_row · s_w[u] + bias[u].
/// </summary>
public static unsafe class HybridFullyConnectedKernel
{
    private const int BlockRows = 64;

    private sealed class State
    {
        public FullyConnectedDims D;
        public required float[] WeightScales;
        public required short[] Packed;
        public bool Asymmetric;
        public float Min, Max;
        public int RowLength;
        public long AccOffset;
    }

    public static void Prepare(PreparedNode node)
    {
        var input = node.Input(0);
        var weights = node.Input(1);
        if (input.Type != TensorType.Float32 || node.Output(0).Type != TensorType.Float32 || weights.Type != TensorType.Int8)
            throw node.Error($"expected FLOAT32 input/output and INT8 weights, got {input}, {weights}, {node.Output(0)}");
        if (node.HasInput(2) && node.Input(2).Type != TensorType.Float32) throw node.Error($"expected a FLOAT32 bias, got {node.Input(2)}");
        if (!weights.IsConstant) throw node.Error("hybrid FULLY_CONNECTED needs constant weights");
        var d = FullyConnectedDims.Read(node);
        var scales = DynamicQuantization.WeightScales(node, weights, 0, d.Units);
        var (min, max) = FusedActivation.FloatRange(d.Activation);
        var packed = new short[Int16Gemm.PackedLength(d.Depth, d.Units)];
        Int16Gemm.Pack(weights.AsReadOnlySpan<sbyte>(), 0, d.Units, d.Depth, new int[d.Units], packed);
        var st = new State
        {
            D = d, WeightScales = scales, Packed = packed, Asymmetric = node.Op.BoolAttr("asymmetric_quantize_inputs"),
            Min = min, Max = max, RowLength = 2 * Int16Gemm.KPairs(d.Depth),
        };
        st.AccOffset = QuantizedMath.Align((long)BlockRows * st.RowLength * sizeof(short));
        node.State = st;
        node.ScratchBytes = st.AccOffset + (long)BlockRows * d.Units * sizeof(int);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Eval(PreparedNode node)
    {
        var st = node.GetState<State>();
        var d = st.D;
        ReadOnlySpan<float> x = node.Input(0).AsReadOnlySpan<float>();
        ReadOnlySpan<float> bias = node.HasInput(2) ? node.Input(2).AsReadOnlySpan<float>() : default;
        Span<float> y = node.Output(0).AsSpan<float>();
        if (y.Length == 0) return;
        int lda = st.RowLength;
        Span<short> block = node.ScratchSpan<short>(0, BlockRows * lda);
        Span<int> acc = node.ScratchSpan<int>(st.AccOffset, BlockRows * d.Units);
        Span<int> rowOffsets = stackalloc int[BlockRows];
        Span<float> rowScales = stackalloc float[BlockRows];
        for (int r0 = 0; r0 < d.Rows; r0 += BlockRows)
        {
            int rows = Math.Min(BlockRows, d.Rows - r0);
            for (int r = 0; r < rows; r++)
            {
                var row = block.Slice(r * lda, lda);
                // Asymmetric rows as XNNPack's dynamically quantized GEMM rounds them (what LiteRT runs for this op).
                rowScales[r] = st.Asymmetric
                    ? DynamicQuantization.QuantizeRowAsXnnPack(x.Slice((r0 + r) * d.Depth, d.Depth), row)
                    : DynamicQuantization.QuantizeRow(x.Slice((r0 + r) * d.Depth, d.Depth), row, asymmetric: false);
                if (lda > d.Depth) row[d.Depth] = 0;
                rowOffsets[r] = r * lda;
            }
            if (d.Depth > 0) Int16Gemm.Multiply(block, rowOffsets, rows, st.Packed, d.Units, d.Depth, acc, d.Units);
            else acc.Clear();
            for (int r = 0; r < rows; r++)
                HybridEpilogue.Apply(acc.Slice(r * d.Units, d.Units), rowScales[r], st.WeightScales, bias, st.Min, st.Max, y.Slice((r0 + r) * d.Units, d.Units));
        }
    }
}

/// <summary>y[j] = clamp(acc[j] · rowScale · wScale[j] + bias[j]) in float32 (8 lanes at a time).</summary>
internal static class HybridEpilogue
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Apply(ReadOnlySpan<int> acc, float rowScale, ReadOnlySpan<float> wScales, ReadOnlySpan<float> bias, float min, float max, Span<float> y)
    {
        int n = y.Length, j = 0;
        if (Vector256.IsHardwareAccelerated && n >= 8)
        {
            var rs = Vector256.Create(rowScale);
            var lo = Vector256.Create(min);
            var hi = Vector256.Create(max);
            ref int a = ref Unsafe.AsRef(in acc.GetPinnableReference());
            ref float s = ref Unsafe.AsRef(in wScales.GetPinnableReference());
            ref float o = ref y.GetPinnableReference();
            bool hasBias = !bias.IsEmpty;
            ref float b = ref Unsafe.AsRef(in bias.GetPinnableReference());
            for (; j <= n - 8; j += 8)
            {
                var v = Vector256.ConvertToSingle(Vector256.LoadUnsafe(ref a, (nuint)j))
                        * rs * Vector256.LoadUnsafe(ref s, (nuint)j);
                if (hasBias) v += Vector256.LoadUnsafe(ref b, (nuint)j);
                Vector256.Min(Vector256.Max(v, lo), hi).StoreUnsafe(ref o, (nuint)j);
            }
        }
        for (; j < n; j++)
        {
            float v = acc[j] * rowScale * wScales[j] + (bias.IsEmpty ? 0 : bias[j]);
            y[j] = Math.Clamp(v, min, max);
        }
    }
}
