using LiteRt.Graph.TfLite;

namespace LiteRt.Runtime;

public sealed partial class CompiledModel
{
    /// <summary>
    /// Memory-maps a .tflite file and prepares every signature. Weights stay in the mapping (zero-copy).
    /// Throws <see cref="LiteRt.Format.LiteRtFormatException"/> for malformed bytes and
    /// <see cref="LiteRt.Graph.LiteRtModelException"/> for invalid or unsupported models, naming the file.
    /// </summary>
    public static CompiledModel Load(string path, RuntimeOptions? options = null)
    {
        var file = TfLiteModel.Open(path);
        try
        {
            return new CompiledModel(file.Graph, file, options);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>Prepares a model held in memory; <paramref name="bytes"/> must stay unchanged while the model lives.</summary>
    public static CompiledModel FromBytes(ReadOnlyMemory<byte> bytes, RuntimeOptions? options = null) => new(TfLiteModel.Read(bytes), null, options);
}
