using LiteRt.Compiler.Tests.Parity;
using LiteRt.Graph;
using LiteRt.Graph.IO;
using LiteRt.TestSupport;
using Xunit.Abstractions;

namespace LiteRt.Compiler.Tests.Peers;

/// <summary>
/// Google's LiteRT accepts what the converter writes: each PyTorch parity model is converted, saved as .tflite,
/// loaded and run by real LiteRT (the WASM build under Node, via TestSupport's RealLiteRt), and its outputs equal
/// ours (and PyTorch's) within 1e-4 of the largest output, with the same top-1. Skips without Node or ../shared.
/// </summary>
public sealed class RealLiteRtConversionTests(ITestOutputHelper output)
{
    public static TheoryData<string> Models() => [.. ParityModels.Torchvision, .. ParityModels.Committed];

    [Theory]
    [MemberData(nameof(Models))]
    public void Real_litert_runs_the_converted_model_with_our_outputs(string name)
    {
        if (!RealLiteRt.IsAvailable(output.WriteLine)) return;
        if (ParityModels.Get(name, output.WriteLine) is not { } folder) return;
        var (graph, ours, expected, shape) = ParityModels.ConvertAndRun(folder);
        string dir = Directory.CreateTempSubdirectory("litert-onnx-real").FullName;
        try
        {
            string path = Path.Combine(dir, name + ".tflite");
            ModelConverter.Save(graph, path);
            var input = NpyArray.Read(Path.Combine(folder, "input.npy"));
            var outputs = RealLiteRt.Run(path, [input]);
            var real = Assert.Single(outputs);
            Assert.Equal(shape, real.Shape);
            var theirs = TensorData.Decode(real.Type, real.Data, real.Shape, null);
            double vsOurs = ParityModels.RelativeError(theirs, ours), vsTorch = ParityModels.RelativeError(theirs, expected);
            output.WriteLine($"{name}: real LiteRT vs ours {vsOurs:E2}, vs PyTorch {vsTorch:E2} (of the largest output); " +
                             $"top-1 real [{string.Join(",", ParityModels.Top1(theirs, shape))}] ours [{string.Join(",", ParityModels.Top1(ours, shape))}]");
            Assert.True(vsOurs <= 1e-4, $"{name}: real LiteRT differs from our runtime by {vsOurs:E2}");
            Assert.True(vsTorch <= 1e-4, $"{name}: real LiteRT differs from PyTorch by {vsTorch:E2}");
            Assert.Equal(ParityModels.Top1(ours, shape), ParityModels.Top1(theirs, shape));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
