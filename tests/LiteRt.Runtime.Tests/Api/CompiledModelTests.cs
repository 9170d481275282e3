using LiteRt.Format.Schema;
using LiteRt.Graph;
using LiteRt.Graph.Catalog;
using LiteRt.Graph.IO;
using LiteRt.Runtime.Cpu;
using LiteRt.TestSupport;
using Xunit.Abstractions;

namespace LiteRt.Runtime.Tests.Api;

public class CompiledModelTests(ITestOutputHelper output)
{
    /// <summary>The ops the foundation promises; each has a catalog entry (shape rule + float64 reference) and a CPU kernel.</summary>
    private static readonly string[] RequiredOps =
    [
        "ADD", "SUB", "MUL", "DIV", "SQUARED_DIFFERENCE", "MAXIMUM", "MINIMUM", "CONV_2D", "DEPTHWISE_CONV_2D", "TRANSPOSE_CONV",
        "FULLY_CONNECTED", "BATCH_MATMUL", "AVERAGE_POOL_2D", "MAX_POOL_2D", "MEAN", "SUM", "REDUCE_MAX", "RESHAPE", "SQUEEZE",
        "EXPAND_DIMS", "TRANSPOSE", "CONCATENATION", "SPLIT", "SPLIT_V", "SLICE", "STRIDED_SLICE", "PAD", "PADV2", "GATHER",
        "SOFTMAX", "LOG_SOFTMAX", "RELU", "RELU6", "RELU_N1_TO_1", "LEAKY_RELU", "PRELU", "LOGISTIC", "TANH", "HARD_SWISH",
        "GELU", "EXP", "LOG", "SQRT", "RSQRT", "POW", "ABS", "NEG", "CAST", "QUANTIZE", "DEQUANTIZE", "RESIZE_BILINEAR",
        "RESIZE_NEAREST_NEIGHBOR", "EMBEDDING_LOOKUP", "L2_NORMALIZATION", "ARG_MAX",
    ];

    [Fact]
    public void Every_required_op_has_a_catalog_entry_and_a_cpu_kernel()
    {
        var missing = new List<string>();
        foreach (string name in RequiredOps)
        {
            Assert.True(SchemaNames.TryParseOperator(name, out var op), name);
            if (OpCatalog.Find(op) is not { } def) missing.Add(name + " (catalog)");
            else Assert.False(string.IsNullOrWhiteSpace(def.Summary));
            if (!CpuKernelRegistry.SupportsOp(op)) missing.Add(name + " (cpu kernel)");
        }
        Assert.Empty(missing);
        output.WriteLine($"{OpCatalog.All.Count()} ops in the catalog, {CpuKernelRegistry.All.Count()} CPU kernels");
    }

    [Fact]
    public void ProfileOps_times_every_operation_in_execution_order_and_leaves_the_outputs_as_a_run_does()
    {
        if (!SharedData.TryGetRoot(out var root, output.WriteLine)) return;
        string dir = Path.Combine(root, "models", "mobilenet_v1_0.25_128_quant");
        using var model = CompiledModel.Load(Path.Combine(dir, "model.tflite"));
        var sig = model.DefaultSignature;
        NpyArray.Read(Path.Combine(dir, "input_0.npy")).Data.CopyTo(sig.Inputs[0].Bytes);
        var ops = sig.ProfileOps(2);
        Assert.Equal(model.Graph.Subgraphs[0].Operations.Count, ops.Count);
        Assert.Equal(Enumerable.Range(0, ops.Count), ops.Select(o => o.Index));
        Assert.All(ops, o => Assert.True(o.Milliseconds >= 0 && o.Kernel.StartsWith("cpu.", StringComparison.Ordinal) && o.Operation.Length > 0, o.ToString()));
        Assert.Contains(ops, o => o.Operation.Contains("DEPTHWISE_CONV_2D", StringComparison.Ordinal));
        var expected = NpyArray.Read(Path.Combine(dir, "litert_output_0.npy")).ToDoubles();
        var got = TensorData.Decode(sig.Outputs[0].Type, sig.Outputs[0].Bytes, [.. sig.Outputs[0].Shape], null);
        Assert.True(expected.Zip(got).All(p => Math.Abs(p.First - p.Second) <= 1), "profiled outputs match LiteRT within one step");
        Assert.Throws<ArgumentOutOfRangeException>(() => sig.ProfileOps(0));
    }

    [Fact]
    public void Run_allocates_nothing_after_the_first_call()
    {
        if (!SharedData.TryGetRoot(out var root, output.WriteLine)) return;
        foreach (string name in new[] { "mobilenet_v1_0.25_128_quant", "conv_fc_mnist", "conv_fc_mnist_srq_a8w8", "multi_add" })
        {
            using var model = CompiledModel.Load(Path.Combine(root, "models", name, "model.tflite"));
            var sig = model.DefaultSignature;
            long allocated = Allocations.SteadyState(sig.Run);
            output.WriteLine($"{name}: {allocated} bytes allocated over 3 warm runs");
            Assert.Equal(0, allocated);
        }
    }

    [Fact]
    public void Independent_instances_run_concurrently_with_the_same_results()
    {
        if (!SharedData.TryGetRoot(out var root, output.WriteLine)) return;
        string dir = Path.Combine(root, "models", "mobilenet_v1_0.25_128_quant");
        var input = NpyArray.Read(Path.Combine(dir, "input_0.npy"));
        var expected = NpyArray.Read(Path.Combine(dir, "litert_output_0.npy")).ToDoubles();
        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        var threads = Enumerable.Range(0, 4).Select(t => new Thread(() =>
        {
            using var model = CompiledModel.Load(Path.Combine(dir, "model.tflite"));
            var sig = model.DefaultSignature;
            for (int i = 0; i < 5; i++)
            {
                input.Data.CopyTo(sig.Inputs[0].Bytes);
                sig.Run();
                var got = TensorData.Decode(sig.Outputs[0].Type, sig.Outputs[0].Bytes, [.. sig.Outputs[0].Shape], null);
                double diff = got.Zip(expected, (a, b) => Math.Abs(a - b)).Max();
                if (diff > 1) failures.Add($"thread {t} run {i}: {diff} steps");
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        Assert.Empty(failures);
    }

    [Fact]
    public void Models_without_signature_defs_get_serving_default_named_after_tensors()
    {
        if (!SharedData.TryGetRoot(out var root, output.WriteLine)) return;
        using var model = CompiledModel.Load(Path.Combine(root, "models", "mobilenet_v2_1.0_224_quant", "model.tflite"));
        Assert.Empty(model.Graph.Signatures);
        var sig = Assert.Single(model.Signatures);
        Assert.Equal("serving_default", sig.Key);
        Assert.Equal("input", sig.Inputs[0].Name);
        Assert.Equal(TensorType.Uint8, sig.Inputs[0].Type);
        Assert.Equal([1, 224, 224, 3], sig.Inputs[0].Shape.ToArray());
        Assert.Throws<KeyNotFoundException>(() => sig.Input("nope"));
        Assert.Throws<KeyNotFoundException>(() => model.Signature("nope"));
        Assert.Throws<InvalidOperationException>(() => sig.Inputs[0].AsSpan<float>());
    }

    [Fact]
    public void Dynamic_batch_is_resized_and_rejected_when_static_dims_change()
    {
        if (!SharedData.TryGetRoot(out var root, output.WriteLine)) return;
        using var model = CompiledModel.Load(Path.Combine(root, "models", "conv_fc_mnist", "model.tflite"));
        var sig = model.DefaultSignature;
        string input = sig.Inputs[0].Name;
        sig.ResizeInput(input, [3, 28, 28, 1]);
        Assert.Equal(3, sig.Inputs[0].Shape[0]);
        sig.Run();
        Assert.Equal(3, sig.Outputs[0].Shape[0]);
        Assert.Throws<ArgumentException>(() => sig.ResizeInput(input, [3, 27, 28, 1]));
        Assert.Throws<ArgumentException>(() => sig.ResizeInput(input, [3, 28, 28]));
    }
}
