using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace LiteRt.Quantization;

/// <summary>Writes a <see cref="FidelityReport"/> as JSON and as a self-contained HTML page with a per-layer error chart.</summary>
public static class FidelityReportWriter
{
    public static string Json(FidelityReport r)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("model", r.Model);
            w.WriteString("recipe", r.Recipe);
            w.WriteStartObject("size");
            w.WriteNumber("float_bytes", r.FloatBytes);
            w.WriteNumber("quantized_bytes", r.QuantizedBytes);
            Number(w, "reduction", r.SizeReduction);
            w.WriteEndObject();
            w.WriteNumber("samples", r.Samples);
            w.WriteString("evaluation_data", r.EvaluationData);
            w.WriteNumber("calibration_samples", r.CalibrationSamples);
            w.WriteStartArray("outputs");
            foreach (var o in r.Outputs) Tensor(w, o);
            w.WriteEndArray();
            w.WriteStartArray("layers");
            foreach (var l in r.Layers) Tensor(w, l);
            w.WriteEndArray();
            w.WriteStartArray("ops");
            foreach (var d in r.Decisions)
            {
                w.WriteStartObject();
                w.WriteNumber("index", d.OpIndex);
                w.WriteString("op", d.Op);
                w.WriteString("output", d.Output);
                w.WriteString("scheme", d.Scheme);
                if (d.Note is not null) w.WriteString("note", d.Note);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            if (r.AutoTarget is not null)
            {
                w.WriteStartObject("auto");
                w.WriteString("target", r.AutoTarget);
                w.WriteBoolean("met", r.AutoTargetMet == true);
                w.WriteStartArray("float_layers");
                foreach (var f in r.FloatLayers) w.WriteStringValue(f);
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteStartArray("diagnostics");
            foreach (var d in r.Diagnostics)
            {
                w.WriteStartObject();
                w.WriteString("code", d.Code);
                w.WriteString("severity", d.Severity.ToString().ToLowerInvariant());
                w.WriteString("message", d.Message);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(ms.ToArray());
    }

    private static void Tensor(Utf8JsonWriter w, TensorFidelity t)
    {
        w.WriteStartObject();
        w.WriteString("name", t.Name);
        if (t.Op is not null) w.WriteString("op", t.Op);
        if (t.OpIndex is int i) w.WriteNumber("op_index", i);
        if (t.Scheme is not null) w.WriteString("scheme", t.Scheme);
        w.WriteNumber("elements", t.Elements);
        Number(w, "mse", t.Mse);
        Number(w, "snr_db", t.Snr);
        Number(w, "cosine", t.Cosine);
        Number(w, "max_abs_error", t.MaxAbs);
        if (t.Kl is double kl) Number(w, "kl_divergence", kl);
        if (t.Top1 is double top) Number(w, "top1_agreement", top);
        if (t.AddedNoise is double added) Number(w, "added_noise", added);
        w.WriteEndObject();
    }

    private static void Number(Utf8JsonWriter w, string name, double v)
    {
        if (double.IsFinite(v)) w.WriteNumber(name, Math.Round(v, 9));
        else w.WriteString(name, double.IsPositiveInfinity(v) ? "inf" : double.IsNegativeInfinity(v) ? "-inf" : "nan");
    }

    public static string Html(FidelityReport r)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        string E(string s) => WebUtility.HtmlEncode(s);
        sb.Append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Quantization report: ").Append(E(r.Model)).Append("</title><style>")
          .Append("body{font-family:system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:1em 0}")
          .Append("td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}th{background:#f3f3f3}td.l{text-align:left}")
          .Append(".bad{color:#b00}.float{color:#777}svg text{font-size:10px}</style></head><body>");
        sb.Append(inv, $"<h1>{E(r.Model)} — {E(r.Recipe)}</h1>");
        sb.Append(inv, $"<p>Size {E(FidelityReport.FormatBytes(r.FloatBytes))} → {E(FidelityReport.FormatBytes(r.QuantizedBytes))} (<b>{r.SizeReduction:F2}× smaller</b>). ");
        sb.Append(inv, $"Measured on {r.Samples} sample(s): {E(r.EvaluationData)}.");
        if (r.CalibrationSamples > 0) sb.Append(inv, $" Calibrated on {r.CalibrationSamples} sample(s).");
        sb.Append("</p>");
        if (r.AutoTarget is not null)
            sb.Append(inv, $"<p>Auto mixed precision: target <code>{E(r.AutoTarget)}</code> {(r.AutoTargetMet == true ? "met" : "<span class=bad>not met</span>")}; " +
                           $"{r.FloatLayers.Count} layer(s) kept float{(r.FloatLayers.Count > 0 ? ": " + E(string.Join(", ", r.FloatLayers)) : "")}.</p>");
        sb.Append("<h2>Outputs</h2><table><tr><th>output</th><th>cosine</th><th>SNR (dB)</th><th>MSE</th><th>max |err|</th><th>KL</th><th>top-1</th></tr>");
        foreach (var o in r.Outputs)
            sb.Append(inv, $"<tr><td class=l>{E(o.Name)}</td><td>{o.Cosine:F6}</td><td>{Db(o.Snr)}</td><td>{o.Mse:G4}</td><td>{o.MaxAbs:G4}</td>" +
                           $"<td>{(o.Kl is double kl ? kl.ToString("G4", inv) : "")}</td><td>{(o.Top1 is double t ? (t * 100).ToString("F2", inv) + "%" : "")}</td></tr>");
        sb.Append("</table>");

        if (r.Layers.Count > 0)
        {
            // Per-layer chart: SNR in dB (higher is better), one bar per layer, float layers grey.
            var layers = r.Layers;
            double maxDb = Math.Max(10, layers.Select(l => double.IsFinite(l.Snr) ? l.Snr : 0).DefaultIfEmpty(0).Max());
            int barW = Math.Max(4, Math.Min(24, 900 / layers.Count)), h = 220, left = 40, bottom = 20;
            int width = left + layers.Count * barW + 10;
            sb.Append("<h2>Per-layer error</h2><p>SNR of each layer's output against the float model (dB; higher is better; capped at the chart top). ")
              .Append("Grey bars: layers left float (their error comes from upstream layers).</p>");
            sb.Append(inv, $"<svg width=\"{width}\" height=\"{h + bottom}\" role=\"img\" aria-label=\"per-layer SNR\">");
            for (int g = 0; g <= 4; g++)
            {
                double v = maxDb * g / 4;
                int y = h - (int)(h * g / 4.0);
                sb.Append(inv, $"<line x1=\"{left}\" x2=\"{width}\" y1=\"{y}\" y2=\"{y}\" stroke=\"#eee\"/><text x=\"2\" y=\"{y + 3}\">{v:F0}</text>");
            }
            for (int i = 0; i < layers.Count; i++)
            {
                var l = layers[i];
                double snr = double.IsFinite(l.Snr) ? Math.Clamp(l.Snr, 0, maxDb) : maxDb;
                int bh = (int)(h * snr / maxDb);
                bool quantized = l.Scheme is not null && l.Scheme != QuantizationScheme.Float.Name();
                string color = !quantized ? "#bbb" : l.Cosine < 0.99 ? "#c0392b" : l.Cosine < 0.999 ? "#e67e22" : "#2e86c1";
                sb.Append(inv, $"<rect x=\"{left + i * barW}\" y=\"{h - bh}\" width=\"{barW - 1}\" height=\"{bh}\" fill=\"{color}\"><title>#{l.OpIndex} {E(l.Op ?? "")} {E(l.Name)}: SNR {Db(l.Snr)} dB, cosine {l.Cosine:F5}</title></rect>");
            }
            sb.Append(inv, $"<text x=\"{left}\" y=\"{h + 14}\">layer (execution order) →</text></svg>");
            sb.Append("<table><tr><th>#</th><th>op</th><th>output</th><th>scheme</th><th>cosine</th><th>SNR (dB)</th><th>MSE</th><th>max |err|</th></tr>");
            foreach (var l in layers)
            {
                bool quantized = l.Scheme is not null && l.Scheme != QuantizationScheme.Float.Name();
                sb.Append(inv, $"<tr{(quantized ? "" : " class=float")}><td>{l.OpIndex}</td><td class=l>{E(l.Op ?? "")}</td><td class=l>{E(l.Name)}</td><td class=l>{E(l.Scheme ?? "-")}</td>" +
                               $"<td{(l.Cosine < 0.99 ? " class=bad" : "")}>{l.Cosine:F6}</td><td>{Db(l.Snr)}</td><td>{l.Mse:G4}</td><td>{l.MaxAbs:G4}</td></tr>");
            }
            sb.Append("</table>");
        }
        if (r.Diagnostics.Count > 0)
        {
            sb.Append("<h2>Diagnostics</h2><ul>");
            foreach (var d in r.Diagnostics) sb.Append("<li>").Append(E(d.ToString())).Append("</li>");
            sb.Append("</ul>");
        }
        sb.Append("</body></html>");
        return sb.ToString();

        string Db(double v) => double.IsPositiveInfinity(v) ? "inf" : v.ToString("F1", inv);
    }
}
