using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using LiteRt.Format;
using LiteRt.Format.TfLite;
using LiteRt.Graph;
using LiteRt.Graph.TfLite;
using LiteRt.Lm.Tokenization;
using System.Security.Cryptography;
using LiteRt.Runtime;
using LiteRt.Runtime.Planning;

namespace LiteRt.Lm.Bundle;

/// <summary>
/// An opened <c>.litertlm</c> file (LiteRT-LM's container): magic <c>LITERTLM</c>, u32 major/minor/patch, u64 header
/// end, a FlatBuffer header listing sections, 16 KiB-aligned sections (the decoder <c>.tflite</c>, the zlib'd
/// Hugging Face tokenizer, the <see cref="LlmMetadata"/> protobuf). The file is memory-mapped; the model section is
/// handed to the runtime in place. Every size and offset read from the file is checked before use, and nothing is
/// allocated from an untrusted size beyond fixed limits.
/// </summary>
public sealed partial class LlmBundle : IDisposable
{
    /// <summary>Largest FlatBuffer header accepted (LiteRT-LM writes at most 16 KiB).</summary>
    public const int MaxHeaderBytes = 1 << 20;

    /// <summary>Largest metadata section decoded.</summary>
    public const int MaxMetadataBytes = 64 << 20;

    /// <summary>Largest uncompressed tokenizer.json accepted.</summary>
    public const int MaxTokenizerBytes = 256 << 20;

    private readonly MappedFile _file;
    private LlmMetadata? _metadata;
    private bool _metadataRead;

    private LlmBundle(string path, MappedFile file, (uint, uint, uint) version, long headerEnd, IReadOnlyList<BundleItem> system, IReadOnlyList<BundleSection> sections)
    {
        Path = path;
        _file = file;
        Version = version;
        HeaderEnd = headerEnd;
        SystemMetadata = system;
        Sections = sections;
    }

    public string Path { get; }
    public long FileLength => _file.Length;
    public (uint Major, uint Minor, uint Patch) Version { get; }
    public long HeaderEnd { get; }
    public IReadOnlyList<BundleItem> SystemMetadata { get; }
    public IReadOnlyList<BundleSection> Sections { get; }

    /// <summary>True when the file starts with the <c>LITERTLM</c> magic (a cheap test for tools choosing a reader).</summary>
    public static bool HasMagic(string path)
    {
        using var s = File.OpenRead(path);
        Span<byte> magic = stackalloc byte[8];
        return s.ReadAtLeast(magic, 8, throwOnEndOfStream: false) == 8 && magic.SequenceEqual(Encoding.ASCII.GetBytes(LitertLmFormat.Magic));
    }

    /// <summary>Opens and validates the container (header and section table; section contents are read on demand).</summary>
    /// <exception cref="LlmBundleException">The file is not a valid <c>.litertlm</c> file.</exception>
    public static LlmBundle Open(string path)
    {
        path = System.IO.Path.GetFullPath(path);
        var stream = MappedFile.OpenRead(path);
        long length = stream.Length;
        if (length < LitertLmFormat.HeaderBeginOffset)
        {
            stream.Dispose();
            throw new LlmBundleException(path, "(file)", 0, $"{length} bytes is too small for a .litertlm file (the fixed header alone is {LitertLmFormat.HeaderBeginOffset})");
        }
        var file = new MappedFile(stream);
        try
        {
            return Parse(path, file);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    private static LlmBundle Parse(string path, MappedFile file)
    {
        var fixedHeader = file.Slice(0, LitertLmFormat.HeaderBeginOffset).Span;
        if (!fixedHeader[..8].SequenceEqual(Encoding.ASCII.GetBytes(LitertLmFormat.Magic)))
            throw new LlmBundleException(path, "magic", 0, $"expected 'LITERTLM', found {Convert.ToHexString(fixedHeader[..8])}; not a .litertlm file");
        uint major = BinaryPrimitives.ReadUInt32LittleEndian(fixedHeader[8..]);
        uint minor = BinaryPrimitives.ReadUInt32LittleEndian(fixedHeader[12..]);
        uint patch = BinaryPrimitives.ReadUInt32LittleEndian(fixedHeader[16..]);
        if (major != LitertLmFormat.MajorVersion)
            throw new LlmBundleException(path, "major_version", 8, $"version {major}.{minor}.{patch} is not supported (this reader reads major version {LitertLmFormat.MajorVersion})");
        ulong headerEnd = BinaryPrimitives.ReadUInt64LittleEndian(fixedHeader[LitertLmFormat.HeaderEndFieldOffset..]);
        if (headerEnd <= LitertLmFormat.HeaderBeginOffset || headerEnd > (ulong)file.Length)
            throw new LlmBundleException(path, "header_end_offset", LitertLmFormat.HeaderEndFieldOffset, $"{headerEnd} is outside ({LitertLmFormat.HeaderBeginOffset}, {file.Length}] (the file's length)");
        if (headerEnd - LitertLmFormat.HeaderBeginOffset > MaxHeaderBytes)
            throw new LlmBundleException(path, "header_end_offset", LitertLmFormat.HeaderEndFieldOffset, $"a {headerEnd - LitertLmFormat.HeaderBeginOffset}-byte header exceeds the {MaxHeaderBytes}-byte limit");

        IReadOnlyList<BundleItem> system;
        IReadOnlyList<(SectionDataType Type, long Begin, long End, IReadOnlyList<BundleItem> Items)> raw;
        try
        {
            (system, raw) = BundleHeader.Read(file.Slice(LitertLmFormat.HeaderBeginOffset, (int)headerEnd - LitertLmFormat.HeaderBeginOffset));
        }
        catch (LiteRtFormatException e)
        {
            throw new LlmBundleException(path, $"header {e.Table}.{e.Field}", LitertLmFormat.HeaderBeginOffset + e.Offset, e.Reason, e);
        }

        var sections = new List<BundleSection>(raw.Count);
        for (int i = 0; i < raw.Count; i++)
        {
            var (type, begin, end, items) = raw[i];
            string field = $"section_metadata.objects[{i}]";
            if (begin > end) throw new LlmBundleException(path, field, begin, $"begin_offset {begin} is after end_offset {end}");
            if (begin < (long)headerEnd) throw new LlmBundleException(path, field, begin, $"begins at {begin}, inside the header (which ends at {headerEnd})");
            if (end > file.Length) throw new LlmBundleException(path, field, begin, $"ends at {end}, past the end of the {file.Length}-byte file (truncated?)");
            sections.Add(new BundleSection(i, type, begin, end, items));
        }
        var sorted = sections.OrderBy(s => s.Begin).ToList();
        for (int i = 1; i < sorted.Count; i++)
            if (sorted[i].Begin < sorted[i - 1].End)
                throw new LlmBundleException(path, $"section_metadata.objects[{sorted[i].Index}]", sorted[i].Begin,
                    $"overlaps section {sorted[i - 1].Index} [{sorted[i - 1].Begin}, {sorted[i - 1].End})");
        return new LlmBundle(path, file, (major, minor, patch), (long)headerEnd, system, sections);
    }

    /// <summary>The first section of <paramref name="type"/>, or null.</summary>
    public BundleSection? FindSection(SectionDataType type) => Sections.FirstOrDefault(s => s.DataType == type);

    /// <summary>A zero-copy view of a section (valid while the bundle is open).</summary>
    public ReadOnlyMemory<byte> SectionBytes(BundleSection section, int limit = int.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(section);
        if (section.Length > limit)
            throw new LlmBundleException(Path, $"section {section.Index} ({section.DataType.Name()})", section.Begin, $"{section.Length} bytes exceeds the {limit}-byte limit for this section type");
        return _file.Slice(section.Begin, (int)section.Length);
    }

    /// <summary>The <see cref="LlmMetadata"/> section decoded, or null when the file has none.</summary>
    public LlmMetadata? Metadata
    {
        get
        {
            if (_metadataRead) return _metadata;
            if (FindSection(SectionDataType.LlmMetadataProto) is { } s)
            {
                try
                {
                    _metadata = LlmMetadata.FromBytes(SectionBytes(s, MaxMetadataBytes));
                }
                catch (InvalidDataException e)
                {
                    throw new LlmBundleException(Path, $"section {s.Index} (LlmMetadataProto)", s.Begin, e.Message, e);
                }
            }
            _metadataRead = true;
            return _metadata;
        }
    }

    /// <summary>The Hugging Face <c>tokenizer.json</c> text of the HF_Tokenizer_Zlib section.</summary>
    public string ReadTokenizerJson()
    {
        var s = FindSection(SectionDataType.HFTokenizerZlib)
            ?? throw new LlmBundleException(Path, "sections", HeaderEnd, FindSection(SectionDataType.SentencePieceTokenizer) is not null
                ? "the tokenizer is a SentencePiece model (SP_Tokenizer), which this library does not read; it reads Hugging Face tokenizer.json (HF_Tokenizer_Zlib)"
                : "no tokenizer section (HF_Tokenizer_Zlib)");
        return Encoding.UTF8.GetString(TokenizerCodec.Decompress(SectionBytes(s), Path, s));
    }

    /// <summary>
    /// The tokenizer, with the special-token strings of the tokenizer section's items and the metadata's Jinja template
    /// as its chat template: what <see cref="Tokenizer.FromDirectory"/> gives for the checkpoint the bundle was made from.
    /// </summary>
    public Tokenizer CreateTokenizer()
    {
        string json = ReadTokenizerJson();
        var section = FindSection(SectionDataType.HFTokenizerZlib)!;
        string config = TokenizerCodec.ConfigJson(section.Items, Metadata?.JinjaPromptTemplate);
        try
        {
            return Tokenizer.FromJson(json, config);
        }
        catch (Exception e) when (e is InvalidDataException or System.Text.Json.JsonException or NotSupportedException)
        {
            throw new LlmBundleException(Path, $"section {section.Index} (HF_Tokenizer_Zlib)", section.Begin, $"tokenizer.json: {e.Message}", e);
        }
    }

    /// <summary>The decoder's TFLite section: the first with <c>model_type</c> <c>tf_lite_prefill_decode</c> or none.</summary>
    public BundleSection DecoderSection => Sections.FirstOrDefault(s => s.DataType == SectionDataType.TFLiteModel
            && (s.Item(LitertLmFormat.ModelTypeKey) is not string t || string.Equals(t, LitertLmFormat.PrefillDecodeModelType, StringComparison.OrdinalIgnoreCase)))
        ?? throw new LlmBundleException(Path, "sections", HeaderEnd, "no TFLiteModel section with model_type tf_lite_prefill_decode");

    /// <summary>
    /// Prepares the decoder model straight from the mapped file (no copy; weights stay in the mapping). The model is
    /// valid while this bundle is open: dispose the model first.
    /// </summary>
    public CompiledModel LoadModel(RuntimeOptions? options = null) => CompiledModel.FromGraph(ReadModelGraph(), options);

    /// <summary>
    /// Prepares the decoder with a build-time plan (what generated wrappers call): the plan is checked against the
    /// decoder section's size and SHA-256 and, when it does not match, the runtime plans the model itself and says why.
    /// </summary>
    public CompiledModel LoadModel(PrecomputedPlan plan, RuntimeOptions? options = null)
    {
        var s = DecoderSection;
        return CompiledModel.FromGraph(ReadModelGraph(), plan, s.Length, DecoderSha256(), options, source: $"{Path} (section {s.Index}, TFLiteModel)");
    }

    /// <summary>SHA-256 of the decoder section's bytes (the .tflite as written into the bundle), hashed through the mapping.</summary>
    public byte[] DecoderSha256()
    {
        var s = DecoderSection;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        const int Chunk = 16 << 20;
        for (long at = 0; at < s.Length; at += Chunk)
            hash.AppendData(_file.Slice(s.Begin + at, (int)Math.Min(Chunk, s.Length - at)).Span);
        return hash.GetHashAndReset();
    }

    /// <summary>The decoder section as IR, read in place (constant data refers to the mapping; valid while the bundle is open).</summary>
    public ModelGraph ReadModelGraph()
    {
        var s = DecoderSection;
        string source = $"{Path} (section {s.Index}, TFLiteModel)";
        long begin = s.Begin, length = s.Length;
        try
        {
            var flatBuffer = _file.Slice(begin, (int)Math.Min(length, int.MaxValue));
            var model = TflModelReader.Read(flatBuffer, length, (offset, count) => _file.Slice(begin + offset, count));
            return TfLiteImporter.Import(model, source);
        }
        catch (LiteRtFormatException e)
        {
            throw new LlmBundleException(Path, $"section {s.Index} (TFLiteModel) {e.Table}.{e.Field}", begin + e.Offset, e.Reason, e);
        }
    }

    public void Dispose() => _file.Dispose();
}
