using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using LiteRt.Format.Schema;
using LiteRt.Graph;
using LiteRt.Runtime.Execution;

namespace LiteRt.Runtime.Cpu.Kernels.Quantized;

/// <summary>
/// On-the-fly quantization of float activations for the hybrid (dynamic range) kernels, as TFLite's
/// AsymmetricQuantizeFloats / SymmetricQuantizeFloats do it: int8 over [min(x, 0), max(x, 0)] with a nudged zero
/// point, or symmetric over max|x|. Values are written as int16 <c>q − zero_point</c>, ready for the int16 GEMM.
/// </summary>
internal static class DynamicQuantization
{
    /// <summary>Quantizes <paramref name="x"/>; returns the scale (real = scale · (q − zp)) and writes q − zp to <paramref name="dst"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float QuantizeRow(ReadOnlySpan<float> x, Span<short> dst, bool asymmetric) => QuantizeRow(x, dst, asymmetric, out _);

    /// <summary>As <see cref="QuantizeRow(ReadOnlySpan{float}, Span{short}, bool)"/>, also returning the zero point.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float QuantizeRow(ReadOnlySpan<float> x, Span<short> dst, bool asymmetric, out int zeroPoint)
    {
        zeroPoint = 0;
        if (x.Length == 0) return 1f;
        float lo = TensorPrimitives.Min(x), hi = TensorPrimitives.Max(x);
        double scale, zp;
        if (asymmetric)
        {
            double rmin = Math.Min(0, lo), rmax = Math.Max(0, hi);
            if (rmin == rmax || double.IsNaN(rmin) || double.IsNaN(rmax))
            {
                dst[..x.Length].Clear();
                return 1f;
            }
            scale = (rmax - rmin) / 255;
            double fromMin = -128 - rmin / scale, fromMax = 127 - rmax / scale;
            double zpd = 128 + Math.Abs(rmin / scale) < 127 + Math.Abs(rmax / scale) ? fromMin : fromMax;
            zp = zpd <= -128 ? -128 : zpd >= 127 ? 127 : Math.Round(zpd, MidpointRounding.AwayFromZero);
        }
        else
        {
            double range = Math.Max(Math.Abs(lo), Math.Abs(hi));
            if (range == 0 || double.IsNaN(range))
            {
                dst[..x.Length].Clear();
                return 1f;
            }
            scale = range / 127;
            zp = 0;
        }
        float inv = (float)(1.0 / scale);
        int qmin = asymmetric ? -128 : -127;
        int izp = (int)zp;
        zeroPoint = izp;
        int i = 0;
        if (Vector256.IsHardwareAccelerated && x.Length >= 16)
        {
            var vinv = Vector256.Create(inv);
            var vzp = Vector256.Create((float)zp);
            var half = Vector256.Create(0.5f);
            var one = Vector256.Create(1f);
            var sign = Vector256.Create(-0.0f);
            var vmin = Vector256.Create((float)qmin);
            var vmax = Vector256.Create(127f);
            var izpv = Vector256.Create(izp);
            ref float src = ref Unsafe.AsRef(in x.GetPinnableReference());
            ref short d = ref dst.GetPinnableReference();
            for (; i <= x.Length - 16; i += 16)
            {
                var v0 = Vector256.LoadUnsafe(ref src, (nuint)i) * vinv + vzp;
                var v1 = Vector256.LoadUnsafe(ref src, (nuint)(i + 8)) * vinv + vzp;
                // Round half away from zero (TfLiteRound) exactly — truncate, then step away from zero when the
                // dropped fraction is at least one half — and clamp.
                v0 = Vector256.Min(Vector256.Max(RoundAway(v0, half, one, sign), vmin), vmax);
                v1 = Vector256.Min(Vector256.Max(RoundAway(v1, half, one, sign), vmin), vmax);
                var q0 = Vector256.ConvertToInt32(v0) - izpv;
                var q1 = Vector256.ConvertToInt32(v1) - izpv;
                Vector256.Narrow(q0, q1).StoreUnsafe(ref d, (nuint)i);
            }
        }
        for (; i < x.Length; i++)
        {
            float v = x[i] * inv + (float)zp;
            int q = (int)Math.Clamp(MathF.Round(v, MidpointRounding.AwayFromZero), qmin, 127);
            dst[i] = (short)(q - izp);
        }
        return (float)scale;
    }

    /// <summary>
    /// Asymmetric int8 quantization of one row as XNNPack's dynamically quantized (qd8) GEMMs do it, which is what
    /// LiteRT runs for hybrid 1×1 convolutions: all in float32, multiplier m = 255 / (max − min), zero point from
    /// min · m (XNNPack's error rule, clamped, rounded half to even), q − zp = round_half_even(clamp(x · m, −128 − zp,
    /// 127 − zp)); the returned dequantization scale is 1 / m. Measured against LiteRT 2.5.3 on inputs full of ties
    /// (HybridLiteRtAgreementTests): exact. TFLite's <see cref="QuantizeRow(ReadOnlySpan{float}, Span{short}, bool)"/>
    /// rounds half away from zero with a double-precision scale, which moves some values by one step.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float QuantizeRowAsXnnPack(ReadOnlySpan<float> x, Span<short> dst)
    {
        if (x.Length == 0) return 1f;
        float rmin = MathF.Min(0f, TensorPrimitives.Min(x)), rmax = MathF.Max(0f, TensorPrimitives.Max(x));
        if (float.IsNaN(rmin) || float.IsNaN(rmax)) rmin = rmax = 0;
        const float QMin = -128f, QMax = 127f;
        float m = rmin == rmax ? 1f : (QMax - QMin) / (rmax - rmin);
        float descaledMin = rmin * m, descaledMax = rmax * m;
        float zp = (QMin + descaledMin) + (QMax + descaledMax) > 0 ? QMin - descaledMin : QMax - descaledMax;
        zp = MathF.Round(Math.Clamp(zp, QMin, QMax), MidpointRounding.ToEven);
        float dequantScale = 1f / m;
        float multiplier = m;
        float lo = QMin - zp, hi = QMax - zp;
        int i = 0;
        if (Vector256.IsHardwareAccelerated && x.Length >= 16)
        {
            var vm = Vector256.Create(multiplier);
            var vlo = Vector256.Create(lo);
            var vhi = Vector256.Create(hi);
            ref float src = ref Unsafe.AsRef(in x.GetPinnableReference());
            ref short d = ref dst.GetPinnableReference();
            for (; i <= x.Length - 16; i += 16)
            {
                var v0 = Vector256.Round(Vector256.Min(Vector256.Max(Vector256.LoadUnsafe(ref src, (nuint)i) * vm, vlo), vhi));
                var v1 = Vector256.Round(Vector256.Min(Vector256.Max(Vector256.LoadUnsafe(ref src, (nuint)(i + 8)) * vm, vlo), vhi));
                Vector256.Narrow(Vector256.ConvertToInt32(v0), Vector256.ConvertToInt32(v1)).StoreUnsafe(ref d, (nuint)i);
            }
        }
        for (; i < x.Length; i++)
            dst[i] = (short)MathF.Round(Math.Clamp(x[i] * multiplier, lo, hi), MidpointRounding.ToEven);
        return dequantScale;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> RoundAway(Vector256<float> v, Vector256<float> half, Vector256<float> one, Vector256<float> sign)
    {
        var t = Vector256.Truncate(v);
        var up = Vector256.GreaterThanOrEqual(Vector256.Abs(v - t), half);
        return t + (up & (one | (v & sign)));
    }

    /// <summary>Per-channel (or repeated per-tensor) scales of symmetric int8/int4 weights along <paramref name="axis"/>.</summary>
    public static float[] WeightScales(PreparedNode node, RuntimeTensor w, int axis, int channels)
    {
        var q = w.Quantization ?? throw node.Error($"weights {w} are not quantized");
        if (q.Scale is not { Length: > 0 }) throw node.Error($"weights {w} have no scales");
        if (q.IsPerChannel && (q.QuantizedDimension != axis || q.Scale.Length != channels))
            throw node.Error($"weights {w} are quantized along axis {q.QuantizedDimension} with {q.Scale.Length} scales; expected axis {axis} with {channels}");
        for (int c = 0; c < q.Scale.Length; c++)
            if (q.ZeroPointAt(c) != 0) throw node.Error($"weights {w} must be symmetric (zero point 0)");
        var s = new float[channels];
        for (int c = 0; c < channels; c++) s[c] = q.ScaleAt(c);
        return s;
    }

    public static bool IsBlockwise(RuntimeTensor t) =>
        t.Quantization is { DetailsType: QuantizationDetailsType.BlockwiseQuantization, Blockwise: not null };

    /// <summary>Blockwise weights [rows, cols]: FLOAT16 scales [rows, cols / block] as float32, block size.</summary>
    public static (float[] Scales, int Block) BlockwiseScales(PreparedNode node, RuntimeTensor w, int rows, int cols)
    {
        var bw = w.Quantization?.Blockwise ?? throw node.Error($"weights {w} are not blockwise quantized");
        int block = bw.BlockSize;
        if (block <= 0 || cols % block != 0) throw node.Error($"weights {w}: input size {cols} is not a multiple of block size {block}");
        if (bw.ZeroPoints >= 0)
        {
            var zpt = node.SubgraphTensor(bw.ZeroPoints);
            if (!zpt.IsConstant) throw node.Error("blockwise zero points must be constant");
            foreach (var b in zpt.Bytes) if (b != 0) throw node.Error("blockwise weights with non-zero zero points are not supported");
        }
        var st = node.SubgraphTensor(bw.Scales);
        if (!st.IsConstant || st.ElementCount != (long)rows * (cols / block))
            throw node.Error($"blockwise scale tensor {st} must be constant with {rows}×{cols / block} values");
        var scales = new float[st.ElementCount];
        switch (st.Type)
        {
            case TensorType.Float16:
                var h = st.AsReadOnlySpan<Half>();
                for (int i = 0; i < scales.Length; i++) scales[i] = (float)h[i];
                break;
            case TensorType.Float32:
                st.AsReadOnlySpan<float>().CopyTo(scales);
                break;
            default: throw node.Error($"blockwise scale tensor {st} must be FLOAT16 or FLOAT32");
        }
        return (scales, block);
    }

    /// <summary>Signed value of element <paramref name="i"/> of packed INT4 data (low nibble first).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Int4At(ReadOnlySpan<byte> packed, long i) => (sbyte)((packed[(int)(i >> 1)] >> (int)((i & 1) * 4)) << 4) >> 4;

    /// <summary>Unpacks INT4 elements [start, start + count) to sbyte.</summary>
    public static void UnpackInt4(ReadOnlySpan<byte> packed, long start, Span<sbyte> dst)
    {
        for (int k = 0; k < dst.Length; k++) dst[k] = (sbyte)Int4At(packed, start + k);
    }
}
