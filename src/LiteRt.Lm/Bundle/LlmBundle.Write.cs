using System.Buffers.Binary;
using System.Text;
using LiteRt.Graph.TfLite;

namespace LiteRt.Lm.Bundle;

/// <summary>Options for <see cref="LlmBundle.Write(string, string, string, LlmBundleWriteOptions?)"/>.</summary>
public sealed record LlmBundleWriteOptions
{
    /// <summary>The model's context (LlmMetadata.max_num_tokens); null: read from the model's <c>kv_cache_k_0</c> input.</summary>
    public int? MaxNumTokens { get; init; }

    /// <summary>Entries for the header's system metadata (a <c>producer</c> entry is always written).</summary>
    public IReadOnlyList<BundleItem> SystemMetadata { get; init; } = [];
}

/// <summary>What was written: the metadata, the section table, and what the checkpoint had that the bundle does not carry.</summary>
public sealed record LlmBundleWriteResult(LlmMetadata Metadata, IReadOnlyList<BundleSection> Sections, IReadOnlyList<string> Notes);

public sealed partial class LlmBundle
{
    /// <summary>
    /// Writes a <c>.litertlm</c> file: the LlmMetadata section, the zlib'd tokenizer.json, then the decoder
    /// <c>.tflite</c> (streamed, never loaded whole), each starting on a 16 KiB boundary. Metadata comes from the
    /// checkpoint folder (see <see cref="CheckpointMetadata"/>). The file appears only once complete.
    /// </summary>
    public static LlmBundleWriteResult Write(string outputPath, string tflitePath, string checkpointDirectory, LlmBundleWriteOptions? options = null)
    {
        string temp = outputPath + ".tmp";
        try
        {
            LlmBundleWriteResult result;
            using (var model = File.OpenRead(tflitePath))
            using (var output = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
                result = Write(output, model, checkpointDirectory, options);
            File.Move(temp, outputPath, overwrite: true);
            return result;
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    /// <summary>Writes a bundle to <paramref name="output"/>; <paramref name="tflite"/> must know its length (a file or seekable stream).</summary>
    public static LlmBundleWriteResult Write(Stream output, Stream tflite, string checkpointDirectory, LlmBundleWriteOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(tflite);
        options ??= new LlmBundleWriteOptions();
        if (!tflite.CanSeek) throw new ArgumentException("the .tflite stream must be seekable (its length goes in the header before its bytes)", nameof(tflite));
        long modelLength = tflite.Length - tflite.Position;
        var notes = new List<string>();
        int maxTokens = options.MaxNumTokens ?? (tflite is FileStream fs ? ContextOf(fs.Name, notes) : 0);
        if (options.MaxNumTokens is null && tflite is not FileStream) notes.Add("max_num_tokens not stated (the model came from a stream; pass MaxNumTokens)");
        var checkpoint = CheckpointMetadata.FromDirectory(checkpointDirectory, maxTokens);
        notes.AddRange(checkpoint.Notes);

        byte[] metadata = checkpoint.Metadata.ToBytes();
        byte[] tokenizer = TokenizerCodec.Compress(checkpoint.TokenizerJson);
        var lengths = new long[] { metadata.Length, tokenizer.Length, modelLength };
        var types = new[] { SectionDataType.LlmMetadataProto, SectionDataType.HFTokenizerZlib, SectionDataType.TFLiteModel };
        var items = new IReadOnlyList<BundleItem>[]
        {
            checkpoint.MetadataItems, checkpoint.TokenizerItems, [new BundleItem(LitertLmFormat.ModelTypeKey, LitertLmFormat.PrefillDecodeModelType)],
        };
        var system = new List<BundleItem> { new("producer", "LiteRt.Build") };
        system.AddRange(options.SystemMetadata.Where(i => i.Key != "producer"));

        // Offsets do not depend on the header's size as long as it fits in the first block (checked below).
        var layout = new List<(SectionDataType, long, long, IReadOnlyList<BundleItem>)>();
        long at = LitertLmFormat.BlockSize;
        for (int i = 0; i < types.Length; i++)
        {
            layout.Add((types[i], at, at + lengths[i], items[i]));
            at = AlignUp(at + lengths[i]);
        }
        byte[] header = BundleHeader.Write(system, layout);
        if (LitertLmFormat.HeaderBeginOffset + header.Length > LitertLmFormat.BlockSize)
            throw new InvalidOperationException($"the {header.Length}-byte header does not fit in the first {LitertLmFormat.BlockSize}-byte block (LiteRT-LM reads only that block); use fewer or shorter items");

        Span<byte> fixedHeader = stackalloc byte[LitertLmFormat.HeaderBeginOffset];
        fixedHeader.Clear();
        Encoding.ASCII.GetBytes(LitertLmFormat.Magic, fixedHeader);
        BinaryPrimitives.WriteUInt32LittleEndian(fixedHeader[8..], LitertLmFormat.MajorVersion);
        BinaryPrimitives.WriteUInt32LittleEndian(fixedHeader[12..], LitertLmFormat.MinorVersion);
        BinaryPrimitives.WriteUInt32LittleEndian(fixedHeader[16..], LitertLmFormat.PatchVersion);
        BinaryPrimitives.WriteUInt64LittleEndian(fixedHeader[LitertLmFormat.HeaderEndFieldOffset..], (ulong)(LitertLmFormat.HeaderBeginOffset + header.Length));
        output.Write(fixedHeader);
        output.Write(header);
        long written = LitertLmFormat.HeaderBeginOffset + header.Length;
        Pad(output, ref written);
        output.Write(metadata);
        written += metadata.Length;
        Pad(output, ref written);
        output.Write(tokenizer);
        written += tokenizer.Length;
        Pad(output, ref written);
        long copied = Copy(tflite, output);
        if (copied != modelLength) throw new IOException($"the .tflite stream gave {copied} bytes, not the {modelLength} it announced");
        written += copied;
        Pad(output, ref written);
        output.Flush();

        var sections = layout.Select((s, i) => new BundleSection(i, s.Item1, s.Item2, s.Item3, s.Item4)).ToArray();
        return new LlmBundleWriteResult(checkpoint.Metadata, sections, notes);
    }

    private static long AlignUp(long offset) => (offset + LitertLmFormat.BlockSize - 1) / LitertLmFormat.BlockSize * LitertLmFormat.BlockSize;

    private static void Pad(Stream output, ref long written)
    {
        long target = AlignUp(written);
        Span<byte> zeros = stackalloc byte[1024];
        zeros.Clear();
        while (written < target)
        {
            int n = (int)Math.Min(zeros.Length, target - written);
            output.Write(zeros[..n]);
            written += n;
        }
    }

    private static long Copy(Stream from, Stream to)
    {
        var buffer = new byte[1 << 20];
        long total = 0;
        int n;
        while ((n = from.Read(buffer)) > 0)
        {
            to.Write(buffer, 0, n);
            total += n;
        }
        return total;
    }

    /// <summary>The KV-cache length of the model's <c>decode</c> signature (dim 1 of <c>kv_cache_k_0</c>), or 0 with a note.</summary>
    private static int ContextOf(string tflitePath, List<string> notes)
    {
        using var model = TfLiteModel.Open(tflitePath);
        var signatures = model.Graph.SignaturesOrDefault();
        var sig = signatures.FirstOrDefault(s => s.Key == "decode") ?? signatures[0];
        var input = sig.Inputs.FirstOrDefault(i => i.Name == "kv_cache_k_0");
        var dims = input is null ? null : model.Graph.Subgraphs[sig.SubgraphIndex].Tensors[input.TensorIndex].Shape;
        if (dims is { Length: 4 } && dims[1] > 0) return dims[1];
        notes.Add($"max_num_tokens not stated: signature '{sig.Key}' has no kv_cache_k_0 input of shape [1, context, heads, head_dim]");
        return 0;
    }
}
