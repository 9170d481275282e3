using LiteRt.Format.Schema;
using LiteRt.Graph;
using LiteRt.Graph.IO;
using LiteRt.Quantization.Tests.Support;
using LiteRt.Runtime;
using LiteRt.TestSupport;
using Xunit.Abstractions;

namespace LiteRt.Quantization.Tests;

public class ModelQuantizerTests(ITestOutputHelper output)
{
    private static QuantizationRecipe Recipe(string scheme, int block = 32) => QuantizationRecipe.Parse($$"""
        {"name": "{{scheme}}", "rules": [{"ops": ["FULLY_CONNECTED", "CONV_2D", "DEPTHWISE_CONV_2D", "BATCH_MATMUL", "EMBEDDING_LOOKUP"],
          "scheme": "{{scheme}}", "block_size": {{block}}}]}
        """);

    private static Tensor WeightOf(ModelGraph g, string opOutput, int slot = 1)
    {
        var sg = g.Main;
        var op = sg.Operations.First(o => sg.Tensors[o.Outputs[0]].Name == opOutput);
        var t = sg.Tensors[op.Inputs[slot]];
        // Through a DEQUANTIZE for weight-only schemes.
        var producer = sg.Operations.FirstOrDefault(o => o.Outputs[0] == op.Inputs[slot]);
        return producer is { Op: BuiltinOperator.Dequantize } ? sg.Tensors[producer.Inputs[0]] : t;
    }

    [Theory]
    [InlineData("dynamic_int8", TensorType.Int8, 0.999)]
    [InlineData("weight_only_int8", TensorType.Int8, 0.999)]
    [InlineData("weight_only_int4", TensorType.Int4, 0.95)]
    [InlineData("fp16", TensorType.Float16, 0.99999)]
    [InlineData("blockwise_int4", TensorType.Int4, 0.97)]
    public void Weight_schemes_are_written_as_LiteRT_reads_them_and_run_in_both_runtimes(string scheme, TensorType weightType, double minCosine)
    {
        var model = Zoo.Weighted();
        var (q, report) = ModelQuantizer.Quantize(model, Recipe(scheme), null, new QuantizeOptions { SyntheticSamples = 3 });
        output.WriteLine(report.ToText());
        var sg = q.Main;
        Assert.Equal(weightType, WeightOf(q, "fc1").Type);
        switch (scheme)
        {
            case "dynamic_int8":
                Assert.Equal([0, 0, 0, 0, 0], new[] { "conv", "dw", "fc1", "fc2", "bmm" }.Select(n => WeightOf(q, n).Quantization!.ZeroPointAt(0)).ToArray());
                Assert.Equal(16, WeightOf(q, "conv").Quantization!.Scale!.Length);
                Assert.Equal(3, WeightOf(q, "dw").Quantization!.QuantizedDimension);
                Assert.Single(WeightOf(q, "bmm").Quantization!.Scale!);
                Assert.True(sg.Operations.First(o => sg.Tensors[o.Outputs[0]].Name == "fc1").BoolAttr("asymmetric_quantize_inputs"));
                Assert.DoesNotContain(sg.Operations, o => o.Op == BuiltinOperator.Dequantize);
                Assert.Equal(TensorType.Float32, sg.Tensors[sg.Operations.First(o => o.Op == BuiltinOperator.Conv2d).Inputs[2]].Type);
                break;
            case "weight_only_int8" or "weight_only_int4" or "fp16":
                Assert.Equal(scheme == "fp16" ? 9 : 6, sg.Operations.Count(o => o.Op == BuiltinOperator.Dequantize));
                break;
            case "blockwise_int4":
                var w = WeightOf(q, "fc1");
                Assert.Equal(QuantizationDetailsType.BlockwiseQuantization, w.Quantization!.DetailsType);
                var scales = sg.Tensors[w.Quantization.Blockwise!.Scales];
                Assert.Equal(TensorType.Float16, scales.Type);
                Assert.Equal([64, 1024 / 32], scales.Shape);
                Assert.Equal(-1, w.Quantization.Blockwise.ZeroPoints);
                Assert.Equal(1024 * 64 / 2, w.Buffer!.Length);
                Assert.Equal(TensorType.Int8, WeightOf(q, "conv").Type); // not blockwise-capable: dynamic range instead
                break;
        }
        Assert.All(report.Outputs, o => Assert.True(o.Cosine >= minCosine, $"{o}"));

        if (!RealLiteRt.IsAvailable(output.WriteLine)) return;
        // Float outputs: LiteRT's hybrid and blockwise kernels quantize activations as ours do, so the results agree
        // to float rounding; weight-only and fp16 models compute in float after DEQUANTIZE.
        var inputs = Zoo.WeightedInputs(5);
        foreach (var a in LiteRtAgreement.EndToEnd(q, inputs, scheme))
        {
            output.WriteLine("end to end: " + a);
            Assert.True(a.MaxDiff <= 1e-4 * Math.Max(1, a.MaxAbs), a.ToString());
        }
        if (scheme is "dynamic_int8" or "blockwise_int4")
            foreach (var a in LiteRtAgreement.PerOp(q, inputs, scheme))
            {
                output.WriteLine("per op: " + a);
                Assert.True(a.MaxDiff <= 1e-4 * Math.Max(1, a.MaxAbs), a.ToString());
            }
    }

    [Theory]
    [InlineData("static_int8", false)]
    [InlineData("static_int8", true)]
    [InlineData("static_int16x8", false)]
    public void Full_integer_models_run_in_LiteRT_within_one_step_per_op(string scheme, bool quantizedIo)
    {
        var model = Zoo.Activations();
        var recipe = QuantizationRecipe.Parse($$"""{"base": "{{scheme}}", "io": "{{(quantizedIo ? "quantized" : "float")}}"}""");
        var (q, report) = ModelQuantizer.Quantize(model, recipe, Zoo.ActivationsCalibration(20, 100));
        output.WriteLine(report.ToText());
        var sg = q.Main;
        var input = sg.Tensors[q.Signatures[0].Inputs[0].TensorIndex];
        Assert.Equal(quantizedIo ? TensorType.Int8 : TensorType.Float32, input.Type);
        foreach (var o in q.Signatures[0].Outputs)
            Assert.True(quantizedIo ? sg.Tensors[o.TensorIndex].Type != TensorType.Float32 || o.Name == "scaled" : sg.Tensors[o.TensorIndex].Type == TensorType.Float32);
        var act = scheme == "static_int8" ? TensorType.Int8 : TensorType.Int16;
        var conv = sg.Operations.First(o => o.Op == BuiltinOperator.Conv2d);
        Assert.Equal(act, sg.Tensors[conv.Inputs[0]].Type);
        Assert.Equal(TensorType.Int8, sg.Tensors[conv.Inputs[1]].Type);
        Assert.Equal(act == TensorType.Int8 ? TensorType.Int32 : TensorType.Int64, sg.Tensors[conv.Inputs[2]].Type);
        var inScale = sg.Tensors[conv.Inputs[0]].Quantization!.Scale![0];
        var wq = sg.Tensors[conv.Inputs[1]].Quantization!;
        var bq = sg.Tensors[conv.Inputs[2]].Quantization!;
        for (int c = 0; c < wq.Scale!.Length; c++) Assert.Equal((double)inScale * wq.Scale[c], bq.Scale![c], 1e-6 * bq.Scale[c] + 1e-12);
        // EXP has no integer kernel: it stays float between a DEQUANTIZE and a QUANTIZE.
        var exp = sg.Operations.First(o => o.Op == BuiltinOperator.Exp);
        Assert.Equal(TensorType.Float32, sg.Tensors[exp.Inputs[0]].Type);
        Assert.Contains(report.Decisions, d => d.Op == "EXP" && d.Scheme == "float");
        Assert.All(report.Outputs, o => Assert.True(o.Cosine > 0.99, $"{o}"));

        if (!RealLiteRt.IsAvailable(output.WriteLine)) return;
        var x = Zoo.ActivationsInput(7);
        if (quantizedIo) x = new NpyArray(input.Type, x.Shape, TensorData.Encode(input.Type, x.ToDoubles(), x.Shape, input.Quantization));
        foreach (var a in LiteRtAgreement.EndToEnd(q, [x], scheme))
        {
            output.WriteLine("end to end: " + a);
            Assert.True(double.IsNaN(a.Steps) ? a.MaxDiff <= 2e-3 * Math.Max(1, a.MaxAbs) : a.Steps <= 1, a.ToString());
        }
        var perOp = LiteRtAgreement.PerOp(q, [x], scheme);
        foreach (var a in perOp) output.WriteLine("per op: " + a);
        Assert.All(perOp.Where(a => !double.IsNaN(a.Steps)), a => Assert.True(a.Steps <= 1, a.ToString()));
    }

    /// <summary>
    /// ONNX MaxPool with padding imports as PADV2 (constant −FLT_MAX) + MAX_POOL_2D. The pad value must not enter the
    /// activation range: PADV2 runs in int8 with its input's parameters and the constant stored as the lowest level.
    /// </summary>
    [Fact]
    public void Max_pool_padding_with_a_huge_negative_constant_quantizes_to_the_lowest_level()
    {
        var f = TensorType.Float32;
        var rng = new Random(3);
        var b = new GraphBuilder();
        int x = b.Input("image", f, [1, 8, 8, 3]);
        int conv = b.Op(BuiltinOperator.Conv2d, [x, b.Const("conv/w", f, [8, 3, 3, 3], TestData.Uniform(rng, 216, -0.4, 0.4)), b.Const("conv/b", f, [8], TestData.Uniform(rng, 8, -0.2, 0.2))],
            "conv", f, Zoo.Opt(BuiltinOptionsType.Conv2DOptions, ("padding", Padding.Same), ("stride_w", 1), ("stride_h", 1)));
        int pad = b.Op(BuiltinOperator.Padv2, [conv, b.Const("pads", TensorType.Int32, [4, 2], [0, 0, 1, 1, 1, 1, 0, 0]), b.Const("pad_value", f, [], [-3.4028234663852886e38])],
            "padded", f, Zoo.Opt(BuiltinOptionsType.PadV2Options));
        int pool = b.Op(BuiltinOperator.MaxPool2d, [pad], "pool", f,
            Zoo.Opt(BuiltinOptionsType.Pool2DOptions, ("padding", Padding.Valid), ("stride_w", 2), ("stride_h", 2), ("filter_width", 3), ("filter_height", 3)));
        b.Output(pool);
        var model = b.Build();

        var (q, report) = ModelQuantizer.Quantize(model, QuantizationRecipe.Preset("static_int8"), Zoo.ActivationsCalibration(20, 300));
        output.WriteLine(report.ToText());
        var sg = q.Main;
        var padOp = sg.Operations.Single(o => o.Op == BuiltinOperator.Padv2);
        Assert.Equal(TensorType.Int8, sg.Tensors[padOp.Inputs[0]].Type);
        var value = sg.Tensors[padOp.Inputs[2]];
        Assert.Equal(TensorType.Int8, value.Type);
        Assert.Equal(-128, (sbyte)value.DataBytes[0]);
        Assert.Equal(sg.Tensors[padOp.Inputs[0]].Quantization!.Scale![0], value.Quantization!.Scale![0]);
        Assert.True(sg.Tensors[padOp.Outputs[0]].Quantization!.Scale![0] < 1, "the pad value must not set the range");
        Assert.All(report.Outputs, o => Assert.True(o.Cosine > 0.999, $"{o}"));

        if (!RealLiteRt.IsAvailable(output.WriteLine)) return;
        var perOp = LiteRtAgreement.PerOp(q, [Zoo.ActivationsInput(9)], "padv2");
        foreach (var a in perOp) output.WriteLine("per op: " + a);
        Assert.All(perOp.Where(a => !double.IsNaN(a.Steps)), a => Assert.True(a.Steps <= 1, a.ToString()));
    }
}
