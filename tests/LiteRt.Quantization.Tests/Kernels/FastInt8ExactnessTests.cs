using LiteRt.Format.Schema;
using LiteRt.Graph;
using LiteRt.Runtime;
using LiteRt.Runtime.Cpu.Kernels;
using LiteRt.TestSupport;

namespace LiteRt.Quantization.Tests.Kernels;

/// <summary>
/// The fast int8 convolution and MEAN kernels bit for bit against a scalar reference of the same arithmetic (int32 sums,
/// float32 multiplier s_in·s_w/s_out, round to nearest even, zero point, clamp), at sizes that leave every tail of the
/// vector code in play: channel counts around 8, 16 and 32, row counts around the 6- and 4-row tiles, small patches.
/// </summary>
public class FastInt8ExactnessTests
{
    private static readonly QuantizationParams In = QuantizationParams.PerTensor(0.0117647f, -43), Out = QuantizationParams.PerTensor(0.0213f, 7);

    private static OptionsTable Opt(BuiltinOptionsType t, params (string, object)[] fields)
    {
        var o = OptionsTable.Create(t);
        foreach (var (k, v) in fields) o.Set(k, v);
        return o;
    }

    /// <summary>Weights as int8 per output channel (symmetric, scale per channel), bias as int32.</summary>
    private sealed record Filter(sbyte[] Q, float[] Scales, int[] Bias);

    private static Filter DrawFilter(Random rng, int channels, int count)
    {
        var scales = Enumerable.Range(0, channels).Select(_ => (float)(0.002 + rng.NextDouble() * 0.02)).ToArray();
        var q = Enumerable.Range(0, count).Select(_ => (sbyte)rng.Next(-127, 128)).ToArray();
        var bias = Enumerable.Range(0, channels).Select(_ => rng.Next(-3000, 3000)).ToArray();
        return new Filter(q, scales, bias);
    }

    private static (sbyte[] Output, string Kernel) Run(ModelGraph g, sbyte[] x)
    {
        using var m = CompiledModel.FromGraph(g);
        var runner = m.DefaultSignature;
        new ReadOnlySpan<sbyte>(x).CopyTo(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, sbyte>(runner.Input("x").Bytes));
        runner.Run();
        return (System.Runtime.InteropServices.MemoryMarshal.Cast<byte, sbyte>(runner.Output("y").Bytes).ToArray(), Assert.Single(runner.Placement).Kernel);
    }

    private static sbyte Requantize(int sum, float inScale, float wScale, int min, int max)
    {
        float multiplier = (float)((double)inScale * wScale / Out.Scale![0]);
        return (sbyte)Math.Clamp((int)MathF.Round(sum * multiplier) + (int)Out.ZeroPoint![0], min, max);
    }

    private static (int Out, int Pad) Window(int size, int k, int stride, int dilation, Padding padding)
    {
        int span = (k - 1) * dilation + 1;
        if (padding == Padding.Valid) return ((size - span) / stride + 1, 0);
        int o = (size + stride - 1) / stride;
        return (o, Math.Max((o - 1) * stride + span - size, 0) / 2);
    }

    [Theory]
    [InlineData(1, 7, 5, 16, 16, 1, 1, Padding.Same, ActivationFunctionType.Relu6)] // pointwise, 35 rows: 6-row tiles, one 4, one 1
    [InlineData(2, 3, 3, 8, 17, 1, 1, Padding.Valid, ActivationFunctionType.None)]  // a 1-column panel tail
    [InlineData(1, 5, 4, 33, 33, 1, 1, Padding.Same, ActivationFunctionType.Relu)]  // odd depth (a padded k pair)
    [InlineData(1, 9, 9, 3, 32, 3, 2, Padding.Same, ActivationFunctionType.Relu6)]  // MobileNet's first layer, smaller
    [InlineData(1, 6, 7, 1, 7, 3, 1, Padding.Same, ActivationFunctionType.None)]    // one input channel, 7 outputs
    [InlineData(1, 8, 8, 5, 40, 5, 2, Padding.Valid, ActivationFunctionType.None)]
    [InlineData(3, 4, 4, 24, 1, 1, 2, Padding.Same, ActivationFunctionType.None)]   // strided 1×1: im2col; one output channel
    public void Conv2d_is_bit_exact(int batch, int h, int w, int cin, int cout, int k, int stride, Padding padding, ActivationFunctionType act)
    {
        var rng = new Random(batch * 1000 + h * 100 + cin * 10 + cout + k);
        var f = DrawFilter(rng, cout, cout * k * k * cin);
        float inScale = In.Scale![0];
        var g = new SingleOpModel(BuiltinOperator.Conv2d, Opt(BuiltinOptionsType.Conv2DOptions, ("padding", padding), ("stride_w", stride), ("stride_h", stride),
                ("fused_activation_function", act)))
            .Input("x", TensorType.Int8, [batch, h, w, cin], In)
            .Const("w", TensorType.Int8, [cout, k, k, cin], f.Q.Select((q, i) => (double)q * f.Scales[i / (k * k * cin)]).ToArray(),
                QuantizationParams.PerAxis(f.Scales, new long[cout], 0))
            .Const("b", TensorType.Int32, [cout], f.Bias.Select((b, c) => (double)b * f.Scales[c] * inScale).ToArray(),
                QuantizationParams.PerAxis(f.Scales.Select(s => s * inScale).ToArray(), new long[cout], 0))
            .Output("y", TensorType.Int8, null, Out).Build();
        var x = Enumerable.Range(0, batch * h * w * cin).Select(_ => (sbyte)rng.Next(-128, 128)).ToArray();
        var (got, kernel) = Run(g, x);
        Assert.Equal("cpu.conv_2d.i8.fast", kernel);

        var (min, max) = FusedActivation.QuantizedRange(act, Out.Scale![0], (int)Out.ZeroPoint![0], TensorType.Int8);
        var (oh, padTop) = Window(h, k, stride, 1, padding);
        var (ow, padLeft) = Window(w, k, stride, 1, padding);
        int inZp = (int)In.ZeroPoint![0];
        var want = new sbyte[batch * oh * ow * cout];
        for (int b = 0; b < batch; b++)
        for (int oy = 0; oy < oh; oy++)
        for (int ox = 0; ox < ow; ox++)
        for (int oc = 0; oc < cout; oc++)
        {
            int sum = f.Bias[oc];
            for (int ky = 0; ky < k; ky++)
            for (int kx = 0; kx < k; kx++)
            {
                int iy = oy * stride - padTop + ky, ix = ox * stride - padLeft + kx;
                if ((uint)iy >= (uint)h || (uint)ix >= (uint)w) continue;
                for (int ic = 0; ic < cin; ic++)
                    sum += (x[((b * h + iy) * w + ix) * cin + ic] - inZp) * f.Q[((oc * k + ky) * k + kx) * cin + ic];
            }
            want[((b * oh + oy) * ow + ox) * cout + oc] = Requantize(sum, inScale, f.Scales[oc], min, max);
        }
        Assert.Equal(want, got);
    }

    [Theory]
    [InlineData(1, 7, 7, 8, 3, 1, 1, Padding.Same, ActivationFunctionType.Relu6)]
    [InlineData(1, 6, 5, 9, 3, 2, 1, Padding.Same, ActivationFunctionType.None)]   // 8 + an overlapping 8
    [InlineData(2, 5, 5, 17, 3, 1, 1, Padding.Valid, ActivationFunctionType.Relu)] // 16 + 1
    [InlineData(1, 4, 6, 31, 5, 1, 2, Padding.Same, ActivationFunctionType.None)]  // 16 + 15, 25 taps, dilation
    [InlineData(1, 5, 5, 32, 3, 2, 1, Padding.Same, ActivationFunctionType.Relu6)]
    [InlineData(1, 3, 3, 72, 3, 1, 1, Padding.Same, ActivationFunctionType.None)]  // 32 + 32 + 8
    [InlineData(1, 4, 4, 5, 3, 1, 1, Padding.Same, ActivationFunctionType.Relu6)]  // under 8 channels: the scalar path
    [InlineData(1, 4, 4, 16, 2, 1, 1, Padding.Same, ActivationFunctionType.None)]  // 4 taps: an even count
    public void Depthwise_conv_is_bit_exact(int batch, int h, int w, int c, int k, int stride, int dilation, Padding padding, ActivationFunctionType act)
    {
        var rng = new Random(batch * 1000 + h * 100 + c * 10 + k);
        var f = DrawFilter(rng, c, k * k * c);
        float inScale = In.Scale![0];
        var g = new SingleOpModel(BuiltinOperator.DepthwiseConv2d, Opt(BuiltinOptionsType.DepthwiseConv2DOptions, ("padding", padding), ("stride_w", stride), ("stride_h", stride),
                ("dilation_w_factor", dilation), ("dilation_h_factor", dilation), ("depth_multiplier", 1), ("fused_activation_function", act)))
            .Input("x", TensorType.Int8, [batch, h, w, c], In)
            .Const("w", TensorType.Int8, [1, k, k, c], f.Q.Select((q, i) => (double)q * f.Scales[i % c]).ToArray(), QuantizationParams.PerAxis(f.Scales, new long[c], 3))
            .Const("b", TensorType.Int32, [c], f.Bias.Select((b, ch) => (double)b * f.Scales[ch] * inScale).ToArray(),
                QuantizationParams.PerAxis(f.Scales.Select(s => s * inScale).ToArray(), new long[c], 0))
            .Output("y", TensorType.Int8, null, Out).Build();
        var x = Enumerable.Range(0, batch * h * w * c).Select(_ => (sbyte)rng.Next(-128, 128)).ToArray();
        var (got, kernel) = Run(g, x);
        Assert.Equal("cpu.depthwise_conv_2d.i8.fast", kernel);

        var (min, max) = FusedActivation.QuantizedRange(act, Out.Scale![0], (int)Out.ZeroPoint![0], TensorType.Int8);
        var (oh, padTop) = Window(h, k, stride, dilation, padding);
        var (ow, padLeft) = Window(w, k, stride, dilation, padding);
        int inZp = (int)In.ZeroPoint![0];
        var want = new sbyte[batch * oh * ow * c];
        for (int b = 0; b < batch; b++)
        for (int oy = 0; oy < oh; oy++)
        for (int ox = 0; ox < ow; ox++)
        for (int ch = 0; ch < c; ch++)
        {
            int sum = f.Bias[ch];
            for (int ky = 0; ky < k; ky++)
            for (int kx = 0; kx < k; kx++)
            {
                int iy = oy * stride - padTop + ky * dilation, ix = ox * stride - padLeft + kx * dilation;
                if ((uint)iy < (uint)h && (uint)ix < (uint)w)
                    sum += (x[((b * h + iy) * w + ix) * c + ch] - inZp) * f.Q[(ky * k + kx) * c + ch];
            }
            want[((b * oh + oy) * ow + ox) * c + ch] = Requantize(sum, inScale, f.Scales[ch], min, max);
        }
        Assert.Equal(want, got);
    }

    [Theory]
    [InlineData(1, 7, 7, 1280, true)]
    [InlineData(2, 3, 5, 13, false)]
    [InlineData(1, 1, 1, 8, true)]
    public void Spatial_mean_is_bit_exact(int batch, int h, int w, int c, bool keepDims)
    {
        var rng = new Random(h * w * c);
        var g = new SingleOpModel(BuiltinOperator.Mean, Opt(BuiltinOptionsType.ReducerOptions, ("keep_dims", keepDims)))
            .Input("x", TensorType.Int8, [batch, h, w, c], In).Const("axes", TensorType.Int32, [2], [2, -3]).Output("y", TensorType.Int8, null, Out).Build();
        var x = Enumerable.Range(0, batch * h * w * c).Select(_ => (sbyte)rng.Next(-128, 128)).ToArray();
        var (got, kernel) = Run(g, x);
        Assert.Equal("cpu.mean.int.fast", kernel);
        var want = new sbyte[batch * c];
        long n = h * w;
        for (int b = 0; b < batch; b++)
        for (int ch = 0; ch < c; ch++)
        {
            long sum = 0;
            for (int p = 0; p < h * w; p++) sum += x[(b * h * w + p) * c + ch];
            double real = (double)In.Scale![0] / n * (sum - n * In.ZeroPoint![0]);
            want[b * c + ch] = (sbyte)TensorData.QuantizeValue(real, Out.Scale![0], Out.ZeroPoint![0], TensorType.Int8);
        }
        Assert.Equal(want, got);
    }
}
