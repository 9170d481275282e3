using System.Buffers.Binary;
using System.IO.Compression;
using System.Text.Json;

namespace LiteRt.Lm.Bundle;

/// <summary>
/// The HF_Tokenizer_Zlib section: u64 little-endian uncompressed size, then a zlib stream of <c>tokenizer.json</c>.
/// LiteRT-LM keeps tokenizer_config.json's special-token strings elsewhere (start/stop tokens); this library also puts
/// them in the section's items so the tokenizer rebuilt from a bundle decodes and templates exactly as the checkpoint's.
/// </summary>
internal static class TokenizerCodec
{
    /// <summary>tokenizer_config.json keys carried as section items (strings and booleans only).</summary>
    public static readonly string[] ConfigKeys =
        ["bos_token", "eos_token", "unk_token", "pad_token", "tokenizer_class", "add_bos_token", "add_eos_token", "clean_up_tokenization_spaces"];

    // zlib cannot expand data by more than about 1032:1; a larger claimed size is a lie.
    private const long MaxRatio = 1032;

    public static byte[] Compress(ReadOnlySpan<byte> json)
    {
        var output = new MemoryStream();
        Span<byte> size = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(size, (ulong)json.Length);
        output.Write(size);
        using (var z = new ZLibStream(output, CompressionLevel.SmallestSize, leaveOpen: true)) z.Write(json);
        return output.ToArray();
    }

    public static byte[] Decompress(ReadOnlyMemory<byte> section, string file, BundleSection where)
    {
        string field = $"section {where.Index} (HF_Tokenizer_Zlib)";
        if (section.Length < 8) throw new LlmBundleException(file, field, where.Begin, $"{section.Length} bytes cannot hold the 8-byte uncompressed size");
        ulong declared = BinaryPrimitives.ReadUInt64LittleEndian(section.Span);
        long compressed = section.Length - 8;
        if (declared > LlmBundle.MaxTokenizerBytes)
            throw new LlmBundleException(file, field + ".uncompressed_size", where.Begin, $"{declared} bytes exceeds the {LlmBundle.MaxTokenizerBytes}-byte limit");
        if (declared > (ulong)(compressed * MaxRatio + 64))
            throw new LlmBundleException(file, field + ".uncompressed_size", where.Begin, $"{declared} bytes cannot come from {compressed} compressed bytes (zlib expands at most ~{MaxRatio}:1)");
        var result = new byte[declared];
        try
        {
            using var z = new ZLibStream(new ReadOnlyMemoryStream(section[8..]), CompressionMode.Decompress);
            int read = z.ReadAtLeast(result, result.Length, throwOnEndOfStream: false);
            if (read != result.Length)
                throw new LlmBundleException(file, field, where.Begin + 8, $"the zlib stream holds {read} bytes, not the {declared} the section declares");
            if (z.ReadByte() >= 0)
                throw new LlmBundleException(file, field, where.Begin + 8, $"the zlib stream holds more than the {declared} bytes the section declares");
        }
        catch (InvalidDataException e)
        {
            throw new LlmBundleException(file, field, where.Begin + 8, $"corrupt zlib stream: {e.Message}", e);
        }
        return result;
    }

    /// <summary>The section items for a checkpoint's tokenizer_config.json (null when it has none).</summary>
    public static List<BundleItem> ItemsFromConfig(string? configJson)
    {
        var items = new List<BundleItem>();
        if (configJson is null) return items;
        using var doc = JsonDocument.Parse(configJson);
        foreach (string key in ConfigKeys)
        {
            if (!doc.RootElement.TryGetProperty(key, out var v)) continue;
            switch (v.ValueKind)
            {
                case JsonValueKind.String: items.Add(new BundleItem(key, v.GetString()!)); break;
                case JsonValueKind.True or JsonValueKind.False: items.Add(new BundleItem(key, v.GetBoolean())); break;
                case JsonValueKind.Object when v.TryGetProperty("content", out var c) && c.ValueKind == JsonValueKind.String:
                    items.Add(new BundleItem(key, c.GetString()!));
                    break;
            }
        }
        return items;
    }

    /// <summary>A tokenizer_config.json equivalent rebuilt from the section items and the metadata's chat template.</summary>
    public static string ConfigJson(IReadOnlyList<BundleItem> items, string? chatTemplate)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            foreach (var item in items)
            {
                if (!ConfigKeys.Contains(item.Key)) continue;
                if (item.Value is string s) w.WriteString(item.Key, s);
                else if (item.Value is bool b) w.WriteBoolean(item.Key, b);
            }
            if (chatTemplate is not null) w.WriteString("chat_template", chatTemplate);
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>A read-only stream over memory (no copy of the compressed bytes).</summary>
    private sealed class ReadOnlyMemoryStream(ReadOnlyMemory<byte> data) : Stream
    {
        private int _pos;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => data.Length;
        public override long Position { get => _pos; set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
        public override int Read(Span<byte> buffer)
        {
            int n = Math.Min(buffer.Length, data.Length - _pos);
            data.Span.Slice(_pos, n).CopyTo(buffer);
            _pos += n;
            return n;
        }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
