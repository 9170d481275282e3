using LiteRt.Compiler.Import.Onnx;
using LiteRt.Compiler.Tests.Onnx;
using LiteRt.Format.Schema;
using LiteRt.Graph;
using LiteRt.Runtime;

namespace LiteRt.Compiler.Tests.Passes;

/// <summary>
/// The optimization passes on small ONNX graphs: what the optimized graph looks like (transposes, fusions), and that
/// it computes what the unoptimized conversion computes.
/// </summary>
public sealed class PassTests
{
    private const int Float = OnnxDataType.Float;

    private static float[] Weights(int n, int seed) => Enumerable.Range(0, n).Select(i => (float)Math.Sin(seed * 7.1 + i * 0.37)).ToArray();

    /// <summary>Converts with and without the passes, runs both on the same input, asserts equal outputs; returns the optimized graph.</summary>
    private static ModelGraph OptimizedMatchesUnoptimized(byte[] model)
    {
        var optimized = ModelConverter.ConvertOnnx(model);
        var plain = ModelConverter.ConvertOnnx(model, new ConvertOptions { Optimize = false });
        var a = Run(optimized);
        var b = Run(plain);
        Assert.Equal(b.Length, a.Length);
        double scale = b.Max(Math.Abs);
        for (int i = 0; i < a.Length; i++) Assert.True(Math.Abs(a[i] - b[i]) <= 1e-5 * Math.Max(scale, 1), $"element {i}: {a[i]} vs {b[i]}");
        return optimized;
    }

    private static float[] Run(ModelGraph g)
    {
        using var model = CompiledModel.FromGraph(g);
        var runner = model.DefaultSignature;
        var input = runner.Inputs[0];
        var span = input.AsSpan<float>();
        for (int i = 0; i < span.Length; i++) span[i] = (float)Math.Cos(i * 0.11);
        runner.Run();
        return runner.Outputs[0].ToArray<float>();
    }

    private static int Count(ModelGraph g, BuiltinOperator op) => g.Main.Operations.Count(o => o.Op == op);

    [Fact]
    public void Conv_batchnorm_relu_chain_with_a_residual_keeps_nhwc_between_the_boundaries()
    {
        var m = new OnnxModelBuilder().Input("x", Float, 1, 4, 6, 6)
            .FloatInitializer("w1", [4, 4, 3, 3], Weights(144, 1)).FloatInitializer("w2", [4, 4, 1, 1], Weights(16, 2))
            .FloatInitializer("s", [4], [1.5f, 0.5f, 2f, 1f]).FloatInitializer("b", [4], [0.1f, -0.2f, 0.3f, 0])
            .FloatInitializer("mean", [4], [0.2f, 0.1f, -0.1f, 0]).FloatInitializer("var", [4], [1, 2, 0.5f, 1.5f])
            .Node("Conv", ["x", "w1"], ["c1"], attributes: ("pads", new long[] { 1, 1, 1, 1 }))
            .Node("BatchNormalization", ["c1", "s", "b", "mean", "var"], ["bn"])
            .Node("Clip", ["bn"], ["r"], attributes: [("min", 0f), ("max", 6f)])
            .Node("Conv", ["r", "w2"], ["c2"])
            .Node("Add", ["c2", "x"], ["sum"])
            .Node("Relu", ["sum"], ["y"])
            .Output("y", Float, 1, 4, 6, 6);
        m.Opset = 10; // Clip with min/max attributes
        var g = OptimizedMatchesUnoptimized(m.Build());
        // One transpose in (for the input, also read by the residual add), one out.
        Assert.Equal(2, Count(g, BuiltinOperator.Transpose));
        Assert.Equal(0, Count(g, BuiltinOperator.Mul));
        Assert.Equal(0, Count(g, BuiltinOperator.Relu6));
        Assert.Equal(ActivationFunctionType.Relu6, g.Main.Operations.First(o => o.Op == BuiltinOperator.Conv2d).FusedActivation);
        Assert.Equal(ActivationFunctionType.Relu, g.Main.Operations.Single(o => o.Op == BuiltinOperator.Add).FusedActivation);
    }

    [Fact]
    public void MatMul_then_add_becomes_one_fully_connected_with_a_bias()
    {
        var m = new OnnxModelBuilder().Input("x", Float, 2, 3, 8)
            .FloatInitializer("w", [8, 5], Weights(40, 3)).FloatInitializer("bias", [5], Weights(5, 4))
            .Node("MatMul", ["x", "w"], ["mm"]).Node("Add", ["mm", "bias"], ["y"])
            .Output("y", Float, 2, 3, 5).Build();
        var g = OptimizedMatchesUnoptimized(m);
        var fc = Assert.Single(g.Main.Operations);
        Assert.Equal(BuiltinOperator.FullyConnected, fc.Op);
        Assert.True(fc.HasInput(2));
        Assert.True(fc.BoolAttr("keep_num_dims"));
    }

    [Fact]
    public void Gemm_with_alpha_beta_and_bias_is_one_fully_connected()
    {
        var m = new OnnxModelBuilder().Input("x", Float, 3, 4)
            .FloatInitializer("w", [6, 4], Weights(24, 5)).FloatInitializer("c", [6], Weights(6, 6))
            .Node("Gemm", ["x", "w", "c"], ["y"], attributes: [("transB", 1L), ("alpha", 0.5f), ("beta", 2f)])
            .Output("y", Float, 3, 6).Build();
        var g = OptimizedMatchesUnoptimized(m);
        Assert.Equal(BuiltinOperator.FullyConnected, Assert.Single(g.Main.Operations).Op);
    }

    [Fact]
    public void Exact_gelu_written_out_becomes_one_gelu()
    {
        var m = new OnnxModelBuilder().Input("x", Float, 2, 7)
            .FloatInitializer("sqrt2", [], [1.4142135f]).FloatInitializer("one", [], [1f]).FloatInitializer("half", [], [0.5f])
            .Node("Div", ["x", "sqrt2"], ["d"]).Node("Erf", ["d"], ["e"]).Node("Add", ["e", "one"], ["a"])
            .Node("Mul", ["x", "a"], ["m"]).Node("Mul", ["m", "half"], ["y"])
            .Output("y", Float, 2, 7).Build();
        var g = OptimizedMatchesUnoptimized(m);
        Assert.Equal(BuiltinOperator.Gelu, Assert.Single(g.Main.Operations).Op);
        Assert.False(g.Main.Operations[0].BoolAttr("approximate"));
    }

    [Fact]
    public void Erf_alone_is_a_polynomial_accurate_to_float32()
    {
        var m = new OnnxModelBuilder().Input("x", Float, 64).Node("Erf", ["x"], ["y"]).Output("y", Float, 64).Build();
        var g = ModelConverter.ConvertOnnx(m);
        using var model = CompiledModel.FromGraph(g);
        var runner = model.DefaultSignature;
        var x = Enumerable.Range(0, 64).Select(i => (float)((i - 32) / 8.0)).ToArray();
        runner.Input("x").Write<float>(x);
        runner.Run();
        var y = runner.Output("y").ToArray<float>();
        for (int i = 0; i < 64; i++)
            Assert.True(Math.Abs(y[i] - LiteRt.Graph.Catalog.ErrorFunction.Erf(x[i])) <= 3e-7, $"erf({x[i]}) = {y[i]}");
    }

    [Fact]
    public void Hardswish_written_as_x_times_hardsigmoid_becomes_hard_swish()
    {
        var m = new OnnxModelBuilder().Input("x", Float, 1, 3, 4, 4)
            .Node("HardSigmoid", ["x"], ["h"], attributes: [("alpha", 1f / 6), ("beta", 0.5f)]).Node("Mul", ["x", "h"], ["y"])
            .Output("y", Float, 1, 3, 4, 4).Build();
        var g = OptimizedMatchesUnoptimized(m);
        Assert.Equal(BuiltinOperator.HardSwish, Assert.Single(g.Main.Operations).Op);
    }

    [Fact]
    public void Global_pool_then_flatten_then_gemm_needs_no_transpose_after_the_convolution()
    {
        var m = new OnnxModelBuilder().Input("x", Float, 1, 3, 8, 8)
            .FloatInitializer("w", [5, 3, 3, 3], Weights(135, 7)).FloatInitializer("fc", [4, 5], Weights(20, 8))
            .Node("Conv", ["x", "w"], ["c"]).Node("GlobalAveragePool", ["c"], ["p"]).Node("Flatten", ["p"], ["f"])
            .Node("Gemm", ["f", "fc"], ["y"], attributes: ("transB", 1L))
            .Output("y", Float, 1, 4).Build();
        var g = OptimizedMatchesUnoptimized(m);
        Assert.Equal(1, Count(g, BuiltinOperator.Transpose));
        Assert.Equal(g.Main.Inputs[0], g.Main.Operations.Single(o => o.Op == BuiltinOperator.Transpose).Inputs[0]);
    }

    [Fact]
    public void Flatten_of_an_nhwc_map_folds_its_transpose_into_the_fully_connected_weights()
    {
        var m = new OnnxModelBuilder().Input("x", Float, 1, 2, 4, 4)
            .FloatInitializer("w", [3, 2, 3, 3], Weights(54, 9)).FloatInitializer("fc", [5, 48], Weights(240, 10))
            .Node("Conv", ["x", "w"], ["c"], attributes: ("pads", new long[] { 1, 1, 1, 1 })).Node("Flatten", ["c"], ["f"])
            .Node("Gemm", ["f", "fc"], ["y"], attributes: ("transB", 1L))
            .Output("y", Float, 1, 5).Build();
        var g = OptimizedMatchesUnoptimized(m);
        Assert.Equal(1, Count(g, BuiltinOperator.Transpose));
    }

    [Fact]
    public void Squeeze_excitation_diamond_stays_in_nhwc()
    {
        var m = new OnnxModelBuilder().Input("x", Float, 1, 4, 5, 5)
            .FloatInitializer("w", [4, 4, 1, 1], Weights(16, 11)).FloatInitializer("w1", [2, 4, 1, 1], Weights(8, 12)).FloatInitializer("w2", [4, 2, 1, 1], Weights(8, 13))
            .Node("Conv", ["x", "w"], ["c"])
            .Node("GlobalAveragePool", ["c"], ["p"]).Node("Conv", ["p", "w1"], ["s1"]).Node("Relu", ["s1"], ["r"])
            .Node("Conv", ["r", "w2"], ["s2"]).Node("Sigmoid", ["s2"], ["g"]).Node("Mul", ["c", "g"], ["m"])
            .Node("Conv", ["m", "w"], ["y"])
            .Output("y", Float, 1, 4, 5, 5).Build();
        var g = OptimizedMatchesUnoptimized(m);
        Assert.Equal(2, Count(g, BuiltinOperator.Transpose)); // graph input and graph output only
    }

    [Fact]
    public void Channel_shuffle_keeps_one_transpose_inside_nhwc()
    {
        var m = new OnnxModelBuilder().Input("x", Float, 1, 4, 3, 3)
            .FloatInitializer("w", [4, 4, 1, 1], Weights(16, 14))
            .Int64Initializer("split", [5], [1, 2, 2, 3, 3]).Int64Initializer("merge", [4], [1, 4, 3, 3])
            .Node("Conv", ["x", "w"], ["c"]).Node("Reshape", ["c", "split"], ["r1"])
            .Node("Transpose", ["r1"], ["t"], attributes: ("perm", new long[] { 0, 2, 1, 3, 4 }))
            .Node("Reshape", ["t", "merge"], ["r2"]).Node("Conv", ["r2", "w"], ["y"])
            .Output("y", Float, 1, 4, 3, 3).Build();
        var g = OptimizedMatchesUnoptimized(m);
        Assert.Equal(3, Count(g, BuiltinOperator.Transpose)); // input, the shuffle (in NHWC), output
    }
}
