using LiteRt.Format.Schema;
using LiteRt.Graph;
using LiteRt.Graph.Catalog;
using LiteRt.Graph.IO;
using LiteRt.Graph.Reference;
using LiteRt.TestSupport;
using Xunit.Abstractions;

namespace LiteRt.Runtime.Tests.SharedModels;

/// <summary>
/// person_detect_int8 (TFLite Micro) stores per-channel scales on 1-D bias tensors with quantized_dimension 3.
/// Real LiteRT rejects the file; we accept it as TFLite Micro does, reading the only axis of a 1-D tensor
/// (docs/format.md). Without a LiteRT oracle, the check is our float64 reference interpreter.
/// </summary>
public class PersonDetectTests(ITestOutputHelper output)
{
    [Fact]
    public void Runs_and_matches_the_float64_reference_within_one_step()
    {
        if (!SharedData.TryGetRoot(out var root, output.WriteLine)) return;
        string dir = Path.Combine(root, "models", "person_detect_int8");
        using var model = CompiledModel.Load(Path.Combine(dir, "model.tflite"));
        var g = model.Graph;

        // The premise: 1-D per-channel tensors whose quantized_dimension is outside their rank.
        var odd = g.Main.Tensors.Where(t => t.Shape.Length == 1 && t.Quantization is { IsPerChannel: true, QuantizedDimension: > 0 }).ToList();
        Assert.NotEmpty(odd);
        output.WriteLine($"{odd.Count} 1-D per-channel tensors with quantized_dimension {odd[0].Quantization!.QuantizedDimension}, e.g. '{odd[0].Name}'");

        var sig = model.DefaultSignature;
        var input = NpyArray.Read(Path.Combine(dir, "input_0.npy"));
        var inBuffer = sig.Inputs[0];
        Assert.Equal(inBuffer.Type, input.Type);
        input.Data.CopyTo(inBuffer.Bytes);
        sig.Run();

        var sigDef = g.SignaturesOrDefault()[0];
        var inTensor = g.Main.Tensors[sigDef.Inputs[0].TensorIndex];
        var real = TensorData.Decode(input.Type, input.Data, input.Shape, inTensor.Quantization);
        var expected = ReferenceInterpreter.Run(g, sigDef, new Dictionary<string, RefTensor>
        {
            [sigDef.Inputs[0].Name] = new(input.Shape, real, inTensor.Type, inTensor.Quantization),
        });
        var outBuffer = sig.Outputs[0];
        var outTensor = g.Main.Tensors[sigDef.Outputs[0].TensorIndex];
        var got = TensorData.Decode(outBuffer.Type, outBuffer.Bytes, [.. outBuffer.Shape], outTensor.Quantization);
        output.WriteLine($"scores: ours [{string.Join(", ", got.Select(v => v.ToString("F4")))}], reference [{string.Join(", ", expected[sigDef.Outputs[0].Name].Data.Select(v => v.ToString("F4")))}]");
        OpCheck.Compare(outBuffer.Name, outTensor, got, expected[sigDef.Outputs[0].Name].Data, 0, 1);
        Assert.InRange(got.Sum(), 0.95, 1.05); // softmax over {no person, person}
    }
}
