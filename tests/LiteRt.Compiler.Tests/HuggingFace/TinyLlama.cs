namespace LiteRt.Compiler.Tests.HuggingFace;

/// <summary>
/// A tiny random decoder checkpoint written from C# (the repository's own, self-contained test model), and an
/// independent float64 forward pass over the same weights (written from the Llama/Qwen2 equations, not from the graph).
/// </summary>
internal sealed class TinyLlama
{
    public sealed record Spec(string ModelType, int Hidden, int Intermediate, int Layers, int Heads, int KvHeads, int HeadDim, int Vocab,
        double Eps, double Theta, bool Tied, bool Bias);

    public static readonly Spec Default = new("llama", 32, 48, 2, 4, 2, 8, 64, 1e-5, 10000, Tied: false, Bias: false);
    public static readonly Spec QwenLike = new("qwen2", 32, 64, 2, 8, 2, 4, 80, 1e-6, 1e6, Tied: true, Bias: true);

    public static object ConfigObject(Spec s) => new Dictionary<string, object?>
    {
        ["model_type"] = s.ModelType, ["hidden_size"] = s.Hidden, ["intermediate_size"] = s.Intermediate,
        ["num_hidden_layers"] = s.Layers, ["num_attention_heads"] = s.Heads, ["num_key_value_heads"] = s.KvHeads,
        ["head_dim"] = s.HeadDim, ["vocab_size"] = s.Vocab, ["rms_norm_eps"] = s.Eps, ["rope_theta"] = s.Theta,
        ["rope_scaling"] = null, ["hidden_act"] = "silu", ["tie_word_embeddings"] = s.Tied, ["max_position_embeddings"] = 512,
    };

    public Spec S { get; }
    public Dictionary<string, (int[] Shape, float[] Values)> Tensors { get; } = [];

    public TinyLlama(Spec s, int seed)
    {
        S = s;
        var rng = new Random(seed);
        void T(string name, int[] shape, double scale, double offset = 0)
        {
            var v = new float[shape.Aggregate(1, (a, b) => a * b)];
            for (int i = 0; i < v.Length; i++) v[i] = (float)(offset + scale * (rng.NextDouble() * 2 - 1));
            Tensors[name] = (shape, v);
        }
        int d = s.Hidden, q = s.Heads * s.HeadDim, kv = s.KvHeads * s.HeadDim;
        T("model.embed_tokens.weight", [s.Vocab, d], 1.0);
        if (!s.Tied) T("lm_head.weight", [s.Vocab, d], 0.3);
        T("model.norm.weight", [d], 0.2, 1);
        for (int i = 0; i < s.Layers; i++)
        {
            string p = $"model.layers.{i}.";
            T(p + "input_layernorm.weight", [d], 0.2, 1);
            T(p + "post_attention_layernorm.weight", [d], 0.2, 1);
            T(p + "self_attn.q_proj.weight", [q, d], 0.4);
            T(p + "self_attn.k_proj.weight", [kv, d], 0.4);
            T(p + "self_attn.v_proj.weight", [kv, d], 0.4);
            T(p + "self_attn.o_proj.weight", [d, q], 0.3);
            T(p + "mlp.gate_proj.weight", [s.Intermediate, d], 0.3);
            T(p + "mlp.up_proj.weight", [s.Intermediate, d], 0.3);
            T(p + "mlp.down_proj.weight", [d, s.Intermediate], 0.3);
            if (s.Bias)
            {
                T(p + "self_attn.q_proj.bias", [q], 0.2);
                T(p + "self_attn.k_proj.bias", [kv], 0.2);
                T(p + "self_attn.v_proj.bias", [kv], 0.2);
            }
        }
    }

    public void Save(string dir)
    {
        CheckpointWriter.Config(dir, ConfigObject(S));
        CheckpointWriter.Safetensors(Path.Combine(dir, "model.safetensors"), Tensors.Select(kv => (kv.Key, kv.Value.Shape, kv.Value.Values)));
    }

    // ---- float64 reference forward with a KV cache ----

    private readonly List<double[][]> _k = [], _v = []; // per layer: rows of [KvHeads·HeadDim]

    public void Reset()
    {
        _k.Clear();
        _v.Clear();
        for (int i = 0; i < S.Layers; i++) { _k.Add(new double[4096][]); _v.Add(new double[4096][]); }
    }

    private double[] W(string name) => Array.ConvertAll(Tensors[name].Values, x => (double)x);

    private static double[] MatVec(double[] w, double[] x, int rows, double[]? bias = null)
    {
        int cols = x.Length;
        var y = new double[rows];
        for (int r = 0; r < rows; r++)
        {
            double s = bias?[r] ?? 0;
            for (int c = 0; c < cols; c++) s += w[r * cols + c] * x[c];
            y[r] = s;
        }
        return y;
    }

    private double[] Rms(double[] x, double[] w)
    {
        double ms = x.Sum(v => v * v) / x.Length;
        double r = 1 / Math.Sqrt(ms + S.Eps);
        return x.Select((v, i) => v * r * w[i]).ToArray();
    }

    private void Rope(double[] x, int offset, int pos)
    {
        int half = S.HeadDim / 2;
        for (int c = 0; c < half; c++)
        {
            double a = pos / Math.Pow(S.Theta, 2.0 * c / S.HeadDim), cs = Math.Cos(a), sn = Math.Sin(a);
            double x1 = x[offset + c], x2 = x[offset + half + c];
            x[offset + c] = x1 * cs - x2 * sn;
            x[offset + half + c] = x2 * cs + x1 * sn;
        }
    }

    /// <summary>Runs one token at <paramref name="pos"/> (after all earlier positions) and returns its logits.</summary>
    public double[] Step(int token, int pos)
    {
        int d = S.Hidden, hd = S.HeadDim, q = S.Heads * hd, kv = S.KvHeads * hd, group = S.Heads / S.KvHeads;
        var x = W("model.embed_tokens.weight").Skip(token * d).Take(d).ToArray();
        for (int l = 0; l < S.Layers; l++)
        {
            string p = $"model.layers.{l}.";
            var h = Rms(x, W(p + "input_layernorm.weight"));
            var qv = MatVec(W(p + "self_attn.q_proj.weight"), h, q, S.Bias ? W(p + "self_attn.q_proj.bias") : null);
            var kvv = MatVec(W(p + "self_attn.k_proj.weight"), h, kv, S.Bias ? W(p + "self_attn.k_proj.bias") : null);
            var vv = MatVec(W(p + "self_attn.v_proj.weight"), h, kv, S.Bias ? W(p + "self_attn.v_proj.bias") : null);
            for (int hh = 0; hh < S.Heads; hh++) Rope(qv, hh * hd, pos);
            for (int hh = 0; hh < S.KvHeads; hh++) Rope(kvv, hh * hd, pos);
            _k[l][pos] = kvv;
            _v[l][pos] = vv;
            var att = new double[q];
            for (int hh = 0; hh < S.Heads; hh++)
            {
                int kh = hh / group;
                var s = new double[pos + 1];
                for (int j = 0; j <= pos; j++)
                {
                    double dot = 0;
                    for (int c = 0; c < hd; c++) dot += qv[hh * hd + c] * _k[l][j][kh * hd + c];
                    s[j] = dot / Math.Sqrt(hd);
                }
                double max = s.Max(), sum = 0;
                for (int j = 0; j <= pos; j++) sum += s[j] = Math.Exp(s[j] - max);
                for (int j = 0; j <= pos; j++)
                    for (int c = 0; c < hd; c++) att[hh * hd + c] += s[j] / sum * _v[l][j][kh * hd + c];
            }
            var o = MatVec(W(p + "self_attn.o_proj.weight"), att, d);
            for (int i = 0; i < d; i++) x[i] += o[i];
            h = Rms(x, W(p + "post_attention_layernorm.weight"));
            var g = MatVec(W(p + "mlp.gate_proj.weight"), h, S.Intermediate);
            var u = MatVec(W(p + "mlp.up_proj.weight"), h, S.Intermediate);
            var a = g.Select((gv, i) => gv / (1 + Math.Exp(-gv)) * u[i]).ToArray();
            var dn = MatVec(W(p + "mlp.down_proj.weight"), a, d);
            for (int i = 0; i < d; i++) x[i] += dn[i];
        }
        var f = Rms(x, W("model.norm.weight"));
        return MatVec(W(S.Tied ? "model.embed_tokens.weight" : "lm_head.weight"), f, S.Vocab);
    }
}
