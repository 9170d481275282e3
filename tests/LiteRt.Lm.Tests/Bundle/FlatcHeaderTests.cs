using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using LiteRt.Lm.Bundle;
using Xunit.Abstractions;

namespace LiteRt.Lm.Tests.Bundle;

/// <summary>
/// The .litertlm header against Debian's flatc, an independent FlatBuffers implementation: flatc decodes the header
/// we write, and our reader reads a header flatc builds (as LiteRT-LM's own writer, which uses the official library).
/// The schema below restates the field facts of LiteRT-LM's litertlm_header_schema.fbs.
/// </summary>
public sealed class FlatcHeaderTests(ITestOutputHelper output) : IDisposable
{
    private const string Schema = """
        namespace litert.lm.schema;
        table UInt8 { value:ubyte; }
        table Int8 { value:byte; }
        table UInt16 { value:ushort; }
        table Int16 { value:short; }
        table UInt32 { value:uint; }
        table Int32 { value:int; }
        table Float32 { value:float; }
        table Bool { value:bool; }
        table UInt64 { value:ulong; }
        table Int64 { value:long; }
        table Double { value:double; }
        table StringValue { value:string; }
        union VData { UInt8, Int8, UInt16, Int16, UInt32, Int32, Float32, Bool, StringValue, UInt64, Int64, Double }
        table KeyValuePair { key:string (required); value:VData (required); }
        table SystemMetadata { entries:[KeyValuePair] (required); }
        enum AnySectionDataType:ubyte { NONE, GenericBinaryData, Deprecated, TFLiteModel, SP_Tokenizer, LlmMetadataProto, HF_Tokenizer_Zlib, TFLiteWeights, ExecutorMetadataProto }
        table SectionObject { items:[KeyValuePair]; begin_offset:ulong; end_offset:ulong; data_type:AnySectionDataType; }
        table SectionMetadata { objects:[SectionObject] (required); }
        table LiteRTLMMetaData { system_metadata:SystemMetadata; section_metadata:SectionMetadata; }
        root_type LiteRTLMMetaData;
        """;

    private readonly string _dir = Directory.CreateTempSubdirectory("litertlm-flatc").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string? FlatcPath => new[] { "/usr/bin/flatc", "/usr/local/bin/flatc" }.FirstOrDefault(File.Exists);

    private void Flatc(params string[] args)
    {
        var psi = new ProcessStartInfo(FlatcPath!) { RedirectStandardError = true, RedirectStandardOutput = true, WorkingDirectory = _dir };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        string err = p.StandardError.ReadToEnd();
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"flatc {string.Join(' ', args)}: {err}");
    }

    [Fact]
    public void FlatcReadsOurHeaderAndWeReadFlatcs()
    {
        if (FlatcPath is null)
        {
            output.WriteLine("SKIPPED: flatc not installed (apt-get install flatbuffers-compiler)");
            return;
        }
        File.WriteAllText(Path.Combine(_dir, "litertlm.fbs"), Schema);

        // Ours → flatc.
        using var fx = new BundleFixture();
        string bundlePath = fx.In("b.litertlm");
        LlmBundle.Write(bundlePath, fx.ModelPath, fx.Checkpoint);
        byte[] file = File.ReadAllBytes(bundlePath);
        int end = (int)BinaryPrimitives.ReadUInt64LittleEndian(file.AsSpan(24));
        File.WriteAllBytes(Path.Combine(_dir, "header.bin"), file[32..end]);
        Flatc("--json", "--strict-json", "--raw-binary", "litertlm.fbs", "--", "header.bin");
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(_dir, "header.json")))!;
        var objects = json["section_metadata"]!["objects"]!.AsArray();
        using var ours = LlmBundle.Open(bundlePath);
        Assert.Equal(ours.Sections.Select(s => s.DataType.Name()), objects.Select(o => o!["data_type"]!.GetValue<string>()));
        Assert.Equal(ours.Sections.Select(s => s.Begin), objects.Select(o => o!["begin_offset"]!.GetValue<long>()));
        Assert.Equal(ours.Sections.Select(s => s.End), objects.Select(o => o!["end_offset"]!.GetValue<long>()));
        var item = objects[2]!["items"]![0]!;
        Assert.Equal(("model_type", "StringValue", "tf_lite_prefill_decode"),
            (item["key"]!.GetValue<string>(), item["value_type"]!.GetValue<string>(), item["value"]!["value"]!.GetValue<string>()));
        Assert.Equal("producer", json["system_metadata"]!["entries"]![0]!["key"]!.GetValue<string>());

        // flatc → ours: every value type, as an official FlatBuffers builder lays them out.
        File.WriteAllText(Path.Combine(_dir, "input.json"), """
            {
              "system_metadata": { "entries": [
                { "key": "Authors", "value_type": "StringValue", "value": { "value": "The ODML Authors" } },
                { "key": "u8", "value_type": "UInt8", "value": { "value": 200 } },
                { "key": "i16", "value_type": "Int16", "value": { "value": -300 } },
                { "key": "u32", "value_type": "UInt32", "value": { "value": 4000000000 } },
                { "key": "i32", "value_type": "Int32", "value": { "value": -7 } },
                { "key": "f", "value_type": "Float32", "value": { "value": 0.5 } },
                { "key": "b", "value_type": "Bool", "value": { "value": true } },
                { "key": "u64", "value_type": "UInt64", "value": { "value": 18000000000000000000 } },
                { "key": "i64", "value_type": "Int64", "value": { "value": -9000000000 } },
                { "key": "d", "value_type": "Double", "value": { "value": 2.25 } }
              ] },
              "section_metadata": { "objects": [
                { "items": [ { "key": "model_type", "value_type": "StringValue", "value": { "value": "TF_LITE_PREFILL_DECODE" } } ],
                  "begin_offset": 16384, "end_offset": 16400, "data_type": "TFLiteModel" },
                { "begin_offset": 32768, "end_offset": 32770, "data_type": "LlmMetadataProto" }
              ] }
            }
            """);
        Flatc("--binary", "litertlm.fbs", "input.json");
        byte[] header = File.ReadAllBytes(Path.Combine(_dir, "input.bin"));
        var bytes = new byte[49152];
        Encoding.ASCII.GetBytes("LITERTLM").CopyTo(bytes, 0);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), 1);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(12), 4);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(24), (ulong)(32 + header.Length));
        header.CopyTo(bytes, 32);
        new byte[] { 0x28, 0x20 }.CopyTo(bytes, 32768);    // max_num_tokens = 32
        string path = Path.Combine(_dir, "flatc.litertlm");
        File.WriteAllBytes(path, bytes);
        using var theirs = LlmBundle.Open(path);
        Assert.Equal((1u, 4u, 0u), theirs.Version);
        Assert.Equal(["The ODML Authors", (byte)200, (short)-300, 4000000000u, -7, 0.5f, true, 18000000000000000000UL, -9000000000L, 2.25],
            theirs.SystemMetadata.Select(i => i.Value));
        Assert.Equal([(SectionDataType.TFLiteModel, 16384L, 16400L), (SectionDataType.LlmMetadataProto, 32768L, 32770L)],
            theirs.Sections.Select(s => (s.DataType, s.Begin, s.End)));
        Assert.Equal(theirs.Sections[0], theirs.DecoderSection);          // model_type compared case-insensitively
        Assert.Equal(32, theirs.Metadata!.MaxNumTokens);
    }
}
