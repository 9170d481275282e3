using System.Text.Json;
using LiteRt.Compiler.Import.Torch;

namespace LiteRt.Compiler.Import.HuggingFace;

/// <summary>
/// A Hugging Face checkpoint folder: <c>config.json</c> plus weights in one of <c>model.safetensors</c>,
/// <c>model.safetensors.index.json</c> (shards), <c>pytorch_model.bin</c>, <c>pytorch_model.bin.index.json</c>, or a
/// single <c>*.pt</c>. Files are memory-mapped for the checkpoint's lifetime; nothing is read until asked.
/// </summary>
public sealed class HfCheckpoint : IDisposable
{
    private readonly List<MappedCheckpointFile> _files = [];
    private readonly Dictionary<string, CheckpointTensor> _tensors = new(StringComparer.Ordinal);

    private HfCheckpoint(string dir, DecoderConfig config)
    {
        Directory = dir;
        Config = config;
    }

    public string Directory { get; }
    public DecoderConfig Config { get; }
    public IReadOnlyDictionary<string, CheckpointTensor> Tensors => _tensors;
    /// <summary>The weight files, for messages.</summary>
    public IEnumerable<string> Files => _files.Select(f => f.Path);

    public static HfCheckpoint Open(string dir)
    {
        string configPath = Path.Combine(dir, "config.json");
        if (!File.Exists(configPath))
            throw new LiteRtCompileException(ErrorCodes.NoCheckpoint, "no config.json in the folder", file: dir);
        var ck = new HfCheckpoint(dir, DecoderConfig.Load(configPath));
        try
        {
            foreach (var file in WeightFiles(dir)) ck.Add(file);
            return ck;
        }
        catch
        {
            ck.Dispose();
            throw;
        }
    }

    /// <summary>The tensor of that name, or LRT1103 naming it and the files searched.</summary>
    public CheckpointTensor Get(string name, params int[] shape)
    {
        if (!_tensors.TryGetValue(name, out var t))
            throw new LiteRtCompileException(ErrorCodes.BadCheckpointTensor, $"tensor '{name}' is missing", file: string.Join(", ", Files));
        if (!t.Shape.AsSpan().SequenceEqual(shape))
            throw new LiteRtCompileException(ErrorCodes.BadCheckpointTensor,
                $"tensor '{name}' has shape [{string.Join(",", t.Shape)}]; config.json implies [{string.Join(",", shape)}]", file: t.File);
        return t;
    }

    public bool Has(string name) => _tensors.ContainsKey(name);

    private static List<string> WeightFiles(string dir)
    {
        foreach (var index in new[] { "model.safetensors.index.json", "pytorch_model.bin.index.json" })
        {
            string p = Path.Combine(dir, index);
            if (File.Exists(p)) return ShardsOf(p);
        }
        foreach (var single in new[] { "model.safetensors", "pytorch_model.bin" })
        {
            string p = Path.Combine(dir, single);
            if (File.Exists(p)) return [p];
        }
        var pts = System.IO.Directory.GetFiles(dir, "*.pt").Concat(System.IO.Directory.GetFiles(dir, "*.pth")).Order(StringComparer.Ordinal).ToList();
        if (pts.Count == 1) return pts;
        throw new LiteRtCompileException(ErrorCodes.NoCheckpoint, pts.Count > 1
            ? $"several .pt files ({string.Join(", ", pts.Select(Path.GetFileName))}); keep one"
            : "no weights: expected model.safetensors, model.safetensors.index.json, pytorch_model.bin(.index.json) or one .pt", file: dir);
    }

    private static List<string> ShardsOf(string indexPath)
    {
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(indexPath));
            if (!doc.RootElement.TryGetProperty("weight_map", out var map) || map.ValueKind != JsonValueKind.Object)
                throw new LiteRtCompileException(ErrorCodes.BadCheckpoint, "no weight_map object", file: indexPath);
            var files = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var e in map.EnumerateObject())
            {
                string shard = e.Value.GetString() ?? "";
                if (shard.Length == 0 || shard.Contains('/') || shard.Contains('\\') || shard.Contains(".."))
                    throw new LiteRtCompileException(ErrorCodes.BadCheckpoint, $"weight_map['{e.Name}'] = '{shard}' is not a file name in the folder", file: indexPath);
                files.Add(shard);
            }
            string dir = Path.GetDirectoryName(indexPath)!;
            return files.Select(f => Path.Combine(dir, f)).ToList();
        }
        catch (JsonException e)
        {
            throw new LiteRtCompileException(ErrorCodes.BadCheckpoint, $"not valid JSON: {e.Message}", file: indexPath);
        }
    }

    private void Add(string path)
    {
        if (!File.Exists(path)) throw new LiteRtCompileException(ErrorCodes.NoCheckpoint, "weight file listed by the index is missing", file: path);
        var f = new MappedCheckpointFile(path);
        _files.Add(f);
        var list = path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase) ? SafetensorsFile.Read(f) : TorchCheckpointFile.Read(f);
        foreach (var t in list)
            if (!_tensors.TryAdd(t.Name, t))
                throw new LiteRtCompileException(ErrorCodes.BadCheckpoint, $"tensor '{t.Name}' appears twice (also in {_tensors[t.Name].File})", file: path);
    }

    public void Dispose()
    {
        foreach (var f in _files) f.Dispose();
        _files.Clear();
    }
}
