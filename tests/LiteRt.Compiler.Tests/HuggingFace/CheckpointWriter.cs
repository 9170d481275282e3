using System.IO.Compression;
using System.Text;
using System.Text.Json;

namespace LiteRt.Compiler.Tests.HuggingFace;

/// <summary>Writes test checkpoints from C#: safetensors files, config.json, and torch-style zips around a given pickle.</summary>
internal static class CheckpointWriter
{
    /// <summary>A safetensors file of float32 tensors (or raw bytes with a given dtype name).</summary>
    public static void Safetensors(string path, IEnumerable<(string Name, int[] Shape, float[] Values)> tensors)
    {
        var list = tensors.ToList();
        var header = new Dictionary<string, object>();
        long offset = 0;
        foreach (var (name, shape, values) in list)
        {
            header[name] = new { dtype = "F32", shape, data_offsets = new[] { offset, offset + values.Length * 4L } };
            offset += values.Length * 4L;
        }
        var json = JsonSerializer.SerializeToUtf8Bytes(header);
        using var fs = File.Create(path);
        fs.Write(BitConverter.GetBytes((long)json.Length));
        fs.Write(json);
        foreach (var (_, _, values) in list)
            foreach (float v in values) fs.Write(BitConverter.GetBytes(v));
    }

    public static void RawSafetensors(string path, string headerJson, byte[] data)
    {
        var json = Encoding.UTF8.GetBytes(headerJson);
        using var fs = File.Create(path);
        fs.Write(BitConverter.GetBytes((long)json.Length));
        fs.Write(json);
        fs.Write(data);
    }

    public static void Config(string dir, object config) =>
        File.WriteAllText(Path.Combine(dir, "config.json"), JsonSerializer.Serialize(config));

    /// <summary>A zip laid out as torch.save does (archive/data.pkl, archive/data/&lt;key&gt;), entries stored.</summary>
    public static void TorchZip(string path, byte[] pickle, params (string Key, byte[] Bytes)[] storages)
    {
        using var fs = File.Create(path);
        using var zip = new ZipArchive(fs, ZipArchiveMode.Create);
        void Add(string name, byte[] bytes)
        {
            using var s = zip.CreateEntry(name, CompressionLevel.NoCompression).Open();
            s.Write(bytes);
        }
        Add("archive/data.pkl", pickle);
        foreach (var (key, bytes) in storages) Add("archive/data/" + key, bytes);
        Add("archive/version", "3\n"u8.ToArray());
    }
}
