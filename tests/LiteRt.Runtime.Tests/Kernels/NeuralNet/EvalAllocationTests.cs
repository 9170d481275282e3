using LiteRt.Format.Schema;
using LiteRt.Graph;
using LiteRt.Runtime.Cpu;
using LiteRt.TestSupport;

namespace LiteRt.Runtime.Tests.Kernels.NeuralNet;

/// <summary>Every NeuralNet kernel variant is reachable and runs without allocating on the managed heap.</summary>
public sealed class EvalAllocationTests
{
    private static readonly BuiltinOperator[] Ops =
    [
        BuiltinOperator.Conv2d, BuiltinOperator.DepthwiseConv2d, BuiltinOperator.TransposeConv, BuiltinOperator.FullyConnected,
        BuiltinOperator.BatchMatmul, BuiltinOperator.AveragePool2d, BuiltinOperator.MaxPool2d, BuiltinOperator.Softmax,
        BuiltinOperator.LogSoftmax, BuiltinOperator.L2Normalization, BuiltinOperator.ResizeBilinear, BuiltinOperator.ResizeNearestNeighbor,
    ];

    private static IEnumerable<(string Name, ModelGraph Graph)> Graphs()
    {
        var rng = new Random(5);
        foreach (var v in new[] { Variant.F32, Variant.U8, Variant.I8 })
        {
            var t = Quant.Type(v);
            var q = Quant.Activation(v, -1, 1);
            var qo = Quant.Activation(v, -4, 4);
            bool pc = v == Variant.I8;
            foreach (bool constWeights in new[] { true, false })
            {
                var w = TestData.Uniform(rng, 4 * 3 * 3 * 3);
                var wq = Quant.Weights(v, w, [4, 3, 3, 3], 0, pc);
                var conv = new SingleOpModel(BuiltinOperator.Conv2d, NeuralNetTestOptions.Create(BuiltinOptionsType.Conv2DOptions,
                    ("stride_h", 1), ("stride_w", 2), ("fused_activation_function", ActivationFunctionType.Relu))).Input("x", t, [1, 5, 5, 3], q);
                Weights(conv, constWeights, t, [4, 3, 3, 3], w, wq).Const("b", Quant.BiasType(v), [4], TestData.Uniform(rng, 4), Quant.Bias(v, q, wq, 4));
                yield return ($"conv {v} const={constWeights}", conv.Output("y", t, null, qo).Build());

                var dw = TestData.Uniform(rng, 3 * 3 * 6);
                var dwq = Quant.Weights(v, dw, [1, 3, 3, 6], 3, pc);
                foreach (int c in new[] { 6, 3 })
                {
                    var m = new SingleOpModel(BuiltinOperator.DepthwiseConv2d, NeuralNetTestOptions.Create(BuiltinOptionsType.DepthwiseConv2DOptions,
                        ("stride_h", 1), ("stride_w", 1), ("depth_multiplier", 6 / c))).Input("x", t, [1, 4, 4, c], q);
                    Weights(m, constWeights, t, [1, 3, 3, 6], dw, dwq).Const("b", Quant.BiasType(v), [6], TestData.Uniform(rng, 6), Quant.Bias(v, q, dwq, 6));
                    yield return ($"depthwise {v} mult={6 / c} const={constWeights}", m.Output("y", t, null, qo).Build());
                }

                var tw = TestData.Uniform(rng, 2 * 3 * 3 * 3);
                var twq = Quant.Weights(v, tw, [2, 3, 3, 3], 0, pc);
                var tc = new SingleOpModel(BuiltinOperator.TransposeConv, NeuralNetTestOptions.Create(BuiltinOptionsType.TransposeConvOptions,
                    ("stride_h", 2), ("stride_w", 2))).Const("shape", TensorType.Int32, [4], [1, 6, 6, 2]);
                Weights(tc, constWeights, t, [2, 3, 3, 3], tw, twq).Input("x", t, [1, 3, 3, 3], q)
                    .Const("b", Quant.BiasType(v), [2], TestData.Uniform(rng, 2), Quant.Bias(v, q, twq, 2));
                yield return ($"transpose_conv {v} const={constWeights}", tc.Output("y", t, null, qo).Build());

                var fw = TestData.Uniform(rng, 5 * 7);
                var fwq = Quant.Weights(v, fw, [5, 7], 0, pc);
                var fc = new SingleOpModel(BuiltinOperator.FullyConnected, NeuralNetTestOptions.Create(BuiltinOptionsType.FullyConnectedOptions))
                    .Input("x", t, [6, 7], q);
                Weights(fc, constWeights, t, [5, 7], fw, fwq).Const("b", Quant.BiasType(v), [5], TestData.Uniform(rng, 5), Quant.Bias(v, q, fwq, 5));
                yield return ($"fully_connected {v} const={constWeights}", fc.Output("y", t, null, qo).Build());
            }

            yield return ($"batch_matmul {v}", new SingleOpModel(BuiltinOperator.BatchMatmul,
                    NeuralNetTestOptions.Create(BuiltinOptionsType.BatchMatMulOptions, ("adj_x", true)))
                .Input("a", t, [2, 5, 3], q).Input("b", t, [1, 5, 4], q).Output("y", t, null, qo).Build());
            foreach (var op in new[] { BuiltinOperator.AveragePool2d, BuiltinOperator.MaxPool2d })
                foreach (var outQ in new[] { q, qo })
                    yield return ($"{op} {v}", new SingleOpModel(op, NeuralNetTestOptions.Create(BuiltinOptionsType.Pool2DOptions,
                            ("stride_h", 2), ("stride_w", 2), ("filter_height", 3), ("filter_width", 3)))
                        .Input("x", t, [1, 5, 5, 3], q).Output("y", t, null, outQ).Build());
            var smq = v == Variant.F32 ? null : Quant.Activation(v, 0, 1);
            yield return ($"softmax {v}", new SingleOpModel(BuiltinOperator.Softmax, NeuralNetTestOptions.Create(BuiltinOptionsType.SoftmaxOptions, ("beta", 1f)))
                .Input("x", t, [3, 10], q).Output("y", t, null, smq).Build());
            yield return ($"log_softmax {v}", new SingleOpModel(BuiltinOperator.LogSoftmax, NeuralNetTestOptions.Create(BuiltinOptionsType.LogSoftmaxOptions))
                .Input("x", t, [3, 10], q).Output("y", t, null, v == Variant.F32 ? null : Quant.Activation(v, -8, 0)).Build());
            yield return ($"l2_normalization {v}", new SingleOpModel(BuiltinOperator.L2Normalization, NeuralNetTestOptions.Create(BuiltinOptionsType.L2NormOptions))
                .Input("x", t, [3, 10], q).Output("y", t, null, v == Variant.F32 ? null : Quant.Activation(v, -1, 1)).Build());
            yield return ($"resize_bilinear {v}", new SingleOpModel(BuiltinOperator.ResizeBilinear, NeuralNetTestOptions.Create(BuiltinOptionsType.ResizeBilinearOptions))
                .Input("x", t, [1, 3, 3, 2], q).Const("s", TensorType.Int32, [2], [5, 4]).Output("y", t, null, q).Build());
            foreach (var outQ in new[] { q, qo })
                yield return ($"resize_nearest {v}", new SingleOpModel(BuiltinOperator.ResizeNearestNeighbor,
                        NeuralNetTestOptions.Create(BuiltinOptionsType.ResizeNearestNeighborOptions))
                    .Input("x", t, [1, 3, 3, 2], q).Const("s", TensorType.Int32, [2], [5, 4]).Output("y", t, null, outQ).Build());
        }
        yield return ("resize_nearest int32", new SingleOpModel(BuiltinOperator.ResizeNearestNeighbor,
                NeuralNetTestOptions.Create(BuiltinOptionsType.ResizeNearestNeighborOptions))
            .Input("x", TensorType.Int32, [1, 3, 3, 2]).Const("s", TensorType.Int32, [2], [5, 4]).Output("y", TensorType.Int32).Build());
    }

    private static SingleOpModel Weights(SingleOpModel m, bool constant, TensorType t, int[] shape, double[] values, QuantizationParams? q) =>
        constant ? m.Const("w", t, shape, values, q) : m.Input("w", t, shape, q);

    [Fact]
    public void Run_allocates_nothing_and_every_kernel_is_reachable()
    {
        var used = new HashSet<string>();
        foreach (var (name, graph) in Graphs())
        {
            using var model = CompiledModel.FromGraph(graph);
            var runner = model.DefaultSignature;
            foreach (var (_, kernel) in runner.Placement) used.Add(kernel);
            runner.Run(); // warm-up: JIT and first-use initialisation
            runner.Run();
            long before = GC.GetAllocatedBytesForCurrentThread();
            runner.Run();
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.True(allocated == 0, $"{name}: Run allocated {allocated} bytes");
        }
        // This family's kernels only: other families (e.g. Quantized's hybrid kernels) register for the same ops and test their own.
        var missing = CpuKernelRegistry.All.Where(k => Ops.Contains(k.Op) && k.EntryType?.Namespace?.EndsWith(".NeuralNet", StringComparison.Ordinal) == true).Select(k => k.Id)
            .Where(id => !used.Contains(id)).ToList();
        Assert.Empty(missing);
    }
}
