using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using LiteRt.Format.Schema;
using LiteRt.Runtime.Cpu.Kernels.NeuralNet;
using LiteRt.Runtime.Execution;

namespace LiteRt.Runtime.Cpu.Kernels.Quantized;

/// <summary>
/// FULLY_CONNECTED with blockwise int4 weights (BlockwiseQuantization: INT4 [units, depth], one FLOAT16 scale per
/// block of depth values, no zero points) and float32 input, bias and output — LiteRT's qd8-f32-qb4w scheme. Each
/// input row is quantized to int8 asymmetrically on the fly; per block the exact int32 sum Σ (q − zp)·w is scaled by
/// the block's scale and accumulated in float32; y = acc · s_row + bias, then the fused activation. The weights stay
/// packed two per byte; nibbles are unpacked in registers (portable, AVX2, AVX-VNNI or AVX-512 path).
/// </summary>
public static unsafe class BlockwiseFullyConnectedKernel
{
    private sealed class State
    {
        public FullyConnectedDims D;
        public required float[] Scales;
        public required int[] BlockSums;
        public int Block, Blocks;
        public float Min, Max;
        public QuantizedIsa Isa;
        public long BytesOffset;
        /// <summary>The tiled AVX2 path (<see cref="Decoder.Int4BlockMatMul"/>) is used: block a multiple of 32.</summary>
        public bool Tiled;
        public float[]? ZeroCorrection, GroupScales;
        public long RowsOffset, OffsetsOffset, RowScalesOffset, RowZeroPointsOffset;
    }

    /// <summary>Sum of the two signed int4 values packed in each byte value.</summary>
    private static readonly sbyte[] ByteNibbleSums = Enumerable.Range(0, 256)
        .Select(v => (sbyte)(((sbyte)(v << 4) >> 4) + ((sbyte)v >> 4))).ToArray();

    public static void Prepare(PreparedNode node)
    {
        var weights = node.Input(1);
        if (node.Input(0).Type != TensorType.Float32 || node.Output(0).Type != TensorType.Float32 || weights.Type != TensorType.Int4)
            throw node.Error($"expected FLOAT32 input/output and INT4 weights, got {node.Input(0)}, {weights}, {node.Output(0)}");
        if (node.HasInput(2) && node.Input(2).Type != TensorType.Float32) throw node.Error($"expected a FLOAT32 bias, got {node.Input(2)}");
        if (!weights.IsConstant) throw node.Error("blockwise FULLY_CONNECTED needs constant weights");
        var d = FullyConnectedDims.Read(node);
        var (scales, block) = DynamicQuantization.BlockwiseScales(node, weights, d.Units, d.Depth);
        var (min, max) = FusedActivation.FloatRange(d.Activation);
        int blocks = d.Depth / block;
        // Shared by the signatures that use the same weights (an LLM's prefill_N and decode).
        var sums = Decoder.WeightDerivedCache.GetOrAdd(weights, $"int4 block sums {d.Units}x{d.Depth}/{block}", () =>
        {
            var packed = weights.AsReadOnlySpan<byte>();
            var result = new int[d.Units * blocks];
            for (int u = 0; u < d.Units; u++)
                for (int b = 0; b < blocks; b++)
                {
                    int s = 0;
                    long start = (long)u * d.Depth + (long)b * block;
                    if ((start & 1) == 0 && (block & 1) == 0)
                    {
                        // Whole bytes: both nibbles' values at once (this runs over every weight at load).
                        var bytes = packed.Slice((int)(start >> 1), block >> 1);
                        foreach (byte v in bytes) s += ByteNibbleSums[v];
                    }
                    else
                        for (int k = 0; k < block; k++) s += DynamicQuantization.Int4At(packed, start + k);
                    result[u * blocks + b] = s;
                }
            return result;
        });
        var st = new State
        {
            D = d, Scales = scales, BlockSums = sums, Block = block, Blocks = blocks, Min = min, Max = max,
            Isa = BlockwiseDot.Usable(QuantizedIsaSelection.Current),
        };
        st.BytesOffset = QuantizedMath.Align((long)d.Depth * sizeof(short));
        node.State = st;
        node.ScratchBytes = st.BytesOffset + d.Depth;
        if (st.Isa != QuantizedIsa.Portable && Decoder.Int4BlockMatMul.IsSupported(block))
        {
            // Scratch: the quantized input rows (int8, permuted), their group-sum offsets, then per-row scale and zero point.
            st.Tiled = true;
            st.GroupScales = Decoder.Int4BlockMatMul.GroupScales(scales, d.Units, d.Depth, block);
            st.ZeroCorrection = new float[d.Units];
            for (int u = 0; u < d.Units; u++)
            {
                double c = 0;
                for (int b = 0; b < blocks; b++) c += (double)scales[u * blocks + b] * sums[u * blocks + b];
                st.ZeroCorrection[u] = (float)c;
            }
            st.RowsOffset = QuantizedMath.Align(node.ScratchBytes);
            st.OffsetsOffset = QuantizedMath.Align(st.RowsOffset + (long)d.Rows * d.Depth);
            st.RowScalesOffset = QuantizedMath.Align(st.OffsetsOffset + (long)d.Rows * Decoder.Int4BlockMatMul.OffsetInts(d.Depth) * sizeof(int));
            st.RowZeroPointsOffset = st.RowScalesOffset + (long)d.Rows * sizeof(float);
            node.ScratchBytes = st.RowZeroPointsOffset + (long)d.Rows * sizeof(int);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Eval(PreparedNode node)
    {
        var st = node.GetState<State>();
        var d = st.D;
        ReadOnlySpan<float> x = node.Input(0).AsReadOnlySpan<float>();
        ReadOnlySpan<byte> w = node.Input(1).AsReadOnlySpan<byte>();
        ReadOnlySpan<float> bias = node.HasInput(2) ? node.Input(2).AsReadOnlySpan<float>() : default;
        Span<float> y = node.Output(0).AsSpan<float>();
        if (y.Length == 0) return;
        Span<short> xq = node.ScratchSpan<short>(0, d.Depth);
        if (st.Tiled)
        {
            EvalTiled(node, st, x, bias, xq);
            return;
        }
        Span<byte> xu = node.ScratchSpan<byte>(st.BytesOffset, d.Depth);
        int rowBytes = d.Depth / 2, blockBytes = st.Block / 2;
        for (int r = 0; r < d.Rows; r++)
        {
            float s = DynamicQuantization.QuantizeRow(x.Slice(r * d.Depth, d.Depth), xq, asymmetric: true, out int zp);
            if (st.Isa == QuantizedIsa.AvxVnni)
                for (int k = 0; k < d.Depth; k++) xu[k] = (byte)(xq[k] + zp + 128);
            var outRow = y.Slice(r * d.Units, d.Units);
            for (int u = 0; u < d.Units; u++)
            {
                float acc = BlockwiseDot.Row(st.Isa, xq, xu, w.Slice(u * rowBytes, rowBytes), st.Scales.AsSpan(u * st.Blocks, st.Blocks),
                    st.BlockSums.AsSpan(u * st.Blocks, st.Blocks), st.Block, zp + 128);
                float v = acc * s + (bias.IsEmpty ? 0 : bias[u]);
                outRow[u] = Math.Clamp(v, st.Min, st.Max);
            }
        }
    }

    private static void EvalTiled(PreparedNode node, State st, ReadOnlySpan<float> x, ReadOnlySpan<float> bias, Span<short> centered)
    {
        var d = st.D;
        sbyte* rows = (sbyte*)(node.Scratch + st.RowsOffset);
        float* rowScales = (float*)(node.Scratch + st.RowScalesOffset);
        int* rowZeroPoints = (int*)(node.Scratch + st.RowZeroPointsOffset);
        int* offsets = (int*)(node.Scratch + st.OffsetsOffset);
        int offsetInts = Decoder.Int4BlockMatMul.OffsetInts(d.Depth);
        for (int r = 0; r < d.Rows; r++)
        {
            rowScales[r] = DynamicQuantization.QuantizeRow(x.Slice(r * d.Depth, d.Depth), centered, asymmetric: true, out int zp);
            rowZeroPoints[r] = zp;
            Decoder.Int4BlockMatMul.StoreQuantizedRow(centered, zp, rows + (long)r * d.Depth, offsets + (long)r * offsetInts);
        }
        fixed (float* scales = st.GroupScales)
        fixed (float* correction = st.ZeroCorrection)
        fixed (float* b = bias)
        {
            var work = new Decoder.Int4BlockMatMul.Work
            {
                X = rows, Offsets = offsets, RowScales = rowScales, RowZeroPoints = rowZeroPoints, W = (byte*)node.Input(1).Data, Scales = scales,
                ZeroCorrection = correction, Bias = bias.IsEmpty ? null : b, Y = (float*)node.Output(0).Data,
                Rows = d.Rows, Units = d.Units, Depth = d.Depth, Min = st.Min, Max = st.Max,
            };
            // Output channels are split with the helper thread when asked to and when the product is worth a hand-off.
            int split = node.Threads > 1 && (long)d.Units * d.Depth * d.Rows >= 1 << 20 ? (d.Units / 2) & ~3 : 0;
            Decoder.HelperThread.Run(&Decoder.Int4BlockMatMul.UnitRange, &work, d.Units, split);
        }
    }
}

/// <summary>
/// Σ_b scale[b] · Σ_{k ∈ block b} x[k] · w[k] for one weight row of packed int4 (low nibble first) against int16
/// activations, on each instruction set; the SIMD paths are checked against the portable one once per process
/// before they are used.
/// </summary>
internal static class BlockwiseDot
{
    private static readonly Dictionary<QuantizedIsa, bool> Checked = [];

    /// <summary>The ISA to use: the requested one if it is supported and passed its self-check, else a lower one.</summary>
    public static QuantizedIsa Usable(QuantizedIsa wanted)
    {
        for (var isa = wanted; isa > QuantizedIsa.Portable; isa--)
        {
            if (!QuantizedIsaSelection.IsSupported(isa)) continue;
            lock (Checked)
            {
                if (!Checked.TryGetValue(isa, out bool ok)) Checked[isa] = ok = SelfCheck(isa);
                if (ok) return isa;
            }
        }
        return QuantizedIsa.Portable;
    }

    private static bool SelfCheck(QuantizedIsa isa)
    {
        var rng = new Random(12345);
        foreach (int block in (ReadOnlySpan<int>)[32, 64, 128])
        {
            int depth = block * 3;
            var xq = new short[depth];
            var xu = new byte[depth];
            int zp = rng.Next(-128, 128);
            for (int k = 0; k < depth; k++)
            {
                int q = rng.Next(-128, 128);
                xq[k] = (short)(q - zp);
                xu[k] = (byte)(q + 128);
            }
            var w = new byte[depth / 2];
            rng.NextBytes(w);
            var scales = new float[3];
            var sums = new int[3];
            for (int b = 0; b < 3; b++)
            {
                scales[b] = (float)(rng.NextDouble() + 0.1);
                for (int k = 0; k < block; k++) sums[b] += DynamicQuantization.Int4At(w, (long)b * block + k);
            }
            float want = Row(QuantizedIsa.Portable, xq, xu, w, scales, sums, block, zp + 128);
            float got = Row(isa, xq, xu, w, scales, sums, block, zp + 128);
            if (Math.Abs(want - got) > 1e-3f * Math.Max(1, Math.Abs(want))) return false;
        }
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Row(QuantizedIsa isa, ReadOnlySpan<short> xq, ReadOnlySpan<byte> xu, ReadOnlySpan<byte> w, ReadOnlySpan<float> scales,
        ReadOnlySpan<int> blockSums, int block, int uOffset)
    {
        int blocks = scales.Length;
        ref short xr = ref Unsafe.AsRef(in xq.GetPinnableReference());
        ref byte wr = ref Unsafe.AsRef(in w.GetPinnableReference());
        if (isa == QuantizedIsa.Avx512 && Avx512BW.IsSupported)
        {
            var facc = Vector512<float>.Zero;
            for (int b = 0; b < blocks; b++)
            {
                var iacc = Vector512<int>.Zero;
                for (int k = b * block; k < (b + 1) * block; k += 32)
                {
                    var wv = Unpack32(Vector128.LoadUnsafe(ref wr, (nuint)(k / 2)));
                    var w16 = Avx512BW.ConvertToVector512Int16(wv);
                    iacc += Avx512BW.MultiplyAddAdjacent(Vector512.LoadUnsafe(ref xr, (nuint)k), w16);
                }
                facc += Vector512.ConvertToSingle(iacc) * Vector512.Create(scales[b]);
            }
            return Vector512.Sum(facc);
        }
        if (isa == QuantizedIsa.AvxVnni && AvxVnni.IsSupported)
        {
            ref byte ur = ref Unsafe.AsRef(in xu.GetPinnableReference());
            var facc = Vector256<float>.Zero;
            for (int b = 0; b < blocks; b++)
            {
                var iacc = Vector256<int>.Zero;
                for (int k = b * block; k < (b + 1) * block; k += 32)
                {
                    var wv = Unpack32(Vector128.LoadUnsafe(ref wr, (nuint)(k / 2)));
                    iacc = AvxVnni.MultiplyWideningAndAdd(iacc, Vector256.LoadUnsafe(ref ur, (nuint)k), wv);
                }
                // Σ (q + 128)·w − (zp + 128)·Σ w = Σ (q − zp)·w, folded into lane 0.
                iacc = iacc.WithElement(0, iacc.GetElement(0) - uOffset * blockSums[b]);
                facc += Vector256.ConvertToSingle(iacc) * Vector256.Create(scales[b]);
            }
            return Vector256.Sum(facc);
        }
        if (isa != QuantizedIsa.Portable && Avx2.IsSupported)
        {
            var facc = Vector256<float>.Zero;
            for (int b = 0; b < blocks; b++)
            {
                var iacc = Vector256<int>.Zero;
                for (int k = b * block; k < (b + 1) * block; k += 32)
                {
                    var wv = Unpack32(Vector128.LoadUnsafe(ref wr, (nuint)(k / 2)));
                    var w0 = Avx2.ConvertToVector256Int16(wv.GetLower());
                    var w1 = Avx2.ConvertToVector256Int16(wv.GetUpper());
                    iacc += Avx2.MultiplyAddAdjacent(Vector256.LoadUnsafe(ref xr, (nuint)k), w0);
                    iacc += Avx2.MultiplyAddAdjacent(Vector256.LoadUnsafe(ref xr, (nuint)(k + 16)), w1);
                }
                facc += Vector256.ConvertToSingle(iacc) * Vector256.Create(scales[b]);
            }
            return Vector256.Sum(facc);
        }
        float total = 0;
        for (int b = 0; b < blocks; b++)
        {
            int sum = 0;
            for (int k = b * block; k < (b + 1) * block; k++) sum += xq[k] * DynamicQuantization.Int4At(w, k);
            total += sum * scales[b];
        }
        return total;
    }

    /// <summary>16 bytes of packed int4 (element 2j in the low nibble of byte j) → 32 sign-extended int8 in order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<sbyte> Unpack32(Vector128<byte> v)
    {
        var mask = Vector128.Create((byte)0x0F);
        var eight = Vector128.Create((byte)8);
        var lo = ((v & mask) ^ eight) - eight;
        var hi = ((Vector128.ShiftRightLogical(v.AsUInt16(), 4).AsByte() & mask) ^ eight) - eight;
        // Only the x86 SIMD paths call this, so SSE2 is there.
        return Vector256.Create(Sse2.UnpackLow(lo, hi), Sse2.UnpackHigh(lo, hi)).AsSByte();
    }
}
