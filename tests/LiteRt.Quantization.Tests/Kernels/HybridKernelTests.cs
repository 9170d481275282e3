using LiteRt.Format.Schema;
using LiteRt.Graph;
using LiteRt.Graph.Reference;
using LiteRt.Graph.Catalog;
using LiteRt.Runtime;
using LiteRt.TestSupport;

namespace LiteRt.Quantization.Tests.Kernels;

/// <summary>
/// Hybrid (dynamic range) kernels: float activations quantized on the fly, int8 weights, integer products. Each is
/// checked against an independent emulation of LiteRT's arithmetic (tight) and against the float64 reference with
/// dequantized weights (within the error one input quantization step can cause).
/// </summary>
public class HybridKernelTests
{
    private static OptionsTable Opt(BuiltinOptionsType t, params (string, object)[] fields)
    {
        var o = OptionsTable.Create(t);
        foreach (var (k, v) in fields) o.Set(k, v);
        return o;
    }

    private static (double[] Q, float[] Scales) Weights(Random rng, int[] shape, int axis, bool perChannel)
    {
        int channels = shape[axis];
        long inner = 1;
        for (int k = axis + 1; k < shape.Length; k++) inner *= shape[k];
        long n = TestData.Count(shape);
        var q = TestData.Integers(rng, n, -127, 128);
        var scales = Enumerable.Range(0, perChannel ? channels : 1).Select(_ => (float)(0.001 + rng.NextDouble() * 0.02)).ToArray();
        return (q, scales);
    }

    private static float[] Run(ModelGraph g, float[] x)
    {
        using var m = CompiledModel.FromGraph(g);
        var s = m.DefaultSignature;
        Assert.All(s.Placement, p => Assert.EndsWith(".hybrid", p.Kernel));
        s.Inputs[0].Write<float>(x);
        s.Run();
        return s.Outputs[0].ToArray<float>();
    }

    private static double[] Reference(ModelGraph g, float[] x)
    {
        var sig = g.SignaturesOrDefault()[0];
        var t = g.Main.Tensors[sig.Inputs[0].TensorIndex];
        var r = ReferenceInterpreter.Run(g, sig, new Dictionary<string, RefTensor> { [sig.Inputs[0].Name] = new(t.Shape, x.Select(v => (double)v).ToArray()) });
        return r[sig.Outputs[0].Name].Data;
    }

    [Theory]
    [InlineData(1, 16, 8, true, true, true)]
    [InlineData(3, 33, 17, true, false, false)]
    [InlineData(70, 40, 37, false, true, true)]
    [InlineData(5, 1, 3, true, true, false)]
    [InlineData(2, 257, 64, true, false, true)]
    public void FullyConnected_matches_LiteRT_arithmetic(int rows, int depth, int units, bool perChannel, bool asymmetric, bool bias)
    {
        var rng = new Random(rows * 1000 + depth + units);
        var (wq, scales) = Weights(rng, [units, depth], 0, perChannel);
        var qp = perChannel ? QuantizationParams.PerAxis(scales, new long[units], 0) : QuantizationParams.PerTensor(scales[0], 0);
        var b = TestData.Uniform(rng, units, -0.5, 0.5);
        var m = new SingleOpModel(BuiltinOperator.FullyConnected, Opt(BuiltinOptionsType.FullyConnectedOptions,
                ("fused_activation_function", ActivationFunctionType.Relu), ("asymmetric_quantize_inputs", asymmetric)))
            .Input("x", TensorType.Float32, [rows, depth])
            .ConstRaw("w", TensorType.Int8, [units, depth], TensorData.Encode(TensorType.Int8, wq, [units, depth], null), qp);
        if (bias) m.Const("b", TensorType.Float32, [units], b); else m.Absent();
        var g = m.Output("y", TensorType.Float32, [rows, units]).Build();
        var x = HybridEmulation.ToFloats(TestData.Uniform(rng, rows * depth, -2, 3));
        var got = Run(g, x);

        var want = new double[rows * units];
        for (int r = 0; r < rows; r++)
        {
            var (q, s, zp) = HybridEmulation.Quantize(x.AsSpan(r * depth, depth), asymmetric);
            for (int u = 0; u < units; u++)
            {
                long acc = 0;
                for (int k = 0; k < depth; k++) acc += (q[k] - zp) * (long)wq[u * depth + k];
                double v = acc * s * scales[perChannel ? u : 0] + (bias ? (float)b[u] : 0);
                want[r * units + u] = Math.Max(0, v);
            }
        }
        Assert.True(HybridEmulation.RelativeError(got, want) < 2e-5, $"relative error {HybridEmulation.RelativeError(got, want):G3}");
        // Against float math with the dequantized weights: within what one input step can move each output.
        var reference = Reference(g, x);
        for (int r = 0; r < rows; r++)
        {
            var (_, s, _) = HybridEmulation.Quantize(x.AsSpan(r * depth, depth), asymmetric);
            for (int u = 0; u < units; u++)
            {
                double bound = s * Enumerable.Range(0, depth).Sum(k => Math.Abs(wq[u * depth + k])) * scales[perChannel ? u : 0] + 1e-4;
                Assert.True(Math.Abs(got[r * units + u] - reference[r * units + u]) <= bound, $"row {r} unit {u}: {got[r * units + u]} vs {reference[r * units + u]} (bound {bound:G3})");
            }
        }
    }

    [Theory]
    [InlineData(1, 9, 9, 3, 4, 3, 3, 1, 1, Padding.Same, 1)]
    [InlineData(2, 8, 7, 5, 6, 1, 1, 1, 1, Padding.Valid, 1)]
    [InlineData(1, 9, 8, 20, 12, 1, 1, 2, 1, Padding.Same, 3)]
    [InlineData(1, 10, 10, 4, 8, 3, 3, 2, 2, Padding.Same, 1)]
    [InlineData(1, 11, 9, 2, 5, 3, 2, 1, 2, Padding.Valid, 2)]
    [InlineData(1, 6, 6, 4, 6, 3, 3, 1, 1, Padding.Same, 1, 2)]
    public void Conv2D_matches_LiteRT_arithmetic(int batch, int h, int w, int cin, int cout, int kh, int kw, int stride, int dilation, Padding padding, int seed, int groups = 1)
    {
        var rng = new Random(seed * 31 + h * w + cout);
        int cf = cin / groups;
        int[] fshape = [cout, kh, kw, cf];
        var (wq, scales) = Weights(rng, fshape, 0, true);
        var b = TestData.Uniform(rng, cout, -0.3, 0.3);
        var g = new SingleOpModel(BuiltinOperator.Conv2d, Opt(BuiltinOptionsType.Conv2DOptions, ("padding", padding),
                ("stride_w", stride), ("stride_h", stride), ("dilation_w_factor", dilation), ("dilation_h_factor", dilation)))
            .Input("x", TensorType.Float32, [batch, h, w, cin])
            .ConstRaw("w", TensorType.Int8, fshape, TensorData.Encode(TensorType.Int8, wq, fshape, null), QuantizationParams.PerAxis(scales, new long[cout], 0))
            .Const("b", TensorType.Float32, [cout], b)
            .Output("y", TensorType.Float32).Build();
        var x = HybridEmulation.ToFloats(TestData.Uniform(rng, TestData.Count(batch, h, w, cin), -1, 2));
        var got = Run(g, x);
        // Emulation: quantize each image (1×1 filters, one group: each pixel, as LiteRT's XNNPack path does), then the
        // reference convolution on the integers.
        var xq = new double[x.Length];
        bool perPixel = kh == 1 && kw == 1 && groups == 1;
        int unit = perPixel ? cin : h * w * cin, units = x.Length / unit;
        var imgScale = new double[units];
        for (int n = 0; n < units; n++)
        {
            var (q, s, zp) = HybridEmulation.Quantize(x.AsSpan(n * unit, unit), asymmetric: true);
            for (int i = 0; i < unit; i++) xq[n * unit + i] = (q[i] - zp) * s;
            imgScale[n] = s;
        }
        var emul = Reference(g, xq.Select(v => (float)v).ToArray());
        var reference = Reference(g, x);
        Assert.Equal(emul.Length, got.Length);
        Assert.True(HybridEmulation.RelativeError(got, emul) < 1e-4, $"vs emulation: {HybridEmulation.RelativeError(got, emul):G3}");
        double maxAbsW = scales.Max() * 127 * kh * kw * cf;
        double bound = imgScale.Max() * maxAbsW;
        for (int i = 0; i < got.Length; i++) Assert.True(Math.Abs(got[i] - reference[i]) <= bound, $"[{i}] {got[i]} vs {reference[i]}");
    }

    [Theory]
    [InlineData(1, 9, 9, 8, 1, 3, 1, Padding.Same)]
    [InlineData(2, 7, 8, 3, 2, 3, 2, Padding.Valid)]
    [InlineData(1, 12, 12, 20, 1, 5, 1, Padding.Same)]
    public void DepthwiseConv2D_matches_LiteRT_arithmetic(int batch, int h, int w, int c, int mult, int k, int stride, Padding padding)
    {
        var rng = new Random(h * 7 + c);
        int oc = c * mult;
        int[] fshape = [1, k, k, oc];
        var (wq, scales) = Weights(rng, fshape, 3, true);
        var g = new SingleOpModel(BuiltinOperator.DepthwiseConv2d, Opt(BuiltinOptionsType.DepthwiseConv2DOptions, ("padding", padding),
                ("stride_w", stride), ("stride_h", stride), ("depth_multiplier", mult), ("fused_activation_function", ActivationFunctionType.Relu6)))
            .Input("x", TensorType.Float32, [batch, h, w, c])
            .ConstRaw("w", TensorType.Int8, fshape, TensorData.Encode(TensorType.Int8, wq, fshape, null), QuantizationParams.PerAxis(scales, new long[oc], 3))
            .Const("b", TensorType.Float32, [oc], TestData.Uniform(rng, oc, -0.3, 0.3))
            .Output("y", TensorType.Float32).Build();
        var x = HybridEmulation.ToFloats(TestData.Uniform(rng, TestData.Count(batch, h, w, c), -1, 2));
        var xq = new float[x.Length];
        int image = h * w * c;
        for (int n = 0; n < batch; n++)
        {
            var (q, s, zp) = HybridEmulation.Quantize(x.AsSpan(n * image, image), asymmetric: true);
            for (int i = 0; i < image; i++) xq[n * image + i] = (float)((q[i] - zp) * s);
        }
        foreach (var isa in IsaCases())
        {
            using var _ = new IsaScope(isa);
            var got = Run(g, x);
            Assert.True(HybridEmulation.RelativeError(got, Reference(g, xq)) < 1e-4, $"{isa}");
        }
    }

    [Theory]
    [InlineData(new[] { 2, 3, 16 }, new[] { 16, 5 }, false, false, true)]
    [InlineData(new[] { 4, 7 }, new[] { 3, 7 }, false, true, false)]
    [InlineData(new[] { 2, 6, 3 }, new[] { 2, 6, 4 }, true, false, true)]
    public void BatchMatMul_matches_LiteRT_arithmetic(int[] lhsShape, int[] rhsShape, bool adjX, bool adjY, bool asymmetric)
    {
        var rng = new Random(lhsShape.Sum() + rhsShape.Sum());
        var rq = TestData.Integers(rng, TestData.Count(rhsShape), -127, 128);
        float scale = 0.01f;
        var g = new SingleOpModel(BuiltinOperator.BatchMatmul, Opt(BuiltinOptionsType.BatchMatMulOptions, ("adj_x", adjX), ("adj_y", adjY), ("asymmetric_quantize_inputs", asymmetric)))
            .Input("x", TensorType.Float32, lhsShape)
            .ConstRaw("w", TensorType.Int8, rhsShape, TensorData.Encode(TensorType.Int8, rq, rhsShape, null), QuantizationParams.PerTensor(scale, 0))
            .Output("y", TensorType.Float32).Build();
        var x = HybridEmulation.ToFloats(TestData.Uniform(rng, TestData.Count(lhsShape), -2, 2));
        var got = Run(g, x);
        // Emulation: each lhs row (of the un-transposed [.., M, K] view) quantized separately.
        int m = adjX ? lhsShape[^1] : lhsShape[^2], k = adjX ? lhsShape[^2] : lhsShape[^1];
        int batches = x.Length / (m * k);
        var xq = new float[x.Length];
        var row = new float[k];
        for (int bi = 0; bi < batches; bi++)
            for (int i = 0; i < m; i++)
            {
                for (int kk = 0; kk < k; kk++) row[kk] = x[bi * m * k + (adjX ? kk * m + i : i * k + kk)];
                var (q, s, zp) = HybridEmulation.Quantize(row, asymmetric);
                for (int kk = 0; kk < k; kk++) xq[bi * m * k + (adjX ? kk * m + i : i * k + kk)] = (float)((q[kk] - zp) * s);
            }
        Assert.True(HybridEmulation.RelativeError(got, Reference(g, xq)) < 1e-4);
    }

    internal static IEnumerable<Runtime.Cpu.Kernels.Quantized.QuantizedIsa> IsaCases() =>
        Enum.GetValues<Runtime.Cpu.Kernels.Quantized.QuantizedIsa>().Where(Runtime.Cpu.Kernels.Quantized.QuantizedIsaSelection.IsSupported);
}

/// <summary>Runs kernels prepared inside the scope with a given instruction set (restored afterwards).</summary>
internal sealed class IsaScope : IDisposable
{
    private static readonly object Gate = new();
    private readonly Runtime.Cpu.Kernels.Quantized.QuantizedIsa _saved;

    public IsaScope(Runtime.Cpu.Kernels.Quantized.QuantizedIsa isa)
    {
        Monitor.Enter(Gate);
        _saved = Runtime.Cpu.Kernels.Quantized.QuantizedIsaSelection.Current;
        Runtime.Cpu.Kernels.Quantized.QuantizedIsaSelection.Current = isa;
    }

    public void Dispose()
    {
        Runtime.Cpu.Kernels.Quantized.QuantizedIsaSelection.Current = _saved;
        Monitor.Exit(Gate);
    }
}
