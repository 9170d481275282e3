using System.Text;
using System.Text.Json;

namespace LiteRt.Compiler.Import.HuggingFace;

/// <summary>
/// A <c>.safetensors</c> file: u64 little-endian header length, a JSON header mapping names to
/// <c>{dtype, shape, data_offsets:[begin,end]}</c> (offsets relative to the end of the header), then raw bytes.
/// Memory-mapped; every offset is checked against the file and against dtype × shape before a tensor is exposed.
/// </summary>
internal static unsafe class SafetensorsFile
{
    private const long MaxHeaderBytes = 100L << 20;

    public static List<CheckpointTensor> Read(MappedCheckpointFile file)
    {
        LiteRtCompileException Bad(string why) => new(ErrorCodes.BadCheckpoint, why, file: file.Path);
        if (file.Length < 8) throw Bad($"{file.Length} bytes is too short for a safetensors header");
        long headerLength = BitConverter.ToInt64(file.Span(0, 8, "header length"));
        if (headerLength <= 0 || headerLength > MaxHeaderBytes || headerLength > file.Length - 8)
            throw Bad($"header length {headerLength} does not fit the {file.Length}-byte file");
        long dataStart = 8 + headerLength;
        long dataLength = file.Length - dataStart;

        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(Encoding.UTF8.GetString(file.Span(8, (int)headerLength, "header")).TrimEnd(' ', '\0'));
        }
        catch (JsonException e)
        {
            throw Bad($"the header is not valid JSON: {e.Message}");
        }
        var tensors = new List<CheckpointTensor>();
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object) throw Bad("the header is not a JSON object");
            foreach (var entry in doc.RootElement.EnumerateObject())
            {
                if (entry.Name == "__metadata__") continue;
                var e = entry.Value;
                string where = $"tensor '{entry.Name}'";
                if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty("dtype", out var dt) || dt.ValueKind != JsonValueKind.String
                    || !e.TryGetProperty("shape", out var sh) || sh.ValueKind != JsonValueKind.Array
                    || !e.TryGetProperty("data_offsets", out var off) || off.ValueKind != JsonValueKind.Array || off.GetArrayLength() != 2)
                    throw Bad($"{where}: needs dtype, shape and data_offsets [begin, end]");
                SourceDType dtype = dt.GetString() switch
                {
                    "F32" => SourceDType.F32,
                    "F16" => SourceDType.F16,
                    "BF16" => SourceDType.BF16,
                    var other => throw new LiteRtCompileException(ErrorCodes.BadCheckpointTensor,
                        $"{where}: dtype {other} is not supported (F32, F16, BF16)", file: file.Path),
                };
                var shape = new int[sh.GetArrayLength()];
                int k = 0;
                long count = 1;
                foreach (var d in sh.EnumerateArray())
                {
                    if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt32(out int v) || v < 0) throw Bad($"{where}: bad dim {d.GetRawText()}");
                    shape[k++] = v;
                    count = checked(count * v);
                }
                if (!off[0].TryGetInt64(out long begin) || !off[1].TryGetInt64(out long end) || begin < 0 || end < begin || end > dataLength)
                    throw Bad($"{where}: data_offsets [{off[0].GetRawText()}, {off[1].GetRawText()}] lie outside the {dataLength} data bytes");
                long expected = count * CheckpointTensor.ElementSize(dtype);
                if (end - begin != expected)
                    throw Bad($"{where}: {end - begin} bytes, but {dt.GetString()}[{string.Join(",", shape)}] needs {expected}");
                tensors.Add(new CheckpointTensor(entry.Name, dtype, shape, file.Pointer + dataStart + begin, expected, file.Path));
            }
        }
        return tensors;
    }
}
