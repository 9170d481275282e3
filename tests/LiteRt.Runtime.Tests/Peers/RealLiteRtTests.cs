using LiteRt.Format.Schema;
using LiteRt.Graph;
using LiteRt.Graph.IO;
using LiteRt.Graph.TfLite;
using LiteRt.TestSupport;
using Xunit.Abstractions;

namespace LiteRt.Runtime.Tests.Peers;

/// <summary>
/// Files we author from scratch load and run in Google's LiteRT with the outputs our runtime computes:
/// float32 within 1e-5 of the largest magnitude, quantized within one step.
/// </summary>
public class RealLiteRtTests(ITestOutputHelper output)
{
    private static OptionsTable Opt(BuiltinOptionsType t, params (string, object)[] fields)
    {
        var o = OptionsTable.Create(t);
        foreach (var (k, v) in fields) o.Set(k, v);
        return o;
    }

    [Fact]
    public void Float_op_zoo_matches_real_LiteRT()
    {
        if (!RealLiteRt.IsAvailable(output.WriteLine)) return;
        var rng = new Random(1);
        var b = new GraphBuilder();
        var f = TensorType.Float32;
        int x = b.Input("x", f, [1, 8, 8, 4]);
        int w = b.Const("w", f, [6, 3, 3, 4], TestData.Uniform(rng, 6 * 36));
        int bias = b.Const("bias", f, [6], TestData.Uniform(rng, 6));
        int dw = b.Const("dw", f, [1, 3, 3, 8], TestData.Uniform(rng, 72));
        int dwBias = b.Const("dw_bias", f, [8], TestData.Uniform(rng, 8));
        int fcW = b.Const("fc_w", f, [5, 256], TestData.Uniform(rng, 5 * 256, -0.1, 0.1));
        int half = b.Const("half", f, [4], [0.5, -1, 2, 0.25]);

        int conv = b.Op(BuiltinOperator.Conv2d, [x, w, bias], "conv", f,
            Opt(BuiltinOptionsType.Conv2DOptions, ("padding", Padding.Same), ("stride_w", 2), ("stride_h", 2), ("fused_activation_function", ActivationFunctionType.Relu6)));
        int depthwise = b.Op(BuiltinOperator.DepthwiseConv2d, [x, dw, dwBias], "depthwise", f,
            Opt(BuiltinOptionsType.DepthwiseConv2DOptions, ("padding", Padding.Valid), ("stride_w", 1), ("stride_h", 1), ("depth_multiplier", 2)));
        int added = b.Op(BuiltinOperator.Add, [x, half], "add", f, Opt(BuiltinOptionsType.AddOptions, ("fused_activation_function", ActivationFunctionType.Relu)));
        int pooled = b.Op(BuiltinOperator.AveragePool2d, [added], "avg_pool", f,
            Opt(BuiltinOptionsType.Pool2DOptions, ("padding", Padding.Same), ("stride_w", 2), ("stride_h", 2), ("filter_width", 3), ("filter_height", 3)));
        int maxPooled = b.Op(BuiltinOperator.MaxPool2d, [x], "max_pool", f,
            Opt(BuiltinOptionsType.Pool2DOptions, ("padding", Padding.Valid), ("stride_w", 2), ("stride_h", 2), ("filter_width", 2), ("filter_height", 2)));
        int flat = b.Op(BuiltinOperator.Reshape, [x, b.Ints("flat_shape", 1, 256)], "flat", f);
        int fc = b.Op(BuiltinOperator.FullyConnected, [flat, fcW, -1], "fc", f, Opt(BuiltinOptionsType.FullyConnectedOptions));
        int soft = b.Op(BuiltinOperator.Softmax, [fc], "softmax", f, Opt(BuiltinOptionsType.SoftmaxOptions, ("beta", 1.0)));
        int mean = b.Op(BuiltinOperator.Mean, [x, b.Ints("hw", 1, 2)], "mean", f, Opt(BuiltinOptionsType.ReducerOptions, ("keep_dims", true)));
        int tr = b.Op(BuiltinOperator.Transpose, [x, b.Ints("perm", 0, 3, 1, 2)], "transpose", f);
        int cat = b.Op(BuiltinOperator.Concatenation, [x, added], "concat", f, Opt(BuiltinOptionsType.ConcatenationOptions, ("axis", 3)));
        int resized = b.Op(BuiltinOperator.ResizeBilinear, [x, b.Ints("size", 13, 5)], "resize", f, Opt(BuiltinOptionsType.ResizeBilinearOptions, ("half_pixel_centers", true)));
        int act = b.Op(BuiltinOperator.HardSwish, [x], "hard_swish", f);
        int tanh = b.Op(BuiltinOperator.Tanh, [x], "tanh", f);
        int logistic = b.Op(BuiltinOperator.Logistic, [x], "logistic", f);
        int padded = b.Op(BuiltinOperator.Pad, [x, b.Const("pads", TensorType.Int32, [4, 2], [0, 0, 1, 2, 2, 1, 0, 0])], "pad", f);
        int sliced = b.Op(BuiltinOperator.StridedSlice, [x, b.Ints("begin", 0, 1, 0, 0), b.Ints("end", 1, 8, 8, 4), b.Ints("strides", 1, 2, 3, 1)], "strided_slice", f,
            Opt(BuiltinOptionsType.StridedSliceOptions));
        foreach (int o in new[] { conv, depthwise, pooled, maxPooled, soft, mean, tr, cat, resized, act, tanh, logistic, padded, sliced }) b.Output(o);
        Check(b.Build(), "float_zoo", [TestData.Uniform(rng, 256, -3, 3)], 1e-5);
    }

    [Fact]
    public void Quantized_uint8_and_int8_models_match_real_LiteRT()
    {
        if (!RealLiteRt.IsAvailable(output.WriteLine)) return;
        var rng = new Random(2);
        var u8 = TensorType.Uint8;
        var b = new GraphBuilder();
        var qx = QuantizationParams.PerTensor(0.02f, 128);
        int x = b.Input("x", u8, [1, 6, 6, 3], qx);
        int w = b.Const("w", u8, [4, 3, 3, 3], TestData.Uniform(rng, 108, -0.5, 0.5), QuantizationParams.PerTensor(0.004f, 127));
        int bias = b.Const("bias", TensorType.Int32, [4], TestData.Uniform(rng, 4, -0.01, 0.01), QuantizationParams.PerTensor(0.02f * 0.004f, 0));
        int conv = b.Op(BuiltinOperator.Conv2d, [x, w, bias], "conv", u8,
            Opt(BuiltinOptionsType.Conv2DOptions, ("padding", Padding.Same), ("stride_w", 1), ("stride_h", 1), ("fused_activation_function", ActivationFunctionType.Relu)),
            QuantizationParams.PerTensor(0.01f, 0));
        int pooled = b.Op(BuiltinOperator.AveragePool2d, [conv], "pool", u8,
            Opt(BuiltinOptionsType.Pool2DOptions, ("padding", Padding.Valid), ("stride_w", 2), ("stride_h", 2), ("filter_width", 2), ("filter_height", 2)),
            QuantizationParams.PerTensor(0.01f, 0));
        int sum = b.Op(BuiltinOperator.Add, [x, x], "add", u8, Opt(BuiltinOptionsType.AddOptions), QuantizationParams.PerTensor(0.04f, 128));
        b.Output(pooled);
        b.Output(sum);
        Check(b.Build(), "uint8", [TestData.Uniform(rng, 108, -2.5, 2.5)], 0);

        // int8: per-channel symmetric weights, as Google's converter writes full-integer models.
        var i8 = TensorType.Int8;
        var c = new GraphBuilder();
        var qin = QuantizationParams.PerTensor(0.05f, -3);
        int xin = c.Input("x", i8, [2, 10], qin);
        float[] ws = [0.01f, 0.02f, 0.005f];
        int fw = c.Const("w", i8, [3, 10], TestData.Uniform(rng, 30, -0.6, 0.6), QuantizationParams.PerAxis(ws, [0, 0, 0], 0));
        int fb = c.Const("b", TensorType.Int32, [3], [0.1, -0.2, 0.05], QuantizationParams.PerAxis(ws.Select(s => s * 0.05f).ToArray(), [0, 0, 0], 0));
        int fc = c.Op(BuiltinOperator.FullyConnected, [xin, fw, fb], "fc", i8, Opt(BuiltinOptionsType.FullyConnectedOptions), QuantizationParams.PerTensor(0.03f, 5));
        c.Output(fc);
        Check(c.Build(), "int8", [TestData.Uniform(rng, 20, -6, 6)], 0);
    }

    private void Check(ModelGraph graph, string name, double[][] realInputs, double floatTolerance)
    {
        var bytes = TfLiteModel.Serialize(graph);
        string path = Path.Combine(Directory.CreateTempSubdirectory("litert-authored").FullName, name + ".tflite");
        File.WriteAllBytes(path, bytes);
        try
        {
            using var ours = CompiledModel.FromBytes(bytes);
            var sig = ours.DefaultSignature;
            var sg = ours.Graph.Main;
            var inputs = new List<NpyArray>();
            for (int i = 0; i < sig.Inputs.Count; i++)
            {
                var t = sg.Tensors[graph.Signatures[0].Inputs[i].TensorIndex];
                var raw = TensorData.Encode(t.Type, realInputs[i], t.Shape, t.Quantization);
                raw.CopyTo(sig.Inputs[i].Bytes);
                inputs.Add(new NpyArray(t.Type, t.Shape, raw));
            }
            sig.Run();
            var real = RealLiteRt.Run(path, inputs);
            Assert.Equal(sig.Outputs.Count, real.Length);
            for (int i = 0; i < real.Length; i++)
            {
                var mine = sig.Outputs[i];
                Assert.Equal(real[i].Shape, mine.Shape.ToArray());
                var want = real[i].ToDoubles();
                var got = TensorData.Decode(mine.Type, mine.Bytes, [.. mine.Shape], null);
                double maxDiff = want.Zip(got, (a, v) => Math.Abs(a - v)).DefaultIfEmpty(0).Max();
                double scale = Math.Max(1, want.Select(Math.Abs).DefaultIfEmpty(0).Max());
                output.WriteLine($"{name} '{mine.Name}' {mine.Type.Name()}{Shapes.Format([.. mine.Shape])}: max |diff| {maxDiff:G3}");
                if (mine.Quantization is null) Assert.True(maxDiff <= floatTolerance * scale, $"{name} '{mine.Name}': max |diff| {maxDiff:G3}");
                else Assert.True(maxDiff <= 1, $"{name} '{mine.Name}': {maxDiff} quantization steps apart");
            }
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, true);
        }
    }
}
