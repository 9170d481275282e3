using System.Text.Json;
using LiteRt.Lm.Bundle;

namespace LiteRt.Cli.Commands;

/// <summary><c>litert inspect</c> of a <c>.litertlm</c> bundle: container, sections, LlmMetadata, then the decoder as for a .tflite.</summary>
internal static class BundleInspect
{
    public static int Run(string path, bool json, int topBuffers)
    {
        using var bundle = LlmBundle.Open(path);
        var m = bundle.Metadata;
        if (json)
        {
            var stream = new MemoryStream();
            using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
            w.WriteStartObject();
            w.WriteString("path", bundle.Path);
            w.WriteString("format", "litertlm");
            w.WriteString("version", $"{bundle.Version.Major}.{bundle.Version.Minor}.{bundle.Version.Patch}");
            w.WriteNumber("file_bytes", bundle.FileLength);
            Items(w, "system_metadata", bundle.SystemMetadata);
            w.WriteStartArray("sections");
            foreach (var s in bundle.Sections)
            {
                w.WriteStartObject();
                w.WriteString("data_type", s.DataType.Name());
                w.WriteNumber("begin", s.Begin);
                w.WriteNumber("end", s.End);
                Items(w, "items", s.Items);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            if (m is not null)
            {
                w.WriteStartObject("llm_metadata");
                if (m.StartToken is { } start) w.WriteString("start_token", start.ToString());
                w.WriteStartArray("stop_tokens");
                foreach (var t in m.StopTokens) w.WriteStringValue(t.ToString());
                w.WriteEndArray();
                if (m.SamplerParams is { } sp) w.WriteString("sampler_params", Sampler(sp));
                w.WriteNumber("max_num_tokens", m.MaxNumTokens);
                if (m.ModelTypeName is { } type) w.WriteString("llm_model_type", type);
                if (m.JinjaPromptTemplate is { } jinja) w.WriteString("jinja_prompt_template", jinja);
                w.WriteEndObject();
            }
            w.WriteEndObject();
            w.Flush();
            Console.Out.WriteLine(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
            return ExitCodes.Ok;
        }

        var o = Console.Out;
        o.WriteLine($"{Path.GetFileName(path)}: LiteRT-LM bundle v{bundle.Version.Major}.{bundle.Version.Minor}.{bundle.Version.Patch}, {bundle.Sections.Count} section(s), {bundle.FileLength:N0} bytes");
        if (bundle.SystemMetadata.Count > 0) o.WriteLine($"system metadata: {string.Join(", ", bundle.SystemMetadata)}");
        o.WriteLine();
        o.WriteLine("sections:");
        foreach (var s in bundle.Sections)
            o.WriteLine($"  {s.Index,2}  {s.DataType.Name(),-22} [{s.Begin}, {s.End})  {s.Length:N0} bytes" + (s.Items.Count > 0 ? "  " + string.Join(", ", s.Items) : ""));
        if (m is not null)
        {
            o.WriteLine();
            o.WriteLine("LlmMetadata:");
            o.WriteLine($"  start token:    {m.StartToken?.ToString() ?? "(none)"}");
            o.WriteLine($"  stop tokens:    {(m.StopTokens.Count == 0 ? "(none)" : string.Join(", ", m.StopTokens))}");
            o.WriteLine($"  sampler:        {(m.SamplerParams is { } sp ? Sampler(sp) : "(not stated: greedy)")}");
            o.WriteLine($"  max tokens:     {(m.MaxNumTokens > 0 ? m.MaxNumTokens.ToString() : "(not stated)")}");
            o.WriteLine($"  chat template:  {(m.JinjaPromptTemplate is { } t ? $"Jinja, {t.Length} characters" : m.PromptTemplates is not null ? "prefix/suffix templates" : "(none)")}");
            if (m.ModelTypeName is { } type) o.WriteLine($"  model type:     {type}");
        }
        if (bundle.Sections.Any(s => s.DataType == SectionDataType.TFLiteModel))
        {
            var section = bundle.DecoderSection;
            o.WriteLine();
            o.WriteLine($"decoder (section {section.Index}):");
            ModelReport.Build(bundle.ReadModelGraph(), $"{path} (section {section.Index})", section.Length).WriteText(o, topBuffers);
        }
        return ExitCodes.Ok;
    }

    private static string Sampler(SamplerParameters p) =>
        $"{p.Type}" + (p.K > 0 ? $" k={p.K}" : "") + (p.P > 0 ? $" p={p.P}" : "") + (p.Temperature > 0 ? $" temperature={p.Temperature}" : "") + (p.Seed is { } s ? $" seed={s}" : "");

    private static void Items(Utf8JsonWriter w, string name, IReadOnlyList<BundleItem> items)
    {
        w.WriteStartObject(name);
        foreach (var i in items)
        {
            switch (i.Value)
            {
                case string s: w.WriteString(i.Key, s); break;
                case bool b: w.WriteBoolean(i.Key, b); break;
                case float f: w.WriteNumber(i.Key, f); break;
                case double d: w.WriteNumber(i.Key, d); break;
                default: w.WriteNumber(i.Key, Convert.ToDecimal(i.Value, System.Globalization.CultureInfo.InvariantCulture)); break;
            }
        }
        w.WriteEndObject();
    }
}
