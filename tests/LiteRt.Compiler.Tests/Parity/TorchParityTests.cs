using LiteRt.Format.Schema;
using LiteRt.Graph;
using Xunit.Abstractions;

namespace LiteRt.Compiler.Tests.Parity;

/// <summary>
/// PyTorch parity: torchvision classifiers (random weights, seed 0) and small transformer encoders exported to ONNX
/// by scripts/onnx/export_parity_models.py, converted, run with our runtime, and compared with PyTorch's float64
/// output: max error ≤ 1e-4 of the largest output magnitude, same top-1.
/// </summary>
public sealed class TorchParityTests(ITestOutputHelper output)
{
    public static TheoryData<string> Models() => [.. ParityModels.Torchvision, .. ParityModels.Committed];

    [Theory]
    [MemberData(nameof(Models))]
    public void Converted_model_matches_pytorch(string name)
    {
        if (ParityModels.Get(name, output.WriteLine) is not { } folder) return;
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var (graph, ours, expected, shape) = ParityModels.ConvertAndRun(folder);
        double rel = ParityModels.RelativeError(ours, expected);
        var top1 = ParityModels.Top1(ours, shape);
        var want = ParityModels.Top1(expected, shape);
        output.WriteLine($"{name}: max error {rel:E2} of the largest output, top-1 ours [{string.Join(",", top1)}] PyTorch [{string.Join(",", want)}], " +
                         $"{graph.Main.Operations.Count} ops ({sw.ElapsedMilliseconds} ms)");
        output.WriteLine("  " + ParityModels.OpHistogram(graph));
        Assert.True(rel <= 1e-4, $"{name}: relative error {rel:E2} > 1e-4");
        Assert.Equal(want, top1);
    }

    /// <summary>
    /// MobileNetV2 exported with its BatchNormalization nodes: every Conv+BN+ReLU6 becomes one convolution with a fused
    /// RELU6, and the only TRANSPOSE is the one the NCHW input needs.
    /// </summary>
    [Fact]
    public void MobileNetV2_fuses_conv_batchnorm_relu6_and_transposes_only_the_input()
    {
        if (ParityModels.Get("mobilenet_v2_unfused", output.WriteLine) is not { } folder) return;
        var (graph, ours, expected, shape) = ParityModels.ConvertAndRun(folder);
        var ops = graph.Main.Operations;
        output.WriteLine(ParityModels.OpHistogram(graph));
        Assert.Equal(1, ops.Count(o => o.Op == BuiltinOperator.Transpose));
        Assert.Equal(graph.Main.Inputs[0], ops.Single(o => o.Op == BuiltinOperator.Transpose).Inputs[0]);
        Assert.DoesNotContain(ops, o => o.Op is BuiltinOperator.Relu6 or BuiltinOperator.Mul);
        var convs = ops.Where(o => o.Op is BuiltinOperator.Conv2d or BuiltinOperator.DepthwiseConv2d).ToList();
        Assert.Equal(52, convs.Count);
        Assert.Equal(35, convs.Count(c => c.FusedActivation == ActivationFunctionType.Relu6));
        Assert.Equal(10, ops.Count(o => o.Op == BuiltinOperator.Add)); // the residual connections only
        Assert.True(ParityModels.RelativeError(ours, expected) <= 1e-4);
        Assert.Equal(ParityModels.Top1(expected, shape), ParityModels.Top1(ours, shape));
    }
}
