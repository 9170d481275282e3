using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using LiteRt.Format.Schema;
using LiteRt.Runtime.Cpu.Kernels.NeuralNet;
using LiteRt.Runtime.Cpu.Kernels.Quantized;
using LiteRt.Runtime.Execution;

namespace LiteRt.Runtime.Cpu.Kernels.Decoder;

/// <summary>
/// FULLY_CONNECTED hybrid (float32 activations, int8 symmetric weights per channel or per tensor) for the few-row
/// products of LLM decode and prefill. The general hybrid kernel repacks the weights into int16 panels (twice their
/// size, in the managed heap); this one reads the int8 rows where they lie (the memory-mapped file), each once per call,
/// and takes every input row against it while it is in L1. Exact int32 sums Σ q·w − zp·Σw and the same float epilogue
/// as the general kernel; one difference: asymmetric input rows are quantized with TFLite's rounding (half away from
/// zero), while the general kernel rounds as XNNPack does (half to even, as LiteRT runs the op), so on rows with exact
/// rounding ties the two can differ by one input step.
/// AVX2 (vpmaddubsw on |x| and sign-adjusted w) with a scalar fallback.
/// </summary>
public static unsafe class Int8MatVecKernel
{
    /// <summary>Largest input row count it is chosen for (LLM prefill chunks; more rows go to the general kernel).</summary>
    public const int MaxRows = 256;

    private sealed class State
    {
        public FullyConnectedDims D;
        public required float[] WeightScales;
        public required int[] WeightSums;
        public bool Asymmetric;
        public float Min, Max;
        public long XqOffset, AccOffset, ZpOffset;
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
        var sums = RowSums(weights, d.Units, d.Depth);
        var (min, max) = FusedActivation.FloatRange(d.Activation);
        var st = new State
        {
            D = d, WeightScales = scales, WeightSums = sums, Asymmetric = node.Op.BoolAttr("asymmetric_quantize_inputs"), Min = min, Max = max,
        };
        // Scratch: q − zp as int16 (from the shared row quantizer), q as int8, int32 sums, per-row scale and zero point.
        st.XqOffset = QuantizedMath.Align((long)d.Depth * sizeof(short));
        st.AccOffset = QuantizedMath.Align(st.XqOffset + (long)d.Rows * d.Depth);
        st.ZpOffset = QuantizedMath.Align(st.AccOffset + (long)d.Rows * d.Units * sizeof(int));
        node.State = st;
        node.ScratchBytes = st.ZpOffset + (long)d.Rows * 2 * sizeof(int);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Eval(PreparedNode node)
    {
        var st = node.GetState<State>();
        var d = st.D;
        ReadOnlySpan<float> x = node.Input(0).AsReadOnlySpan<float>();
        sbyte* w = (sbyte*)node.Input(1).Data;
        ReadOnlySpan<float> bias = node.HasInput(2) ? node.Input(2).AsReadOnlySpan<float>() : default;
        Span<float> y = node.Output(0).AsSpan<float>();
        if (y.Length == 0) return;
        int depth = d.Depth, rows = d.Rows, units = d.Units;
        Span<short> centered = node.ScratchSpan<short>(0, depth);
        sbyte* xq = (sbyte*)(node.Scratch + st.XqOffset);
        Span<int> acc = node.ScratchSpan<int>(st.AccOffset, rows * units);
        Span<float> rowScales = node.ScratchSpan<float>(st.ZpOffset, rows);
        Span<int> zps = node.ScratchSpan<int>(st.ZpOffset + rows * sizeof(float), rows);
        for (int r = 0; r < rows; r++)
        {
            rowScales[r] = DynamicQuantization.QuantizeRow(x.Slice(r * depth, depth), centered, st.Asymmetric, out int zp);
            zps[r] = zp;
            sbyte* q = xq + (long)r * depth;
            for (int k = 0; k < depth; k++) q[k] = (sbyte)(centered[k] + zp);
        }
        fixed (int* sums = st.WeightSums)
        {
            var work = new Work
            {
                Xq = xq, W = w, Acc = (int*)(node.Scratch + st.AccOffset), Zps = (int*)(node.Scratch + st.ZpOffset + rows * sizeof(float)),
                Sums = sums, Rows = rows, Units = units, Depth = depth,
            };
            // Split output channels with the helper thread when asked to and when the product is worth a hand-off.
            int split = node.Threads > 1 && (long)units * depth * rows >= 1 << 20 ? (units / 2) & ~3 : 0;
            HelperThread.Run(&UnitRange, &work, units, split);
        }
        for (int r = 0; r < rows; r++)
            HybridEpilogue.Apply(acc.Slice(r * units, units), rowScales[r], st.WeightScales, bias, st.Min, st.Max, y.Slice(r * units, units));
    }

    private static int[] RowSums(RuntimeTensor weights, int units, int depth) =>
        WeightDerivedCache.GetOrAdd(weights, $"int8 row sums {units}x{depth}", () => ComputeRowSums(weights, units, depth));

    private static int[] ComputeRowSums(RuntimeTensor weights, int units, int depth)
    {
        var sums = new int[units];
        var ones = stackalloc sbyte[depth > 0 ? Math.Min(depth, 4096) : 1];
        var one = new Span<sbyte>(ones, Math.Min(depth, 4096));
        one.Fill(1);
        sbyte* w = (sbyte*)weights.Data;
        for (int u = 0; u < units; u++)
        {
            int s = 0;
            for (int k = 0; k < depth; k += 4096) s += Dot(ones, w + (long)u * depth + k, Math.Min(4096, depth - k));
            sums[u] = s;
        }
        return sums;
    }

    private struct Work
    {
        public sbyte* Xq, W;
        public int* Acc, Zps, Sums;
        public int Rows, Units, Depth;
    }

    /// <summary>Exact int32 sums Σ q·w − zp·Σw for output channels [u0, u1) of every row.</summary>
    private static void UnitRange(void* context, int u0, int u1)
    {
        ref Work c = ref *(Work*)context;
        int rows = c.Rows, units = c.Units, depth = c.Depth;
        int u = u0;
        if (Avx2.IsSupported && depth >= 32)
        {
            // Four weight rows per pass share each load of the input row.
            Span<int> four = stackalloc int[4];
            for (; u <= u1 - 4; u += 4)
            {
                sbyte* wr = c.W + (long)u * depth;
                for (int r = 0; r < rows; r++)
                {
                    Dot4(c.Xq + (long)r * depth, wr, depth, four);
                    for (int j = 0; j < 4; j++) c.Acc[r * units + u + j] = four[j] - c.Zps[r] * c.Sums[u + j];
                }
            }
        }
        for (; u < u1; u++)
        {
            sbyte* wr = c.W + (long)u * depth;
            for (int r = 0; r < rows; r++)
                c.Acc[r * units + u] = Dot(c.Xq + (long)r * depth, wr, depth) - c.Zps[r] * c.Sums[u];
        }
    }

    /// <summary>Σ x·w for the four consecutive weight rows at <paramref name="w"/> (row length n ≥ 32), exactly (AVX2).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Dot4(sbyte* x, sbyte* w, int n, Span<int> result)
    {
        var ones = Vector256.Create((short)1);
        Vector256<int> a0 = default, a1 = default, a2 = default, a3 = default;
        sbyte* w1 = w + n, w2 = w1 + n, w3 = w2 + n;
        int k = 0;
        for (; k <= n - 32; k += 32)
        {
            var xv = Avx.LoadVector256(x + k);
            var ax = Avx2.Abs(xv);
            a0 = Avx2.Add(a0, Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(ax, Avx2.Sign(Avx.LoadVector256(w + k), xv)), ones));
            a1 = Avx2.Add(a1, Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(ax, Avx2.Sign(Avx.LoadVector256(w1 + k), xv)), ones));
            a2 = Avx2.Add(a2, Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(ax, Avx2.Sign(Avx.LoadVector256(w2 + k), xv)), ones));
            a3 = Avx2.Add(a3, Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(ax, Avx2.Sign(Avx.LoadVector256(w3 + k), xv)), ones));
        }
        int s0 = Vector256.Sum(a0), s1 = Vector256.Sum(a1), s2 = Vector256.Sum(a2), s3 = Vector256.Sum(a3);
        for (; k < n; k++)
        {
            int xk = x[k];
            s0 += xk * w[k]; s1 += xk * w1[k]; s2 += xk * w2[k]; s3 += xk * w3[k];
        }
        result[0] = s0; result[1] = s1; result[2] = s2; result[3] = s3;
    }

    /// <summary>Exposed for kernel tests (every vector path and the tail).</summary>
    public static int DotForTests(sbyte* x, sbyte* w, int n) => Dot(x, w, n);

    /// <summary>Σ x[k]·w[k] over int8 vectors, exactly.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int Dot(sbyte* x, sbyte* w, int n)
    {
        int k = 0, sum = 0;
        if (Avx2.IsSupported && n >= 32)
        {
            var ones = Vector256.Create((short)1);
            var acc0 = Vector256<int>.Zero;
            var acc1 = Vector256<int>.Zero;
            for (; k <= n - 64; k += 64)
            {
                var x0 = Avx.LoadVector256(x + k);
                var x1 = Avx.LoadVector256(x + k + 32);
                // |x|·(w·sign(x)) = x·w; pairs of u8×s8 products stay within int16 (≤ 2·128·127).
                var p0 = Avx2.MultiplyAddAdjacent(Avx2.Abs(x0), Avx2.Sign(Avx.LoadVector256(w + k), x0));
                var p1 = Avx2.MultiplyAddAdjacent(Avx2.Abs(x1), Avx2.Sign(Avx.LoadVector256(w + k + 32), x1));
                acc0 = Avx2.Add(acc0, Avx2.MultiplyAddAdjacent(p0, ones));
                acc1 = Avx2.Add(acc1, Avx2.MultiplyAddAdjacent(p1, ones));
            }
            for (; k <= n - 32; k += 32)
            {
                var x0 = Avx.LoadVector256(x + k);
                var p0 = Avx2.MultiplyAddAdjacent(Avx2.Abs(x0), Avx2.Sign(Avx.LoadVector256(w + k), x0));
                acc0 = Avx2.Add(acc0, Avx2.MultiplyAddAdjacent(p0, ones));
            }
            sum = Vector256.Sum(Avx2.Add(acc0, acc1));
        }
        for (; k < n; k++) sum += x[k] * w[k];
        return sum;
    }
}
