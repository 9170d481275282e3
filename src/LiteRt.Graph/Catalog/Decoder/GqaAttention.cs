using LiteRt.Format.Schema;

namespace LiteRt.Graph.Catalog;

/// <summary>
/// CUSTOM op <c>litert.gqa_attention</c>: rotary embedding, KV-cache write and causal grouped-query attention in one
/// op, so a runtime can update the cache in place and attend over the valid rows only.
/// Inputs: q [N, Hq·D], k [N, Hkv·D], v [N, Hkv·D] (float32, projections before RoPE), input_pos int32 [N],
/// k_cache and v_cache float32 [1, T, Hkv, D], rope_cos and rope_sin float32 [T, D/2].
/// Outputs: attention [N, Hq·D], k_cache and v_cache (the inputs with rows input_pos[i] replaced).
/// </summary>
public static class GqaAttention
{
    public const string CustomCode = "litert.gqa_attention";

    public const string Summary =
        "for each token i at position p = input_pos[i] (p < 0: padding, ignored, output row 0), q_i and k_i are rotated by " +
        "rotate-half RoPE with rope_cos[p]/rope_sin[p]; cache row p gets the rotated k_i and v_i; output head h of token i is " +
        "softmax_j(q·k_j / sqrt(D)) · v_j over cache rows j <= p of kv head h / (Hq/Hkv).";

    /// <summary>Dims read from the operands: (tokens, query heads, kv heads, head size, cache rows).</summary>
    public static (int N, int Hq, int Hkv, int D, int T) Dims(int[] q, int[] k, int[] cache, Func<string, Exception> error)
    {
        if (q.Length != 2 || k.Length != 2 || cache.Length != 4 || cache[0] != 1)
            throw error($"expected q [N, Hq·D], k [N, Hkv·D] and caches [1, T, Hkv, D], got {Shapes.Format(q)}, {Shapes.Format(k)}, {Shapes.Format(cache)}");
        int t = cache[1], hkv = cache[2], d = cache[3];
        if (d <= 0 || d % 2 != 0 || k[1] != hkv * d || q[1] % d != 0 || (q[1] / d) % hkv != 0 || q[0] != k[0])
            throw error($"inconsistent attention shapes q {Shapes.Format(q)}, k {Shapes.Format(k)}, cache {Shapes.Format(cache)}");
        return (q[0], q[1] / d, hkv, d, t);
    }

    internal static void InferShapes(ShapeContext ctx)
    {
        ctx.Require(ctx.InputCount == 8 && ctx.OutputCount == 3, "expects 8 inputs (q, k, v, input_pos, k_cache, v_cache, rope_cos, rope_sin) and 3 outputs");
        var (n, hq, hkv, d, t) = Dims(ctx.InputShape(0), ctx.InputShape(1), ctx.InputShape(4), ctx.Error);
        ctx.Require(ctx.InputShape(2).SequenceEqual(ctx.InputShape(1)), "v must have k's shape");
        ctx.Require(ctx.InputShape(3) is [var np] && np == n && ctx.InputType(3) == TensorType.Int32, "input_pos must be int32 [N]");
        ctx.Require(ctx.InputShape(5).SequenceEqual(ctx.InputShape(4)), "v_cache must have k_cache's shape");
        ctx.Require(ctx.InputShape(6) is [var tc, var hc] && tc == t && hc == d / 2 && ctx.InputShape(7).SequenceEqual(ctx.InputShape(6)),
            $"rope tables must be [{t}, {d / 2}]");
        ctx.SetOutputShape(0, [n, hq * d]);
        ctx.SetOutputShape(1, ctx.InputShape(4));
        ctx.SetOutputShape(2, ctx.InputShape(5));
    }

    internal static void Reference(ReferenceContext ctx)
    {
        var q = ctx.Input(0); var k = ctx.Input(1); var v = ctx.Input(2);
        var pos = ctx.Input(3).Data;
        var cos = ctx.Input(6).Data; var sin = ctx.Input(7).Data;
        var (n, hq, hkv, d, t) = Dims(q.Shape, k.Shape, ctx.Input(4).Shape, r => new LiteRtModelException(r, ctx.Node));
        var kc = ctx.Output(1).Data; var vc = ctx.Output(2).Data;
        ctx.Input(4).Data.CopyTo(kc, 0);
        ctx.Input(5).Data.CopyTo(vc, 0);
        var outp = ctx.Output(0).Data;
        int half = d / 2, group = hq / hkv, rowK = hkv * d;
        void Rotate(double[] src, int offset, int p, double[] dst)
        {
            for (int c = 0; c < half; c++)
            {
                double x1 = src[offset + c], x2 = src[offset + half + c], cs = cos[p * half + c], sn = sin[p * half + c];
                dst[c] = x1 * cs - x2 * sn;
                dst[half + c] = x2 * cs + x1 * sn;
            }
        }
        var tmp = new double[d];
        for (int i = 0; i < n; i++)
        {
            int p = (int)pos[i];
            if (p < 0) continue;
            if (p >= t) throw new LiteRtModelException($"input_pos[{i}] = {p} is outside the {t}-row cache", ctx.Node);
            for (int h = 0; h < hkv; h++)
            {
                Rotate(k.Data, i * rowK + h * d, p, tmp);
                Array.Copy(tmp, 0, kc, (long)p * rowK + h * d, d);
                Array.Copy(v.Data, i * rowK + h * d, vc, (long)p * rowK + h * d, d);
            }
        }
        double scale = 1 / Math.Sqrt(d);
        for (int i = 0; i < n; i++)
        {
            int p = (int)pos[i];
            if (p < 0) continue;
            for (int h = 0; h < hq; h++)
            {
                Rotate(q.Data, i * hq * d + h * d, p, tmp);
                int kvh = h / group;
                var s = new double[p + 1];
                double max = double.NegativeInfinity;
                for (int j = 0; j <= p; j++)
                {
                    double dot = 0;
                    for (int c = 0; c < d; c++) dot += tmp[c] * kc[(long)j * rowK + kvh * d + c];
                    s[j] = dot * scale;
                    max = Math.Max(max, s[j]);
                }
                double sum = 0;
                for (int j = 0; j <= p; j++) sum += s[j] = Math.Exp(s[j] - max);
                for (int c = 0; c < d; c++)
                {
                    double acc = 0;
                    for (int j = 0; j <= p; j++) acc += s[j] * vc[(long)j * rowK + kvh * d + c];
                    outp[i * hq * d + h * d + c] = acc / sum;
                }
            }
        }
    }
}
