using LiteRt.Format.TfLite;
using Xunit.Abstractions;

namespace LiteRt.Format.Tests;

/// <summary>Real models: read → write → read → write is deterministic, and flatc decodes ours exactly like the original.</summary>
public sealed class RoundTripTests(ITestOutputHelper output)
{
    public static TheoryData<string> ModelNames()
    {
        var data = new TheoryData<string>();
        foreach (var m in TestEnvironment.AllModels()) data.Add(Path.GetFileName(Path.GetDirectoryName(m))!);
        if (data.Count == 0) data.Add("(none)");
        return data;
    }

    [RequiresSharedTheory]
    [MemberData(nameof(ModelNames))]
    public async Task RoundTripIsDeterministicAndFlatcIdentical(string name)
    {
        var path = TestEnvironment.Model(name);
        if (path is null) { TestEnvironment.Skip(nameof(RoundTripIsDeterministicAndFlatcIdentical), "../shared/models is absent"); return; }

        var original = File.ReadAllBytes(path);
        var first = TflModelWriter.WriteToArray(TflModelReader.Read(original));
        var second = TflModelWriter.WriteToArray(TflModelReader.Read(first));
        Assert.True(first.AsSpan().SequenceEqual(second), $"{name}: second write differs from the first");
        output.WriteLine($"{name}: original {original.Length} bytes, ours {first.Length} bytes");

        // The >2 GB layout holds the same model: reading it back and writing inline gives the same bytes.
        var external = TflModelWriter.WriteToArray(TflModelReader.Read(original), new TflWriteOptions { ExternalBuffers = true });
        Assert.True(first.AsSpan().SequenceEqual(TflModelWriter.WriteToArray(TflModelReader.Read(external))), $"{name}: external layout round trip differs");

        var flatc = TestEnvironment.FlatcPath();
        var schema = TestEnvironment.ReferenceSchema("schema_flatc2.fbs");
        if (flatc is null || schema is null) { TestEnvironment.Skip(nameof(RoundTripIsDeterministicAndFlatcIdentical), "flatc or the reference schema is missing"); return; }
        var dir = TestEnvironment.NewTempDir();
        try
        {
            var ours = Path.Combine(dir, "ours.tflite");
            File.WriteAllBytes(ours, first);
            // Both conversions at once: flatc takes seconds on the larger models.
            var expectedTask = Task.Run(() => TestEnvironment.FlatcJson(flatc, schema, path, Path.Combine(dir, "a")));
            string actual = TestEnvironment.FlatcJson(flatc, schema, ours, Path.Combine(dir, "b"));
            string expected = await expectedTask;
            if (expected != actual) Assert.Fail($"{name}: flatc JSON differs: {TestEnvironment.FirstDifference(expected, actual)}");
        }
        finally { Directory.Delete(dir, recursive: true); }
    }
}
