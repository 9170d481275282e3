using LiteRt.Format.Schema;
using LiteRt.Graph;
using LiteRt.Runtime;
using LiteRt.TestSupport;

namespace LiteRt.Quantization.Tests.Kernels;

/// <summary>Blockwise int4 FULLY_CONNECTED, INT4 DEQUANTIZE / EMBEDDING_LOOKUP, and the 16x8 kernels.</summary>
public class Int4And16x8KernelTests
{
    private static OptionsTable Opt(BuiltinOptionsType t, params (string, object)[] fields)
    {
        var o = OptionsTable.Create(t);
        foreach (var (k, v) in fields) o.Set(k, v);
        return o;
    }

    [Theory]
    [InlineData(1, 64, 5, 32, true)]
    [InlineData(3, 256, 17, 64, false)]
    [InlineData(2, 384, 9, 128, true)]
    public void Blockwise_int4_fully_connected_on_every_instruction_set(int rows, int depth, int units, int block, bool bias)
    {
        var rng = new Random(depth + units);
        var (g, deq, _) = BlockwiseModels.FullyConnected(rng, rows, depth, units, block, bias);
        var x = HybridEmulation.ToFloats(TestData.Uniform(rng, rows * depth, -1, 2));
        var b = bias ? TensorData.Decode(g.Main.Tensors[g.Main.Operations[0].Inputs[2]]) : new double[units];
        // Emulation: the row quantized asymmetrically, exact per-block sums.
        var want = new double[rows * units];
        for (int r = 0; r < rows; r++)
        {
            var (q, s, zp) = HybridEmulation.Quantize(x.AsSpan(r * depth, depth), asymmetric: true);
            for (int u = 0; u < units; u++)
            {
                double acc = 0;
                for (int k = 0; k < depth; k++) acc += (q[k] - zp) * deq[u * depth + k];
                want[r * units + u] = acc * s + b[u];
            }
        }
        foreach (var isa in HybridKernelTests.IsaCases())
        {
            using var _ = new IsaScope(isa);
            using var m = CompiledModel.FromGraph(g);
            var sig = m.DefaultSignature;
            sig.Inputs[0].Write<float>(x);
            sig.Run();
            Assert.Contains(sig.Placement, p => p.Kernel == "cpu.fully_connected.blockwise_i4");
            var got = sig.Outputs[0].ToArray<float>();
            Assert.True(HybridEmulation.RelativeError(got, want) < 1e-4, $"{isa}: {HybridEmulation.RelativeError(got, want):G3}");
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(-1)]
    public void Int4_dequantize_per_tensor_and_per_axis_is_exact(int axis)
    {
        var rng = new Random(axis + 5);
        int[] shape = [6, 5];
        var q = TestData.Integers(rng, 30, -8, 8);
        var qp = axis < 0 ? QuantizationParams.PerTensor(0.25f, 1)
            : QuantizationParams.PerAxis(Enumerable.Range(0, shape[axis]).Select(i => 0.1f * (i + 1)).ToArray(), new long[shape[axis]], axis);
        var raw = TensorData.Encode(TensorType.Int4, q, shape, null);
        var g = new SingleOpModel(BuiltinOperator.Dequantize).ConstRaw("w", TensorType.Int4, shape, raw, qp).Output("y", TensorType.Float32, shape).Build();
        using var m = CompiledModel.FromGraph(g);
        m.DefaultSignature.Run();
        var want = TensorData.Decode(TensorType.Int4, raw, shape, qp);
        Assert.Equal(want.Select(v => (float)v), m.DefaultSignature.Outputs[0].ToArray<float>());
    }

    [Fact]
    public void Int4_embedding_lookup_per_row_and_blockwise()
    {
        var rng = new Random(9);
        int rows = 7, cols = 64;
        var q = TestData.Integers(rng, rows * cols, -8, 8);
        var raw = TensorData.Encode(TensorType.Int4, q, [rows, cols], null);
        var rowScales = Enumerable.Range(0, rows).Select(i => 0.01f * (i + 1)).ToArray();
        var g = new SingleOpModel(BuiltinOperator.EmbeddingLookup)
            .Input("ids", TensorType.Int32, [4])
            .ConstRaw("table", TensorType.Int4, [rows, cols], raw, QuantizationParams.PerAxis(rowScales, new long[rows], 0))
            .Output("y", TensorType.Float32, [4, cols]).Build();
        int[] ids = [3, 0, 6, 3];
        using (var m = CompiledModel.FromGraph(g))
        {
            m.DefaultSignature.Inputs[0].Write<int>(ids);
            m.DefaultSignature.Run();
            var got = m.DefaultSignature.Outputs[0].ToArray<float>();
            for (int i = 0; i < ids.Length; i++)
                for (int c = 0; c < cols; c++) Assert.Equal((float)(q[ids[i] * cols + c] * rowScales[ids[i]]), got[i * cols + c]);
        }
        // Blockwise (block 32): swap the table's quantization for blockwise details with a FLOAT16 scale tensor.
        var sg = g.Main;
        var scales = new byte[rows * 2 * 2];
        for (int i = 0; i < rows * 2; i++) System.Buffers.Binary.BinaryPrimitives.WriteHalfLittleEndian(scales.AsSpan(i * 2), (Half)(0.5 + i));
        int st = sg.AddTensor(new Tensor("table_scale", TensorType.Float16, [rows, 2]) { Buffer = g.AddBuffer(scales) });
        var table = sg.Tensors[sg.Operations[0].Inputs[1]];
        table.Quantization = new QuantizationParams
        {
            DetailsType = QuantizationDetailsType.BlockwiseQuantization,
            Blockwise = new TflBlockwiseQuantization { Scales = st, ZeroPoints = -1, BlockSize = 32 },
        };
        using (var m = CompiledModel.FromGraph(g))
        {
            m.DefaultSignature.Inputs[0].Write<int>(ids);
            m.DefaultSignature.Run();
            var got = m.DefaultSignature.Outputs[0].ToArray<float>();
            for (int i = 0; i < ids.Length; i++)
                for (int c = 0; c < cols; c++) Assert.Equal((float)(q[ids[i] * cols + c] * (0.5 + ids[i] * 2 + c / 32)), got[i * cols + c]);
        }
    }

    private static QuantizationParams Sym16(double scale) => QuantizationParams.PerTensor((float)scale, 0);

    private static void Uses16x8(ModelGraph g)
    {
        using var m = CompiledModel.FromGraph(g);
        Assert.All(m.DefaultSignature.Placement, p => Assert.EndsWith(".i16x8", p.Kernel));
    }

    [Theory]
    [InlineData(3, 40, 9)]
    [InlineData(1, 600, 20)]
    public void FullyConnected_16x8_within_one_step(int rows, int depth, int units)
    {
        var rng = new Random(depth);
        var ws = Enumerable.Range(0, units).Select(_ => (float)(0.002 + rng.NextDouble() * 0.01)).ToArray();
        double inScale = 3.0 / 32767, outScale = 8.0 / 32767;
        var g = new SingleOpModel(BuiltinOperator.FullyConnected, Opt(BuiltinOptionsType.FullyConnectedOptions, ("fused_activation_function", ActivationFunctionType.Relu)))
            .Input("x", TensorType.Int16, [rows, depth], Sym16(inScale))
            .Const("w", TensorType.Int8, [units, depth], TestData.Uniform(rng, units * depth, -1, 1).Select((v, i) => Math.Round(v * 127) * ws[i / depth]).ToArray(),
                QuantizationParams.PerAxis(ws, new long[units], 0))
            .Const("b", TensorType.Int64, [units], TestData.Uniform(rng, units, -0.5, 0.5), QuantizationParams.PerAxis(ws.Select(s => (float)(s * inScale)).ToArray(), new long[units], 0))
            .Output("y", TensorType.Int16, [rows, units], Sym16(outScale)).Build();
        Uses16x8(g);
        OpCheck.AgainstReference(g, new Dictionary<string, double[]> { ["x"] = TestData.Uniform(rng, rows * depth, -3, 3) });
    }

    [Theory]
    [InlineData(1, 8, 8, 6, 10, 3, 1, Padding.Same)]
    [InlineData(2, 9, 7, 40, 4, 3, 2, Padding.Valid)]
    public void Conv2D_16x8_within_one_step(int batch, int h, int w, int cin, int cout, int k, int stride, Padding padding)
    {
        var rng = new Random(h + cin);
        var ws = Enumerable.Range(0, cout).Select(_ => (float)(0.002 + rng.NextDouble() * 0.01)).ToArray();
        double inScale = 2.0 / 32767, outScale = 10.0 / 32767;
        int per = k * k * cin;
        var g = new SingleOpModel(BuiltinOperator.Conv2d, Opt(BuiltinOptionsType.Conv2DOptions, ("padding", padding), ("stride_w", stride), ("stride_h", stride)))
            .Input("x", TensorType.Int16, [batch, h, w, cin], Sym16(inScale))
            .Const("w", TensorType.Int8, [cout, k, k, cin], TestData.Uniform(rng, cout * per, -1, 1).Select((v, i) => Math.Round(v * 127) * ws[i / per]).ToArray(),
                QuantizationParams.PerAxis(ws, new long[cout], 0))
            .Const("b", TensorType.Int64, [cout], TestData.Uniform(rng, cout, -0.5, 0.5), QuantizationParams.PerAxis(ws.Select(s => (float)(s * inScale)).ToArray(), new long[cout], 0))
            .Output("y", TensorType.Int16, null, Sym16(outScale)).Build();
        Uses16x8(g);
        OpCheck.AgainstReference(g, new Dictionary<string, double[]> { ["x"] = TestData.Uniform(rng, TestData.Count(batch, h, w, cin), -2, 2) });
    }

    [Fact]
    public void DepthwiseConv2D_16x8_within_one_step()
    {
        var rng = new Random(77);
        int c = 12;
        var ws = Enumerable.Range(0, c).Select(_ => (float)(0.005 + rng.NextDouble() * 0.02)).ToArray();
        double inScale = 2.0 / 32767, outScale = 4.0 / 32767;
        var g = new SingleOpModel(BuiltinOperator.DepthwiseConv2d, Opt(BuiltinOptionsType.DepthwiseConv2DOptions, ("padding", Padding.Same), ("stride_w", 1), ("stride_h", 1), ("depth_multiplier", 1)))
            .Input("x", TensorType.Int16, [1, 7, 7, c], Sym16(inScale))
            .Const("w", TensorType.Int8, [1, 3, 3, c], TestData.Uniform(rng, 9 * c, -1, 1).Select((v, i) => Math.Round(v * 127) * ws[i % c]).ToArray(),
                QuantizationParams.PerAxis(ws, new long[c], 3))
            .Const("b", TensorType.Int64, [c], TestData.Uniform(rng, c, -0.2, 0.2), QuantizationParams.PerAxis(ws.Select(s => (float)(s * inScale)).ToArray(), new long[c], 0))
            .Output("y", TensorType.Int16, null, Sym16(outScale)).Build();
        Uses16x8(g);
        foreach (var isa in HybridKernelTests.IsaCases())
        {
            using var _ = new IsaScope(isa);
            OpCheck.AgainstReference(g, new Dictionary<string, double[]> { ["x"] = TestData.Uniform(rng, 49 * c, -2, 2) });
        }
    }
}
