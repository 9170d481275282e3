using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;
using LiteRt.Format.FlatBuffers;
using LiteRt.Format.Schema;
using LiteRt.Format.TfLite;

namespace LiteRt.Format.Tests;

/// <summary>Malformed and malicious files: every one must fail with <see cref="LiteRtFormatException"/>, quickly.</summary>
public sealed class HostileInputTests
{
    private static LiteRtFormatException Rejects(byte[] file) => Assert.Throws<LiteRtFormatException>(() => TflModelReader.Read(file));

    private static void WriteU32(byte[] b, int at, uint v) => BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(at), v);

    private static int Find(byte[] b, string ascii) => b.AsSpan().IndexOf(Encoding.ASCII.GetBytes(ascii));

    [Fact]
    public void TinyAndEmptyBuffers()
    {
        for (int n = 0; n < 8; n++) Rejects(new byte[n]);
    }

    [Fact]
    public void MissingFileIdentifierIsNamed()
    {
        var file = SyntheticModel.Bytes();
        file[4] = (byte)'X';
        var e = Rejects(file);
        Assert.Contains("file identifier", e.Message);
        Assert.Contains("TFL3", e.Message);
    }

    [Fact]
    public void TruncationAtEveryLength()
    {
        var file = SyntheticModel.Bytes();
        int parsed = 0;
        for (int n = 0; n < file.Length; n++)
        {
            try { TflModelReader.Read(file.AsMemory(0, n)); parsed++; }
            catch (LiteRtFormatException) { }
        }
        // Only cutting trailing padding could leave a valid file.
        Assert.True(parsed < 32, $"{parsed} truncations parsed");
    }

    [Fact]
    public void RootOffsetOutside()
    {
        var file = SyntheticModel.Bytes();
        foreach (uint v in new uint[] { 0, 2, (uint)file.Length, (uint)file.Length - 3, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF })
        {
            WriteU32(file, 0, v);
            Rejects(file);
        }
    }

    [Fact]
    public void VTableOffsetsNegativeHugeAndSelf()
    {
        var original = SyntheticModel.Bytes();
        int root = (int)BinaryPrimitives.ReadUInt32LittleEndian(original);
        foreach (int soffset in new[] { 0, int.MinValue, int.MaxValue, -original.Length, root + 1, -(original.Length - root), 1, -1 })
        {
            var file = (byte[])original.Clone();
            BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(root), soffset);
            Rejects(file);
        }
    }

    [Fact]
    public void BadVTableHeader()
    {
        var original = SyntheticModel.Bytes();
        int root = (int)BinaryPrimitives.ReadUInt32LittleEndian(original);
        int vtable = root - BinaryPrimitives.ReadInt32LittleEndian(original.AsSpan(root));
        foreach (var (size, inline) in new (ushort, ushort)[] { (0, 8), (2, 8), (5, 8), (0xFFFE, 8), (8, 0), (8, 2), (8, 0xFFFF) })
        {
            var file = (byte[])original.Clone();
            BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(vtable), size);
            BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(vtable + 2), inline);
            Rejects(file);
        }
    }

    [Fact]
    public void FieldOffsetBeyondTheTable()
    {
        var original = SyntheticModel.Bytes();
        int root = (int)BinaryPrimitives.ReadUInt32LittleEndian(original);
        int vtable = root - BinaryPrimitives.ReadInt32LittleEndian(original.AsSpan(root));
        int inline = BinaryPrimitives.ReadUInt16LittleEndian(original.AsSpan(vtable + 2));
        var file = (byte[])original.Clone();
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(vtable + 4 + 2 * 2), (ushort)(inline - 2)); // Model.subgraphs
        var e = Rejects(file);
        Assert.Equal("Model", e.Table);
        Assert.Equal("subgraphs", e.Field);
    }

    [Fact]
    public void HugeVectorLengthIsRejectedBeforeAllocating()
    {
        var original = SyntheticModel.Bytes(metadataBuffer: [11, 22, 33]);
        var t = new FlatBufferReader(original).GetRoot("Model", "TFL3");
        int lengthAt = t.GetVector(5, "metadata_buffer", 4)!.Value.Start - 4;
        foreach (uint n in new uint[] { 0x7FFFFFFF, 0xFFFFFFFF, 0x40000000, (uint)original.Length })
        {
            var file = (byte[])original.Clone();
            WriteU32(file, lengthAt, n);
            long before = GC.GetAllocatedBytesForCurrentThread();
            var e = Rejects(file);
            Assert.Equal("metadata_buffer", e.Field);
            Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20, "allocated before validating");
        }
    }

    [Fact]
    public void StringsWithoutNulOrInvalidUtf8()
    {
        var original = SyntheticModel.Bytes(description: "DESCRIPTION!");
        int at = Find(original, "DESCRIPTION!");

        var noNul = (byte[])original.Clone();
        noNul[at + 12] = (byte)'?';
        Assert.Contains("NUL", Rejects(noNul).Reason);

        var tooLong = (byte[])original.Clone();
        WriteU32(tooLong, at - 4, 0xFFFFFFF0);
        Assert.Equal("description", Rejects(tooLong).Field);

        foreach (var bad in new byte[][] { [0xC3, 0x28], [0xFF, 0xFE], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82] })
        {
            var file = (byte[])original.Clone();
            bad.CopyTo(file, at + 2);
            Assert.Contains("UTF-8", Rejects(file).Reason);
        }
    }

    [Fact]
    public void OffsetsPointingAtThemselvesOrOutside()
    {
        var original = SyntheticModel.Bytes();
        int root = (int)BinaryPrimitives.ReadUInt32LittleEndian(original);
        var t = new FlatBufferReader(original).GetRoot("Model", "TFL3");
        int vtable = root - BinaryPrimitives.ReadInt32LittleEndian(original.AsSpan(root));
        int subgraphsField = root + BinaryPrimitives.ReadUInt16LittleEndian(original.AsSpan(vtable + 4 + 2 * 2));
        foreach (uint v in new uint[] { 0, (uint)(original.Length - subgraphsField), 0xFFFFFFFC, 0x80000000 })
        {
            var file = (byte[])original.Clone();
            WriteU32(file, subgraphsField, v);
            Assert.Equal("subgraphs", Rejects(file).Field);
        }
        // Pointing back at the root table makes the Model table be read as a SubGraph vector: garbage, but bounded.
        var back = (byte[])original.Clone();
        WriteU32(back, subgraphsField, unchecked((uint)(root - subgraphsField)));
        try { TflModelReader.Read(back); }
        catch (LiteRtFormatException) { }
        Assert.NotNull(t.GetTableVector(2, "subgraphs", "SubGraph"));
    }

    /// <summary>A small file whose offsets all share one big table: a naive reader would do quadratic work.</summary>
    [Fact]
    public void SharedReferencesCannotAmplifyWork()
    {
        var b = new FlatBufferBuilder();
        int shape = b.CreateVector<int>(new int[2000]);
        b.StartTable(11);
        b.AddOffset(0, shape);
        int tensor = b.EndTable();
        int tensors = b.CreateOffsetVector(Enumerable.Repeat(tensor, 2000).ToArray());
        b.StartTable(6);
        b.AddOffset(0, tensors);
        int subgraph = b.EndTable();
        int subgraphs = b.CreateOffsetVector(Enumerable.Repeat(subgraph, 2000).ToArray());
        b.StartTable(10);
        b.AddOffset(2, subgraphs);
        b.Finish(b.EndTable(), "TFL3");
        var file = b.ToArray(); // ~24 KB describing 4 million tensors of 8 KB each

        var sw = Stopwatch.StartNew();
        var e = Rejects(file);
        Assert.Contains("budget", e.Reason);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(5), $"took {sw.Elapsed}");
    }

    [Fact]
    public void UnknownUnionTagIsNamed()
    {
        var model = SyntheticModel.Create();
        var bytes = TflModelWriter.WriteToArray(model);
        var op = new FlatBufferReader(bytes).GetRoot("Model", "TFL3").GetTableVector(2, "subgraphs", "SubGraph")!.Value[0]
            .GetTableVector(3, "operators", "Operator")!.Value[0];
        Assert.Equal((byte)BuiltinOptionsType.AddOptions, op.GetUInt8(3, "builtin_options_type"));
        // Locate the type byte through the vtable and overwrite it.
        int vtable = op.Position - BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(op.Position));
        int at = op.Position + BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(vtable + 4 + 2 * 3));
        bytes[at] = 250;
        var e = Rejects(bytes);
        Assert.Equal("Operator", e.Table);
        Assert.Equal("builtin_options_type", e.Field);
        Assert.Contains("250", e.Reason);
    }

    [Fact]
    public void ExternalBufferOutsideTheFile()
    {
        var model = SyntheticModel.Create();
        model.Buffers!.Add(new TflBuffer { Offset = 1000, Size = 1 << 20 });
        var e = Rejects(TflModelWriter.WriteToArray(model));
        Assert.Equal("Buffer", e.Table);
        model.Buffers[^1] = new TflBuffer { Offset = ulong.MaxValue - 5, Size = 10 };
        Rejects(TflModelWriter.WriteToArray(model));
    }

    [Fact]
    public void RandomGarbageWithAValidHeader()
    {
        var rng = new Random(1234);
        for (int i = 0; i < 3000; i++)
        {
            var file = new byte[8 + rng.Next(2000)];
            rng.NextBytes(file);
            WriteU32(file, 0, (uint)rng.Next(8, file.Length));
            Encoding.ASCII.GetBytes("TFL3").CopyTo(file, 4);
            try { TflModelReader.Read(file); }
            catch (LiteRtFormatException) { }
        }
    }
}
