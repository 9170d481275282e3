using LiteRt.Format.Schema;
using LiteRt.Graph;
using LiteRt.Graph.IO;
using LiteRt.Quantization.Tests.Support;
using LiteRt.Runtime;
using LiteRt.Runtime.Cpu.Kernels;
using LiteRt.TestSupport;

namespace LiteRt.Quantization.Tests.Kernels;

/// <summary>Every kernel of the quantized family is reachable from models the quantizer writes, and Run allocates nothing.</summary>
public class FamilyContractTests
{
    private static IEnumerable<(string Name, ModelGraph Graph, IReadOnlyList<NpyArray> Inputs)> Models()
    {
        var weighted = Zoo.Weighted();
        foreach (var scheme in new[] { "dynamic_int8", "blockwise_int4", "weight_only_int4" })
        {
            var recipe = QuantizationRecipe.Parse($$"""{"rules": [{"ops": ["*"], "scheme": "{{scheme}}"}, {"ops": ["EMBEDDING_LOOKUP"], "scheme": "{{(scheme == "dynamic_int8" ? "weight_only_int4" : scheme)}}"}]}""");
            yield return (scheme, ModelQuantizer.Quantize(weighted, recipe, null, new QuantizeOptions { Evaluate = false }).Model, Zoo.WeightedInputs(1));
        }
        var act = Zoo.Activations();
        foreach (var scheme in new[] { "static_int8", "static_int16x8" })
            yield return (scheme, ModelQuantizer.Quantize(act, QuantizationRecipe.Preset(scheme), Zoo.ActivationsCalibration(4, 1), new QuantizeOptions { Evaluate = false }).Model,
                [Zoo.ActivationsInput(3)]);
        // Wider activations for the fast int8 resize and an int16 depthwise convolution.
        var b = new GraphBuilder();
        var f = TensorType.Float32;
        var rng = new Random(4);
        int x = b.Input("x", f, [1, 6, 6, 8]);
        int dw = b.Op(BuiltinOperator.DepthwiseConv2d, [x, b.Const("w", f, [1, 3, 3, 8], TestData.Uniform(rng, 72)), b.Const("bias", f, [8], TestData.Uniform(rng, 8))], "dw", f,
            Zoo.Opt(BuiltinOptionsType.DepthwiseConv2DOptions, ("padding", Padding.Same), ("stride_w", 1), ("stride_h", 1), ("depth_multiplier", 1)));
        int up = b.Op(BuiltinOperator.ResizeBilinear, [dw, b.Ints("size", 9, 9)], "up", f, Zoo.Opt(BuiltinOptionsType.ResizeBilinearOptions));
        int sub = b.Op(BuiltinOperator.Sub, [up, up], "zero", f, Zoo.Opt(BuiltinOptionsType.SubOptions));
        b.Output(sub);
        var g = b.Build();
        var calib = CalibrationSet.FromSamples([new Dictionary<string, NpyArray> { ["x"] = Zoo.Floats([1, 6, 6, 8], TestData.Uniform(rng, 288)) }]);
        foreach (var scheme in new[] { "static_int8", "static_int16x8" })
            yield return ("wide " + scheme, ModelQuantizer.Quantize(g, QuantizationRecipe.Preset(scheme), calib, new QuantizeOptions { Evaluate = false }).Model,
                [Zoo.Floats([1, 6, 6, 8], TestData.Uniform(rng, 288))]);
    }

    [Fact]
    public void Every_kernel_is_reachable_and_Run_allocates_nothing()
    {
        var used = new HashSet<string>();
        foreach (var (name, graph, inputs) in Models())
        {
            using var model = CompiledModel.FromGraph(graph);
            var runner = model.DefaultSignature;
            for (int i = 0; i < inputs.Count; i++) inputs[i].Data.CopyTo(runner.Inputs[i].Bytes);
            foreach (var (_, kernel) in runner.Placement) used.Add(kernel);
            long allocated = Allocations.SteadyState(runner.Run);
            Assert.True(allocated == 0, $"{name}: Run allocated {allocated} bytes");
        }
        // BATCH_MATMUL and FULLY_CONNECTED 16x8 / hybrid BMM are reached by the kernel tests' single-op graphs; the
        // general hybrid FULLY_CONNECTED takes batches over 256 rows (the Decoder family's direct kernel takes the
        // rest, bit-identically; Int8MatVecTests.ManyRowsKeepTheGeneralKernel reaches it).
        var missing = QuantizedFamily.KernelIds.Where(id => !used.Contains(id)
            && id is not ("cpu.sub.i8.fast" or "cpu.batch_matmul.hybrid" or "cpu.fully_connected.hybrid")).ToList();
        Assert.Empty(missing);
    }
}
