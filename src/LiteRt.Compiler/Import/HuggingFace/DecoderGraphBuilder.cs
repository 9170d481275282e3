using LiteRt.Compiler.Ir;
using LiteRt.Format.Schema;
using LiteRt.Graph;
using LiteRt.Graph.Catalog;

namespace LiteRt.Compiler.Import.HuggingFace;

/// <summary>
/// Builds the decoder graph from the config, as LiteRT's Generative API re-authors models: one subgraph and signature
/// per entry point (<c>prefill_&lt;N&gt;</c> for each prefill length, and <c>decode</c> = one token), all sharing one
/// buffer per weight. Builtin ops throughout (EMBEDDING_LOOKUP, FULLY_CONNECTED, RMSNorm as MUL/MEAN/ADD/RSQRT/MUL,
/// SiLU as LOGISTIC·MUL) except one CUSTOM <c>litert.gqa_attention</c> per layer (RoPE + in-place cache write +
/// causal GQA over valid rows). See docs/llm-import.md for the contract.
/// </summary>
internal sealed class DecoderGraphBuilder
{
    private readonly HfCheckpoint _ck;
    private readonly DecoderConfig _c;
    private readonly LlmConvertOptions _o;
    private readonly DecoderWeights _w;
    private readonly Dictionary<string, StoredWeight> _stored = new(StringComparer.Ordinal);

    public DecoderGraphBuilder(HfCheckpoint checkpoint, LlmConvertOptions options, ConversionSlot slot)
    {
        _ck = checkpoint;
        _c = checkpoint.Config;
        _o = options;
        _w = new DecoderWeights(slot);
    }

    public int WeightCount => _w.Count;

    public ModelGraph Build()
    {
        PrepareWeights();
        var g = new ModelGraph { Description = $"LiteRt.Build decoder ({_c.ModelType}) from {Path.GetFileName(Path.TrimEndingDirectorySeparator(_ck.Directory))}" };
        foreach (int n in _o.PrefillLengths) AddSignature(g, $"prefill_{n}", n);
        AddSignature(g, "decode", 1);
        return g;
    }

    // ---- weights (converted once, shared by all signatures) ----

    private void PrepareWeights()
    {
        int d = _c.HiddenSize, f = _c.IntermediateSize, q = _c.Heads * _c.HeadDim, kv = _c.KvHeads * _c.HeadDim;
        var wt = _o.Weights;
        bool quantEmbedding = wt is LlmWeightType.DynamicInt8 or LlmWeightType.BlockwiseInt4;
        var embed = _ck.Get("model.embed_tokens.weight", _c.VocabSize, d);
        _stored["embed"] = quantEmbedding ? _w.Matrix(embed, "model.embed_tokens.weight", LlmWeightType.DynamicInt8) : _w.Float32(embed, "model.embed_tokens.weight");
        bool tied = _c.TieWordEmbeddings || !_ck.Has("lm_head.weight");
        if (!_c.TieWordEmbeddings && !_ck.Has("lm_head.weight"))
            throw new LiteRtCompileException(ErrorCodes.BadCheckpointTensor, "tie_word_embeddings is false but tensor 'lm_head.weight' is missing", file: string.Join(", ", _ck.Files));
        _stored["lm_head"] = tied ? _stored["embed"] : _w.Matrix(_ck.Get("lm_head.weight", _c.VocabSize, d), "lm_head.weight", wt);
        _stored["norm"] = _w.Float32(_ck.Get("model.norm.weight", d), "model.norm.weight");
        _o.Progress?.Invoke($"computing weight scales for {_c.Layers} layers ({wt})");
        for (int i = 0; i < _c.Layers; i++)
        {
            string p = $"model.layers.{i}.";
            void Mat(string key, string name, int rows, int cols) => _stored[key + i] = _w.Matrix(_ck.Get(p + name, rows, cols), p + name, wt);
            void Vec(string key, string name, int n) => _stored[key + i] = _w.Float32(_ck.Get(p + name, n), p + name);
            Vec("ln1.", "input_layernorm.weight", d);
            Vec("ln2.", "post_attention_layernorm.weight", d);
            Mat("q.", "self_attn.q_proj.weight", q, d);
            Mat("k.", "self_attn.k_proj.weight", kv, d);
            Mat("v.", "self_attn.v_proj.weight", kv, d);
            Mat("o.", "self_attn.o_proj.weight", d, q);
            Mat("gate.", "mlp.gate_proj.weight", f, d);
            Mat("up.", "mlp.up_proj.weight", f, d);
            Mat("down.", "mlp.down_proj.weight", d, f);
            if (_c.QkvBias)
            {
                Vec("qb.", "self_attn.q_proj.bias", q);
                Vec("kb.", "self_attn.k_proj.bias", kv);
                Vec("vb.", "self_attn.v_proj.bias", kv);
            }
        }
        var (cos, sin) = RopeTables(_o.MaxContext, _c.HeadDim, _c.RopeTheta);
        _stored["rope_cos"] = DecoderWeights.Constant("rope_cos", [_o.MaxContext, _c.HeadDim / 2], cos);
        _stored["rope_sin"] = DecoderWeights.Constant("rope_sin", [_o.MaxContext, _c.HeadDim / 2], sin);
    }

    /// <summary>cos/sin of position × θ^(−2c/D), computed in float64 and rounded to float32 (as the reference forward does).</summary>
    public static (float[] Cos, float[] Sin) RopeTables(int rows, int headDim, double theta)
    {
        int half = headDim / 2;
        var cos = new float[rows * half];
        var sin = new float[rows * half];
        for (int c = 0; c < half; c++)
        {
            double inv = 1.0 / Math.Pow(theta, 2.0 * c / headDim);
            for (int p = 0; p < rows; p++)
            {
                double a = p * inv;
                cos[p * half + c] = (float)Math.Cos(a);
                sin[p * half + c] = (float)Math.Sin(a);
            }
        }
        return (cos, sin);
    }

    // ---- one signature ----

    private sealed class Sig(IrBuilder b)
    {
        public readonly IrBuilder B = b;
        public readonly Dictionary<StoredWeight, int> Tensors = new(ReferenceEqualityComparer.Instance);
    }

    private void AddSignature(ModelGraph g, string key, int n)
    {
        var sg = new Subgraph { Name = key };
        g.Subgraphs.Add(sg);
        var s = new Sig(new IrBuilder(g, sg) { FoldConstants = false });
        var b = s.B;
        var sig = new Signature(key, g.Subgraphs.Count - 1);
        int Input(string name, TensorType type, int[] shape)
        {
            int t = b.AddTensor(name, type, shape);
            sg.Inputs.Add(t);
            sig.Inputs.Add(new SignatureTensor(name, t));
            return t;
        }
        int tokens = Input("tokens", TensorType.Int32, [1, n]);
        int pos = Input("input_pos", TensorType.Int32, [n]);
        int[] cacheShape = [1, _o.MaxContext, _c.KvHeads, _c.HeadDim];
        var kIn = new int[_c.Layers];
        var vIn = new int[_c.Layers];
        for (int i = 0; i < _c.Layers; i++)
        {
            kIn[i] = Input($"kv_cache_k_{i}", TensorType.Float32, cacheShape);
            vIn[i] = Input($"kv_cache_v_{i}", TensorType.Float32, cacheShape);
        }

        int ids = Reshape(b, tokens, [n], "ids");
        int x = b.Op(BuiltinOperator.EmbeddingLookup, [ids, W(s, "embed")], TensorType.Float32, name: "embedding", fold: false);
        var kOut = new int[_c.Layers];
        var vOut = new int[_c.Layers];
        for (int i = 0; i < _c.Layers; i++)
        {
            string l = $"layer_{i}/";
            int h = RmsNorm(s, x, W(s, "ln1." + i), l + "input_norm");
            int q = Fc(s, h, "q." + i, _c.QkvBias ? W(s, "qb." + i) : -1, l + "q");
            int k = Fc(s, h, "k." + i, _c.QkvBias ? W(s, "kb." + i) : -1, l + "k");
            int v = Fc(s, h, "v." + i, _c.QkvBias ? W(s, "vb." + i) : -1, l + "v");
            var att = Attention(s, [q, k, v, pos, kIn[i], vIn[i], W(s, "rope_cos"), W(s, "rope_sin")], l);
            kOut[i] = att[1];
            vOut[i] = att[2];
            x = b.Op(BuiltinOperator.Add, [x, Fc(s, att[0], "o." + i, -1, l + "o")], TensorType.Float32, Add(), l + "attn_residual", fold: false);
            h = RmsNorm(s, x, W(s, "ln2." + i), l + "post_attention_norm");
            int gate = Fc(s, h, "gate." + i, -1, l + "gate");
            int up = Fc(s, h, "up." + i, -1, l + "up");
            int act = b.Op(BuiltinOperator.Mul, [gate, b.Op(BuiltinOperator.Logistic, [gate], TensorType.Float32, name: l + "gate_sigmoid", fold: false)],
                TensorType.Float32, Mul(), l + "gate_silu", fold: false);
            act = b.Op(BuiltinOperator.Mul, [act, up], TensorType.Float32, Mul(), l + "gated", fold: false);
            x = b.Op(BuiltinOperator.Add, [x, Fc(s, act, "down." + i, -1, l + "down")], TensorType.Float32, Add(), l + "mlp_residual", fold: false);
        }

        // Logits of the last real token only (the largest input_pos): prefill needs no more, and the vocabulary
        // projection is the largest matmul of the model.
        if (n > 1)
        {
            int last = b.Op(BuiltinOperator.ArgMax, [pos, b.Int32s("argmax_axis", 0)], TensorType.Int32,
                IrBuilder.Options(BuiltinOptionsType.ArgMaxOptions, ("output_type", (long)TensorType.Int32)), "last_token", fold: false);
            x = b.Op(BuiltinOperator.Gather, [x, Reshape(b, last, [1], "last_token_index")], TensorType.Float32,
                IrBuilder.Options(BuiltinOptionsType.GatherOptions, ("axis", 0L), ("batch_dims", 0L)), "last_hidden", fold: false);
        }
        int final = RmsNorm(s, x, W(s, "norm"), "final_norm");
        int logits = Reshape(b, Fc(s, final, "lm_head", -1, "lm_head"), [1, 1, _c.VocabSize], "logits");
        b.Rename(logits, "logits");

        sg.Outputs.Add(logits);
        sig.Outputs.Add(new SignatureTensor("logits", logits));
        for (int i = 0; i < _c.Layers; i++)
        {
            b.Rename(kOut[i], $"kv_cache_k_{i}_out");
            b.Rename(vOut[i], $"kv_cache_v_{i}_out");
            sg.Outputs.Add(kOut[i]);
            sg.Outputs.Add(vOut[i]);
            sig.Outputs.Add(new SignatureTensor($"kv_cache_k_{i}", kOut[i]));
            sig.Outputs.Add(new SignatureTensor($"kv_cache_v_{i}", vOut[i]));
        }
        g.Signatures.Add(sig);
        g.SignatureDefsPresent = true;
    }

    /// <summary>The subgraph tensor for a stored weight (created on first use; the buffer is shared across subgraphs).</summary>
    private int W(Sig s, string key)
    {
        var w = _stored[key];
        if (s.Tensors.TryGetValue(w, out int t)) return t;
        var sg = s.B.Sg;
        var q = w.Quantization;
        if (w.Scales is { } scales)
        {
            int scaleIndex = W(s, scales);
            q = new QuantizationParams
            {
                DetailsType = QuantizationDetailsType.BlockwiseQuantization,
                Blockwise = new TflBlockwiseQuantization { Scales = scaleIndex, ZeroPoints = -1, BlockSize = DecoderWeights.Int4Block },
            };
        }
        t = sg.AddTensor(new Tensor(s.B.UniqueName(w.Name), w.Type, w.Shape) { Buffer = w.Buffer, Quantization = q });
        s.Tensors[w] = t;
        return t;
    }

    private int W(Sig s, StoredWeight w)
    {
        if (s.Tensors.TryGetValue(w, out int t)) return t;
        t = s.B.Sg.AddTensor(new Tensor(s.B.UniqueName(w.Name), w.Type, w.Shape) { Buffer = w.Buffer, Quantization = w.Quantization });
        s.Tensors[w] = t;
        return t;
    }

    private int Fc(Sig s, int input, string weightKey, int bias, string name)
    {
        var b = s.B;
        int w = W(s, weightKey);
        if (b.Type(w) == TensorType.Float16)
            w = b.Op(BuiltinOperator.Dequantize, [w], TensorType.Float32, name: name + "/weight_f32", fold: false);
        bool hybrid = b.Type(w) is TensorType.Int8 or TensorType.Int4;
        var options = IrBuilder.Options(BuiltinOptionsType.FullyConnectedOptions, ("asymmetric_quantize_inputs", hybrid));
        return b.Op(BuiltinOperator.FullyConnected, bias >= 0 ? [input, w, bias] : [input, w], TensorType.Float32, options, name, fold: false);
    }

    /// <summary>x · rsqrt(mean(x²) + eps) · w, in the reference forward's order.</summary>
    private int RmsNorm(Sig s, int x, int weight, string name)
    {
        var b = s.B;
        int sq = b.Op(BuiltinOperator.Mul, [x, x], TensorType.Float32, Mul(), name + "/square", fold: false);
        int mean = b.Op(BuiltinOperator.Mean, [sq, b.Int32s(name + "/axis", -1)], TensorType.Float32,
            IrBuilder.Options(BuiltinOptionsType.ReducerOptions, ("keep_dims", true)), name + "/mean", fold: false);
        int eps = b.Scalar(name + "/eps", TensorType.Float32, (float)_c.RmsNormEps);
        int r = b.Op(BuiltinOperator.Rsqrt, [b.Op(BuiltinOperator.Add, [mean, eps], TensorType.Float32, Add(), name + "/add_eps", fold: false)],
            TensorType.Float32, name: name + "/rsqrt", fold: false);
        int y = b.Op(BuiltinOperator.Mul, [x, r], TensorType.Float32, Mul(), name + "/normalized", fold: false);
        return b.Op(BuiltinOperator.Mul, [y, weight], TensorType.Float32, Mul(), name, fold: false);
    }

    private static int[] Attention(Sig s, int[] inputs, string layer)
    {
        var b = s.B;
        var sg = b.Sg;
        var outputs = new[]
        {
            b.AddTensor(b.UniqueName(layer + "attention"), TensorType.Float32, []),
            b.AddTensor(b.UniqueName(layer + "k_cache"), TensorType.Float32, []),
            b.AddTensor(b.UniqueName(layer + "v_cache"), TensorType.Float32, []),
        };
        var op = new Operation(BuiltinOperator.Custom, inputs, outputs) { CustomCode = GqaAttention.CustomCode };
        var shapes = b.InferShapes(op);
        for (int k = 0; k < 3; k++) IrBuilder.SetDims(sg.Tensors[outputs[k]], shapes[k]);
        sg.Operations.Add(op);
        return outputs;
    }

    private static int Reshape(IrBuilder b, int x, int[] shape, string name) =>
        b.Op(BuiltinOperator.Reshape, [x, b.Int32s(name + "/shape", shape)], b.Type(x),
            IrBuilder.Options(BuiltinOptionsType.ReshapeOptions, ("new_shape", shape)), name, fold: false);

    private static OptionsTable Add() => IrBuilder.Options(BuiltinOptionsType.AddOptions);
    private static OptionsTable Mul() => IrBuilder.Options(BuiltinOptionsType.MulOptions);
}
