using System.Text.Encodings.Web;
using System.Text.Json;
using LiteRt.Format.Schema;
using LiteRt.Graph;
using LiteRt.Runtime;
using LiteRt.Runtime.Planning;

namespace LiteRt.Cli.Compile;

/// <summary>
/// The <c>&lt;Name&gt;.litert.json</c> manifest: everything the source generator needs to write a typed wrapper and
/// its build-time plan, as small deterministic JSON (the generator must not read the binary model). Format version 1
/// is described in docs/manifest.md; <see cref="RuntimeInfo.PlanFormatVersion"/> is the version the runtime reads.
/// </summary>
internal static class Manifest
{
    public const int FormatVersion = RuntimeInfo.PlanFormatVersion;

    public sealed record ModelFacts(string Name, string Source, string FileName, long Bytes, string Sha256)
    {
        /// <summary>null: the file is the .tflite; "litertlm": a LiteRT-LM bundle whose decoder section has Bytes/Sha256.</summary>
        public string? Container { get; init; }

        /// <summary>A decoder's generation settings (checkpoint models).</summary>
        public LlmFacts? Llm { get; init; }
    }

    /// <summary>What a session takes from a bundle, as the generated wrapper exposes it (nothing invented: unset stays null).</summary>
    public sealed record LlmFacts(int[] StartTokenIds, int[][] StopTokenSequences, bool DoSample, float? Temperature, int? TopK, float? TopP,
        float? RepetitionPenalty, int MaxNumTokens, int MaxContext, int[] PrefillLengths, bool HasChatTemplate);

    public static byte[] Write(ModelGraph graph, ModelFacts model, IReadOnlyList<Accelerator> requested, string quantize, ModelPlan? plan)
    {
        using var stream = new MemoryStream();
        var options = new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        using (var w = new Utf8JsonWriter(stream, options))
        {
            w.WriteStartObject();
            w.WriteNumber("formatVersion", FormatVersion);
            w.WriteString("tool", $"litert {typeof(Manifest).Assembly.GetName().Version?.ToString(3)}");
            w.WriteString("name", model.Name);
            w.WriteString("source", model.Source.Replace('\\', '/'));
            w.WriteBoolean("describeOnly", plan is null);
            w.WriteStartObject("model");
            w.WriteString("file", model.FileName);
            w.WriteNumber("bytes", model.Bytes);
            w.WriteString("sha256", model.Sha256);
            if (graph.Description is { Length: > 0 } d) w.WriteString("description", d);
            w.WriteString("quantize", quantize);
            if (model.Container is { } container) w.WriteString("container", container);
            w.WriteEndObject();
            if (model.Llm is { } llm) WriteLlm(w, llm);

            WriteSignatures(w, graph);

            w.WriteStartArray("accelerators");
            if (plan is null)
            {
                foreach (var a in requested) WriteAccelerator(w, a, AcceleratorSupport.UnavailableReason(a), AcceleratorSupport.IsAvailable(a) ? null : Accelerator.Cpu, false);
            }
            else
            {
                foreach (var a in plan.Accelerators) WriteAccelerator(w, a.Accelerator, a.UnavailableReason, a.FallbackTo, a.Implicit);
            }
            w.WriteEndArray();

            w.WriteStartArray("plans");
            if (plan is not null)
            {
                foreach (var a in plan.Accelerators.Where(a => a.UnavailableReason is null)) WritePlan(w, a);
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        stream.WriteByte((byte)'\n');
        return stream.ToArray();
    }

    private static void WriteLlm(Utf8JsonWriter w, LlmFacts llm)
    {
        w.WriteStartObject("llm");
        WriteInts(w, "startTokenIds", llm.StartTokenIds);
        w.WriteStartArray("stopTokenSequences");
        foreach (int[] stop in llm.StopTokenSequences)
        {
            w.WriteStartArray();
            foreach (int id in stop) w.WriteNumberValue(id);
            w.WriteEndArray();
        }
        w.WriteEndArray();
        w.WriteBoolean("doSample", llm.DoSample);
        void Number(string name, double? value)
        {
            if (value is { } v) w.WriteNumber(name, Math.Round(v, 6));
            else w.WriteNull(name);
        }
        Number("temperature", llm.Temperature);
        Number("topK", llm.TopK);
        Number("topP", llm.TopP);
        Number("repetitionPenalty", llm.RepetitionPenalty);
        w.WriteNumber("maxNumTokens", llm.MaxNumTokens);
        w.WriteNumber("maxContext", llm.MaxContext);
        WriteInts(w, "prefillLengths", llm.PrefillLengths);
        w.WriteBoolean("chatTemplate", llm.HasChatTemplate);
        w.WriteEndObject();
    }

    private static void WriteAccelerator(Utf8JsonWriter w, Accelerator a, string? reason, Accelerator? fallback, bool isImplicit)
    {
        w.WriteStartObject();
        w.WriteString("name", a.Name());
        w.WriteBoolean("available", reason is null);
        if (reason is not null) w.WriteString("reason", reason);
        if (fallback is { } f) w.WriteString("fallback", f.Name());
        if (isImplicit) w.WriteBoolean("implicit", true);
        w.WriteEndObject();
    }

    private static void WriteSignatures(Utf8JsonWriter w, ModelGraph graph)
    {
        var signatures = graph.SignaturesOrDefault();
        string[] ids = Identifiers.ForSignatures(signatures.Select(s => s.Key));
        w.WriteStartArray("signatures");
        for (int s = 0; s < signatures.Count; s++)
        {
            var sig = signatures[s];
            var sg = graph.Subgraphs[sig.SubgraphIndex];
            w.WriteStartObject();
            w.WriteString("key", sig.Key);
            w.WriteString("identifier", ids[s]);
            w.WriteNumber("subgraph", sig.SubgraphIndex);
            WriteTensors(w, "inputs", sig.Inputs, sg);
            WriteTensors(w, "outputs", sig.Outputs, sg);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private static void WriteTensors(Utf8JsonWriter w, string property, List<SignatureTensor> tensors, Subgraph sg)
    {
        string[] ids = Identifiers.ForTensors(tensors.Select(t => t.Name));
        w.WriteStartArray(property);
        for (int i = 0; i < tensors.Count; i++)
        {
            var t = sg.Tensors[tensors[i].TensorIndex];
            w.WriteStartObject();
            w.WriteString("name", tensors[i].Name);
            w.WriteString("identifier", ids[i]);
            w.WriteNumber("tensor", tensors[i].TensorIndex);
            w.WriteString("tensorName", t.Name);
            w.WriteString("dtype", t.Type.Name().ToLowerInvariant());
            WriteInts(w, "shape", t.Shape);
            WriteInts(w, "shapeSignature", t.Dims);
            w.WriteBoolean("dynamic", t.Dims.Any(d => d < 0));
            if (t.Quantization is { IsEmpty: false } q)
            {
                w.WriteStartObject("quantization");
                w.WriteStartArray("scale");
                foreach (float f in q.Scale ?? []) w.WriteNumberValue(f);
                w.WriteEndArray();
                w.WriteStartArray("zeroPoint");
                foreach (long z in q.ZeroPoint ?? []) w.WriteNumberValue(z);
                w.WriteEndArray();
                w.WriteNumber("quantizedDimension", q.QuantizedDimension);
                if (q.DetailsType != QuantizationDetailsType.None) w.WriteString("details", q.DetailsType.ToString());
                w.WriteEndObject();
            }
            else
            {
                w.WriteNull("quantization");
            }
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private static void WritePlan(Utf8JsonWriter w, AcceleratorPlanInfo a)
    {
        w.WriteStartObject();
        w.WriteString("accelerator", a.Accelerator.Name());
        w.WriteStartArray("signatures");
        foreach (var s in a.Signatures)
        {
            w.WriteStartObject();
            w.WriteString("key", s.Key);
            w.WriteNumber("tensorCount", s.TensorCount);
            w.WriteNumber("arenaBytes", s.ArenaBytes);
            w.WriteNumber("variableBytes", s.VariableBytes);
            w.WriteStartArray("inputShapes");
            foreach (var shape in s.InputShapes)
            {
                w.WriteStartArray();
                foreach (int d in shape) w.WriteNumberValue(d);
                w.WriteEndArray();
            }
            w.WriteEndArray();
            w.WriteStartArray("nodes");
            foreach (var n in s.Nodes)
            {
                w.WriteStartObject();
                w.WriteNumber("index", n.Index);
                w.WriteString("op", n.Op);
                w.WriteString("kernel", n.KernelId);
                if ((n.EntryType ?? KernelEntryPoints.Resolve(n.KernelId)) is { } e) w.WriteString("entryType", e);
                else w.WriteNull("entryType");
                w.WriteString("description", n.Description);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("tensors");
            foreach (var b in s.Blocks.Where(b => b.Id >= 0)) WriteBlock(w, b, "tensor");
            w.WriteEndArray();
            w.WriteStartArray("scratch");
            foreach (var b in s.Blocks.Where(b => b.Id < 0)) WriteBlock(w, b, "node");
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteBlock(Utf8JsonWriter w, BlockPlanInfo b, string idName)
    {
        w.WriteStartObject();
        w.WriteNumber(idName, b.Id >= 0 ? b.Id : -1 - b.Id);
        w.WriteString("name", b.Name);
        w.WriteNumber("offset", b.Offset);
        w.WriteNumber("bytes", b.Bytes);
        w.WriteNumber("first", b.First);
        w.WriteNumber("last", b.Last);
        w.WriteEndObject();
    }

    private static void WriteInts(Utf8JsonWriter w, string name, int[] values)
    {
        w.WriteStartArray(name);
        foreach (int v in values) w.WriteNumberValue(v);
        w.WriteEndArray();
    }
}
