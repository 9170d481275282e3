using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using LiteRt.Format.Schema;

namespace LiteRt.Quantization;

/// <summary>
/// Reads and writes recipes. Our format is an object (<c>{"name", "base", "rules": [...], "io", "auto"}</c>);
/// an AI Edge Quantizer recipe (a JSON array of <c>{regex, operation, algorithm_key, op_config}</c>) is read too.
/// Unknown keys are errors, so a typo never silently leaves a layer float.
/// </summary>
internal static class RecipeJson
{
    public static QuantizationRecipe Parse(string json, string? name)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }); }
        catch (JsonException e) { throw Error($"invalid JSON: {e.Message}"); }
        using (doc)
        {
            return doc.RootElement.ValueKind switch
            {
                JsonValueKind.Object => ParseOurs(doc.RootElement, name),
                JsonValueKind.Array => ParseAeq(doc.RootElement, name),
                _ => throw Error("a recipe is a JSON object (or an AI Edge Quantizer recipe array)"),
            };
        }
    }

    private static QuantizationRecipe ParseOurs(JsonElement root, string? fallbackName)
    {
        string? recipeName = null, description = null, io = null;
        var rules = new List<RecipeRule>();
        AutoPrecision? auto = null;
        foreach (var p in root.EnumerateObject())
        {
            switch (p.Name)
            {
                case "name": recipeName = String(p); break;
                case "description": description = String(p); break;
                case "base": rules.InsertRange(0, QuantizationRecipe.Preset(String(p)).Rules); break;
                case "io": io = String(p); break;
                case "rules":
                    if (p.Value.ValueKind != JsonValueKind.Array) throw Error("'rules' must be an array");
                    int i = 0;
                    foreach (var r in p.Value.EnumerateArray()) rules.Add(ParseRule(r, i++));
                    break;
                case "auto": auto = ParseAuto(p.Value); break;
                default: throw Error($"unknown key '{p.Name}' (expected name, description, base, rules, io, auto)");
            }
        }
        bool quantizedIo = io switch
        {
            null or "float" => false,
            "quantized" or "int8" or "integer" => true,
            _ => throw Error($"'io' is \"float\" or \"quantized\", not \"{io}\""),
        };
        return new QuantizationRecipe { Name = recipeName ?? fallbackName ?? "custom", Description = description, Rules = rules, QuantizedIo = quantizedIo, Auto = auto };
    }

    private static AutoPrecision ParseAuto(JsonElement e)
    {
        if (e.ValueKind == JsonValueKind.String) return new AutoPrecision { Target = FidelityThreshold.Parse(e.GetString()!) };
        if (e.ValueKind != JsonValueKind.Object) throw Error("'auto' is an object {\"target\": \"cosine>=0.999\"} or a target string");
        FidelityThreshold? target = null;
        int? max = null;
        foreach (var p in e.EnumerateObject())
        {
            switch (p.Name)
            {
                case "target": target = FidelityThreshold.Parse(String(p)); break;
                case "max_float_layers": max = Int(p); break;
                default: throw Error($"unknown key 'auto.{p.Name}' (expected target, max_float_layers)");
            }
        }
        return new AutoPrecision { Target = target ?? throw Error("'auto' needs a 'target'"), MaxFloatLayers = max };
    }

    private static RecipeRule ParseRule(JsonElement r, int index)
    {
        string where = $"rules[{index}]";
        if (r.ValueKind != JsonValueKind.Object) throw Error($"{where} must be an object");
        List<string> ops = ["*"];
        string? regex = null;
        QuantizationScheme? scheme = null;
        int block = 32, minElements = 0;
        bool perChannel = true, asymmetric = true;
        foreach (var p in r.EnumerateObject())
        {
            switch (p.Name)
            {
                case "ops" or "op" or "operation":
                    ops = p.Value.ValueKind == JsonValueKind.Array ? p.Value.EnumerateArray().Select(v => v.GetString() ?? "").ToList() : [String(p)];
                    foreach (var o in ops) CheckOp(o, where);
                    break;
                case "regex": regex = String(p); CheckRegex(regex, where); break;
                case "scheme":
                    string s = String(p);
                    if (!QuantizationSchemes.TryParse(s, out var parsed))
                        throw Error($"{where}: unknown scheme '{s}' (schemes: {string.Join(", ", QuantizationSchemes.AllNames)})");
                    scheme = parsed;
                    break;
                case "block_size": block = Int(p); RecipeValidation.CheckBlockSize(block, where); break;
                case "granularity":
                    perChannel = String(p) switch
                    {
                        "channel" or "channelwise" => true,
                        "tensor" or "tensorwise" => false,
                        var g => throw Error($"{where}: granularity is \"channel\" or \"tensor\", not \"{g}\""),
                    };
                    break;
                case "asymmetric_inputs": asymmetric = Bool(p); break;
                case "min_weight_elements": minElements = Int(p); break;
                default: throw Error($"{where}: unknown key '{p.Name}' (expected ops, regex, scheme, block_size, granularity, asymmetric_inputs, min_weight_elements)");
            }
        }
        return new RecipeRule
        {
            Ops = ops, Regex = regex, Scheme = scheme ?? throw Error($"{where} needs a 'scheme'"), BlockSize = block,
            PerChannel = perChannel, AsymmetricInputs = asymmetric, MinWeightElements = minElements,
        };
    }

    /// <summary>An AI Edge Quantizer recipe: [{regex, operation, algorithm_key, op_config: {weight_tensor_config, activation_tensor_config, compute_precision, explicit_dequantize, min_weight_elements}}].</summary>
    private static QuantizationRecipe ParseAeq(JsonElement root, string? name)
    {
        var rules = new List<RecipeRule>();
        int index = 0;
        foreach (var e in root.EnumerateArray())
        {
            string where = $"[{index++}]";
            if (e.ValueKind != JsonValueKind.Object) throw Error($"{where} must be an object");
            string regex = e.TryGetProperty("regex", out var rx) ? rx.GetString() ?? ".*" : ".*";
            string op = e.TryGetProperty("operation", out var o) ? o.GetString() ?? "*" : "*";
            string algorithm = e.TryGetProperty("algorithm_key", out var a) ? a.GetString() ?? "" : "";
            CheckRegex(regex, where);
            CheckOp(op, where);
            var scheme = QuantizationScheme.Float;
            int block = 32, minElements = 0;
            bool perChannel = true, symmetricInputs = false;
            if (algorithm != "no_quantize" && e.TryGetProperty("op_config", out var cfg) && cfg.ValueKind == JsonValueKind.Object)
            {
                int wBits = 0, aBits = 0;
                string granularity = "CHANNELWISE", wType = "INT";
                if (cfg.TryGetProperty("weight_tensor_config", out var w) && w.ValueKind == JsonValueKind.Object)
                {
                    if (w.TryGetProperty("num_bits", out var nb)) wBits = nb.GetInt32();
                    if (w.TryGetProperty("granularity", out var g) && g.GetString() is { } gs) granularity = gs;
                    if (w.TryGetProperty("dtype", out var dt) && dt.GetString() is { } ds) wType = ds;
                    if (w.TryGetProperty("block_size", out var bs) && bs.GetInt32() > 0) block = bs.GetInt32();
                }
                if (cfg.TryGetProperty("activation_tensor_config", out var act) && act.ValueKind == JsonValueKind.Object)
                {
                    if (act.TryGetProperty("num_bits", out var nb)) aBits = nb.GetInt32();
                    if (act.TryGetProperty("symmetric", out var sy) && sy.ValueKind == JsonValueKind.True) symmetricInputs = true;
                }
                bool explicitDequantize = cfg.TryGetProperty("explicit_dequantize", out var ed) && ed.ValueKind == JsonValueKind.True;
                string precision = cfg.TryGetProperty("compute_precision", out var cp) ? cp.GetString() ?? "INTEGER" : "INTEGER";
                if (cfg.TryGetProperty("min_weight_elements", out var mw)) minElements = mw.GetInt32();
                var m = Regex.Match(granularity, @"^BLOCKWISE_(\d+)$");
                if (m.Success) block = int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
                perChannel = granularity != "TENSORWISE";
                scheme = (algorithm, wBits, aBits, m.Success, explicitDequantize || precision == "FLOAT", wType) switch
                {
                    ("float_casting", _, _, _, _, _) or (_, 16, _, _, _, "FLOAT") => QuantizationScheme.Float16,
                    (_, _, 8, _, _, _) => QuantizationScheme.StaticInt8,
                    (_, _, 16, _, _, _) => QuantizationScheme.StaticInt16x8,
                    (_, 4, _, true, _, _) => QuantizationScheme.BlockwiseInt4,
                    (_, 8, _, _, true, _) => QuantizationScheme.WeightOnlyInt8,
                    (_, 4, _, _, true, _) => QuantizationScheme.WeightOnlyInt4,
                    (_, 8, _, _, false, _) => QuantizationScheme.DynamicInt8,
                    _ => throw Error($"{where}: op_config (weights {wBits} bits {granularity}, activations {aBits} bits, {precision}) has no equivalent scheme here"),
                };
                if (scheme == QuantizationScheme.BlockwiseInt4) RecipeValidation.CheckBlockSize(block, where);
            }
            rules.Add(new RecipeRule
            {
                Ops = [op], Regex = regex == ".*" ? null : regex, Scheme = scheme, BlockSize = block, PerChannel = perChannel,
                AsymmetricInputs = !symmetricInputs, MinWeightElements = minElements,
            });
        }
        return new QuantizationRecipe { Name = name ?? "aeq_recipe", Description = "converted from an AI Edge Quantizer recipe", Rules = rules };
    }

    public static string Write(QuantizationRecipe recipe)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("name", recipe.Name);
            if (recipe.Description is not null) w.WriteString("description", recipe.Description);
            w.WriteStartArray("rules");
            foreach (var r in recipe.Rules)
            {
                w.WriteStartObject();
                w.WriteStartArray("ops");
                foreach (var o in r.Ops) w.WriteStringValue(o);
                w.WriteEndArray();
                if (r.Regex is not null) w.WriteString("regex", r.Regex);
                w.WriteString("scheme", r.Scheme.Name());
                if (r.Scheme == QuantizationScheme.BlockwiseInt4) w.WriteNumber("block_size", r.BlockSize);
                if (!r.PerChannel) w.WriteString("granularity", "tensor");
                if (!r.AsymmetricInputs) w.WriteBoolean("asymmetric_inputs", false);
                if (r.MinWeightElements > 0) w.WriteNumber("min_weight_elements", r.MinWeightElements);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            if (recipe.QuantizedIo) w.WriteString("io", "quantized");
            if (recipe.Auto is { } a)
            {
                w.WriteStartObject("auto");
                w.WriteString("target", a.Target.ToString());
                if (a.MaxFloatLayers is int m) w.WriteNumber("max_float_layers", m);
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(ms.ToArray());
    }

    private static void CheckOp(string op, string where)
    {
        if (op == "*") return;
        foreach (var v in Enum.GetValues<BuiltinOperator>())
            if (string.Equals(v.Name(), op, StringComparison.OrdinalIgnoreCase)) return;
        throw Error($"{where}: unknown op '{op}' (LiteRT op names such as FULLY_CONNECTED, or *)");
    }

    private static void CheckRegex(string regex, string where)
    {
        try { _ = new Regex(regex, RegexOptions.CultureInvariant); }
        catch (ArgumentException e) { throw Error($"{where}: invalid regex '{regex}': {e.Message}"); }
    }

    private static string String(JsonProperty p) => p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : throw Error($"'{p.Name}' must be a string");
    private static int Int(JsonProperty p) => p.Value.ValueKind == JsonValueKind.Number && p.Value.TryGetInt32(out int v) ? v : throw Error($"'{p.Name}' must be an integer");
    private static bool Bool(JsonProperty p) => p.Value.ValueKind is JsonValueKind.True or JsonValueKind.False ? p.Value.GetBoolean() : throw Error($"'{p.Name}' must be true or false");

    private static LiteRtQuantizationException Error(string message) => new(QuantizationCodes.InvalidRecipe, "recipe: " + message);
}
