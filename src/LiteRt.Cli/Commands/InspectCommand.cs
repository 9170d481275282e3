using System.CommandLine;
using System.Text.Json;
using LiteRt.Format.Schema;
using LiteRt.Graph;
using LiteRt.Graph.Catalog;
using LiteRt.Graph.TfLite;
using LiteRt.Runtime.Cpu;

namespace LiteRt.Cli.Commands;

/// <summary><c>litert inspect</c>: what a model holds, without running it or reading its weights.</summary>
internal static class InspectCommand
{
    public static Command Create()
    {
        var model = new Argument<FileInfo>("model") { Description = "The .tflite model or .litertlm bundle" };
        var json = new Option<bool>("--json") { Description = "Print the report as JSON" };
        var top = new Option<int>("--buffers") { Description = "How many of the largest buffers to list", DefaultValueFactory = _ => 10 };
        var cmd = new Command("inspect", "Show signatures, inputs/outputs, op histogram, unsupported ops and sizes") { model, json, top };
        cmd.SetAction(parse => CliErrors.Run(() =>
        {
            var file = parse.GetValue(model)!;
            if (!file.Exists) throw new UsageException($"model file not found: {file.FullName}");
            if (LiteRt.Lm.Bundle.LlmBundle.HasMagic(file.FullName)) return BundleInspect.Run(file.FullName, parse.GetValue(json), parse.GetValue(top));
            using var loaded = TfLiteModel.Open(file.FullName);
            var report = ModelReport.Build(loaded.Graph, file.FullName, loaded.FileLength);
            if (parse.GetValue(json)) report.WriteJson(Console.Out);
            else report.WriteText(Console.Out, parse.GetValue(top));
            return ExitCodes.Ok;
        }));
        return cmd;
    }
}

/// <summary>The facts <c>litert inspect</c> prints.</summary>
internal sealed class ModelReport
{
    public required string Path { get; init; }
    public required long FileBytes { get; init; }
    public required ModelGraph Graph { get; init; }
    public required IReadOnlyList<Signature> Signatures { get; init; }
    public required bool SignaturesSynthesized { get; init; }
    public required List<(string Op, int Count, bool Supported)> Histogram { get; init; }
    public required List<(int Index, long Bytes, string Users)> Buffers { get; init; }
    public long ConstantBytes => Buffers.Sum(b => b.Bytes);

    public static ModelReport Build(ModelGraph g, string path, long fileBytes)
    {
        var histogram = g.Subgraphs.SelectMany(s => s.Operations)
            .GroupBy(o => o.OpName)
            .Select(grp => (grp.Key, grp.Count(), IsSupported(grp.First())))
            .OrderByDescending(x => x.Item2).ThenBy(x => x.Key, StringComparer.Ordinal).ToList();

        var users = new Dictionary<DataBuffer, List<string>>(ReferenceEqualityComparer.Instance);
        foreach (var t in g.Subgraphs.SelectMany(s => s.Tensors))
            if (t.Buffer is { } b) (users.TryGetValue(b, out var l) ? l : users[b] = []).Add(t.Name);
        foreach (var m in g.Metadata)
            (users.TryGetValue(m.Buffer, out var l) ? l : users[m.Buffer] = []).Add($"metadata:{m.Name}");
        var buffers = g.Buffers.Select((b, i) => (i, (long)b.Length, users.TryGetValue(b, out var u) ? string.Join(", ", u) : ""))
            .Where(b => b.Item2 > 0).ToList();

        return new ModelReport
        {
            Path = path,
            FileBytes = fileBytes,
            Graph = g,
            Signatures = g.SignaturesOrDefault(),
            SignaturesSynthesized = g.Signatures.Count == 0,
            Histogram = histogram,
            Buffers = buffers,
        };
    }

    private static bool IsSupported(Operation op) => OpCatalog.Find(op.Op) is not null && CpuKernelRegistry.SupportsOp(op.Op);

    public void WriteText(TextWriter w, int topBuffers)
    {
        var g = Graph;
        w.WriteLine($"{System.IO.Path.GetFileName(Path)}: {Bytes(FileBytes)}, schema v{g.SchemaVersion}, {g.Subgraphs.Count} subgraph(s)"
            + (g.Description is { Length: > 0 } d ? $", \"{d}\"" : ""));
        w.WriteLine();
        w.WriteLine(SignaturesSynthesized ? "Signatures (none in the file; default):" : "Signatures:");
        foreach (var sig in Signatures)
        {
            var sg = g.Subgraphs[sig.SubgraphIndex];
            w.WriteLine($"  {sig.Key}  (subgraph {sig.SubgraphIndex}{(sg.Name is { Length: > 0 } n ? $" '{n}'" : "")})");
            w.WriteLine("    inputs:");
            foreach (var i in sig.Inputs) w.WriteLine("      " + DescribeTensor(i.Name, sg.Tensors[i.TensorIndex]));
            w.WriteLine("    outputs:");
            foreach (var o in sig.Outputs) w.WriteLine("      " + DescribeTensor(o.Name, sg.Tensors[o.TensorIndex]));
        }
        w.WriteLine();
        int total = Histogram.Sum(h => h.Count);
        w.WriteLine($"Operators: {total} ({Histogram.Count} kinds)");
        foreach (var (op, count, supported) in Histogram)
            w.WriteLine($"  {count,6}  {op,-28}{(supported ? "" : "  UNSUPPORTED")}");
        var unsupported = Histogram.Where(h => !h.Supported).Select(h => h.Op).ToList();
        w.WriteLine(unsupported.Count == 0 ? "Unsupported ops: none" : $"Unsupported ops: {string.Join(", ", unsupported)}");
        w.WriteLine();
        w.WriteLine($"Constant data: {Bytes(ConstantBytes)} in {Buffers.Count} buffer(s); largest:");
        foreach (var (index, bytes, who) in Buffers.OrderByDescending(b => b.Bytes).ThenBy(b => b.Index).Take(topBuffers))
            w.WriteLine($"  buffer {index,-6} {Bytes(bytes),10}  {Truncate(who, 70)}");
        if (g.Metadata.Count > 0)
            w.WriteLine($"Metadata: {string.Join(", ", g.Metadata.Select(m => $"{m.Name} ({Bytes(m.Buffer.Length)})"))}");
    }

    public void WriteJson(TextWriter writer)
    {
        var stream = new MemoryStream();
        WriteJson(stream);
        writer.Write(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
    }

    public void WriteJson(Stream stream)
    {
        using var j = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        var g = Graph;
        j.WriteStartObject();
        j.WriteString("path", Path);
        j.WriteNumber("fileBytes", FileBytes);
        j.WriteNumber("schemaVersion", g.SchemaVersion);
        j.WriteString("description", g.Description);
        j.WriteNumber("subgraphs", g.Subgraphs.Count);
        j.WriteBoolean("signaturesSynthesized", SignaturesSynthesized);
        j.WriteStartArray("signatures");
        foreach (var sig in Signatures)
        {
            var sg = g.Subgraphs[sig.SubgraphIndex];
            j.WriteStartObject();
            j.WriteString("key", sig.Key);
            j.WriteNumber("subgraph", sig.SubgraphIndex);
            foreach (var (prop, list) in new[] { ("inputs", sig.Inputs), ("outputs", sig.Outputs) })
            {
                j.WriteStartArray(prop);
                foreach (var st in list)
                {
                    var t = sg.Tensors[st.TensorIndex];
                    j.WriteStartObject();
                    j.WriteString("name", st.Name);
                    j.WriteString("tensor", t.Name);
                    j.WriteNumber("index", st.TensorIndex);
                    j.WriteString("dtype", t.Type.Name());
                    j.WriteStartArray("shape");
                    foreach (int d in t.Dims) j.WriteNumberValue(d);
                    j.WriteEndArray();
                    if (t.Quantization is { IsEmpty: false } q)
                    {
                        j.WriteStartObject("quantization");
                        j.WriteStartArray("scale");
                        foreach (float s in q.Scale ?? []) j.WriteNumberValue(s);
                        j.WriteEndArray();
                        j.WriteStartArray("zeroPoint");
                        foreach (long z in q.ZeroPoint ?? []) j.WriteNumberValue(z);
                        j.WriteEndArray();
                        j.WriteNumber("quantizedDimension", q.QuantizedDimension);
                        j.WriteEndObject();
                    }
                    j.WriteEndObject();
                }
                j.WriteEndArray();
            }
            j.WriteEndObject();
        }
        j.WriteEndArray();
        j.WriteStartArray("operators");
        foreach (var (op, count, supported) in Histogram)
        {
            j.WriteStartObject();
            j.WriteString("op", op);
            j.WriteNumber("count", count);
            j.WriteBoolean("supported", supported);
            j.WriteEndObject();
        }
        j.WriteEndArray();
        j.WriteStartArray("unsupported");
        foreach (var h in Histogram.Where(h => !h.Supported)) j.WriteStringValue(h.Op);
        j.WriteEndArray();
        j.WriteNumber("constantBytes", ConstantBytes);
        j.WriteStartArray("buffers");
        foreach (var (index, bytes, who) in Buffers)
        {
            j.WriteStartObject();
            j.WriteNumber("index", index);
            j.WriteNumber("bytes", bytes);
            j.WriteString("users", who);
            j.WriteEndObject();
        }
        j.WriteEndArray();
        j.WriteStartArray("metadata");
        foreach (var m in g.Metadata) j.WriteStringValue(m.Name);
        j.WriteEndArray();
        j.WriteEndObject();
        j.Flush();
        stream.WriteByte((byte)'\n');
    }

    private static string DescribeTensor(string name, Tensor t)
    {
        string s = $"{name,-24} {t.Type.Name(),-8} {Shapes.Format(t.Dims)}";
        if (name != t.Name) s += $"  tensor '{t.Name}'";
        if (t.Quantization is { IsEmpty: false } q) s += $"  quant {q}";
        return s;
    }

    private static string Truncate(string s, int n) => s.Length <= n ? s : s[..(n - 1)] + "…";

    public static string Bytes(long b) => b switch
    {
        >= 1L << 30 => $"{b / (double)(1L << 30):F2} GiB",
        >= 1L << 20 => $"{b / (double)(1L << 20):F2} MiB",
        >= 1L << 10 => $"{b / 1024.0:F1} KiB",
        _ => $"{b} B",
    };
}
