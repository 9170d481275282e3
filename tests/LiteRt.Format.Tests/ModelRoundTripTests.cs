using System.Text.Json.Nodes;
using LiteRt.Format.Schema;
using LiteRt.Format.TfLite;

namespace LiteRt.Format.Tests;

/// <summary>Object model ⇄ file for the synthetic model, including the external-buffer layout and flatc's view.</summary>
public sealed class ModelRoundTripTests
{
    [Fact]
    public void SyntheticModelRoundTripsExactly()
    {
        var bytes = SyntheticModel.Bytes();
        var model = TflModelReader.Read(bytes);
        Assert.Equal(bytes, TflModelWriter.WriteToArray(model));

        Assert.Equal(3u, model.Version);
        Assert.Equal("synthetic", model.Description);
        Assert.Equal("MyCustomOp", model.OperatorCodes![2].CustomCode);
        Assert.Equal(BuiltinOperator.StablehloGather, model.OperatorCodes[1].EffectiveCode);
        var main = model.Subgraphs![0];
        Assert.Equal([-1, 4], main.Tensors![0].ShapeSignature!);
        Assert.Equal([-3L], main.Tensors[0].Quantization!.ZeroPoint!);
        Assert.Equal(new byte[] { 9, 8, 7 }, main.Tensors[1].Quantization!.CustomDetails!.Custom!.Value.ToArray());
        Assert.Equal([1, 3, 0, 2], main.Tensors[1].Sparsity!.DimMetadata![1].ArrayIndices!.Uint8Values!);
        Assert.Equal(32, main.Tensors[2].Quantization!.BlockwiseDetails!.BlockSize);
        Assert.Equal([0, 1], main.Tensors[4].Quantization!.MultiAxisDetails!.QuantizedDimensions!);
        Assert.True(main.Tensors[3].VariantTensors![0].HasRank);
        Assert.Equal(ActivationFunctionType.Relu6, main.Operators![0].BuiltinOptions!.GetEnum<ActivationFunctionType>("fused_activation_function"));
        Assert.Equal(5_000_000_000L, main.Operators[1].BuiltinOptions2!.GetInt64("index_vector_dim"));
        Assert.Equal([1L, 2], main.Operators[1].BuiltinOptions2!.GetInt64Array("offset_dims")!);
        Assert.Equal([false, true], main.Operators[1].MutatingVariableInputs!);
        Assert.Equal(7, main.Operators[1].DebugMetadataIndex);
        Assert.Equal(-1, main.DebugMetadataIndex);
        Assert.Equal(2, model.Subgraphs[1].DebugMetadataIndex);
        Assert.Empty(model.Subgraphs[1].Operators!);
        Assert.Equal(new byte[] { 0xAA, 0xBB, 0xCC }, main.Operators[2].CustomOptions!.Value.ToArray());
        Assert.Equal("unpacked", model.ExternalBuffers![0].Packing);
        Assert.Null(model.Buffers![0].Data);
    }

    [Fact]
    public void BufferDataIsAZeroCopySlice()
    {
        var bytes = SyntheticModel.Bytes();
        var model = TflModelReader.Read(bytes);
        var data = model.Buffers![1].Data!.Value;
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(data, out var segment));
        Assert.Same(bytes, segment.Array);
        Assert.Equal(0, segment.Offset % 16); // force_align: 16
    }

    [Fact]
    public void ExternalBuffersLayout()
    {
        var model = SyntheticModel.Create();
        var file = TflModelWriter.WriteToArray(model, new TflWriteOptions { ExternalBuffers = true });
        var read = TflModelReader.Read(file);

        Assert.Null(read.Buffers![0].Data);
        Assert.Equal(0ul, read.Buffers[0].Offset);
        ulong end = 0;
        for (int i = 1; i < model.Buffers!.Count; i++)
        {
            var b = read.Buffers[i];
            Assert.True(b.IsExternal);
            Assert.Equal(0ul, b.Offset % 16);
            Assert.Equal((ulong)model.Buffers[i].Data!.Value.Length, b.Size);
            Assert.True(b.Data!.Value.Span.SequenceEqual(model.Buffers[i].Data!.Value.Span));
            end = Math.Max(end, b.Offset + b.Size);
        }
        Assert.Equal((long)((end + 15) & ~15ul) + 16, file.Length);
        Assert.True(file.AsSpan(file.Length - 16).IndexOfAnyExcept((byte)0) < 0);

        // Deterministic, and back to the inline layout exactly.
        Assert.Equal(file, TflModelWriter.WriteToArray(read, new TflWriteOptions { ExternalBuffers = true }));
        Assert.Equal(TflModelWriter.WriteToArray(model), TflModelWriter.WriteToArray(read));

        // The same through a memory-mapped file.
        var dir = TestEnvironment.NewTempDir();
        try
        {
            var path = Path.Combine(dir, "ext.tflite");
            File.WriteAllBytes(path, file);
            using var mapped = TfLiteFile.Open(path);
            Assert.Equal(file.Length, mapped.Length);
            Assert.Equal(model.Buffers[1].Data!.Value.ToArray(), mapped.Model.Buffers![1].Data!.Value.ToArray());
        }
        finally { Directory.Delete(dir, true); }
    }

    /// <summary>flatc reads our files (both layouts); and our reader reads flatc's own encoding of the same JSON.</summary>
    [RequiresSharedFact(flatc: true)]
    public void FlatcAgreesOnTheSyntheticModel()
    {
        var flatc = TestEnvironment.FlatcPath();
        var schema = TestEnvironment.ReferenceSchema("schema_flatc2.fbs");
        if (flatc is null || schema is null) { TestEnvironment.Skip(nameof(FlatcAgreesOnTheSyntheticModel), "flatc or ../shared reference schema missing"); return; }
        var dir = TestEnvironment.NewTempDir();
        try
        {
            var model = SyntheticModel.Create();
            var ours = Path.Combine(dir, "ours.tflite");
            File.WriteAllBytes(ours, TflModelWriter.WriteToArray(model));
            string json = TestEnvironment.FlatcJson(flatc, schema, ours, Path.Combine(dir, "j1"));

            // flatc -b: the same content encoded by the reference implementation.
            var jsonPath = Path.Combine(dir, "theirs.json");
            File.WriteAllText(jsonPath, json);
            RunFlatc(flatc, "-b", "-o", Path.Combine(dir, "b"), schema, jsonPath);
            var theirs = File.ReadAllBytes(Path.Combine(dir, "b", "theirs.tflite"));
            var again = Path.Combine(dir, "again.tflite");
            File.WriteAllBytes(again, TflModelWriter.WriteToArray(TflModelReader.Read(theirs)));
            // (flatc -b drops fields equal to their default, so compare against flatc's view of its own binary.)
            string theirsJson = TestEnvironment.FlatcJson(flatc, schema, Path.Combine(dir, "b", "theirs.tflite"), Path.Combine(dir, "j2"));
            string againJson = TestEnvironment.FlatcJson(flatc, schema, again, Path.Combine(dir, "j3"));
            Assert.True(theirsJson == againJson, TestEnvironment.FirstDifference(theirsJson, againJson));

            // External layout: flatc sees offset/size instead of data, everything else unchanged.
            var ext = Path.Combine(dir, "ext.tflite");
            File.WriteAllBytes(ext, TflModelWriter.WriteToArray(model, new TflWriteOptions { ExternalBuffers = true }));
            var inlineJson = JsonNode.Parse(json)!.AsObject();
            var extJson = JsonNode.Parse(TestEnvironment.FlatcJson(flatc, schema, ext, Path.Combine(dir, "j4")))!.AsObject();
            foreach (var key in new[] { "version", "operator_codes", "subgraphs", "description", "metadata", "signature_defs" })
                Assert.True(JsonNode.DeepEquals(inlineJson[key], extJson[key]), key);
            var buffers = extJson["buffers"]!.AsArray();
            Assert.Null(buffers[1]!["data"]);
            Assert.Equal(64, (int)buffers[1]!["size"]!);
            Assert.Equal(0, (long)buffers[1]!["offset"]! % 16);
        }
        finally { Directory.Delete(dir, true); }
    }

    private static void RunFlatc(string flatc, params string[] args)
    {
        var psi = new System.Diagnostics.ProcessStartInfo(flatc) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = System.Diagnostics.Process.Start(psi)!;
        string err = p.StandardError.ReadToEnd() + p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"flatc failed: {err}");
    }

    [Fact]
    public void TfLiteFileFromBytesAndOpen()
    {
        var bytes = SyntheticModel.Bytes();
        using (var f = TfLiteFile.FromBytes(bytes))
        {
            Assert.Null(f.Path);
            Assert.Equal(bytes.Length, f.Length);
            Assert.Equal("main", f.Model.Subgraphs![0].Name);
        }
        var dir = TestEnvironment.NewTempDir();
        try
        {
            var path = Path.Combine(dir, "m.tflite");
            File.WriteAllBytes(path, bytes);
            ReadOnlyMemory<byte> data;
            using (var f = TfLiteFile.Open(path))
            {
                Assert.Equal(Path.GetFullPath(path), f.Path);
                data = f.Model.Buffers![1].Data!.Value;
                Assert.Equal(SyntheticModel.Create().Buffers![1].Data!.Value.ToArray(), data.ToArray());
                Assert.Equal(bytes, TflModelWriter.WriteToArray(f.Model));
            }
            Assert.Throws<ObjectDisposedException>(() => data.Span.Length);

            File.WriteAllBytes(path, []);
            Assert.Throws<LiteRtFormatException>(() => TfLiteFile.Open(path));
            File.WriteAllBytes(path, bytes.AsSpan(0, 100).ToArray());
            Assert.Throws<LiteRtFormatException>(() => TfLiteFile.Open(path));
        }
        finally { Directory.Delete(dir, true); }
    }
}
