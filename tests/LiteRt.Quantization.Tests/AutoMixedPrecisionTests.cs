using LiteRt.Format.Schema;
using LiteRt.Graph;
using LiteRt.Graph.IO;
using LiteRt.Quantization.Tests.Support;
using LiteRt.TestSupport;
using Xunit.Abstractions;

namespace LiteRt.Quantization.Tests;

public class AutoMixedPrecisionTests(ITestOutputHelper output)
{
    /// <summary>
    /// An MLP, x [1,32] → fc1 (32→64, relu) → fc2 (64→64, relu) → fc3 (64→48, relu) → logits (48→10), in which fc2's
    /// weights are outlier-heavy: every row holds one huge weight (input column 0, ±40) among ordinary ones (±0.15),
    /// while fc1 makes that input feature tiny. Per-channel int8 scales are set by the outlier, so the ordinary
    /// weights of fc2 round to zero and the layer's real signal is lost; every other layer quantizes well.
    /// </summary>
    private static ModelGraph OutlierMlp()
    {
        var rng = new Random(5);
        var f = TensorType.Float32;
        var b = new GraphBuilder();
        int x = b.Input("x", f, [1, 32]);
        var fcOpt = () => Zoo.Opt(BuiltinOptionsType.FullyConnectedOptions, ("fused_activation_function", ActivationFunctionType.Relu));
        var w1 = TestData.Uniform(rng, 64 * 32, -0.4, 0.4);
        for (int k = 0; k < 32; k++) w1[k] *= 0.002; // feature 0 of fc1's output stays tiny
        int fc1 = b.Op(BuiltinOperator.FullyConnected, [x, b.Const("fc1/w", f, [64, 32], w1), b.Const("fc1/b", f, [64], TestData.Uniform(rng, 64, 0, 0.1))], "fc1", f, fcOpt());
        var w2 = TestData.Uniform(rng, 64 * 64, -0.15, 0.15);
        for (int r = 0; r < 64; r++) w2[r * 64] = (r % 2 == 0 ? 1 : -1) * (30 + rng.NextDouble() * 10);
        int fc2 = b.Op(BuiltinOperator.FullyConnected, [fc1, b.Const("fc2/w", f, [64, 64], w2), b.Const("fc2/b", f, [64], TestData.Uniform(rng, 64, 0, 0.1))], "fc2", f, fcOpt());
        int fc3 = b.Op(BuiltinOperator.FullyConnected, [fc2, b.Const("fc3/w", f, [48, 64], TestData.Uniform(rng, 48 * 64, -0.25, 0.25)), b.Const("fc3/b", f, [48], TestData.Uniform(rng, 48, 0, 0.1))], "fc3", f, fcOpt());
        int logits = b.Op(BuiltinOperator.FullyConnected, [fc3, b.Const("out/w", f, [10, 48], TestData.Uniform(rng, 480, -0.3, 0.3)), b.Const("out/b", f, [10], TestData.Uniform(rng, 10, -0.1, 0.1))],
            "logits", f, Zoo.Opt(BuiltinOptionsType.FullyConnectedOptions));
        b.Output(logits);
        return b.Build();
    }

    private static CalibrationSet Inputs(int count, int seed) =>
        CalibrationSet.FromSamples(Enumerable.Range(0, count).Select(i =>
            (IReadOnlyDictionary<string, NpyArray>)new Dictionary<string, NpyArray> { ["x"] = Zoo.Floats([1, 32], TestData.Uniform(new Random(seed + i), 32, -1, 1)) }), "uniform [-1, 1]");

    [Fact]
    public void Auto_keeps_the_outlier_layer_float_where_uniform_static_int8_misses_the_target()
    {
        var model = OutlierMlp();
        var target = FidelityThreshold.Parse("cosine>=0.9995");
        var options = new QuantizeOptions { EvaluationSet = Inputs(16, 1000) };

        var (_, uniform) = ModelQuantizer.Quantize(model, QuantizationRecipe.Preset("static_int8"), Inputs(48, 1), options);
        output.WriteLine(uniform.ToText());
        Assert.False(target.IsMet(uniform), $"uniform static_int8 should miss {target}: cosine {uniform.Outputs[0].Cosine:F6}");
        // The per-layer report already points at fc2: its output is the worst of the quantized layers.
        Assert.Equal("fc2", uniform.Layers.Where(l => l.Scheme == "static_int8").MaxBy(l => l.AddedNoise ?? 0)!.Name);

        var (q, auto) = ModelQuantizer.Quantize(model, QuantizationRecipe.Preset("static_int8"), Inputs(48, 1), options with { AutoTarget = target });
        output.WriteLine(auto.ToText());
        Assert.True(auto.AutoTargetMet);
        Assert.True(target.IsMet(auto), $"auto: cosine {auto.Outputs[0].Cosine:F6}");
        Assert.Contains("fc2", auto.FloatLayers);
        Assert.True(auto.FloatLayers.Count <= 2, "kept float: " + string.Join(", ", auto.FloatLayers));
        Assert.Contains(auto.Decisions, d => d.Output == "fc2" && d.Scheme == "float");
        Assert.Contains(auto.Decisions, d => d.Output == "fc3" && d.Scheme == "static_int8");
        Assert.Contains("fc2", auto.ToText());
        // The layers auto did not keep float are integer in the file.
        var sg = q.Main;
        var fc3 = sg.Operations.First(o => sg.Tensors[o.Outputs[0]].Name == "fc3");
        Assert.Equal(TensorType.Int8, sg.Tensors[fc3.Inputs[1]].Type);
        Assert.Equal(TensorType.Int8, sg.Tensors[fc3.Outputs[0]].Type);
    }
}
