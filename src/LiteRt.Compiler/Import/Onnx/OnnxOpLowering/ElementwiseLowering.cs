using LiteRt.Compiler.Ir;
using LiteRt.Format.Schema;
using LiteRt.Graph;

namespace LiteRt.Compiler.Import.Onnx.OnnxOpLowering;

/// <summary>
/// Arithmetic and math: Add/Sub/Mul/Div/Pow/Max/Min/Sum/Mean/Mod and unary math. Types LiteRT's kernels lack are
/// computed in a wider type and cast back (uint8 → int32 wraps like NumPy; float64/float16 → float32). Functions
/// without a builtin are composed: Tan = SIN/COS, Asin/Acos/Atan via ATAN2, hyperbolics via EXP/LOG, Erf as a
/// rational polynomial (float32-exact, Eigen's), Reciprocal = 1/x.
/// </summary>
internal static class ElementwiseLowering
{
    private static readonly TensorType[] Arith = [TensorType.Float32, TensorType.Int32, TensorType.Int64];
    /// <summary>Add/Sub/Mul/Div/Max/Min/Neg/Abs also run in float64 (values past float32's range stay finite).</summary>
    private static readonly TensorType[] ArithF64 = [TensorType.Float32, TensorType.Int32, TensorType.Int64, TensorType.Float64];
    private static readonly TensorType[] F32 = [TensorType.Float32];

    public static void Register(Action<string, OnnxLowering> add)
    {
        add("Add", ctx => BinaryOp(ctx, BuiltinOperator.Add));
        add("Sub", ctx => BinaryOp(ctx, BuiltinOperator.Sub));
        add("Mul", ctx => BinaryOp(ctx, BuiltinOperator.Mul));
        add("Div", ctx => BinaryOp(ctx, BuiltinOperator.Div));
        add("Pow", Pow);
        add("Max", ctx => Variadic(ctx, BuiltinOperator.Maximum));
        add("Min", ctx => Variadic(ctx, BuiltinOperator.Minimum));
        add("Sum", ctx => Variadic(ctx, BuiltinOperator.Add));
        add("Mean", Mean);
        add("Mod", Mod);
        add("BitShift", BitShift);

        add("Neg", ctx => UnaryOp(ctx, BuiltinOperator.Neg, ArithF64));
        add("Abs", ctx => UnaryOp(ctx, BuiltinOperator.Abs, ArithF64));
        add("Sign", ctx => UnaryOp(ctx, BuiltinOperator.Sign, Arith));
        add("Sqrt", ctx => UnaryOp(ctx, BuiltinOperator.Sqrt, F32));
        add("Exp", ctx => UnaryOp(ctx, BuiltinOperator.Exp, F32));
        add("Log", ctx => UnaryOp(ctx, BuiltinOperator.Log, F32));
        add("Floor", ctx => UnaryOp(ctx, BuiltinOperator.Floor, F32));
        add("Ceil", ctx => UnaryOp(ctx, BuiltinOperator.Ceil, F32));
        add("Round", ctx => UnaryOp(ctx, BuiltinOperator.Round, F32));
        add("Sin", ctx => UnaryOp(ctx, BuiltinOperator.Sin, F32));
        add("Cos", ctx => UnaryOp(ctx, BuiltinOperator.Cos, F32));
        add("Reciprocal", ctx => Float(ctx, x => Div(ctx, One(ctx), x)));
        add("Tan", ctx => Float(ctx, x => Div(ctx, ctx.B.Unary(BuiltinOperator.Sin, x, ctx.Name("sin")), ctx.B.Unary(BuiltinOperator.Cos, x, ctx.Name("cos")))));
        add("Atan", ctx => Float(ctx, x => ctx.B.Op(BuiltinOperator.Atan2, [x, One(ctx)], TensorType.Float32, null, ctx.Name("atan2"))));
        add("Asin", ctx => Float(ctx, x => ctx.B.Op(BuiltinOperator.Atan2, [x, SqrtOneMinusSquare(ctx, x)], TensorType.Float32, null, ctx.Name("atan2"))));
        add("Acos", ctx => Float(ctx, x => ctx.B.Op(BuiltinOperator.Atan2, [SqrtOneMinusSquare(ctx, x), x], TensorType.Float32, null, ctx.Name("atan2"))));
        add("Sinh", ctx => Float(ctx, x => Hyperbolic(ctx, x, BuiltinOperator.Sub)));
        add("Cosh", ctx => Float(ctx, x => Hyperbolic(ctx, x, BuiltinOperator.Add)));
        add("Asinh", ctx => Float(ctx, x => Asinh(ctx, x)));
        add("Acosh", ctx => Float(ctx, x => Acosh(ctx, x)));
        add("Atanh", ctx => Float(ctx, x => Atanh(ctx, x)));
        add("Erf", ctx => Float(ctx, x => Erf(ctx, x)));
        add("IsNaN", IsNaN);
        add("IsInf", IsInf);

        add("Identity", ctx => ctx.Output(0, ctx.Required(0)));
        add("Dropout", Dropout);
        add("Cast", ctx => Cast(ctx, OnnxDataType.ToTensorType(ctx.Node.Int32("to", 0))));
        add("CastLike", ctx => Cast(ctx, ctx.Type(ctx.Required(1))));
    }

    // ---- helpers ----

    internal static int One(LoweringContext ctx, TensorType type = TensorType.Float32) => ctx.B.Scalar(ctx.Name("one"), type, 1);

    internal static int Const(LoweringContext ctx, double v, TensorType type = TensorType.Float32) => ctx.B.Scalar(ctx.Name("c"), type, v);

    internal static int Add(LoweringContext ctx, int a, int b) => ctx.B.Binary(BuiltinOperator.Add, a, b, ctx.Name("add"));
    internal static int Sub(LoweringContext ctx, int a, int b) => ctx.B.Binary(BuiltinOperator.Sub, a, b, ctx.Name("sub"));
    internal static int Mul(LoweringContext ctx, int a, int b) => ctx.B.Binary(BuiltinOperator.Mul, a, b, ctx.Name("mul"));
    internal static int Div(LoweringContext ctx, int a, int b) => ctx.B.Binary(BuiltinOperator.Div, a, b, ctx.Name("div"));

    /// <summary>Lowers a float function of input 0: computed in float32, cast back to the input's type.</summary>
    private static void Float(LoweringContext ctx, Func<int, int> f)
    {
        int x = ctx.Required(0);
        ctx.Output(0, ctx.Computed([x], F32, c => f(c[0])));
    }

    private static void UnaryOp(LoweringContext ctx, BuiltinOperator op, TensorType[] allowed)
    {
        int x = ctx.Required(0);
        ctx.Output(0, ctx.Computed([x], allowed, c => ctx.B.Op(op, [c[0]], ctx.Type(c[0]), null, ctx.Name(op.Name().ToLowerInvariant()))));
    }

    /// <summary>
    /// The two operands of a binary op. Opset ≤ 6 with broadcast=1 and an axis aligns B's dims at that axis of A
    /// (legacy broadcasting): B is reshaped to A's rank.
    /// </summary>
    internal static (int A, int B) Operands(LoweringContext ctx)
    {
        int a = ctx.Required(0), b = ctx.Required(1);
        var node = ctx.Node;
        if (node.Opset < 7 && node.Int("broadcast", 0) == 1 && node.Has("axis"))
        {
            int ra = ctx.Rank(a), rb = ctx.Rank(b);
            int axis = ctx.Axis(node.Int("axis", 0), ra);
            if (axis + rb < ra)
            {
                var dims = ctx.Dims(b);
                var shape = new int[ra - axis];
                for (int i = 0; i < shape.Length; i++) shape[i] = i < rb ? dims[i] : 1;
                b = ctx.B.Reshape(b, shape, ctx.Name("legacy_broadcast"));
            }
        }
        return (a, b);
    }

    private static void BinaryOp(LoweringContext ctx, BuiltinOperator op)
    {
        var (a, b) = Operands(ctx);
        if (ctx.Type(a) == TensorType.Bool || ctx.Type(a) == TensorType.String)
            throw ctx.Node.Error(ErrorCodes.UnsupportedDataType, $"{ctx.Node.OpType} on {ctx.Type(a).Name()} is not supported");
        ctx.Output(0, ctx.Computed([a, b], ArithF64, c => ctx.B.Binary(op, c[0], c[1], ctx.Name(op.Name().ToLowerInvariant()))));
    }

    private static void Pow(LoweringContext ctx)
    {
        var (a, b) = Operands(ctx);
        var type = ctx.Type(a);
        // Exponents 2, 0.5, 1 are common (variance, norms): cheaper and exact as MUL / SQRT.
        if (ctx.IsConst(b) && ctx.B.Values(b) is { Length: 1 } e && type.IsFloat())
        {
            double p = e[0];
            if (p == 2) { ctx.Output(0, ctx.Computed([a], F32, c => Mul(ctx, c[0], c[0]))); return; }
            if (p == 1) { ctx.Output(0, a); return; }
            if (p == 0.5) { ctx.Output(0, ctx.Computed([a], F32, c => ctx.B.Unary(BuiltinOperator.Sqrt, c[0], ctx.Name("sqrt")))); return; }
        }
        ctx.Output(0, ctx.Computed([a, b], F32, c =>
            ctx.B.Op(BuiltinOperator.Pow, [c[0], ctx.CastTo(c[1], TensorType.Float32)], TensorType.Float32, null, ctx.Name("pow")), type));
    }

    private static void Variadic(LoweringContext ctx, BuiltinOperator op)
    {
        int n = ctx.InputCount;
        int acc = ctx.Required(0);
        if (n == 1)
        {
            ctx.Output(0, acc);
            return;
        }
        var inputs = Enumerable.Range(0, n).Select(ctx.Required).ToArray();
        ctx.Output(0, ctx.Computed(inputs, ArithF64, c =>
        {
            int r = c[0];
            for (int i = 1; i < c.Length; i++) r = ctx.B.Binary(op, r, c[i], ctx.Name(op.Name().ToLowerInvariant()));
            return r;
        }));
    }

    private static void Mean(LoweringContext ctx)
    {
        int n = ctx.InputCount;
        var inputs = Enumerable.Range(0, n).Select(ctx.Required).ToArray();
        ctx.Output(0, ctx.Computed(inputs, F32, c =>
        {
            int r = c[0];
            for (int i = 1; i < c.Length; i++) r = Add(ctx, r, c[i]);
            return n == 1 ? r : Mul(ctx, r, Const(ctx, 1.0 / n));
        }));
    }

    private static void Mod(LoweringContext ctx)
    {
        var (a, b) = Operands(ctx);
        bool fmod = ctx.Node.Int("fmod", 0) == 1;
        if (!fmod && ctx.Type(a).IsFloat())
            throw ctx.Node.Unsupported("Mod with fmod=0 on floating-point inputs is invalid ONNX");
        ctx.Output(0, ctx.Computed([a, b], Arith, c =>
        {
            var bb = ctx.B;
            int r = bb.Op(BuiltinOperator.FloorMod, [c[0], c[1]], ctx.Type(c[0]), null, ctx.Name("floor_mod"));
            if (!fmod) return r;
            // fmod takes the dividend's sign: where the floor remainder is non-zero and its sign differs from a's, r − b.
            var t = ctx.Type(c[0]);
            int zero = bb.Scalar(ctx.Name("zero"), t, 0);
            int nonZero = bb.Op(BuiltinOperator.NotEqual, [r, zero], TensorType.Bool, null, ctx.Name("nonzero"));
            int rNeg = bb.Op(BuiltinOperator.Less, [r, zero], TensorType.Bool, null, ctx.Name("r_neg"));
            int aNeg = bb.Op(BuiltinOperator.Less, [c[0], zero], TensorType.Bool, null, ctx.Name("a_neg"));
            int differ = bb.Op(BuiltinOperator.NotEqual, [rNeg, aNeg], TensorType.Bool, null, ctx.Name("differ"));
            int fix = bb.Op(BuiltinOperator.LogicalAnd, [nonZero, differ], TensorType.Bool, null, ctx.Name("fix"));
            return bb.Op(BuiltinOperator.SelectV2, [fix, Sub(ctx, r, c[1]), r], t, null, ctx.Name("fmod"));
        }));
    }

    private static void BitShift(LoweringContext ctx)
    {
        var (a, b) = Operands(ctx);
        string dir = ctx.Node.String("direction", "");
        var t = ctx.Type(a);
        if (!t.IsInteger()) throw ctx.Node.Error(ErrorCodes.UnsupportedDataType, $"BitShift on {t.Name()}");
        var bb = ctx.B;
        if (dir == "RIGHT")
        {
            TensorType[] allowed = [TensorType.Uint8, TensorType.Uint16, TensorType.Uint32, TensorType.Int32, TensorType.Int64];
            ctx.Output(0, ctx.Computed([a, b], allowed, c => bb.Op(BuiltinOperator.RightShift, [c[0], c[1]], ctx.Type(c[0]), null, ctx.Name("shift"))));
        }
        else if (dir == "LEFT")
        {
            // x << y = x · 2^y in int64 (wrapping back to the type), 2^y = 2^62 >> (62 − y).
            int x64 = ctx.CastTo(a, TensorType.Int64), y64 = ctx.CastTo(b, TensorType.Int64);
            int pow = bb.Op(BuiltinOperator.RightShift, [bb.Scalar(ctx.Name("two62"), TensorType.Int64, 1L << 62), Sub(ctx, bb.Scalar(ctx.Name("c62"), TensorType.Int64, 62), y64)],
                TensorType.Int64, null, ctx.Name("pow2"));
            ctx.Output(0, ctx.CastTo(Mul(ctx, x64, pow), t));
        }
        else throw ctx.Node.Unsupported($"direction '{dir}'");
    }

    private static int SqrtOneMinusSquare(LoweringContext ctx, int x) =>
        ctx.B.Unary(BuiltinOperator.Sqrt, Sub(ctx, One(ctx), Mul(ctx, x, x)), ctx.Name("sqrt"));

    private static int Hyperbolic(LoweringContext ctx, int x, BuiltinOperator combine)
    {
        var b = ctx.B;
        int ep = b.Unary(BuiltinOperator.Exp, x, ctx.Name("exp"));
        int en = b.Unary(BuiltinOperator.Exp, b.Unary(BuiltinOperator.Neg, x, ctx.Name("neg")), ctx.Name("exp_neg"));
        return Mul(ctx, b.Binary(combine, ep, en, ctx.Name("combine")), Const(ctx, 0.5));
    }

    private static int Asinh(LoweringContext ctx, int x)
    {
        // sign(x) · ln(|x| + √(x² + 1)), symmetric so that small negative values keep their precision.
        var b = ctx.B;
        int ax = b.Unary(BuiltinOperator.Abs, x, ctx.Name("abs"));
        int r = b.Unary(BuiltinOperator.Log, Add(ctx, ax, b.Unary(BuiltinOperator.Sqrt, Add(ctx, Mul(ctx, x, x), One(ctx)), ctx.Name("sqrt"))), ctx.Name("log"));
        return Mul(ctx, b.Unary(BuiltinOperator.Sign, x, ctx.Name("sign")), r);
    }

    private static int Acosh(LoweringContext ctx, int x)
    {
        var b = ctx.B;
        return b.Unary(BuiltinOperator.Log, Add(ctx, x, b.Unary(BuiltinOperator.Sqrt, Sub(ctx, Mul(ctx, x, x), One(ctx)), ctx.Name("sqrt"))), ctx.Name("log"));
    }

    private static int Atanh(LoweringContext ctx, int x)
    {
        var b = ctx.B;
        int ratio = Div(ctx, Add(ctx, One(ctx), x), Sub(ctx, One(ctx), x));
        return Mul(ctx, b.Unary(BuiltinOperator.Log, ratio, ctx.Name("log")), Const(ctx, 0.5));
    }

    /// <summary>erf(x) = x·P(x²)/Q(x²) on x clamped to [−4, 4] (Eigen's float32 rational approximation, |error| &lt; 1e-7).</summary>
    internal static int Erf(LoweringContext ctx, int x)
    {
        double[] alpha = [-1.60960333262415e-02, -2.95459980854025e-03, -7.34990630326855e-04, -5.69250639462346e-05, -2.10102402082508e-06, 2.77068142495902e-08, -2.72614225801306e-10];
        double[] beta = [-1.42647390514189e-02, -7.37332916720468e-03, -1.68282697438203e-03, -2.13374055278905e-04, -1.45660718464996e-05];
        var b = ctx.B;
        int xc = b.Binary(BuiltinOperator.Minimum, b.Binary(BuiltinOperator.Maximum, x, Const(ctx, -4), ctx.Name("clamp_lo")), Const(ctx, 4), ctx.Name("clamp_hi"));
        int x2 = Mul(ctx, xc, xc);
        int p = Const(ctx, alpha[6]);
        for (int i = 5; i >= 0; i--) p = Add(ctx, Mul(ctx, p, x2), Const(ctx, alpha[i]));
        p = Mul(ctx, p, xc);
        int q = Const(ctx, beta[4]);
        for (int i = 3; i >= 0; i--) q = Add(ctx, Mul(ctx, q, x2), Const(ctx, beta[i]));
        return Div(ctx, p, q);
    }

    private static void IsNaN(LoweringContext ctx)
    {
        int x = ctx.CastTo(ctx.Required(0), TensorType.Float32);
        ctx.Output(0, ctx.B.Op(BuiltinOperator.NotEqual, [x, x], TensorType.Bool, null, ctx.Name("isnan")));
    }

    private static void IsInf(LoweringContext ctx)
    {
        int x = ctx.CastTo(ctx.Required(0), TensorType.Float32);
        bool pos = ctx.Node.Int("detect_positive", 1) == 1, neg = ctx.Node.Int("detect_negative", 1) == 1;
        var b = ctx.B;
        int? r = null;
        if (pos) r = b.Op(BuiltinOperator.Equal, [x, Const(ctx, double.PositiveInfinity)], TensorType.Bool, null, ctx.Name("pos_inf"));
        if (neg)
        {
            int n = b.Op(BuiltinOperator.Equal, [x, Const(ctx, double.NegativeInfinity)], TensorType.Bool, null, ctx.Name("neg_inf"));
            r = r is int p ? b.Op(BuiltinOperator.LogicalOr, [p, n], TensorType.Bool, null, ctx.Name("isinf")) : n;
        }
        // Neither: all false (nothing equals NaN).
        r ??= b.Op(BuiltinOperator.Equal, [x, Const(ctx, double.NaN)], TensorType.Bool, null, ctx.Name("none"));
        ctx.Output(0, r.Value);
    }

    private static void Dropout(LoweringContext ctx)
    {
        // Inference: the identity (training_mode must be absent or a constant false), and an all-true mask.
        int x = ctx.Required(0);
        var node = ctx.Node;
        if (node.HasInput(2))
        {
            if (ctx.ConstInts(2, "training_mode")[0] != 0)
            {
                // Training mode drops at random; with ratio 0 it keeps everything.
                double ratio = node.HasInput(1) ? ctx.ConstValues(1, "ratio")[0] : 0.5;
                if (ratio != 0) throw node.Unsupported("Dropout in training mode (random) is not supported");
            }
        }
        ctx.Output(0, x);
        if (node.HasOutput(1))
        {
            var dims = ctx.KnownDims(x, "the input");
            ctx.Output(1, ctx.B.Filled(ctx.Name("mask"), TensorType.Bool, dims, 1));
        }
    }

    private static void Cast(LoweringContext ctx, TensorType? to)
    {
        int x = ctx.Required(0);
        if (to is null or TensorType.String or TensorType.Complex64 or TensorType.Complex128 or TensorType.Float8E4m3fn or TensorType.Float8E5m2)
            throw ctx.Node.Error(ErrorCodes.UnsupportedDataType, $"Cast to {(to is null ? "an unknown type" : to.Value.Name())} is not supported");
        if (ctx.Type(x) == TensorType.String)
            throw ctx.Node.Error(ErrorCodes.UnsupportedDataType, "Cast from STRING is not supported");
        ctx.Output(0, ctx.B.Cast(x, to.Value, ctx.Name("cast")));
    }
}
