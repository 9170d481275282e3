using LiteRt.Format;
using LiteRt.Format.TfLite;

namespace LiteRt.Graph.TfLite;

/// <summary>A .tflite model opened as IR. Constant data stays in the memory-mapped file until disposed.</summary>
public sealed class TfLiteModel : IDisposable
{
    private readonly TfLiteFile _file;

    private TfLiteModel(TfLiteFile file, ModelGraph graph)
    {
        _file = file;
        Graph = graph;
    }

    public ModelGraph Graph { get; }
    public long FileLength => _file.Length;
    public string? Path => _file.Path;

    /// <summary>Memory-maps and imports a .tflite file. Throws <see cref="LiteRtFormatException"/> (bad bytes) or
    /// <see cref="LiteRtModelException"/> (bad structure), both naming the file.</summary>
    public static TfLiteModel Open(string path)
    {
        TfLiteFile file;
        try
        {
            file = TfLiteFile.Open(path);
        }
        catch (LiteRtFormatException e)
        {
            throw new LiteRtFormatException(e.Table, e.Field, e.Offset, e.Reason) { FilePath = path };
        }
        try
        {
            return new TfLiteModel(file, TfLiteImporter.Import(file.Model, file.Path));
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>Imports a model held in memory (the graph refers to <paramref name="bytes"/>).</summary>
    public static ModelGraph Read(ReadOnlyMemory<byte> bytes, string? sourcePath = null) =>
        TfLiteImporter.Import(TflModelReader.Read(bytes), sourcePath);

    public static byte[] Serialize(ModelGraph graph, TflWriteOptions? options = null) =>
        TflModelWriter.WriteToArray(TfLiteExporter.Export(graph), options);

    public static void Save(ModelGraph graph, Stream stream, TflWriteOptions? options = null) =>
        TflModelWriter.Write(TfLiteExporter.Export(graph), stream, options);

    public void Dispose() => _file.Dispose();
}
