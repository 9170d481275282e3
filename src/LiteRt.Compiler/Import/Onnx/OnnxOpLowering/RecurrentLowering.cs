using LiteRt.Compiler.Ir;
using LiteRt.Format.Schema;
using LiteRt.Graph;
using static LiteRt.Compiler.Import.Onnx.OnnxOpLowering.ElementwiseLowering;

namespace LiteRt.Compiler.Import.Onnx.OnnxOpLowering;

/// <summary>
/// RNN, GRU and LSTM unrolled over the (known) sequence length: per step and direction, FULLY_CONNECTED for the
/// input and recurrent projections (ONNX's W and R rows are FULLY_CONNECTED weights as they are), the gate
/// activations, and the state update; sequence_lens freeze the state past each sequence's end and zero Y there.
/// Forward, reverse and bidirectional; layout 0 and 1; clip; the activations Sigmoid, Tanh, Relu, HardSigmoid,
/// LeakyRelu, Affine, ScaledTanh, Elu, Softsign, Softplus; LSTM peepholes and input_forget; GRU linear_before_reset.
/// </summary>
internal static class RecurrentLowering
{
    private static readonly TensorType[] F32 = [TensorType.Float32];

    public static void Register(Action<string, OnnxLowering> add)
    {
        add("RNN", ctx => Recurrent(ctx, Kind.Rnn));
        add("GRU", ctx => Recurrent(ctx, Kind.Gru));
        add("LSTM", ctx => Recurrent(ctx, Kind.Lstm));
    }

    private enum Kind { Rnn, Gru, Lstm }

    private sealed record Activation(string Name, float Alpha, float Beta);

    private static void Recurrent(LoweringContext ctx, Kind kind)
    {
        var node = ctx.Node;
        var b = ctx.B;
        int gates = kind switch { Kind.Rnn => 1, Kind.Gru => 3, _ => 4 };
        var type = ctx.Type(ctx.Required(0));
        int F(int i) => i < 0 ? -1 : ctx.CastTo(i, TensorType.Float32);
        int x = F(ctx.Required(0)), w = F(ctx.Required(1)), r = F(ctx.Required(2)), bias = F(ctx.Input(3));
        int initH = F(ctx.Input(5));
        int initC = kind == Kind.Lstm ? F(ctx.Input(6)) : -1;
        int peep = kind == Kind.Lstm ? F(ctx.Input(7)) : -1;
        long[]? lens = node.HasInput(4) ? ctx.ConstInts(4, "sequence_lens") : null;

        int hidden = node.Int32("hidden_size", 0);
        string direction = node.String("direction", "forward");
        int dirs = direction == "bidirectional" ? 2 : 1;
        bool batchFirst = node.Int("layout", 0) != 0;
        float clip = node.Has("clip") ? node.Float("clip", 0) : 0;
        bool linearBeforeReset = node.Int("linear_before_reset", 0) != 0;
        bool inputForget = node.Int("input_forget", 0) != 0;
        if (batchFirst) x = b.Transpose(x, [1, 0, 2], ctx.Name("seq_first"));
        var xd = ctx.KnownDims(x, "the input sequence");
        int seq = xd[0], batch = xd[1], inSize = xd[2];
        if (hidden <= 0) hidden = ctx.KnownDims(r, "R")[^1];
        var acts = Activations(ctx, kind, dirs);
        if (lens is not null && lens.All(l => l == seq)) lens = null;

        var ys = new int[dirs][];
        var lastH = new int[dirs];
        var lastC = new int[dirs];
        for (int d = 0; d < dirs; d++)
        {
            bool reverse = direction == "reverse" || d == 1;
            // Per-direction weights: W [G·H, in], R [G·H, H], bias Wb + Rb split by gate later.
            int Wd = Row(ctx, w, d, [gates * hidden, inSize]), Rd = Row(ctx, r, d, [gates * hidden, hidden]);
            int wb = -1, rb = -1;
            if (bias >= 0)
            {
                int bd = Row(ctx, bias, d, [2 * gates * hidden]);
                wb = Part(ctx, bd, 0, 0, gates * hidden);
                rb = Part(ctx, bd, 0, gates * hidden, gates * hidden);
            }
            int h = initH >= 0 ? Row(ctx, initH, d, [batch, hidden]) : b.Filled(ctx.Name("h0"), TensorType.Float32, [batch, hidden], 0);
            int c = kind == Kind.Lstm ? (initC >= 0 ? Row(ctx, initC, d, [batch, hidden]) : b.Filled(ctx.Name("c0"), TensorType.Float32, [batch, hidden], 0)) : -1;
            int pd = peep >= 0 ? Row(ctx, peep, d, [3 * hidden]) : -1;
            var a = acts[d];
            ys[d] = new int[seq];
            for (int s = 0; s < seq; s++)
            {
                int t = reverse ? seq - 1 - s : s;
                int xt = b.Reshape(b.Op(BuiltinOperator.Slice, [x, b.Int32s(ctx.Name("begin"), t, 0, 0), b.Int32s(ctx.Name("size"), 1, batch, inSize)],
                    TensorType.Float32, null, ctx.Name($"x{t}")), [batch, inSize], ctx.Name($"x{t}"));
                int xw = Fc(ctx, xt, Wd, wb); // [batch, G·H]
                int hNew, cNew = -1;
                switch (kind)
                {
                    case Kind.Rnn:
                        hNew = Act(ctx, a[0], Clip(ctx, Add(ctx, xw, Fc(ctx, h, Rd, rb)), clip));
                        break;
                    case Kind.Gru:
                    {
                        // Gates z, r, h; R's h block applies to r·h (or r · (R h + Rb) with linear_before_reset).
                        int hr = Fc(ctx, h, Rd, -1);
                        int z = Act(ctx, a[0], Clip(ctx, Add(ctx, Gate(ctx, xw, 0, hidden), Add(ctx, Gate(ctx, hr, 0, hidden), GateBias(ctx, rb, 0, hidden))), clip));
                        int rg = Act(ctx, a[0], Clip(ctx, Add(ctx, Gate(ctx, xw, 1, hidden), Add(ctx, Gate(ctx, hr, 1, hidden), GateBias(ctx, rb, 1, hidden))), clip));
                        int recurrent;
                        if (linearBeforeReset) recurrent = Mul(ctx, rg, Add(ctx, Gate(ctx, hr, 2, hidden), GateBias(ctx, rb, 2, hidden)));
                        else
                        {
                            int rh = Mul(ctx, rg, h);
                            int rBlock = b.Op(BuiltinOperator.Slice, [Rd, b.Int32s(ctx.Name("begin"), 2 * hidden, 0), b.Int32s(ctx.Name("size"), hidden, hidden)],
                                TensorType.Float32, null, ctx.Name("r_h"));
                            recurrent = Add(ctx, Fc(ctx, rh, rBlock, -1), GateBias(ctx, rb, 2, hidden));
                        }
                        int hh = Act(ctx, a[1], Clip(ctx, Add(ctx, Gate(ctx, xw, 2, hidden), recurrent), clip));
                        // h = (1 − z) · h~ + z · h
                        hNew = Add(ctx, Mul(ctx, Sub(ctx, One(ctx), z), hh), Mul(ctx, z, h));
                        break;
                    }
                    default:
                    {
                        // Gates i, o, f, c; peepholes P = [Pi, Po, Pf].
                        int g = Add(ctx, xw, Fc(ctx, h, Rd, rb));
                        int Peep(int k, int state) => pd < 0 ? -1 : Mul(ctx, Part(ctx, pd, 0, k * hidden, hidden), state);
                        int Plus(int v, int p) => p < 0 ? v : Add(ctx, v, p);
                        int i = Act(ctx, a[0], Clip(ctx, Plus(Gate(ctx, g, 0, hidden), Peep(0, c)), clip));
                        int f = inputForget ? Sub(ctx, One(ctx), i) : Act(ctx, a[0], Clip(ctx, Plus(Gate(ctx, g, 2, hidden), Peep(2, c)), clip));
                        int cc = Act(ctx, a[1], Clip(ctx, Gate(ctx, g, 3, hidden), clip));
                        cNew = Add(ctx, Mul(ctx, f, c), Mul(ctx, i, cc));
                        int o = Act(ctx, a[0], Clip(ctx, Plus(Gate(ctx, g, 1, hidden), Peep(1, cNew)), clip));
                        hNew = Mul(ctx, o, Act(ctx, a[2], cNew));
                        break;
                    }
                }
                int y = hNew;
                if (lens is not null)
                {
                    // Past a sequence's end the state holds and Y is 0.
                    var keep = Enumerable.Range(0, batch).Select(bi => t < lens[bi] ? 1.0 : 0.0).ToArray();
                    int mask = b.Const(ctx.Name("valid"), TensorType.Bool, [batch, 1], keep);
                    y = b.Op(BuiltinOperator.SelectV2, [mask, hNew, b.Scalar(ctx.Name("zero"), TensorType.Float32, 0)], TensorType.Float32, null, ctx.Name("y_masked"));
                    hNew = b.Op(BuiltinOperator.SelectV2, [mask, hNew, h], TensorType.Float32, null, ctx.Name("h_held"));
                    if (cNew >= 0) cNew = b.Op(BuiltinOperator.SelectV2, [mask, cNew, c], TensorType.Float32, null, ctx.Name("c_held"));
                }
                h = hNew;
                c = cNew;
                ys[d][t] = b.Reshape(y, [1, 1, batch, hidden], ctx.Name($"y{t}"));
            }
            lastH[d] = b.Reshape(h, [1, batch, hidden], ctx.Name("h_last"));
            if (kind == Kind.Lstm) lastC[d] = b.Reshape(c, [1, batch, hidden], ctx.Name("c_last"));
        }

        OptionsTable Concat(int axis) => IrBuilder.Options(BuiltinOptionsType.ConcatenationOptions, ("axis", axis));
        int Join(int[] parts, int axis) => parts.Length == 1 ? parts[0] : b.Op(BuiltinOperator.Concatenation, parts, TensorType.Float32, Concat(axis), ctx.Name("join"));
        // Y [seq, dirs, batch, H]; Y_h, Y_c [dirs, batch, H] (layout 1: batch first).
        var perStep = Enumerable.Range(0, seq).Select(t => Join([.. Enumerable.Range(0, dirs).Select(d => ys[d][t])], 1)).ToArray();
        int yAll = Join(perStep, 0);
        int yh = Join(lastH, 0);
        int yc = kind == Kind.Lstm ? Join(lastC, 0) : -1;
        if (batchFirst)
        {
            yAll = b.Transpose(yAll, [2, 0, 1, 3], ctx.Name("y_batch_first"));
            yh = b.Transpose(yh, [1, 0, 2], ctx.Name("yh_batch_first"));
            if (yc >= 0) yc = b.Transpose(yc, [1, 0, 2], ctx.Name("yc_batch_first"));
        }
        ctx.Output(0, ctx.CastTo(yAll, type));
        ctx.Output(1, ctx.CastTo(yh, type));
        if (kind == Kind.Lstm) ctx.Output(2, ctx.CastTo(yc, type));
    }

    /// <summary>Row <paramref name="d"/> of a [dirs, …] tensor, reshaped to <paramref name="shape"/>.</summary>
    private static int Row(LoweringContext ctx, int t, int d, int[] shape)
    {
        var dims = ctx.KnownDims(t, "a weight tensor");
        var begin = new int[dims.Length];
        begin[0] = d;
        var size = dims.Select(v => v).ToArray();
        size[0] = 1;
        int s = ctx.B.Op(BuiltinOperator.Slice, [t, ctx.B.Int32s(ctx.Name("begin"), begin), ctx.B.Int32s(ctx.Name("size"), size)], TensorType.Float32, null, ctx.Name("dir"));
        return ctx.B.Reshape(s, shape, ctx.Name("dir"));
    }

    /// <summary>Elements [from, from + count) of the last axis.</summary>
    private static int Part(LoweringContext ctx, int t, int unused, int from, int count)
    {
        _ = unused;
        var dims = ctx.Dims(t);
        var begin = new int[dims.Length];
        begin[^1] = from;
        var size = dims.Select(v => v).ToArray();
        size[^1] = count;
        return ctx.B.Op(BuiltinOperator.Slice, [t, ctx.B.Int32s(ctx.Name("begin"), begin), ctx.B.Int32s(ctx.Name("size"), size)], TensorType.Float32, null, ctx.Name("part"));
    }

    private static int Gate(LoweringContext ctx, int t, int k, int hidden) => Part(ctx, t, 0, k * hidden, hidden);

    private static int GateBias(LoweringContext ctx, int rb, int k, int hidden) =>
        rb < 0 ? Const(ctx, 0) : Part(ctx, rb, 0, k * hidden, hidden);

    private static int Fc(LoweringContext ctx, int x, int weights, int bias) =>
        ctx.B.Op(BuiltinOperator.FullyConnected, [x, weights, bias], TensorType.Float32,
            IrBuilder.Options(BuiltinOptionsType.FullyConnectedOptions), ctx.Name("fc"));

    private static int Clip(LoweringContext ctx, int v, float clip) => clip <= 0 ? v
        : ctx.B.Binary(BuiltinOperator.Minimum, ctx.B.Binary(BuiltinOperator.Maximum, v, Const(ctx, -clip), ctx.Name("clip_lo")), Const(ctx, clip), ctx.Name("clip_hi"));

    private static Activation[][] Activations(LoweringContext ctx, Kind kind, int dirs)
    {
        var node = ctx.Node;
        string[] defaults = kind switch { Kind.Rnn => ["Tanh"], Kind.Gru => ["Sigmoid", "Tanh"], _ => ["Sigmoid", "Tanh", "Tanh"] };
        var names = node.Attribute("activations")?.Strings.Select(s => System.Text.Encoding.UTF8.GetString(s.Span)).ToArray();
        var alphas = node.Floats("activation_alpha") ?? [];
        var betas = node.Floats("activation_beta") ?? [];
        var r = new Activation[dirs][];
        int k = 0;
        for (int d = 0; d < dirs; d++)
        {
            r[d] = new Activation[defaults.Length];
            for (int i = 0; i < defaults.Length; i++, k++)
            {
                string name = names is { Length: > 0 } ? names[Math.Min(k, names.Length - 1)] : defaults[i];
                r[d][i] = new Activation(name, k < alphas.Length ? alphas[k] : float.NaN, k < betas.Length ? betas[k] : float.NaN);
            }
        }
        return r;
    }

    private static int Act(LoweringContext ctx, Activation a, int v)
    {
        var b = ctx.B;
        float Or(float x, float d) => float.IsNaN(x) ? d : x;
        switch (a.Name)
        {
            case "Sigmoid": return b.Unary(BuiltinOperator.Logistic, v, ctx.Name("sigmoid"));
            case "Tanh": return b.Unary(BuiltinOperator.Tanh, v, ctx.Name("tanh"));
            case "Relu": return b.Unary(BuiltinOperator.Relu, v, ctx.Name("relu"));
            case "HardSigmoid":
                return b.Binary(BuiltinOperator.Minimum, b.Binary(BuiltinOperator.Maximum,
                    Add(ctx, Mul(ctx, v, Const(ctx, Or(a.Alpha, 0.2f))), Const(ctx, Or(a.Beta, 0.5f))), Const(ctx, 0), ctx.Name("hs_lo")), One(ctx), ctx.Name("hard_sigmoid"));
            case "LeakyRelu":
                return b.Op(BuiltinOperator.LeakyRelu, [v], TensorType.Float32, IrBuilder.Options(BuiltinOptionsType.LeakyReluOptions, ("alpha", Or(a.Alpha, 0.01f))), ctx.Name("leaky_relu"));
            case "Affine": return Add(ctx, Mul(ctx, v, Const(ctx, Or(a.Alpha, 1))), Const(ctx, Or(a.Beta, 0)));
            case "ScaledTanh": return Mul(ctx, b.Unary(BuiltinOperator.Tanh, Mul(ctx, v, Const(ctx, Or(a.Beta, 1))), ctx.Name("tanh")), Const(ctx, Or(a.Alpha, 1)));
            case "Softsign": return Div(ctx, v, Add(ctx, One(ctx), b.Unary(BuiltinOperator.Abs, v, ctx.Name("abs"))));
            case "Softplus": return b.Unary(BuiltinOperator.Log, Add(ctx, One(ctx), b.Unary(BuiltinOperator.Exp, v, ctx.Name("exp"))), ctx.Name("softplus"));
            case "Elu":
            {
                float alpha = Or(a.Alpha, 1);
                int neg = Mul(ctx, Sub(ctx, b.Unary(BuiltinOperator.Exp, v, ctx.Name("exp")), One(ctx)), Const(ctx, alpha));
                int cond = b.Op(BuiltinOperator.Less, [v, Const(ctx, 0)], TensorType.Bool, null, ctx.Name("negative"));
                return b.Op(BuiltinOperator.SelectV2, [cond, neg, v], TensorType.Float32, null, ctx.Name("elu"));
            }
            default: throw ctx.Node.Unsupported($"activation '{a.Name}' is not supported");
        }
    }
}
