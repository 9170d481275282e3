using LiteRt.Format.Schema;
using LiteRt.Graph;
using LiteRt.Graph.IO;
using LiteRt.Graph.TfLite;
using LiteRt.Runtime;
using LiteRt.TestSupport;
using Xunit.Abstractions;

namespace LiteRt.Quantization.Tests;

/// <summary>
/// Hybrid (dynamic range) ops against real LiteRT 2.5.3 on single ops shaped like MobileNetV2's: LiteRT quantizes a
/// DEPTHWISE_CONV_2D's input per image (TFLite's hybrid kernel), and a 1×1 CONV_2D's per pixel and an asymmetric
/// FULLY_CONNECTED's per row with XNNPack's arithmetic (round half to even, float32 multiplier). Inputs on a 1/64 grid make rounding ties common,
/// which is where the two quantizers differ. Skipped without node / ../shared.
/// </summary>
public class HybridLiteRtAgreementTests(ITestOutputHelper output)
{
    private static NpyArray Array(int[] shape, double[] v) => new(TensorType.Float32, shape, TensorData.Encode(TensorType.Float32, v, shape, null));

    private double MaxRelativeDifference(ModelGraph g, NpyArray input)
    {
        string dir = Directory.CreateTempSubdirectory("hybrid-real").FullName;
        try
        {
            string path = Path.Combine(dir, "op.tflite");
            File.WriteAllBytes(path, TfLiteModel.Serialize(g));
            var real = RealLiteRt.Run(path, [input])[0].ToDoubles();
            using var m = CompiledModel.FromGraph(g);
            var sig = m.DefaultSignature;
            input.Data.CopyTo(sig.Inputs[0].Bytes);
            sig.Run();
            var ours = sig.Outputs[0].ToArray<float>();
            double d = 0, max = real.Max(Math.Abs);
            for (int i = 0; i < ours.Length; i++) d = Math.Max(d, Math.Abs(ours[i] - real[i]));
            output.WriteLine($"max |ours − LiteRT| {d:G3} ({d / max:P5} of max |y| {max:G3})");
            return d / Math.Max(max, 1e-6);
        }
        finally { Directory.Delete(dir, true); }
    }

    private static double[] Input(Random rng, int n, double lo, double hi, int grid)
    {
        var x = new double[n];
        for (int i = 0; i < n; i++)
        {
            double v = lo + rng.NextDouble() * (hi - lo);
            x[i] = grid > 0 ? Math.Round(v * grid) / grid : v;
        }
        return x;
    }

    [Theory]
    [InlineData(28, 144, 1, 0)]
    [InlineData(56, 144, 2, 64)]
    [InlineData(7, 960, 1, 64)]
    public void Hybrid_depthwise_matches_LiteRT(int size, int channels, int stride, int grid)
    {
        if (!RealLiteRt.IsAvailable(output.WriteLine)) return;
        var rng = new Random(size + channels);
        int[] fshape = [1, 3, 3, channels];
        var o = OptionsTable.Create(BuiltinOptionsType.DepthwiseConv2DOptions);
        o.Set("padding", Padding.Same);
        o.Set("stride_w", stride);
        o.Set("stride_h", stride);
        o.Set("depth_multiplier", 1);
        o.Set("fused_activation_function", ActivationFunctionType.Relu6);
        int outSize = (size + stride - 1) / stride;
        var g = new SingleOpModel(BuiltinOperator.DepthwiseConv2d, o)
            .Input("x", TensorType.Float32, [1, size, size, channels])
            .ConstRaw("w", TensorType.Int8, fshape, TensorData.Encode(TensorType.Int8, TestData.Integers(rng, 9 * channels, -127, 128), fshape, null),
                QuantizationParams.PerAxis(Enumerable.Range(0, channels).Select(_ => (float)(0.001 + rng.NextDouble() * 0.02)).ToArray(), new long[channels], 3))
            .Const("b", TensorType.Float32, [channels], TestData.Uniform(rng, channels, -0.3, 0.3))
            .Output("y", TensorType.Float32, [1, outSize, outSize, channels]).Build();
        // Post-ReLU6 inputs, channel ranges spread over two decades.
        var x = Input(rng, size * size * channels, 0, 3, grid);
        for (int i = 0; i < x.Length; i++) x[i] *= Math.Pow(10, -2.0 * (i % channels) / channels);
        Assert.True(MaxRelativeDifference(g, Array([1, size, size, channels], x)) < 1e-5);
    }

    [Theory]
    [InlineData(56, 24, 144, 64)]
    [InlineData(28, 192, 32, 0)]
    public void Hybrid_pointwise_conv_matches_LiteRT(int size, int channels, int units, int grid)
    {
        if (!RealLiteRt.IsAvailable(output.WriteLine)) return;
        var rng = new Random(size * channels);
        int[] fshape = [units, 1, 1, channels];
        var o = OptionsTable.Create(BuiltinOptionsType.Conv2DOptions);
        o.Set("padding", Padding.Same);
        o.Set("stride_w", 1);
        o.Set("stride_h", 1);
        var g = new SingleOpModel(BuiltinOperator.Conv2d, o)
            .Input("x", TensorType.Float32, [1, size, size, channels])
            .ConstRaw("w", TensorType.Int8, fshape, TensorData.Encode(TensorType.Int8, TestData.Integers(rng, units * channels, -127, 128), fshape, null),
                QuantizationParams.PerAxis(Enumerable.Range(0, units).Select(_ => (float)(0.001 + rng.NextDouble() * 0.02)).ToArray(), new long[units], 0))
            .Const("b", TensorType.Float32, [units], TestData.Uniform(rng, units, -0.3, 0.3))
            .Output("y", TensorType.Float32, [1, size, size, units]).Build();
        var x = Input(rng, size * size * channels, -1.5, 2.5, grid);
        Assert.True(MaxRelativeDifference(g, Array([1, size, size, channels], x)) < 1e-5);
    }

    /// <summary>Over 256 rows: the general hybrid FULLY_CONNECTED kernel (fewer rows go to the Decoder family's kernel).</summary>
    [Fact]
    public void Hybrid_fully_connected_with_asymmetric_inputs_matches_LiteRT()
    {
        if (!RealLiteRt.IsAvailable(output.WriteLine)) return;
        var rng = new Random(9);
        int rows = 300, depth = 96, units = 64;
        var o = OptionsTable.Create(BuiltinOptionsType.FullyConnectedOptions);
        o.Set("asymmetric_quantize_inputs", true);
        var g = new SingleOpModel(BuiltinOperator.FullyConnected, o)
            .Input("x", TensorType.Float32, [rows, depth])
            .ConstRaw("w", TensorType.Int8, [units, depth], TensorData.Encode(TensorType.Int8, TestData.Integers(rng, units * depth, -127, 128), [units, depth], null),
                QuantizationParams.PerAxis(Enumerable.Range(0, units).Select(_ => (float)(0.001 + rng.NextDouble() * 0.02)).ToArray(), new long[units], 0))
            .Const("b", TensorType.Float32, [units], TestData.Uniform(rng, units, -0.3, 0.3))
            .Output("y", TensorType.Float32, [rows, units]).Build();
        Assert.True(MaxRelativeDifference(g, Array([rows, depth], Input(rng, rows * depth, -1.5, 2.5, 64))) < 1e-5);
    }
}
