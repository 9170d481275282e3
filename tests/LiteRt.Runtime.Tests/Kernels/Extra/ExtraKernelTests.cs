using LiteRt.Format.Schema;
using LiteRt.Graph;
using LiteRt.Runtime.Cpu;
using LiteRt.TestSupport;

namespace LiteRt.Runtime.Tests.Kernels.Extra;

/// <summary>
/// The Extra family (ops added for model import): every CPU kernel against the catalog's float64 reference, on
/// random data with broadcasting and the edge cases of each op; every kernel is reached and Eval allocates nothing.
/// </summary>
public sealed class ExtraKernelTests
{
    private const TensorType F32 = TensorType.Float32, F64 = TensorType.Float64, I32 = TensorType.Int32, I64 = TensorType.Int64, B = TensorType.Bool;

    private static OptionsTable Opt(BuiltinOptionsType t, params (string, object)[] fields)
    {
        var o = OptionsTable.Create(t);
        foreach (var (n, v) in fields) o.Set(n, v);
        return o;
    }

    private static double[] Random(Random rng, TensorType t, long n, bool nonZero = false) => t switch
    {
        F32 or F64 => TestData.Uniform(rng, n, -4, 4).Select(v => nonZero && Math.Abs(v) < 0.1 ? 0.5 : v).ToArray(),
        B => TestData.Integers(rng, n, 0, 2),
        TensorType.Uint8 or TensorType.Uint16 or TensorType.Uint32 => TestData.Integers(rng, n, nonZero ? 1 : 0, 250),
        _ => TestData.Integers(rng, n, -50, 50).Select(v => nonZero && v == 0 ? 7 : v).ToArray(),
    };

    /// <summary>Runs a single-op graph on the runtime and the reference; inputs named in0, in1, … fed in order.</summary>
    private static void Check(ModelGraph g, params double[][] inputs)
    {
        var sig = g.Signatures[0];
        var d = new Dictionary<string, double[]>();
        for (int i = 0; i < sig.Inputs.Count; i++) d[sig.Inputs[i].Name] = inputs[i];
        OpCheck.AgainstReference(g, d, relativeTolerance: 2e-5);
    }

    private static ModelGraph Unary(BuiltinOperator op, TensorType t, int[] shape, OptionsTable? o = null) =>
        new SingleOpModel(op, o).Input("in0", t, shape).Output("out", t).Build();

    private static ModelGraph Binary(BuiltinOperator op, TensorType t, int[] a, int[] b, TensorType? outType = null, OptionsTable? o = null) =>
        new SingleOpModel(op, o).Input("in0", t, a).Input("in1", t, b).Output("out", outType ?? t).Build();

    [Theory]
    [InlineData(BuiltinOperator.Floor)]
    [InlineData(BuiltinOperator.Ceil)]
    [InlineData(BuiltinOperator.Round)]
    [InlineData(BuiltinOperator.Sin)]
    [InlineData(BuiltinOperator.Cos)]
    [InlineData(BuiltinOperator.Square)]
    [InlineData(BuiltinOperator.Elu)]
    [InlineData(BuiltinOperator.Sign)]
    public void Float_unary_ops_match_the_reference(BuiltinOperator op)
    {
        var rng = new Random((int)op);
        var x = Random(rng, F32, 60);
        // Halves, integers, zero and signed zero: where rounding and sign conventions show.
        double[] edges = [0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 0, -0.0, 3, -3];
        edges.CopyTo(x, 0);
        Check(Unary(op, F32, [3, 4, 5]), x);
    }

    [Theory]
    [InlineData(I32)]
    [InlineData(I64)]
    public void Sign_of_integers(TensorType t) => Check(Unary(BuiltinOperator.Sign, t, [7]), [-5, -1, 0, 1, 9, -100, 0]);

    [Fact]
    public void Logical_not() => Check(Unary(BuiltinOperator.LogicalNot, B, [2, 3]), [0, 1, 1, 0, 0, 1]);

    [Theory]
    [InlineData(BuiltinOperator.FloorDiv, F32)]
    [InlineData(BuiltinOperator.FloorDiv, I32)]
    [InlineData(BuiltinOperator.FloorDiv, I64)]
    [InlineData(BuiltinOperator.FloorMod, F32)]
    [InlineData(BuiltinOperator.FloorMod, I32)]
    [InlineData(BuiltinOperator.FloorMod, I64)]
    [InlineData(BuiltinOperator.Div, I32)]
    [InlineData(BuiltinOperator.Div, I64)]
    [InlineData(BuiltinOperator.Atan2, F32)]
    [InlineData(BuiltinOperator.Add, F64)]
    [InlineData(BuiltinOperator.Sub, F64)]
    [InlineData(BuiltinOperator.Mul, F64)]
    [InlineData(BuiltinOperator.Div, F64)]
    [InlineData(BuiltinOperator.Maximum, F64)]
    [InlineData(BuiltinOperator.Minimum, F64)]
    public void Binary_ops_with_broadcasting(BuiltinOperator op, TensorType t)
    {
        var rng = new Random((int)op * 7 + (int)t);
        foreach (var (a, b) in new[] { (new[] { 2, 3, 4 }, new[] { 2, 3, 4 }), ([2, 3, 4], [4]), ([3, 1], [1, 5]), ([], [2, 2]) })
        {
            var g = Binary(op, t, a, b);
            Check(g, Random(rng, t, TestData.Count(a)), Random(rng, t, TestData.Count(b), nonZero: true));
        }
    }

    [Theory]
    [InlineData(I32)]
    [InlineData(I64)]
    [InlineData(TensorType.Uint8)]
    [InlineData(TensorType.Uint16)]
    [InlineData(TensorType.Uint32)]
    public void Right_shift(TensorType t)
    {
        var rng = new Random(81 + (int)t);
        var g = Binary(BuiltinOperator.RightShift, t, [2, 5], [5]);
        var x = Random(rng, t, 10);
        Check(g, x, [0, 1, 2, 3, 7]);
    }

    [Fact]
    public void Float64_negation_and_absolute_value()
    {
        double[] x = [1e200, -3.5, 0, -1e-300];
        Check(Unary(BuiltinOperator.Neg, F64, [4]), x);
        Check(Unary(BuiltinOperator.Abs, F64, [4]), x);
    }

    public static TheoryData<BuiltinOperator, TensorType> Comparisons()
    {
        var d = new TheoryData<BuiltinOperator, TensorType>();
        foreach (var op in new[] { BuiltinOperator.Equal, BuiltinOperator.NotEqual, BuiltinOperator.Less, BuiltinOperator.LessEqual, BuiltinOperator.Greater, BuiltinOperator.GreaterEqual })
            foreach (var t in new[] { F32, I32, I64 }) d.Add(op, t);
        d.Add(BuiltinOperator.Equal, B);
        d.Add(BuiltinOperator.NotEqual, B);
        d.Add(BuiltinOperator.LogicalAnd, B);
        d.Add(BuiltinOperator.LogicalOr, B);
        return d;
    }

    [Theory]
    [MemberData(nameof(Comparisons))]
    public void Comparisons_and_logic_write_bool(BuiltinOperator op, TensorType t)
    {
        var rng = new Random((int)op * 3 + (int)t);
        foreach (var (a, b) in new[] { (new[] { 3, 4 }, new[] { 3, 4 }), ([3, 4], [1, 4]), ([2, 1, 3], [4, 1]) })
        {
            var x = Random(rng, t, TestData.Count(a)).Select(v => t == F32 ? Math.Round(v) : v).ToArray(); // rounded: equal values occur
            var y = Random(rng, t, TestData.Count(b)).Select(v => t == F32 ? Math.Round(v) : v).ToArray();
            Check(Binary(op, t, a, b, B), x, y);
        }
    }

    [Theory]
    [InlineData(F32)]
    [InlineData(I64)]
    [InlineData(B)]
    [InlineData(TensorType.Int8)]
    [InlineData(TensorType.Int16)]
    public void Select_v2_broadcasts_three_ways(TensorType t)
    {
        var rng = new Random(91 + (int)t);
        var g = new SingleOpModel(BuiltinOperator.SelectV2).Input("in0", B, [2, 1, 4]).Input("in1", t, [3, 1]).Input("in2", t, [2, 3, 4])
            .Output("out", t).Build();
        Check(g, Random(rng, B, 8), Random(rng, t, 3), Random(rng, t, 24));
    }

    [Theory]
    [InlineData(BuiltinOperator.ReduceMin, F32)]
    [InlineData(BuiltinOperator.ReduceMin, I32)]
    [InlineData(BuiltinOperator.ReduceMin, I64)]
    [InlineData(BuiltinOperator.ReduceProd, F32)]
    [InlineData(BuiltinOperator.ReduceProd, I32)]
    [InlineData(BuiltinOperator.ReduceProd, I64)]
    public void Reduce_min_and_prod(BuiltinOperator op, TensorType t)
    {
        var rng = new Random(101 + (int)op + (int)t);
        foreach (var (axes, keep) in new[] { (new[] { 1 }, true), ([0, 2], false), ([-1], false), ([0, 1, 2], true) })
        {
            var g = new SingleOpModel(op, Opt(BuiltinOptionsType.ReducerOptions, ("keep_dims", keep)))
                .Input("in0", t, [3, 4, 2]).Const("axes", I32, [axes.Length], axes.Select(a => (double)a).ToArray()).Output("out", t).Build();
            var x = op == BuiltinOperator.ReduceProd && t != F32 ? TestData.Integers(rng, 24, -3, 4) : Random(rng, t, 24);
            Check(g, x);
        }
    }

    [Theory]
    [InlineData(F32, I32)]
    [InlineData(I32, I64)]
    [InlineData(I64, I32)]
    public void Arg_min_picks_the_first_smallest(TensorType t, TensorType outType)
    {
        var rng = new Random(111 + (int)t);
        foreach (int axis in new[] { 0, 1, -1 })
        {
            var g = new SingleOpModel(BuiltinOperator.ArgMin, Opt(BuiltinOptionsType.ArgMinOptions, ("output_type", outType)))
                .Input("in0", t, [4, 5]).Const("axis", I32, [], [axis]).Output("out", outType).Build();
            Check(g, TestData.Integers(rng, 20, -3, 3)); // ties occur
        }
    }

    [Theory]
    [InlineData(F32)]
    [InlineData(I64)]
    [InlineData(TensorType.Int8)]
    [InlineData(B)]
    public void Index_map_ops(TensorType t)
    {
        var rng = new Random(121 + (int)t);
        Check(new SingleOpModel(BuiltinOperator.Tile).Input("in0", t, [2, 3]).Const("m", I32, [2], [3, 2]).Output("out", t).Build(), Random(rng, t, 6));
        Check(new SingleOpModel(BuiltinOperator.BroadcastTo).Input("in0", t, [3, 1]).Const("s", I32, [3], [2, 3, 4]).Output("out", t).Build(), Random(rng, t, 3));
        Check(new SingleOpModel(BuiltinOperator.ReverseV2).Input("in0", t, [2, 3, 4]).Const("a", I32, [2], [0, 2]).Output("out", t).Build(), Random(rng, t, 24));
        Check(new SingleOpModel(BuiltinOperator.SpaceToDepth, Opt(BuiltinOptionsType.SpaceToDepthOptions, ("block_size", 2)))
            .Input("in0", t, [1, 4, 6, 3]).Output("out", t).Build(), Random(rng, t, 72));
        Check(new SingleOpModel(BuiltinOperator.DepthToSpace, Opt(BuiltinOptionsType.DepthToSpaceOptions, ("block_size", 2)))
            .Input("in0", t, [2, 2, 3, 8]).Output("out", t).Build(), Random(rng, t, 96));
    }

    [Theory]
    [InlineData(F32, I32)]
    [InlineData(I64, I64)]
    [InlineData(TensorType.Int8, I32)]
    public void Gather_nd(TensorType t, TensorType indexType)
    {
        var rng = new Random(131 + (int)t);
        var g = new SingleOpModel(BuiltinOperator.GatherNd).Input("in0", t, [3, 4, 2]).Input("in1", indexType, [5, 2]).Output("out", t).Build();
        var idx = new double[10];
        for (int i = 0; i < 5; i++) { idx[2 * i] = rng.Next(3); idx[2 * i + 1] = rng.Next(4); }
        Check(g, Random(rng, t, 24), idx);
        var full = new SingleOpModel(BuiltinOperator.GatherNd).Input("in0", t, [3, 4]).Input("in1", indexType, [2, 2, 2]).Output("out", t).Build();
        Check(full, Random(rng, t, 12), [0, 0, 2, 3, 1, 2, 0, 3]);
    }

    [Theory]
    [InlineData(F32)]
    [InlineData(I32)]
    [InlineData(I64)]
    public void Scatter_nd_sums_duplicates(TensorType t)
    {
        var rng = new Random(141 + (int)t);
        var g = new SingleOpModel(BuiltinOperator.ScatterNd).Input("in0", I32, [4, 1]).Input("in1", t, [4, 3]).Const("shape", I32, [2], [5, 3])
            .Output("out", t).Build();
        Check(g, [1, 3, 1, 0], Random(rng, t, 12));
    }

    [Theory]
    [InlineData(F32, false, false)]
    [InlineData(F32, true, false)]
    [InlineData(I32, false, true)]
    [InlineData(I64, true, true)]
    public void Cumsum(TensorType t, bool exclusive, bool reverse)
    {
        var rng = new Random(151 + (int)t);
        foreach (int axis in new[] { 0, 1, -1 })
        {
            var g = new SingleOpModel(BuiltinOperator.Cumsum, Opt(BuiltinOptionsType.CumsumOptions, ("exclusive", exclusive), ("reverse", reverse)))
                .Input("in0", t, [3, 4, 2]).Const("axis", I32, [], [axis]).Output("out", t).Build();
            Check(g, Random(rng, t, 24));
        }
    }

    [Theory]
    [InlineData(F32)]
    [InlineData(I32)]
    [InlineData(I64)]
    public void Top_k_largest_first_ties_by_index(TensorType t)
    {
        var rng = new Random(161 + (int)t);
        var g = new SingleOpModel(BuiltinOperator.TopkV2).Input("in0", t, [3, 6]).Const("k", I32, [], [4]).Output("values", t).Output("indices", I32).Build();
        Check(g, TestData.Integers(rng, 18, -4, 4));
    }

    [Fact]
    public void One_hot_on_any_axis()
    {
        foreach (int axis in new[] { -1, 0, 1 })
        {
            var g = new SingleOpModel(BuiltinOperator.OneHot, Opt(BuiltinOptionsType.OneHotOptions, ("axis", axis)))
                .Input("in0", I64, [2, 3]).Const("depth", I32, [], [4]).Const("on", F32, [], [2.5]).Const("off", F32, [], [-1]).Output("out", F32).Build();
            Check(g, [0, 3, 1, -1, 4, 2]); // out-of-range indices are all off
        }
    }

    [Fact]
    public void Local_response_normalization()
    {
        var rng = new Random(171);
        var g = new SingleOpModel(BuiltinOperator.LocalResponseNormalization,
                Opt(BuiltinOptionsType.LocalResponseNormalizationOptions, ("radius", 2), ("bias", 1.5f), ("alpha", 0.3f), ("beta", 0.75f)))
            .Input("in0", F32, [1, 2, 3, 7]).Output("out", F32).Build();
        Check(g, Random(rng, F32, 42));
    }

    [Theory]
    [InlineData(Padding.Same, 1, 1, ActivationFunctionType.None)]
    [InlineData(Padding.Valid, 2, 1, ActivationFunctionType.Relu)]
    [InlineData(Padding.Same, 2, 2, ActivationFunctionType.Relu6)]
    public void Conv_3d(Padding padding, int stride, int dilation, ActivationFunctionType act)
    {
        var rng = new Random(181 + stride * 10 + dilation);
        var o = Opt(BuiltinOptionsType.Conv3DOptions, ("padding", padding), ("stride_d", stride), ("stride_h", stride), ("stride_w", 1),
            ("dilation_d_factor", dilation), ("dilation_h_factor", 1), ("dilation_w_factor", dilation), ("fused_activation_function", act));
        var g = new SingleOpModel(BuiltinOperator.Conv3d, o).Input("in0", F32, [2, 5, 6, 4, 3])
            .Const("f", F32, [2, 3, 2, 3, 4], TestData.Uniform(rng, 144)).Const("b", F32, [4], TestData.Uniform(rng, 4)).Output("out", F32).Build();
        Check(g, TestData.Uniform(rng, 720));
    }

    [Theory]
    [InlineData(F64, F32)]
    [InlineData(F32, F64)]
    [InlineData(TensorType.Uint16, F32)]
    [InlineData(TensorType.Uint32, I64)]
    [InlineData(I64, TensorType.Uint64)]
    [InlineData(F32, TensorType.Bfloat16)]
    [InlineData(TensorType.Bfloat16, F32)]
    [InlineData(F64, I32)]
    [InlineData(TensorType.Uint16, B)]
    public void Wide_cast(TensorType from, TensorType to)
    {
        var rng = new Random(191 + (int)from * 5 + (int)to);
        var g = new SingleOpModel(BuiltinOperator.Cast, Opt(BuiltinOptionsType.CastOptions, ("in_data_type", from), ("out_data_type", to)))
            .Input("in0", from, [12]).Output("out", to).Build();
        var x = from.IsFloat() ? TestData.Uniform(rng, 12, -100, 100) : TestData.Integers(rng, 12, 0, 200);
        if (to.IsInteger() && from.IsFloat()) x = x.Select(Math.Abs).ToArray();
        if (from == TensorType.Bfloat16) x = x.Select(v => TensorData.BFloat16ToDouble(TensorData.DoubleToBFloat16(v))).ToArray();
        Check(g, x);
    }

    [Fact]
    public void Every_extra_kernel_is_reached_and_eval_allocates_nothing()
    {
        // Rebuild the graphs the tests above use, run each three times and record the kernels chosen.
        var used = new HashSet<string>();
        foreach (var g in AllGraphs())
        {
            using var model = CompiledModel.FromGraph(g);
            var runner = model.DefaultSignature;
            foreach (var (_, kernel) in runner.Placement) used.Add(kernel);
            runner.Run();
            runner.Run();
            long before = GC.GetAllocatedBytesForCurrentThread();
            runner.Run();
            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        var missing = CpuKernelRegistry.All.Select(k => k.Id).Where(IsExtraKernel).Where(id => !used.Contains(id)).ToList();
        Assert.True(missing.Count == 0, "not reached: " + string.Join(", ", missing));
    }

    private static bool IsExtraKernel(string id) =>
        id.EndsWith(".f64", StringComparison.Ordinal) || id == "cpu.cast.wide" || id.StartsWith("cpu.div.i", StringComparison.Ordinal)
        || ExtraOps.Any(op => id.StartsWith($"cpu.{op.Name().ToLowerInvariant()}.", StringComparison.Ordinal));

    private static readonly BuiltinOperator[] ExtraOps =
    [
        BuiltinOperator.Floor, BuiltinOperator.Ceil, BuiltinOperator.Round, BuiltinOperator.Sin, BuiltinOperator.Cos, BuiltinOperator.Square,
        BuiltinOperator.Elu, BuiltinOperator.Sign, BuiltinOperator.LogicalNot, BuiltinOperator.FloorDiv, BuiltinOperator.FloorMod,
        BuiltinOperator.Atan2, BuiltinOperator.RightShift, BuiltinOperator.Equal, BuiltinOperator.NotEqual, BuiltinOperator.Less,
        BuiltinOperator.LessEqual, BuiltinOperator.Greater, BuiltinOperator.GreaterEqual, BuiltinOperator.LogicalAnd, BuiltinOperator.LogicalOr,
        BuiltinOperator.SelectV2, BuiltinOperator.ReduceMin, BuiltinOperator.ReduceProd, BuiltinOperator.ArgMin, BuiltinOperator.Tile,
        BuiltinOperator.BroadcastTo, BuiltinOperator.ReverseV2, BuiltinOperator.SpaceToDepth, BuiltinOperator.DepthToSpace, BuiltinOperator.GatherNd,
        BuiltinOperator.ScatterNd, BuiltinOperator.Cumsum, BuiltinOperator.TopkV2, BuiltinOperator.OneHot, BuiltinOperator.LocalResponseNormalization,
        BuiltinOperator.Conv3d,
    ];

    private static IEnumerable<ModelGraph> AllGraphs()
    {
        foreach (var op in new[] { BuiltinOperator.Floor, BuiltinOperator.Ceil, BuiltinOperator.Round, BuiltinOperator.Sin, BuiltinOperator.Cos,
                     BuiltinOperator.Square, BuiltinOperator.Elu, BuiltinOperator.Sign })
            yield return Unary(op, F32, [4]);
        yield return Unary(BuiltinOperator.Sign, I32, [4]);
        yield return Unary(BuiltinOperator.Sign, I64, [4]);
        yield return Unary(BuiltinOperator.LogicalNot, B, [4]);
        yield return Unary(BuiltinOperator.Neg, F64, [4]);
        yield return Unary(BuiltinOperator.Abs, F64, [4]);
        foreach (var t in new[] { F32, I32, I64 })
        {
            yield return Binary(BuiltinOperator.FloorDiv, t, [2, 3], [3]);
            yield return Binary(BuiltinOperator.FloorMod, t, [2, 3], [3]);
            foreach (var op in new[] { BuiltinOperator.Equal, BuiltinOperator.NotEqual, BuiltinOperator.Less, BuiltinOperator.LessEqual, BuiltinOperator.Greater, BuiltinOperator.GreaterEqual })
                yield return Binary(op, t, [2, 3], [3], B);
            foreach (var op in new[] { BuiltinOperator.ReduceMin, BuiltinOperator.ReduceProd })
                yield return new SingleOpModel(op, Opt(BuiltinOptionsType.ReducerOptions)).Input("in0", t, [2, 3]).Const("a", I32, [1], [1]).Output("out", t).Build();
            yield return new SingleOpModel(BuiltinOperator.ArgMin, Opt(BuiltinOptionsType.ArgMinOptions, ("output_type", I32))).Input("in0", t, [2, 3]).Const("a", I32, [], [1]).Output("out", I32).Build();
            yield return new SingleOpModel(BuiltinOperator.ScatterNd).Input("in0", I32, [2, 1]).Input("in1", t, [2, 3]).Const("s", I32, [2], [4, 3]).Output("out", t).Build();
            yield return new SingleOpModel(BuiltinOperator.Cumsum, Opt(BuiltinOptionsType.CumsumOptions)).Input("in0", t, [2, 3]).Const("a", I32, [], [1]).Output("out", t).Build();
            yield return new SingleOpModel(BuiltinOperator.TopkV2).Input("in0", t, [2, 3]).Const("k", I32, [], [2]).Output("v", t).Output("i", I32).Build();
        }
        foreach (var t in new[] { I32, I64 }) yield return Binary(BuiltinOperator.Div, t, [2, 3], [3]);
        yield return Binary(BuiltinOperator.Atan2, F32, [2, 3], [3]);
        foreach (var t in new[] { I32, I64, TensorType.Uint8, TensorType.Uint16, TensorType.Uint32 }) yield return Binary(BuiltinOperator.RightShift, t, [2, 3], [3]);
        foreach (var op in new[] { BuiltinOperator.Add, BuiltinOperator.Sub, BuiltinOperator.Mul, BuiltinOperator.Div, BuiltinOperator.Maximum, BuiltinOperator.Minimum })
            yield return Binary(op, F64, [2, 3], [3]);
        foreach (var op in new[] { BuiltinOperator.Equal, BuiltinOperator.NotEqual, BuiltinOperator.LogicalAnd, BuiltinOperator.LogicalOr })
            yield return Binary(op, B, [2, 3], [3], B);
        yield return new SingleOpModel(BuiltinOperator.SelectV2).Input("c", B, [3]).Input("x", F32, [2, 3]).Input("y", F32, [3]).Output("out", F32).Build();
        yield return new SingleOpModel(BuiltinOperator.Tile).Input("in0", F32, [2, 3]).Const("m", I32, [2], [2, 1]).Output("out", F32).Build();
        yield return new SingleOpModel(BuiltinOperator.BroadcastTo).Input("in0", F32, [3]).Const("s", I32, [2], [2, 3]).Output("out", F32).Build();
        yield return new SingleOpModel(BuiltinOperator.ReverseV2).Input("in0", F32, [2, 3]).Const("a", I32, [1], [1]).Output("out", F32).Build();
        yield return new SingleOpModel(BuiltinOperator.SpaceToDepth, Opt(BuiltinOptionsType.SpaceToDepthOptions, ("block_size", 2))).Input("in0", F32, [1, 2, 2, 1]).Output("out", F32).Build();
        yield return new SingleOpModel(BuiltinOperator.DepthToSpace, Opt(BuiltinOptionsType.DepthToSpaceOptions, ("block_size", 2))).Input("in0", F32, [1, 1, 1, 4]).Output("out", F32).Build();
        yield return new SingleOpModel(BuiltinOperator.GatherNd).Input("in0", F32, [3, 2]).Input("in1", I32, [2, 1]).Output("out", F32).Build();
        yield return new SingleOpModel(BuiltinOperator.OneHot, Opt(BuiltinOptionsType.OneHotOptions, ("axis", -1))).Input("in0", I32, [3])
            .Const("d", I32, [], [3]).Const("on", F32, [], [1]).Const("off", F32, [], [0]).Output("out", F32).Build();
        yield return new SingleOpModel(BuiltinOperator.LocalResponseNormalization, Opt(BuiltinOptionsType.LocalResponseNormalizationOptions, ("radius", 1), ("bias", 1f), ("alpha", 1f), ("beta", 0.5f)))
            .Input("in0", F32, [1, 1, 1, 3]).Output("out", F32).Build();
        yield return new SingleOpModel(BuiltinOperator.Conv3d, Opt(BuiltinOptionsType.Conv3DOptions, ("stride_d", 1), ("stride_h", 1), ("stride_w", 1))).Input("in0", F32, [1, 2, 2, 2, 1])
            .Const("f", F32, [1, 1, 1, 1, 2], [1, 2]).Output("out", F32).Build();
        yield return new SingleOpModel(BuiltinOperator.Cast, Opt(BuiltinOptionsType.CastOptions)).Input("in0", F64, [3]).Output("out", F32).Build();
    }
}
