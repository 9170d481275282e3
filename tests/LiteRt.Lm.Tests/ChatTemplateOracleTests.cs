using System.Text.Json;
using System.Text.Json.Nodes;
using LiteRt.Lm.Templates;
using Xunit.Abstractions;

namespace LiteRt.Lm.Tests;

/// <summary>
/// Exact agreement with Jinja2 as transformers runs chat templates (oracle/chat_template_oracle.json, made by
/// oracle/make_chat_template_oracle.py): family-style templates over several conversations, and one template per
/// language feature. Errors must be errors too (raise_exception with the same message).
/// </summary>
public sealed class ChatTemplateOracleTests(ITestOutputHelper output)
{
    private static readonly Lazy<JsonObject> Oracle = new(() =>
        JsonNode.Parse(File.ReadAllText(SharedLlm.OracleFile("chat_template_oracle.json")))!.AsObject());

    public static TheoryData<string> Cases() => new(Oracle.Value["cases"]!.AsArray().Select(c => c!["name"]!.GetValue<string>()));

    [Theory]
    [MemberData(nameof(Cases))]
    public void RendersLikeJinja(string name)
    {
        var c = Oracle.Value["cases"]!.AsArray().Single(x => x!["name"]!.GetValue<string>() == name)!;
        string source;
        if (c["template_from"] is { } from)
        {
            if (SharedLlm.RootOrSkip(output) is not { } root) return;
            source = JsonNode.Parse(File.ReadAllText(Path.Combine(root, from.GetValue<string>())))!["chat_template"]!.GetValue<string>();
        }
        else source = c["template"]!.GetValue<string>();

        var template = new ChatTemplate(source);
        int n = 0;
        foreach (var r in c["renders"]!.AsArray())
        {
            var vars = r!["vars"]!.AsObject().ToDictionary(kv => kv.Key, kv => (object?)kv.Value?.DeepClone());
            if (r["output"] is { } expected)
            {
                string ours = template.Render(vars);
                Assert.True(expected.GetValue<string>() == ours,
                    $"render {n} of {name}\n ours:  {JsonSerializer.Serialize(ours)}\n jinja: {JsonSerializer.Serialize(expected.GetValue<string>())}");
            }
            else
            {
                var e = Assert.Throws<ChatTemplateException>(() => template.Render(vars));
                if (r["error"]!.GetValue<string>() == "TemplateError")
                {
                    Assert.True(e.RaisedByTemplate, e.Message);
                    Assert.Equal(r["message"]!.GetValue<string>(), e.TemplateMessage);
                }
                else Assert.False(e.RaisedByTemplate, e.Message);
            }
            n++;
        }
        output.WriteLine($"{name}: {n}/{n} renders identical to Jinja2");
    }

    /// <summary>The qwen2-tiny template renders the oracle's ChatML prompt, which encodes to the oracle's ids.</summary>
    [Fact]
    public void QwenTinyChatPromptMatchesOracleIds()
    {
        if (SharedLlm.RootOrSkip(output) is not { } root) return;
        var tok = LiteRt.Lm.Tokenization.Tokenizer.FromDirectory(Path.Combine(root, "llm/synthetic/qwen2-tiny/hf"));
        string prompt = tok.ApplyChatTemplate([new ChatMessage("user", "Tell me a story.")], addGenerationPrompt: true);
        var oracle = JsonNode.Parse(File.ReadAllText(Path.Combine(root, "llm/synthetic/qwen2-tiny/oracle.json")))!;
        var chat = oracle["cases"]!.AsArray()[2]!;
        Assert.Equal(chat["prompt"]!.GetValue<string>(), prompt);
        Assert.Equal(chat["prompt_ids"]!.AsArray().Select(x => x!.GetValue<int>()), tok.Encode(prompt));
    }
}
