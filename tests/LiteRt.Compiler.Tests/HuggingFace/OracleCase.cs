using System.Text.Json;

namespace LiteRt.Compiler.Tests.HuggingFace;

/// <summary>One case of a shared oracle.json (peers/llm/torch_oracle.py): float32 PyTorch greedy ids.</summary>
internal sealed record OracleCase(string Prompt, int[] PromptIds, int[] GeneratedIds, float[]? PrefillLogits)
{
    public static List<OracleCase> Load(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        return doc.RootElement.GetProperty("cases").EnumerateArray().Select(c => new OracleCase(
            c.GetProperty("prompt").GetString() ?? "",
            c.GetProperty("prompt_ids").EnumerateArray().Select(e => e.GetInt32()).ToArray(),
            c.GetProperty("generated_ids").EnumerateArray().Select(e => e.GetInt32()).ToArray(),
            c.TryGetProperty("prefill_logits", out var l) && l.ValueKind == JsonValueKind.Array ? l.EnumerateArray().Select(e => e.GetSingle()).ToArray() : null)).ToList();
    }
}
