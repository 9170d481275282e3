using LiteRt.Format.Schema;
using LiteRt.Graph;
using LiteRt.Runtime;
using LiteRt.Runtime.Cpu;
using LiteRt.Runtime.Cpu.Kernels;
using LiteRt.TestSupport;

namespace LiteRt.Quantization.Tests.Kernels;

/// <summary>The fast int8 kernels against the float64 reference (within one quantization step), and the family's contract.</summary>
public class FastInt8KernelTests
{
    private static OptionsTable Opt(BuiltinOptionsType t, params (string, object)[] fields)
    {
        var o = OptionsTable.Create(t);
        foreach (var (k, v) in fields) o.Set(k, v);
        return o;
    }

    private static QuantizationParams Q(double min, double max) => Transforms.StaticTransform.ParamsFor((min, max), TensorType.Int8);

    private static void Check(ModelGraph g, string kernel, Dictionary<string, double[]> inputs)
    {
        using (var m = CompiledModel.FromGraph(g)) Assert.Equal(kernel, Assert.Single(m.DefaultSignature.Placement).Kernel);
        OpCheck.AgainstReference(g, inputs);
    }

    [Theory]
    [InlineData(new[] { 1, 5, 5, 19 }, new[] { 1, 5, 5, 19 }, BuiltinOperator.Add, ActivationFunctionType.None)]
    [InlineData(new[] { 2, 3, 16 }, new[] { 16 }, BuiltinOperator.Add, ActivationFunctionType.Relu6)]
    [InlineData(new[] { 4, 9 }, new[] { 1 }, BuiltinOperator.Sub, ActivationFunctionType.Relu)]
    [InlineData(new[] { 1 }, new[] { 3, 33 }, BuiltinOperator.Sub, ActivationFunctionType.None)]
    public void Add_and_sub(int[] a, int[] b, BuiltinOperator op, ActivationFunctionType act)
    {
        var rng = new Random(a.Sum() + b.Sum());
        var options = op == BuiltinOperator.Add ? Opt(BuiltinOptionsType.AddOptions, ("fused_activation_function", act)) : Opt(BuiltinOptionsType.SubOptions, ("fused_activation_function", act));
        var g = new SingleOpModel(op, options).Input("a", TensorType.Int8, a, Q(-2, 3)).Input("b", TensorType.Int8, b, Q(-1, 1.5)).Output("y", TensorType.Int8, null, Q(-3, 4)).Build();
        Check(g, $"cpu.{op.Name().ToLowerInvariant()}.i8.fast", new() { ["a"] = TestData.Uniform(rng, TestData.Count(a), -2, 3), ["b"] = TestData.Uniform(rng, TestData.Count(b), -1, 1.5) });
    }

    [Theory]
    [InlineData(1, 4, 5, 21, 9, 13, false, true)]
    [InlineData(2, 3, 3, 8, 6, 4, true, false)]
    [InlineData(1, 33, 33, 24, 65, 65, true, false)]
    public void Resize_bilinear(int n, int h, int w, int c, int oh, int ow, bool align, bool half)
    {
        var rng = new Random(h * c);
        var g = new SingleOpModel(BuiltinOperator.ResizeBilinear, Opt(BuiltinOptionsType.ResizeBilinearOptions, ("align_corners", align), ("half_pixel_centers", half)))
            .Input("x", TensorType.Int8, [n, h, w, c], Q(-1, 2)).Const("size", TensorType.Int32, [2], [oh, ow]).Output("y", TensorType.Int8, null, Q(-1.2, 2.5)).Build();
        Check(g, "cpu.resize_bilinear.i8.fast", new() { ["x"] = TestData.Uniform(rng, TestData.Count(n, h, w, c), -1, 2) });
    }

    [Theory]
    [InlineData(1, 9, 9, 16, 3, 1, 1, Padding.Same, ActivationFunctionType.Relu6)]
    [InlineData(2, 8, 7, 13, 3, 2, 1, Padding.Valid, ActivationFunctionType.None)]
    [InlineData(1, 10, 10, 40, 5, 1, 2, Padding.Same, ActivationFunctionType.Relu)]
    [InlineData(1, 6, 6, 8, 2, 2, 1, Padding.Same, ActivationFunctionType.None)]
    [InlineData(1, 7, 7, 21, 3, 1, 1, Padding.Same, ActivationFunctionType.None)]
    [InlineData(1, 9, 9, 70, 3, 2, 1, Padding.Same, ActivationFunctionType.Relu6)]
    public void Depthwise_conv(int batch, int h, int w, int c, int k, int stride, int dilation, Padding padding, ActivationFunctionType act)
    {
        var rng = new Random(h * c + k);
        var ws = Enumerable.Range(0, c).Select(_ => (float)(0.002 + rng.NextDouble() * 0.01)).ToArray();
        var inQ = Q(-1, 2);
        var g = new SingleOpModel(BuiltinOperator.DepthwiseConv2d, Opt(BuiltinOptionsType.DepthwiseConv2DOptions, ("padding", padding), ("stride_w", stride), ("stride_h", stride),
                ("dilation_w_factor", dilation), ("dilation_h_factor", dilation), ("depth_multiplier", 1), ("fused_activation_function", act)))
            .Input("x", TensorType.Int8, [batch, h, w, c], inQ)
            .Const("w", TensorType.Int8, [1, k, k, c], TestData.Uniform(rng, k * k * c, -1, 1).Select((v, i) => Math.Round(v * 127) * ws[i % c]).ToArray(),
                QuantizationParams.PerAxis(ws, new long[c], 3))
            .Const("b", TensorType.Int32, [c], TestData.Uniform(rng, c, -0.2, 0.2), QuantizationParams.PerAxis(ws.Select(s => s * inQ.Scale![0]).ToArray(), new long[c], 0))
            .Output("y", TensorType.Int8, null, Q(-1.5, 1.5)).Build();
        Check(g, "cpu.depthwise_conv_2d.i8.fast", new() { ["x"] = TestData.Uniform(rng, TestData.Count(batch, h, w, c), -1, 2) });
    }

    [Theory]
    [InlineData(1, 9, 9, 5, 20, 3, 1, 1, Padding.Same, ActivationFunctionType.Relu6)]
    [InlineData(2, 8, 7, 16, 33, 1, 1, 1, Padding.Valid, ActivationFunctionType.None)]
    [InlineData(1, 11, 10, 7, 16, 3, 2, 2, Padding.Same, ActivationFunctionType.Relu)]
    [InlineData(1, 13, 13, 3, 9, 5, 2, 1, Padding.Valid, ActivationFunctionType.None)]
    public void Conv2d(int batch, int h, int w, int cin, int cout, int k, int stride, int dilation, Padding padding, ActivationFunctionType act)
    {
        var rng = new Random(h * cin + cout);
        var ws = Enumerable.Range(0, cout).Select(_ => (float)(0.002 + rng.NextDouble() * 0.01)).ToArray();
        var inQ = Q(-1, 2);
        int per = k * k * cin;
        var g = new SingleOpModel(BuiltinOperator.Conv2d, Opt(BuiltinOptionsType.Conv2DOptions, ("padding", padding), ("stride_w", stride), ("stride_h", stride),
                ("dilation_w_factor", dilation), ("dilation_h_factor", dilation), ("fused_activation_function", act)))
            .Input("x", TensorType.Int8, [batch, h, w, cin], inQ)
            .Const("w", TensorType.Int8, [cout, k, k, cin], TestData.Uniform(rng, cout * per, -1, 1).Select((v, i) => Math.Round(v * 127) * ws[i / per]).ToArray(),
                QuantizationParams.PerAxis(ws, new long[cout], 0))
            .Const("b", TensorType.Int32, [cout], TestData.Uniform(rng, cout, -0.2, 0.2), QuantizationParams.PerAxis(ws.Select(s => s * inQ.Scale![0]).ToArray(), new long[cout], 0))
            .Output("y", TensorType.Int8, null, Q(-2, 2)).Build();
        Check(g, "cpu.conv_2d.i8.fast", new() { ["x"] = TestData.Uniform(rng, TestData.Count(batch, h, w, cin), -1, 2) });
    }

    [Fact]
    public void Quantize_and_dequantize()
    {
        var rng = new Random(3);
        var q = new SingleOpModel(BuiltinOperator.Quantize).Input("x", TensorType.Float32, [3, 37]).Output("y", TensorType.Int8, [3, 37], Q(-1, 3)).Build();
        Check(q, "cpu.quantize.f32_i8.fast", new() { ["x"] = TestData.Uniform(rng, 111, -2, 4) });
        var d = new SingleOpModel(BuiltinOperator.Dequantize).Input("x", TensorType.Int8, [3, 37], Q(-1, 3)).Output("y", TensorType.Float32, [3, 37]).Build();
        Check(d, "cpu.dequantize.i8.fast", new() { ["x"] = TestData.Uniform(rng, 111, -1, 3) });
    }

    [Fact]
    public void Every_kernel_of_the_family_is_registered_and_named_by_op()
    {
        Assert.NotEmpty(QuantizedFamily.KernelIds);
        foreach (var id in QuantizedFamily.KernelIds)
        {
            var k = CpuKernelRegistry.FindById(id);
            Assert.NotNull(k);
            Assert.StartsWith($"cpu.{k!.Op.Name().ToLowerInvariant()}.", id);
        }
        Assert.Equal("cpu.add.i8.fast", QuantizedFamily.FastVariantOf("cpu.add.i8"));
        Assert.Null(QuantizedFamily.FastVariantOf("cpu.add.f32"));
    }
}
