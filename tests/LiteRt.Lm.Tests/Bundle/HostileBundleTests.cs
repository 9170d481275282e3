using System.Buffers.Binary;
using System.Text;
using LiteRt.Lm.Bundle;

namespace LiteRt.Lm.Tests.Bundle;

/// <summary>Truncated, corrupted and hostile .litertlm files: always an <see cref="LlmBundleException"/> naming the field, never a crash or a huge allocation.</summary>
public sealed class HostileBundleTests : IDisposable
{
    private readonly BundleFixture _fx = new();
    private readonly byte[] _valid;
    private readonly IReadOnlyList<BundleSection> _sections;

    public HostileBundleTests()
    {
        string path = _fx.In("valid.litertlm");
        LlmBundle.Write(path, _fx.ModelPath, _fx.Checkpoint);
        _valid = File.ReadAllBytes(path);
        using var b = LlmBundle.Open(path);
        _sections = b.Sections;
    }

    public void Dispose() => _fx.Dispose();

    private LlmBundleException OpenFails(byte[] bytes, string field)
    {
        string path = _fx.In(Guid.NewGuid().ToString("N") + ".litertlm");
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<LlmBundleException>(() => LlmBundle.Open(path).Dispose());
        Assert.Contains(field, e.Message);
        Assert.Contains(path, e.Message);
        return e;
    }

    /// <summary>Opens a file that is valid as a container and returns the bundle (for section-level failures).</summary>
    private LlmBundle OpenMutated(Action<byte[]> mutate)
    {
        var bytes = (byte[])_valid.Clone();
        mutate(bytes);
        string path = _fx.In(Guid.NewGuid().ToString("N") + ".litertlm");
        File.WriteAllBytes(path, bytes);
        return LlmBundle.Open(path);
    }

    private byte[] With(Action<byte[]> mutate)
    {
        var bytes = (byte[])_valid.Clone();
        mutate(bytes);
        return bytes;
    }

    [Fact]
    public void FixedHeader()
    {
        OpenFails(_valid[..20], "(file)");
        OpenFails(With(b => b[0] = (byte)'X'), "magic");
        OpenFails(With(b => BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(8), 2)), "major_version");
        OpenFails(With(b => BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(24), (ulong)_valid.Length + 100)), "header_end_offset");
        OpenFails(With(b => BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(24), ulong.MaxValue)), "header_end_offset");
        OpenFails(With(b => BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(24), 16)), "header_end_offset");
        OpenFails(_valid[..(int)(_sections[2].Begin + 100)], "past the end");      // truncated inside the model
    }

    [Fact]
    public void CorruptFlatBufferHeader()
    {
        OpenFails(With(b => b.AsSpan(32, 8).Fill(0xFF)), "header");
        OpenFails(With(b => b.AsSpan(32, 4).Clear()), "header");
    }

    [Fact]
    public void SectionTablesThatLie()
    {
        OpenFails(Craft([(SectionDataType.TFLiteModel, 40, 8200)]), "inside the header");
        OpenFails(Craft([(SectionDataType.TFLiteModel, 16384, 16300)]), "after end_offset");
        OpenFails(Craft([(SectionDataType.TFLiteModel, 16384, 1L << 40)]), "past the end");
        OpenFails(Craft([(SectionDataType.TFLiteModel, 16384, 20000), (SectionDataType.LlmMetadataProto, 19000, 21000)]), "overlaps");
        using var empty = OpenCrafted(Craft([]));
        Assert.Null(empty.Metadata);
        Assert.Contains("no tokenizer section", Assert.Throws<LlmBundleException>(() => empty.ReadTokenizerJson()).Message);
        Assert.Contains("tf_lite_prefill_decode", Assert.Throws<LlmBundleException>(() => empty.LoadModel()).Message);
    }

    [Fact]
    public void TokenizerSection()
    {
        long at = _sections[1].Begin;
        using (var b = OpenMutated(x => BinaryPrimitives.WriteUInt64LittleEndian(x.AsSpan((int)at), 1UL << 60)))
            Assert.Contains("uncompressed_size", Assert.Throws<LlmBundleException>(() => b.ReadTokenizerJson()).Message);
        using (var b = OpenMutated(x => BinaryPrimitives.WriteUInt64LittleEndian(x.AsSpan((int)at), (ulong)_sections[1].Length * 2000)))
            Assert.Contains("cannot come from", Assert.Throws<LlmBundleException>(() => b.ReadTokenizerJson()).Message);
        ulong actual = BinaryPrimitives.ReadUInt64LittleEndian(_valid.AsSpan((int)at));
        using (var b = OpenMutated(x => BinaryPrimitives.WriteUInt64LittleEndian(x.AsSpan((int)at), actual + 1)))
            Assert.Contains("not the", Assert.Throws<LlmBundleException>(() => b.ReadTokenizerJson()).Message);
        using (var b = OpenMutated(x => BinaryPrimitives.WriteUInt64LittleEndian(x.AsSpan((int)at), actual - 1)))
            Assert.Contains("more than", Assert.Throws<LlmBundleException>(() => b.ReadTokenizerJson()).Message);
        using (var b = OpenMutated(x => x.AsSpan((int)at + 8, 16).Fill(0x5A)))
            Assert.Contains("HF_Tokenizer_Zlib", Assert.Throws<LlmBundleException>(() => b.ReadTokenizerJson()).Message);
    }

    [Fact]
    public void MetadataAndModelSections()
    {
        int meta = (int)_sections[0].Begin;
        using (var b = OpenMutated(x => new byte[] { 0x0A, 0xFF, 0xFF, 0xFF, 0x0F }.CopyTo(x, meta)))
            Assert.Contains("LlmMetadataProto", Assert.Throws<LlmBundleException>(() => b.Metadata).Message);
        int model = (int)_sections[2].Begin;
        using (var b = OpenMutated(x => x.AsSpan(model, 64).Fill(0x7F)))
            Assert.Contains("TFLiteModel", Assert.Throws<LlmBundleException>(() => b.LoadModel()).Message);
    }

    private LlmBundle OpenCrafted(byte[] bytes)
    {
        string path = _fx.In(Guid.NewGuid().ToString("N") + ".litertlm");
        File.WriteAllBytes(path, bytes);
        return LlmBundle.Open(path);
    }

    /// <summary>A container with the given section table over 32 KiB of zeros.</summary>
    private static byte[] Craft(IReadOnlyList<(SectionDataType Type, long Begin, long End)> sections)
    {
        byte[] header = BundleHeader.Write([new BundleItem("producer", "test")], sections.Select(s => (s.Type, s.Begin, s.End, (IReadOnlyList<BundleItem>)[])).ToList());
        var bytes = new byte[32768];
        Encoding.ASCII.GetBytes("LITERTLM").CopyTo(bytes, 0);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), 1);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(24), (ulong)(32 + header.Length));
        header.CopyTo(bytes, 32);
        return bytes;
    }
}
