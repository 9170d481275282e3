using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis.CSharp;

namespace LiteRt.Build.Generator;

/// <summary>Manifest text + item options → <see cref="ModelSpec"/>, or LRT5001/LRT5002/LRT5006/LRT5010 diagnostics.</summary>
internal static class ManifestParser
{
    /// <summary>The manifest format this generator reads (litert compile writes it; the runtime reads the same).</summary>
    public const int FormatVersion = 1;

    private sealed class Malformed(string message, JsonValue? at) : Exception(message)
    {
        public JsonValue? At { get; } = at;
    }

    public static ManifestResult Parse(ManifestInput input)
    {
        var diagnostics = new List<DiagnosticInfo>();
        string display = Path.GetFileName(input.Path);
        JsonValue root;
        try
        {
            root = JsonReader.Parse(input.Text);
        }
        catch (JsonException e)
        {
            diagnostics.Add(DiagnosticInfo.Create("LRT5001", input.Path, e.Line, e.Column, e.Offset, display, e.Message));
            return new ManifestResult(null, diagnostics.ToEquatable());
        }

        try
        {
            if (root.Kind != JsonKind.Object) throw new Malformed("the top level is not an object", root);
            var versionValue = root["formatVersion"] ?? throw new Malformed("'formatVersion' is missing", root);
            int version = Int(versionValue, "formatVersion");
            if (version != FormatVersion)
            {
                diagnostics.Add(At("LRT5002", input.Path, versionValue, display, version.ToString(CultureInfo.InvariantCulture), FormatVersion.ToString(CultureInfo.InvariantCulture)));
                return new ManifestResult(null, diagnostics.ToEquatable());
            }

            string name = Str(root, "name");
            var model = Obj(root, "model");
            var o = input.Options;
            string className = Blank(o.ClassName) ?? name;
            string ns = Blank(o.Namespace) ?? "";
            string access = (Blank(o.Access) ?? "public").ToLowerInvariant();
            string source = Blank(o.Source) ?? Str(root, "source");

            if (!IsIdentifier(className)) diagnostics.Add(DiagnosticInfo.Create("LRT5006", source, "ClassName", className));
            if (ns.Length > 0 && ns.Split('.').Any(p => !IsIdentifier(p))) diagnostics.Add(DiagnosticInfo.Create("LRT5006", source, "Namespace", ns));
            if (access != "public" && access != "internal") diagnostics.Add(DiagnosticInfo.Create("LRT5010", source, $"Access='{o.Access}' must be public or internal"));

            var signatures = new List<SignatureSpec>();
            foreach (var s in Arr(root, "signatures"))
            {
                string key = Str(s, "key");
                string id = Str(s, "identifier");
                if (!IsIdentifier(id)) diagnostics.Add(At("LRT5006", input.Path, s["identifier"]!, source, $"the identifier of signature '{key}'", id));
                signatures.Add(new SignatureSpec(key, id, Tensors(s, "inputs", input.Path, source, diagnostics), Tensors(s, "outputs", input.Path, source, diagnostics)));
            }
            if (signatures.Count == 0) throw new Malformed("'signatures' is empty", root["signatures"]);

            var accelerators = Arr(root, "accelerators").Select(a => new AcceleratorSpec(
                Str(a, "name"), Bool(a, "available"), OptStr(a, "reason"), OptStr(a, "fallback"), a["implicit"]?.Kind == JsonKind.Bool && a["implicit"]!.Bool)).ToList();

            var plans = new List<PlanSpec>();
            foreach (var p in Arr(root, "plans"))
            {
                var sigPlans = new List<SignaturePlanSpec>();
                foreach (var sp in Arr(p, "signatures"))
                {
                    var nodes = Arr(sp, "nodes").Select(n => new NodeSpec(Int(n["index"], "index"), Str(n, "op"), Str(n, "kernel"), OptStr(n, "entryType"), Str(n, "description"))).ToList();
                    var blocks = Arr(sp, "tensors").Select(b => new BlockSpec(Int(b["tensor"], "tensor"), Str(b, "name"), Long(b["bytes"], "bytes"), Long(b["offset"], "offset")))
                        .Concat(Arr(sp, "scratch").Select(b => new BlockSpec(-1 - Int(b["node"], "node"), Str(b, "name"), Long(b["bytes"], "bytes"), Long(b["offset"], "offset"))))
                        .ToList();
                    sigPlans.Add(new SignaturePlanSpec(Str(sp, "key"), Int(sp["tensorCount"], "tensorCount"), Long(sp["arenaBytes"], "arenaBytes"), nodes.ToEquatable(), blocks.ToEquatable()));
                }
                plans.Add(new PlanSpec(Str(p, "accelerator"), sigPlans.ToEquatable()));
            }

            var spec = new ModelSpec(
                input.Path,
                version,
                OptStr(root, "tool") ?? "litert",
                name,
                source,
                root["describeOnly"]?.Kind == JsonKind.Bool && root["describeOnly"]!.Bool,
                Blank(o.FileName) ?? Str(model, "file"),
                Long(model["bytes"], "bytes"),
                Str(model, "sha256"),
                OptStr(model, "description"),
                className,
                ns,
                access,
                o.Embed,
                Blank(o.ResourceName) ?? "LiteRt/" + Str(model, "file"),
                signatures.ToEquatable(),
                accelerators.ToEquatable(),
                plans.ToEquatable(),
                root["llm"] is { Kind: JsonKind.Object } llm ? Llm(llm) : null);
            if (spec.IsBundle && o.Embed) diagnostics.Add(DiagnosticInfo.Create("LRT5010", source, "Embed='true' is not supported for a decoder bundle (.litertlm)"));
            bool fatal = diagnostics.Any(d => d.Id != "LRT5009");
            return new ManifestResult(fatal ? null : spec, diagnostics.ToEquatable());
        }
        catch (Malformed e)
        {
            var at = e.At ?? root;
            diagnostics.Add(At("LRT5001", input.Path, at, display, e.Message));
            return new ManifestResult(null, diagnostics.ToEquatable());
        }
    }

    private static EquatableArray<TensorSpec> Tensors(JsonValue signature, string property, string path, string source, List<DiagnosticInfo> diagnostics)
    {
        var list = new List<TensorSpec>();
        foreach (var t in Arr(signature, property))
        {
            string name = Str(t, "name");
            string id = Str(t, "identifier");
            if (!IsIdentifier(id)) diagnostics.Add(At("LRT5006", path, t["identifier"]!, source, $"the identifier of tensor '{name}'", id));
            QuantizationSpec? q = null;
            if (t["quantization"] is { Kind: JsonKind.Object } qv)
            {
                q = new QuantizationSpec(
                    Arr(qv, "scale").Select(x => Num(x, "scale")).ToEquatable(),
                    Arr(qv, "zeroPoint").Select(x => Long(x, "zeroPoint")).ToEquatable(),
                    qv["quantizedDimension"] is { } qd ? Int(qd, "quantizedDimension") : 0);
            }
            list.Add(new TensorSpec(name, id, Str(t, "dtype"),
                Arr(t, "shape").Select(x => Int(x, "shape")).ToEquatable(),
                Arr(t, "shapeSignature").Select(x => Int(x, "shapeSignature")).ToEquatable(),
                t["dynamic"]?.Kind == JsonKind.Bool && t["dynamic"]!.Bool,
                q));
        }
        return list.ToEquatable();
    }

    private static LlmSpec Llm(JsonValue llm)
    {
        EquatableArray<int> Ints(JsonValue parent, string name) => Arr(parent, name).Select(x => Int(x, name)).ToEquatable();
        double? OptNum(string name) => llm[name] is { Kind: JsonKind.Number } v ? v.Number : null;
        return new LlmSpec(
            Ints(llm, "startTokenIds"),
            Arr(llm, "stopTokenSequences").Select(seq => seq.Kind == JsonKind.Array
                ? seq.Items!.Select(x => Int(x, "stopTokenSequences")).ToEquatable()
                : throw new Malformed("'stopTokenSequences' holds a non-array", seq)).ToEquatable(),
            llm["doSample"]?.Kind == JsonKind.Bool && llm["doSample"]!.Bool,
            OptNum("temperature"),
            llm["topK"] is { Kind: JsonKind.Number } k ? Int(k, "topK") : null,
            OptNum("topP"),
            OptNum("repetitionPenalty"),
            Int(llm["maxNumTokens"], "maxNumTokens"),
            Int(llm["maxContext"], "maxContext"),
            Ints(llm, "prefillLengths"),
            llm["chatTemplate"]?.Kind == JsonKind.Bool && llm["chatTemplate"]!.Bool);
    }

    public static bool IsIdentifier(string s) =>
        SyntaxFacts.IsValidIdentifier(s) && SyntaxFacts.GetKeywordKind(s) == SyntaxKind.None;

    private static DiagnosticInfo At(string id, string path, JsonValue at, params string[] args) =>
        DiagnosticInfo.Create(id, path, at.Line, at.Column, at.Offset, args);

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s!.Trim();

    private static JsonValue Obj(JsonValue parent, string name)
    {
        var v = parent[name] ?? throw new Malformed($"'{name}' is missing", parent);
        return v.Kind == JsonKind.Object ? v : throw new Malformed($"'{name}' is not an object", v);
    }

    private static List<JsonValue> Arr(JsonValue parent, string name)
    {
        var v = parent[name] ?? throw new Malformed($"'{name}' is missing", parent);
        return v.Kind == JsonKind.Array ? v.Items! : throw new Malformed($"'{name}' is not an array", v);
    }

    private static string Str(JsonValue parent, string name)
    {
        var v = parent[name] ?? throw new Malformed($"'{name}' is missing", parent);
        return v.Kind == JsonKind.String ? v.String! : throw new Malformed($"'{name}' is not a string", v);
    }

    private static string? OptStr(JsonValue parent, string name) => parent[name] is { Kind: JsonKind.String } v ? v.String : null;

    private static bool Bool(JsonValue parent, string name)
    {
        var v = parent[name] ?? throw new Malformed($"'{name}' is missing", parent);
        return v.Kind == JsonKind.Bool ? v.Bool : throw new Malformed($"'{name}' is not true or false", v);
    }

    private static double Num(JsonValue? v, string name) =>
        v is { Kind: JsonKind.Number } ? v.Number : throw new Malformed($"'{name}' is not a number", v);

    private static long Long(JsonValue? v, string name) =>
        v is { Kind: JsonKind.Number } && long.TryParse(v.NumberText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long l) ? l
            : throw new Malformed($"'{name}' is not an integer", v);

    private static int Int(JsonValue? v, string name)
    {
        long l = Long(v, name);
        return l is >= int.MinValue and <= int.MaxValue ? (int)l : throw new Malformed($"'{name}' is out of range", v);
    }
}
