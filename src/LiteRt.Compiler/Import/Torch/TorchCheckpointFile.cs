using LiteRt.Compiler.Import.HuggingFace;

namespace LiteRt.Compiler.Import.Torch;

/// <summary>
/// A zip-format torch.save file (<c>pytorch_model.bin</c>, <c>.pt</c>): <c>&lt;prefix&gt;/data.pkl</c> read by
/// <see cref="RestrictedUnpickler"/> into a dict of tensor views, each resolved to the bytes of
/// <c>&lt;prefix&gt;/data/&lt;key&gt;</c> in the mapped file. Only contiguous views of F32/F16/BF16 storages are accepted.
/// </summary>
internal static unsafe class TorchCheckpointFile
{
    public static List<CheckpointTensor> Read(MappedCheckpointFile f)
    {
        var entries = StoredZip.Read(f);
        var pkl = entries.Values.FirstOrDefault(e => e.Name.EndsWith("/data.pkl", StringComparison.Ordinal) || e.Name == "data.pkl")
            ?? throw new LiteRtCompileException(ErrorCodes.BadCheckpoint, "the zip has no data.pkl (not a torch.save file)", file: f.Path);
        string prefix = pkl.Name[..^"data.pkl".Length];
        if (pkl.Size > 256L << 20) throw new LiteRtCompileException(ErrorCodes.BadCheckpoint, $"data.pkl is {pkl.Size} bytes; too large for a state dict", file: f.Path);
        var root = RestrictedUnpickler.Load(f.Span(pkl.DataOffset, (int)pkl.Size, "data.pkl").ToArray(), f.Path);
        if (root is not PyDict dict) throw new LiteRtCompileException(ErrorCodes.BadCheckpoint, "the pickle is not a state dict (a dict of tensors)", file: f.Path);

        var tensors = new List<CheckpointTensor>();
        foreach (var (key, value) in dict.Items)
        {
            if (key is not string name) throw new LiteRtCompileException(ErrorCodes.BadCheckpoint, $"state dict key {key} is not a string", file: f.Path);
            if (value is not TensorRef t) continue; // non-tensor entries (e.g. metadata) carry no weights
            LiteRtCompileException BadTensor(string why) => new(ErrorCodes.BadCheckpointTensor, $"tensor '{name}': {why}", file: f.Path);
            SourceDType dtype = t.Storage.StorageType switch
            {
                "FloatStorage" => SourceDType.F32,
                "HalfStorage" => SourceDType.F16,
                "BFloat16Storage" => SourceDType.BF16,
                var other => throw BadTensor($"storage type {other} is not supported (float32, float16, bfloat16)"),
            };
            var shape = new int[t.Size.Length];
            long count = 1, expect = 1;
            for (int d = t.Size.Length - 1; d >= 0; d--)
            {
                if (t.Size[d] < 0 || t.Size[d] > int.MaxValue) throw BadTensor($"bad size {t.Size[d]}");
                shape[d] = (int)t.Size[d];
                if (t.Size[d] != 1 && t.Stride[d] != expect) throw BadTensor("is not contiguous (strided views are not supported)");
                expect *= t.Size[d];
                count = checked(count * t.Size[d]);
            }
            if (!entries.TryGetValue(prefix + "data/" + t.Storage.Key, out var storage)) throw BadTensor($"storage '{t.Storage.Key}' is missing from the zip");
            int es = CheckpointTensor.ElementSize(dtype);
            long begin = checked(t.Offset * es), bytes = checked(count * es);
            if (t.Offset < 0 || begin + bytes > storage.Size) throw BadTensor($"view [{t.Offset}, +{count}) exceeds its {storage.Size / es}-element storage");
            tensors.Add(new CheckpointTensor(name, dtype, shape, f.Pointer + storage.DataOffset + begin, bytes, f.Path));
        }
        return tensors;
    }
}
