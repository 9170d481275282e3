using System.Buffers.Binary;
using LiteRt.Format.FlatBuffers;

namespace LiteRt.Format.Tests;

/// <summary>The builder's output, decoded by our reader.</summary>
public sealed class BuilderTests
{
    [Fact]
    public void ScalarsDefaultsAndIdentifier()
    {
        var b = new FlatBufferBuilder(16); // tiny, to exercise growth
        b.StartTable(8);
        b.AddScalar(0, true);
        b.AddScalar(1, (sbyte)-5);
        b.AddScalar(2, (short)-300);
        b.AddScalar(3, 123456789);
        b.AddScalar(4, -9_000_000_000L);
        b.AddScalar(5, 1.5f);
        b.AddScalar(6, 2.25);
        b.AddScalar(7, 42, 42); // equal to its default: omitted
        b.Finish(b.EndTable(), "TEST");
        var bytes = b.ToArray();

        var reader = new FlatBufferReader(bytes);
        Assert.True(reader.HasIdentifier("TEST"));
        var t = reader.GetRoot("T", "TEST");
        Assert.True(t.GetBool(0, "a"));
        Assert.Equal(-5, t.GetInt8(1, "b"));
        Assert.Equal(-300, t.GetInt16(2, "c"));
        Assert.Equal(123456789, t.GetInt32(3, "d"));
        Assert.Equal(-9_000_000_000L, t.GetInt64(4, "e"));
        Assert.Equal(1.5f, t.GetFloat32(5, "f"));
        Assert.Equal(2.25, t.GetFloat64(6, "g"));
        Assert.False(t.Has(7));
        Assert.Equal(42, t.GetInt32(7, "h", 42));
        Assert.False(t.Has(100));
        Assert.Equal(0, bytes.Length % 8);
    }

    [Fact]
    public void StringsVectorsAndNestedTables()
    {
        var b = new FlatBufferBuilder();
        int name = b.CreateString("héllo");
        int empty = b.CreateString("");
        int ints = b.CreateVector<int>([1, -2, 3]);
        int longs = b.CreateVector<long>([long.MinValue, 7]);
        int bools = b.CreateVector<bool>([true, false, true]);
        var children = new int[3];
        for (int i = 0; i < 3; i++)
        {
            int childName = b.CreateString("child" + i);
            b.StartTable(2);
            b.AddOffset(0, childName);
            b.AddScalar(1, (uint)i * 10);
            children[i] = b.EndTable();
        }
        int vec = b.CreateOffsetVector(children);
        b.StartTable(7);
        b.AddOffset(0, name);
        b.AddOffset(1, empty);
        b.AddOffset(2, ints);
        b.AddOffset(3, longs);
        b.AddOffset(4, bools);
        b.AddOffset(5, vec);
        b.AddOffset(6, children[1]);
        b.Finish(b.EndTable(), "TFL3");

        var t = new FlatBufferReader(b.ToArray()).GetRoot("Root", "TFL3");
        Assert.Equal("héllo", t.GetString(0, "name"));
        Assert.Equal("", t.GetString(1, "empty"));
        Assert.Equal([1, -2, 3], t.GetArray<int>(2, "ints")!);
        Assert.Equal([long.MinValue, 7], t.GetArray<long>(3, "longs")!);
        Assert.Equal([true, false, true], t.GetBoolArray(4, "bools")!);
        var tables = t.GetTableVector(5, "children", "Child")!.Value;
        Assert.Equal(3, tables.Count);
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal("child" + i, tables[i].GetString(0, "name"));
            Assert.Equal((uint)i * 10, tables[i].GetUInt32(1, "value"));
        }
        Assert.Equal("child1", t.GetTable(6, "favourite", "Child")!.Value.GetString(0, "name"));
        Assert.Null(t.GetString(7, "absent"));
        Assert.Null(t.GetArray<int>(8, "absent"));
    }

    [Fact]
    public void IdenticalVTablesAreShared()
    {
        var b = new FlatBufferBuilder();
        var tables = new int[2];
        for (int i = 0; i < 2; i++)
        {
            b.StartTable(2);
            b.AddScalar(0, i + 1);
            tables[i] = b.EndTable();
        }
        int vec = b.CreateOffsetVector(tables);
        b.StartTable(1);
        b.AddOffset(0, vec);
        b.Finish(b.EndTable(), null);
        var bytes = b.ToArray();
        var v = new FlatBufferReader(bytes).GetRoot("Root", null).GetTableVector(0, "v", "T")!.Value;
        int VTableOf(FbTable t) => t.Position - BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(t.Position));
        Assert.Equal(VTableOf(v[0]), VTableOf(v[1]));
        Assert.Equal(1, v[0].GetInt32(0, "x"));
        Assert.Equal(2, v[1].GetInt32(0, "x"));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void IdenticalVectorsAndStringsAreStoredOnce(bool deduplicate)
    {
        var b = new FlatBufferBuilder { DeduplicateVectors = deduplicate };
        var zeros = new long[96];
        var big = new byte[5000]; // above the by-reference threshold
        new Random(3).NextBytes(big);
        int z1 = b.CreateVector<long>(zeros);
        int s1 = b.CreateVector<int>([1, 112, 112, 32]);
        int n1 = b.CreateString("name");
        int d1 = b.CreateByteVector(big, alignment: 16, copy: false);
        int z2 = b.CreateVector<long>(new long[96]);
        int s2 = b.CreateVector<int>([1, 112, 112, 32]);
        int n2 = b.CreateString("name");
        int d2 = b.CreateByteVector(big.ToArray(), alignment: 16, copy: true);
        // Same bytes but another element size, length or alignment: not shared.
        int f = b.CreateVector<float>([0f, 0f]);
        int l = b.CreateVector<long>([0L]);
        int z3 = b.CreateVector<long>(new long[95]);
        int d3 = b.CreateByteVector(big, alignment: 1, copy: false);
        Assert.Equal(deduplicate, z1 == z2);
        Assert.Equal(deduplicate, s1 == s2);
        Assert.Equal(deduplicate, n1 == n2);
        Assert.Equal(deduplicate, d1 == d2);
        Assert.Equal(4, new[] { f, l, z3, d3 }.Distinct().Count());
        Assert.DoesNotContain(z3, new[] { z1, z2 });
        Assert.DoesNotContain(d3, new[] { d1, d2 });

        b.StartTable(8);
        int[] fields = [z1, z2, s1, s2, n1, n2, d1, d2];
        for (int i = 0; i < fields.Length; i++) b.AddOffset(i, fields[i]);
        b.Finish(b.EndTable(), null);
        var bytes = b.ToArray();
        var t = new FlatBufferReader(bytes).GetRoot("Root", null);
        Assert.Equal(zeros, t.GetArray<long>(1, "z2")!);
        Assert.Equal([1, 112, 112, 32], t.GetArray<int>(3, "s2")!);
        Assert.Equal("name", t.GetString(5, "n2"));
        var data = t.GetVector(7, "d2", 1)!.Value;
        Assert.Equal(0, data.Start % 16);
        Assert.True(bytes.AsSpan(data.Start, big.Length).SequenceEqual(big));
        Assert.Equal(deduplicate, bytes.Length < 3 * big.Length); // d1 and d3 stored, d2 shared with d1
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ForceAlignedByteVectorsStartOn16Bytes(bool copy)
    {
        var b = new FlatBufferBuilder();
        var offsets = new List<int>();
        var blobs = new List<byte[]>();
        for (int i = 0; i < 6; i++)
        {
            var data = new byte[1 + i * 3001]; // odd sizes, some above the by-reference threshold
            new Random(i).NextBytes(data);
            blobs.Add(data);
            offsets.Add(b.CreateByteVector(data, alignment: 16, copy: copy));
            b.CreateString(new string('x', i)); // misalign what follows
        }
        int vec = b.CreateOffsetVector(offsets.ToArray());
        b.StartTable(1);
        b.AddOffset(0, vec);
        b.Finish(b.EndTable(), "TFL3");

        var bytes = b.ToArray();
        var stream = new MemoryStream();
        b.WriteTo(stream);
        Assert.Equal(bytes, stream.ToArray()); // streamed and array output agree
        Assert.Equal(0, bytes.Length % 16);

        var root = new FlatBufferReader(bytes).GetRoot("Root", "TFL3");
        var v = root.GetVector(0, "blobs", 4)!.Value;
        for (int i = 0; i < blobs.Count; i++)
        {
            long target = v.Start + 4L * i + BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(v.Start + 4 * i));
            Assert.Equal(0, (target + 4) % 16);
            Assert.Equal((uint)blobs[i].Length, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan((int)target)));
            Assert.True(bytes.AsSpan((int)target + 4, blobs[i].Length).SequenceEqual(blobs[i]));
        }
    }

    [Fact]
    public void ScalarVectorsAreAlignedToTheirElementSize()
    {
        var b = new FlatBufferBuilder();
        b.CreateString("abc");
        int longs = b.CreateVector<long>([1, 2, 3]);
        b.CreateVector<byte>([1, 2, 3]);
        int shorts = b.CreateVector<ushort>([1, 2], alignment: 4);
        b.StartTable(2);
        b.AddOffset(0, longs);
        b.AddOffset(1, shorts);
        b.Finish(b.EndTable(), null);
        var t = new FlatBufferReader(b.ToArray()).GetRoot("Root", null);
        Assert.Equal(0, t.GetVector(0, "longs", 8)!.Value.Start % 8);
        Assert.Equal(0, t.GetVector(1, "shorts", 2)!.Value.Start % 4);
        Assert.Equal([1L, 2, 3], t.GetArray<long>(0, "longs")!);
    }

    [Fact]
    public void OutputIsDeterministic()
    {
        static byte[] Build()
        {
            var b = new FlatBufferBuilder(8);
            int s = b.CreateString("same");
            int data = b.CreateByteVector(new byte[10000], 16, copy: false);
            b.StartTable(3);
            b.AddOffset(0, s);
            b.AddOffset(1, data);
            b.AddScalar(2, 3.0f);
            b.Finish(b.EndTable(), "TFL3");
            return b.ToArray();
        }
        Assert.Equal(Build(), Build());
    }

    [Fact]
    public void MisuseIsRejected()
    {
        var b = new FlatBufferBuilder();
        b.StartTable(1);
        Assert.Throws<InvalidOperationException>(() => b.CreateString("x"));
        Assert.Throws<ArgumentOutOfRangeException>(() => b.AddScalar(1, 1));
        b.AddScalar(0, 1);
        Assert.Throws<InvalidOperationException>(() => b.AddScalar(0, 2));
        int t = b.EndTable();
        Assert.Throws<ArgumentException>(() => b.Finish(t, "TOOLONG"));
        Assert.Throws<InvalidOperationException>(() => _ = b.Length);
    }
}
