using LiteRt.Graph.TfLite;
using LiteRt.Lm.Tests.Engine;

namespace LiteRt.Lm.Tests.Bundle;

/// <summary>A temporary folder with the tiny decoder as a .tflite file and a checkpoint folder for <see cref="TinyTokenizer"/>.</summary>
internal sealed class BundleFixture : IDisposable
{
    public const string GenerationConfig = """{"bos_token_id": 1, "eos_token_id": 2, "transformers_version": "4.44.0"}""";

    public BundleFixture(int context = 32, string? generationConfig = GenerationConfig)
    {
        Directory.CreateDirectory(Root);
        Model = new TinyDecoderModel(TinyTokenizer.Vocab, context, seed: 11);
        using (var f = File.Create(ModelPath)) TfLiteModel.Save(Model.Build([4, 8]), f);
        TinyTokenizer.WriteCheckpoint(Checkpoint, generationConfig);
    }

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "litert-lm-tests", Guid.NewGuid().ToString("N"));
    public TinyDecoderModel Model { get; }
    public string ModelPath => Path.Combine(Root, "model.tflite");
    public string Checkpoint => Path.Combine(Root, "hf");
    public string In(string name) => Path.Combine(Root, name);

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
