using System.Buffers.Binary;
using LiteRt.Format.Schema;
using LiteRt.Graph;
using LiteRt.Graph.Catalog;
using LiteRt.Runtime.Execution;

namespace LiteRt.Runtime.Cpu.Kernels.Extra;

/// <summary>LOCAL_RESPONSE_NORMALIZATION on float32 over the last axis.</summary>
public static class LrnKernel
{
    private sealed class State(int radius, float bias, float alpha, float beta)
    {
        public readonly int Radius = radius;
        public readonly float Bias = bias, Alpha = alpha, Beta = beta;
    }

    public static void Prepare(PreparedNode node)
    {
        if (node.Input(0).ElementCount != node.Output(0).ElementCount) throw node.Error("output shape differs from the input's");
        var op = node.Op;
        node.State = new State(op.IntAttr("radius"), op.FloatAttr("bias"), op.FloatAttr("alpha"), op.FloatAttr("beta"));
    }

    public static void Eval(PreparedNode node)
    {
        var st = node.GetState<State>();
        var xt = node.Input(0);
        var x = xt.AsReadOnlySpan<float>();
        var y = node.Output(0).AsSpan<float>();
        int c = xt.Shape[^1];
        if (c == 0) return;
        for (int b = 0; b < x.Length; b += c)
            for (int i = 0; i < c; i++)
            {
                float sum = 0;
                int lo = Math.Max(0, i - st.Radius), hi = Math.Min(c - 1, i + st.Radius);
                for (int d = lo; d <= hi; d++) sum += x[b + d] * x[b + d];
                y[b + i] = x[b + i] / MathF.Pow(st.Bias + st.Alpha * sum, st.Beta);
            }
    }
}

/// <summary>CONV_3D on float32 (NDHWC input, [d, h, w, in, out] filter), direct loops.</summary>
public static class Conv3DKernel
{
    private sealed class State(int[] pad, int[] strides, int[] dilations, float min, float max)
    {
        public readonly int[] Pad = pad, Strides = strides, Dilations = dilations;
        public readonly float Min = min, Max = max;
    }

    public static void Prepare(PreparedNode node)
    {
        var (padding, s, d, act) = ExtraNeuralNetOps.Conv3DAttributes(node.Op, node.Description);
        var x = node.Input(0);
        var f = node.Input(1);
        var y = node.Output(0);
        if (x.Rank != 5 || f.Rank != 5 || y.Rank != 5 || f.Shape[3] != x.Shape[4]) throw node.Error("CONV_3D needs NDHWC input and a [d, h, w, in, out] filter");
        var pad = new int[3];
        for (int i = 0; i < 3; i++)
            pad[i] = padding == Padding.Same ? ConvGeometry.PaddingBefore(s[i], d[i], x.Shape[i + 1], f.Shape[i], y.Shape[i + 1], out _) : 0;
        var (min, max) = FusedActivation.FloatRange(act);
        node.State = new State(pad, s, d, min, max);
    }

    public static void Eval(PreparedNode node)
    {
        var st = node.GetState<State>();
        var xt = node.Input(0);
        var ft = node.Input(1);
        var yt = node.Output(0);
        var x = xt.AsReadOnlySpan<float>();
        var f = ft.AsReadOnlySpan<float>();
        var bias = node.HasInput(2) ? node.Input(2).AsReadOnlySpan<float>() : default;
        var y = yt.AsSpan<float>();
        int n = xt.Shape[0], inD = xt.Shape[1], inH = xt.Shape[2], inW = xt.Shape[3], inC = xt.Shape[4];
        int kD = ft.Shape[0], kH = ft.Shape[1], kW = ft.Shape[2], outC = ft.Shape[4];
        int outD = yt.Shape[1], outH = yt.Shape[2], outW = yt.Shape[3];
        int o = 0;
        for (int b = 0; b < n; b++)
        for (int od = 0; od < outD; od++)
        for (int oh = 0; oh < outH; oh++)
        for (int ow = 0; ow < outW; ow++)
        {
            var acc = y.Slice(o, outC);
            if (bias.IsEmpty) acc.Clear();
            else bias.CopyTo(acc);
            for (int kd = 0; kd < kD; kd++)
            {
                int id = od * st.Strides[0] - st.Pad[0] + kd * st.Dilations[0];
                if ((uint)id >= (uint)inD) continue;
                for (int kh = 0; kh < kH; kh++)
                {
                    int ih = oh * st.Strides[1] - st.Pad[1] + kh * st.Dilations[1];
                    if ((uint)ih >= (uint)inH) continue;
                    for (int kw = 0; kw < kW; kw++)
                    {
                        int iw = ow * st.Strides[2] - st.Pad[2] + kw * st.Dilations[2];
                        if ((uint)iw >= (uint)inW) continue;
                        int xb = (((b * inD + id) * inH + ih) * inW + iw) * inC;
                        int fb = ((kd * kH + kh) * kW + kw) * inC * outC;
                        for (int ic = 0; ic < inC; ic++)
                        {
                            float v = x[xb + ic];
                            var row = f.Slice(fb + ic * outC, outC);
                            for (int oc = 0; oc < outC; oc++) acc[oc] += v * row[oc];
                        }
                    }
                }
            }
            for (int oc = 0; oc < outC; oc++) acc[oc] = Math.Clamp(acc[oc], st.Min, st.Max);
            o += outC;
        }
    }
}

/// <summary>
/// CAST for the types the elementwise CAST kernel leaves out (float64, bfloat16, uint16, uint32, uint64) to and from
/// every plain numeric type and bool: float → integer truncates toward zero and saturates (NaN → 0), integer
/// narrowing wraps, anything → bool is x ≠ 0.
/// </summary>
public static class WideCastKernel
{
    public static bool Supports(TensorType t) => t is TensorType.Float32 or TensorType.Float16 or TensorType.Bfloat16 or TensorType.Float64
        or TensorType.Int8 or TensorType.Uint8 or TensorType.Int16 or TensorType.Uint16 or TensorType.Int32 or TensorType.Uint32
        or TensorType.Int64 or TensorType.Uint64 or TensorType.Bool;

    public static void Prepare(PreparedNode node)
    {
        RuntimeTensor x = node.Input(0), y = node.Output(0);
        if (!Supports(x.Type) || !Supports(y.Type)) throw node.Error($"cannot cast {x.Type.Name()} to {y.Type.Name()}");
        if (x.ElementCount != y.ElementCount) throw node.Error($"output {y} does not have the shape of input {x}");
    }

    public static void Eval(PreparedNode node)
    {
        RuntimeTensor x = node.Input(0), y = node.Output(0);
        var src = x.Bytes;
        var dst = y.Bytes;
        long n = x.ElementCount;
        bool floatIn = x.Type.IsFloat();
        for (long i = 0; i < n; i++)
        {
            if (floatIn) WriteFromDouble(y.Type, dst, i, ReadDouble(x.Type, src, i));
            else WriteFromInteger(y.Type, dst, i, ReadInteger(x.Type, src, i), x.Type == TensorType.Uint64);
        }
    }

    private static double ReadDouble(TensorType t, ReadOnlySpan<byte> b, long i) => t switch
    {
        TensorType.Float32 => BinaryPrimitives.ReadSingleLittleEndian(b[(int)(i * 4)..]),
        TensorType.Float64 => BinaryPrimitives.ReadDoubleLittleEndian(b[(int)(i * 8)..]),
        TensorType.Float16 => (double)BinaryPrimitives.ReadHalfLittleEndian(b[(int)(i * 2)..]),
        _ => BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(b[(int)(i * 2)..]) << 16),
    };

    private static long ReadInteger(TensorType t, ReadOnlySpan<byte> b, long i) => t switch
    {
        TensorType.Int8 => (sbyte)b[(int)i],
        TensorType.Uint8 or TensorType.Bool => b[(int)i],
        TensorType.Int16 => BinaryPrimitives.ReadInt16LittleEndian(b[(int)(i * 2)..]),
        TensorType.Uint16 => BinaryPrimitives.ReadUInt16LittleEndian(b[(int)(i * 2)..]),
        TensorType.Int32 => BinaryPrimitives.ReadInt32LittleEndian(b[(int)(i * 4)..]),
        TensorType.Uint32 => BinaryPrimitives.ReadUInt32LittleEndian(b[(int)(i * 4)..]),
        _ => BinaryPrimitives.ReadInt64LittleEndian(b[(int)(i * 8)..]),
    };

    private static void WriteFromDouble(TensorType t, Span<byte> b, long i, double v)
    {
        if (t.IsFloat())
        {
            WriteFloat(t, b, i, v);
            return;
        }
        if (t == TensorType.Bool)
        {
            b[(int)i] = v != 0 ? (byte)1 : (byte)0;
            return;
        }
        // Truncate toward zero, saturating to the type (NaN → 0).
        double tr = double.IsNaN(v) ? 0 : Math.Truncate(v);
        switch (t)
        {
            case TensorType.Uint64: BinaryPrimitives.WriteUInt64LittleEndian(b[(int)(i * 8)..], tr <= 0 ? 0 : tr >= 1.8446744073709552E19 ? ulong.MaxValue : (ulong)tr); break;
            case TensorType.Int64: BinaryPrimitives.WriteInt64LittleEndian(b[(int)(i * 8)..], tr <= long.MinValue ? long.MinValue : tr >= long.MaxValue ? long.MaxValue : (long)tr); break;
            default:
                var (min, max) = t.IntegerRange();
                WriteFromInteger(t, b, i, (long)Math.Clamp(tr, min, max), false);
                break;
        }
    }

    private static void WriteFloat(TensorType t, Span<byte> b, long i, double v)
    {
        switch (t)
        {
            case TensorType.Float32: BinaryPrimitives.WriteSingleLittleEndian(b[(int)(i * 4)..], (float)v); break;
            case TensorType.Float64: BinaryPrimitives.WriteDoubleLittleEndian(b[(int)(i * 8)..], v); break;
            case TensorType.Float16: BinaryPrimitives.WriteHalfLittleEndian(b[(int)(i * 2)..], (Half)v); break;
            default: BinaryPrimitives.WriteUInt16LittleEndian(b[(int)(i * 2)..], TensorData.DoubleToBFloat16(v)); break;
        }
    }

    private static void WriteFromInteger(TensorType t, Span<byte> b, long i, long v, bool unsignedSource)
    {
        switch (t)
        {
            case TensorType.Float32: case TensorType.Float64: case TensorType.Float16: case TensorType.Bfloat16:
                WriteFloat(t, b, i, unsignedSource ? (double)(ulong)v : v);
                break;
            case TensorType.Bool: b[(int)i] = v != 0 ? (byte)1 : (byte)0; break;
            case TensorType.Int8: case TensorType.Uint8: b[(int)i] = (byte)v; break;
            case TensorType.Int16: case TensorType.Uint16: BinaryPrimitives.WriteUInt16LittleEndian(b[(int)(i * 2)..], (ushort)v); break;
            case TensorType.Int32: case TensorType.Uint32: BinaryPrimitives.WriteUInt32LittleEndian(b[(int)(i * 4)..], (uint)v); break;
            default: BinaryPrimitives.WriteInt64LittleEndian(b[(int)(i * 8)..], v); break;
        }
    }
}
