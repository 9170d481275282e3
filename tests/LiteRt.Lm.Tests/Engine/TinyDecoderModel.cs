using LiteRt.Format.Schema;
using LiteRt.Graph;

namespace LiteRt.Lm.Tests.Engine;

/// <summary>
/// A decoder that follows the converted-model contract and whose outputs C# can predict: signatures
/// <c>prefill_N</c> and <c>decode</c>; per layer i the cache rows at <c>input_pos</c> are set to
/// <c>emb(token)·ck_i</c> / <c>emb(token)·cv_i</c> (ONE_HOT scatter: BATCH_MATMUL of the one-hot positions),
/// and <c>logits = W · (emb(token) + Σ_i Σ_{t ≤ pos} v_i[t])</c> — a causal read of the updated cache.
/// </summary>
internal sealed class TinyDecoderModel
{
    public int Vocab { get; }
    public int Context { get; }
    public int Dim { get; }
    public int Layers { get; }
    public float[] Embedding { get; }   // [V, D]
    public float[] Output { get; }      // [V, D]
    public float[][] KScale { get; }    // per layer [D]
    public float[][] VScale { get; }

    public TinyDecoderModel(int vocab, int context, int dim = 8, int layers = 2, int seed = 7)
    {
        Vocab = vocab; Context = context; Dim = dim; Layers = layers;
        var rng = new Random(seed);
        float R() => (float)(rng.NextDouble() * 2 - 1);
        Embedding = Enumerable.Range(0, vocab * dim).Select(_ => R()).ToArray();
        Output = Enumerable.Range(0, vocab * dim).Select(_ => R()).ToArray();
        KScale = Enumerable.Range(0, layers).Select(_ => Enumerable.Range(0, dim).Select(_ => R()).ToArray()).ToArray();
        VScale = Enumerable.Range(0, layers).Select(_ => Enumerable.Range(0, dim).Select(_ => R() * 0.25f).ToArray()).ToArray();
    }

    /// <summary>The model graph; <paramref name="lastLogitsOnly"/>: prefill signatures output only the last position's logits.</summary>
    public ModelGraph Build(int[] prefillLengths, bool lastLogitsOnly = false, bool withDecode = true)
    {
        var g = new ModelGraph { Description = "tiny decoder for LiteRt.Lm tests" };
        var emb = g.AddBuffer(Bytes(Embedding));
        var w = g.AddBuffer(Bytes(Output));
        var ks = KScale.Select(k => g.AddBuffer(Bytes(k))).ToArray();
        var vs = VScale.Select(v => g.AddBuffer(Bytes(v))).ToArray();
        foreach (int n in prefillLengths) AddSignature(g, $"prefill_{n}", n, lastLogitsOnly && n > 1, emb, w, ks, vs);
        if (withDecode) AddSignature(g, "decode", 1, false, emb, w, ks, vs);
        return g;
    }

    private void AddSignature(ModelGraph g, string key, int n, bool lastOnly, DataBuffer emb, DataBuffer w, DataBuffer[] ks, DataBuffer[] vs)
    {
        var sg = new Subgraph { Name = key };
        int T = Context, D = Dim;
        int Const(string name, TensorType type, int[] shape, DataBuffer data) => sg.AddTensor(new Tensor(name, type, shape) { Buffer = data });
        int Ints(string name, params int[] v) => Const(name, TensorType.Int32, [v.Length], g.AddBuffer(v.SelectMany(BitConverter.GetBytes).ToArray()));
        int Scalar(string name, TensorType type, byte[] bytes) => Const(name, type, [], g.AddBuffer(bytes));
        int Op(BuiltinOperator op, int[] inputs, string name, TensorType type, OptionsTable? options = null)
        {
            int o = sg.AddTensor(new Tensor(name, type, []));
            sg.Operations.Add(new Operation(op, inputs, [o], options));
            return o;
        }
        int Input(string name, TensorType type, int[] shape)
        {
            int i = sg.AddTensor(new Tensor(name, type, shape));
            sg.Inputs.Add(i);
            return i;
        }
        OptionsTable Opt(BuiltinOptionsType t) => OptionsTable.Create(t);

        int tokens = Input("tokens", TensorType.Int32, [1, n]);
        int pos = Input("input_pos", TensorType.Int32, [n]);
        var kIn = new int[Layers];
        var vIn = new int[Layers];
        for (int i = 0; i < Layers; i++)
        {
            kIn[i] = Input($"kv_cache_k_{i}", TensorType.Float32, [1, T, 1, D]);
            vIn[i] = Input($"kv_cache_v_{i}", TensorType.Float32, [1, T, 1, D]);
        }
        int table = Const("embedding", TensorType.Float32, [Vocab, D], emb);
        int gathered = Op(BuiltinOperator.Gather, [table, tokens], "emb", TensorType.Float32, Opt(BuiltinOptionsType.GatherOptions).Set("axis", 0));
        int x = Op(BuiltinOperator.Reshape, [gathered, Ints("shape_nd", n, D)], "x", TensorType.Float32, Opt(BuiltinOptionsType.ReshapeOptions));
        int onehot = Op(BuiltinOperator.OneHot, [pos, Scalar("depth", TensorType.Int32, BitConverter.GetBytes(T)),
            Scalar("on", TensorType.Float32, BitConverter.GetBytes(1f)), Scalar("off", TensorType.Float32, BitConverter.GetBytes(0f))],
            "onehot", TensorType.Float32, Opt(BuiltinOptionsType.OneHotOptions).Set("axis", -1));
        int written = Op(BuiltinOperator.Sum, [onehot, Ints("axis0", 0)], "written", TensorType.Float32, Opt(BuiltinOptionsType.ReducerOptions));
        int keep = Op(BuiltinOperator.Sub, [Scalar("one", TensorType.Float32, BitConverter.GetBytes(1f)), written], "keep", TensorType.Float32, Opt(BuiltinOptionsType.SubOptions));
        int keep4 = Op(BuiltinOperator.Reshape, [keep, Ints("shape_t111", 1, T, 1, 1)], "keep4", TensorType.Float32, Opt(BuiltinOptionsType.ReshapeOptions));
        int range = Ints("range_t", Enumerable.Range(0, T).ToArray());
        int posCol = Op(BuiltinOperator.Reshape, [pos, Ints("shape_n1", n, 1)], "pos_col", TensorType.Int32, Opt(BuiltinOptionsType.ReshapeOptions));
        int causalB = Op(BuiltinOperator.LessEqual, [range, posCol], "causal_b", TensorType.Bool, Opt(BuiltinOptionsType.LessEqualOptions));
        int causal = Op(BuiltinOperator.Cast, [causalB], "causal", TensorType.Float32);

        int h = x;
        var outputs = new List<(string, int)>();
        for (int i = 0; i < Layers; i++)
        {
            int Update(int cacheIn, DataBuffer scale, string name)
            {
                int row = Op(BuiltinOperator.Mul, [x, Const($"{name}_scale", TensorType.Float32, [D], scale)], $"{name}_new", TensorType.Float32, Opt(BuiltinOptionsType.MulOptions));
                int scattered = Op(BuiltinOperator.BatchMatmul, [onehot, row], $"{name}_scatter", TensorType.Float32, Opt(BuiltinOptionsType.BatchMatMulOptions).Set("adj_x", true));
                int scattered4 = Op(BuiltinOperator.Reshape, [scattered, Ints($"{name}_shape", 1, T, 1, D)], $"{name}_scatter4", TensorType.Float32, Opt(BuiltinOptionsType.ReshapeOptions));
                int kept = Op(BuiltinOperator.Mul, [cacheIn, keep4], $"{name}_kept", TensorType.Float32, Opt(BuiltinOptionsType.MulOptions));
                int updated = Op(BuiltinOperator.Add, [kept, scattered4], $"{name}_out", TensorType.Float32, Opt(BuiltinOptionsType.AddOptions));
                outputs.Add((name, updated));
                return updated;
            }
            Update(kIn[i], ks[i], $"kv_cache_k_{i}");
            int v = Update(vIn[i], vs[i], $"kv_cache_v_{i}");
            int v2 = Op(BuiltinOperator.Reshape, [v, Ints($"v{i}_shape", T, D)], $"v{i}_2d", TensorType.Float32, Opt(BuiltinOptionsType.ReshapeOptions));
            int read = Op(BuiltinOperator.BatchMatmul, [causal, v2], $"read_{i}", TensorType.Float32, Opt(BuiltinOptionsType.BatchMatMulOptions));
            h = Op(BuiltinOperator.Add, [h, read], $"h_{i}", TensorType.Float32, Opt(BuiltinOptionsType.AddOptions));
        }
        int rows = n;
        if (lastOnly)
        {
            h = Op(BuiltinOperator.Gather, [h, Ints("last", n - 1)], "h_last", TensorType.Float32, Opt(BuiltinOptionsType.GatherOptions).Set("axis", 0));
            rows = 1;
        }
        int fc = Op(BuiltinOperator.FullyConnected, [h, Const("out_w", TensorType.Float32, [Vocab, D], w), -1], "fc", TensorType.Float32, Opt(BuiltinOptionsType.FullyConnectedOptions));
        int logits = Op(BuiltinOperator.Reshape, [fc, Ints("shape_logits", 1, rows, Vocab)], "logits", TensorType.Float32, Opt(BuiltinOptionsType.ReshapeOptions));
        outputs.Insert(0, ("logits", logits));

        var shapes = ShapeInference.Infer(sg);
        for (int t = 0; t < sg.Tensors.Count; t++)
            if (!sg.Tensors[t].IsConstant && !sg.Inputs.Contains(t)) sg.Tensors[t].Shape = shapes[t] ?? [];
        int index = g.Subgraphs.Count;
        g.Subgraphs.Add(sg);
        var sig = new Signature(key, index);
        foreach (int t in sg.Inputs) sig.Inputs.Add(new SignatureTensor(sg.Tensors[t].Name, t));
        foreach (var (name, t) in outputs)
        {
            sg.Outputs.Add(t);
            sig.Outputs.Add(new SignatureTensor(name, t));
        }
        g.Signatures.Add(sig);
    }

    private static byte[] Bytes(float[] values) => values.SelectMany(BitConverter.GetBytes).ToArray();

    /// <summary>The same model in plain C#: feed tokens one at a time (a causal model gives the same as chunks).</summary>
    public sealed class Reference(TinyDecoderModel m)
    {
        private readonly double[][] _k = Enumerable.Range(0, m.Layers).Select(_ => new double[m.Context * m.Dim]).ToArray();
        private readonly double[][] _v = Enumerable.Range(0, m.Layers).Select(_ => new double[m.Context * m.Dim]).ToArray();

        public double[] Feed(int token, int position)
        {
            int D = m.Dim;
            var h = new double[D];
            for (int d = 0; d < D; d++) h[d] = m.Embedding[token * D + d];
            for (int i = 0; i < m.Layers; i++)
            {
                for (int d = 0; d < D; d++)
                {
                    _k[i][position * D + d] = (double)(float)(m.Embedding[token * D + d] * m.KScale[i][d]);
                    _v[i][position * D + d] = (double)(float)(m.Embedding[token * D + d] * m.VScale[i][d]);
                }
                for (int t = 0; t <= position; t++)
                    for (int d = 0; d < D; d++) h[d] += _v[i][t * D + d];
            }
            var logits = new double[m.Vocab];
            for (int v = 0; v < m.Vocab; v++)
                for (int d = 0; d < D; d++) logits[v] += m.Output[v * D + d] * h[d];
            return logits;
        }

        public double[] K(int layer) => _k[layer];
    }
}
