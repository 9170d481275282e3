using System.Text.Json;

namespace LiteRt.Lm.Tokenization;

/// <summary>Small helpers for reading tokenizer.json / tokenizer_config.json with clear errors.</summary>
internal static class JsonReading
{
    public static bool IsNull(this JsonElement e) => e.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined;

    public static JsonElement? Prop(this JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && !v.IsNull() ? v : null;

    public static string TypeName(this JsonElement e, string where) =>
        e.Prop("type") is { ValueKind: JsonValueKind.String } t ? t.GetString()! : throw new InvalidDataException($"{where}: missing \"type\"");

    public static string? Str(this JsonElement e, string name, string where) => e.Prop(name) switch
    {
        null => null,
        { ValueKind: JsonValueKind.String } v => v.GetString(),
        _ => throw new InvalidDataException($"{where}.{name}: expected a string"),
    };

    public static bool? Bool(this JsonElement e, string name, string where) => e.Prop(name) switch
    {
        null => null,
        { ValueKind: JsonValueKind.True } => true,
        { ValueKind: JsonValueKind.False } => false,
        _ => throw new InvalidDataException($"{where}.{name}: expected true or false"),
    };

    public static int? Int(this JsonElement e, string name, string where) => e.Prop(name) switch
    {
        null => null,
        { ValueKind: JsonValueKind.Number } v when v.TryGetInt32(out int i) => i,
        _ => throw new InvalidDataException($"{where}.{name}: expected an integer"),
    };

    public static JsonElement Required(this JsonElement e, string name, string where) =>
        e.Prop(name) ?? throw new InvalidDataException($"{where}: missing \"{name}\"");

    /// <summary>A pattern object: {"String": "…"} or {"Regex": "…"}.</summary>
    public static (string Text, bool IsRegex) Pattern(this JsonElement e, string where)
    {
        if (e.Prop("String") is { ValueKind: JsonValueKind.String } s) return (s.GetString()!, false);
        if (e.Prop("Regex") is { ValueKind: JsonValueKind.String } r) return (r.GetString()!, true);
        throw new InvalidDataException($"{where}: pattern must be {{\"String\": …}} or {{\"Regex\": …}}");
    }

    /// <summary>Rejects keys this reader does not know, so that a setting is never silently ignored.</summary>
    public static void OnlyKeys(this JsonElement e, string where, params string[] known)
    {
        foreach (var p in e.EnumerateObject())
        {
            if (Array.IndexOf(known, p.Name) >= 0) continue;
            throw new NotSupportedException($"{where}: key \"{p.Name}\" is not supported");
        }
    }
}
