using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using LiteRt.Format.Schema;
using LiteRt.Graph.Catalog;
using LiteRt.Runtime.Execution;

namespace LiteRt.Runtime.Cpu.Kernels.Decoder;

/// <summary>
/// CUSTOM <c>litert.gqa_attention</c> (see <see cref="GqaAttention"/>) in float32: RoPE, cache write and causal GQA
/// attention over cache rows [0, p] only, so decode costs O(p) per token, not O(MaxContext). When a cache output shares
/// its input's memory (<see cref="SignatureRunner.BindInPlace(string, TensorMemory)"/>) only the new rows are written; otherwise the input
/// cache is copied to the output first (the op's value semantics).
/// </summary>
public static unsafe class GqaAttentionKernel
{
    private sealed class State
    {
        public int N, Hq, Hkv, D, T;
    }

    public static bool Accepts(PreparedNode node) =>
        node.Op.CustomCode == GqaAttention.CustomCode && node.Inputs.Length == 8 && node.Outputs.Length == 3
        && node.Inputs[3] is { Type: TensorType.Int32 }
        && node.Inputs.All(t => t is not null && (t.Type == TensorType.Float32 || t == node.Inputs[3]))
        && node.Outputs.All(t => t.Type == TensorType.Float32);

    public static void Prepare(PreparedNode node)
    {
        var (n, hq, hkv, d, t) = GqaAttention.Dims(node.Input(0).Shape, node.Input(1).Shape, node.Input(4).Shape, node.Error);
        node.State = new State { N = n, Hq = hq, Hkv = hkv, D = d, T = t };
        int group = hq / hkv;
        node.ScratchBytes = (long)group * (t + d) * sizeof(float);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Eval(PreparedNode node)
    {
        var st = node.GetState<State>();
        int n = st.N, hq = st.Hq, hkv = st.Hkv, d = st.D, t = st.T, half = d / 2, group = hq / hkv, rowK = hkv * d;
        ReadOnlySpan<float> q = node.Input(0).AsReadOnlySpan<float>();
        ReadOnlySpan<float> k = node.Input(1).AsReadOnlySpan<float>();
        ReadOnlySpan<float> v = node.Input(2).AsReadOnlySpan<float>();
        ReadOnlySpan<int> pos = node.Input(3).AsReadOnlySpan<int>();
        ReadOnlySpan<float> cos = node.Input(6).AsReadOnlySpan<float>();
        ReadOnlySpan<float> sin = node.Input(7).AsReadOnlySpan<float>();
        var kcIn = node.Input(4); var vcIn = node.Input(5);
        var kcOut = node.Output(1); var vcOut = node.Output(2);
        if (kcIn.Data != kcOut.Data) new Span<byte>(kcIn.Data, (int)kcIn.ByteLength).CopyTo(kcOut.Bytes);
        if (vcIn.Data != vcOut.Data) new Span<byte>(vcIn.Data, (int)vcIn.ByteLength).CopyTo(vcOut.Bytes);
        Span<float> kc = kcOut.AsSpan<float>();
        Span<float> vc = vcOut.AsSpan<float>();
        Span<float> output = node.Output(0).AsSpan<float>();

        for (int i = 0; i < n; i++)
        {
            int p = pos[i];
            if (p < 0) continue;
            if (p >= t) throw node.Error($"input_pos[{i}] = {p} is outside the {t}-row KV cache");
            for (int h = 0; h < hkv; h++)
            {
                Rotate(k.Slice(i * rowK + h * d, d), cos.Slice(p * half, half), sin.Slice(p * half, half), kc.Slice(p * rowK + h * d, d));
                v.Slice(i * rowK + h * d, d).CopyTo(vc.Slice(p * rowK + h * d, d));
            }
        }

        // The query heads of one KV head are processed together, so each cache row is read once per KV head.
        Span<float> scores = node.ScratchSpan<float>(0, group * t);
        Span<float> qr = node.ScratchSpan<float>((long)group * t * sizeof(float), group * d);
        float scale = 1f / MathF.Sqrt(d);
        int qRow = hq * d;
        for (int i = 0; i < n; i++)
        {
            int p = pos[i];
            Span<float> outRow = output.Slice(i * qRow, qRow);
            if (p < 0) { outRow.Clear(); continue; }
            int rows = p + 1;
            for (int kvh = 0; kvh < hkv; kvh++)
            {
                int kvOff = kvh * d;
                for (int g = 0; g < group; g++)
                    Rotate(q.Slice(i * qRow + (kvh * group + g) * d, d), cos.Slice(p * half, half), sin.Slice(p * half, half), qr.Slice(g * d, d));
                for (int j = 0; j < rows; j++)
                {
                    var kRow = kc.Slice(j * rowK + kvOff, d);
                    for (int g = 0; g < group; g++) scores[g * t + j] = TensorPrimitives.Dot(qr.Slice(g * d, d), kRow) * scale;
                }
                for (int g = 0; g < group; g++)
                {
                    var s = scores.Slice(g * t, rows);
                    float max = TensorPrimitives.Max(s);
                    TensorPrimitives.Subtract(s, max, s);
                    TensorPrimitives.Exp(s, s);
                    TensorPrimitives.Multiply(s, 1f / TensorPrimitives.Sum(s), s);
                    outRow.Slice((kvh * group + g) * d, d).Clear();
                }
                for (int j = 0; j < rows; j++)
                {
                    var vRow = vc.Slice(j * rowK + kvOff, d);
                    for (int g = 0; g < group; g++)
                    {
                        var o = outRow.Slice((kvh * group + g) * d, d);
                        TensorPrimitives.MultiplyAdd(vRow, scores[g * t + j], o, o);
                    }
                }
            }
        }
    }

    /// <summary>Rotate-half RoPE: [x1, x2] → [x1·cos − x2·sin, x2·cos + x1·sin].</summary>
    private static void Rotate(ReadOnlySpan<float> x, ReadOnlySpan<float> cos, ReadOnlySpan<float> sin, Span<float> dst)
    {
        int half = cos.Length;
        for (int c = 0; c < half; c++)
        {
            float x1 = x[c], x2 = x[half + c];
            dst[c] = x1 * cos[c] - x2 * sin[c];
            dst[half + c] = x2 * cos[c] + x1 * sin[c];
        }
    }
}
