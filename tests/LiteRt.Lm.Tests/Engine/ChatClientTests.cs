using LiteRt.Lm.Engine;
using Microsoft.Extensions.AI;
using static LiteRt.Lm.Tests.Engine.TinyTokenizer;

namespace LiteRt.Lm.Tests.Engine;

/// <summary><see cref="LlmChatClient"/>: Microsoft.Extensions.AI over the engine, with the scripted model.</summary>
public sealed class ChatClientTests
{
    private static LlmSession Session() => new(
        new ScriptedBackend(64, [4, 8], new() { [Id('>')] = Id('a'), [Id('a')] = Id('b'), [Id('b')] = Id('c') }),
        TinyTokenizer.Create(),
        new LlmSessionSettings { StartTokenIds = [Bos], StopTokenSequences = [[Eos]] });

    [Fact]
    public async Task ResponseAndStreamingAgree()
    {
        using var session = Session();
        IChatClient client = session.AsChatClient("tiny");
        ChatMessage[] messages = [new(ChatRole.System, "be brief"), new(ChatRole.User, "hi")];

        var response = await client.GetResponseAsync(messages);
        Assert.Equal("abc", response.Text);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        Assert.Equal(session.EncodeChat([new("system", "be brief"), new("user", "hi")]).Length, response.Usage!.InputTokenCount);
        Assert.Equal(4, response.Usage.OutputTokenCount);   // a b c </s>
        Assert.Equal("tiny", response.ModelId);

        var updates = new List<ChatResponseUpdate>();
        await foreach (var u in client.GetStreamingResponseAsync(messages)) updates.Add(u);
        Assert.Equal("abc", string.Concat(updates.Select(u => u.Text)));
        Assert.Equal(ChatFinishReason.Stop, updates[^1].FinishReason);
        Assert.Contains(updates[^1].Contents, c => c is UsageContent);
        Assert.Equal("abc", updates.ToChatResponse().Text);
    }

    [Fact]
    public async Task OptionsMapToGenerationAndUnsupportedOnesAreRefused()
    {
        using var session = Session();
        IChatClient client = new LlmChatClient(session);
        var limited = await client.GetResponseAsync([new(ChatRole.User, "hi")], new ChatOptions { MaxOutputTokens = 2, Temperature = 0 });
        Assert.Equal(("ab", ChatFinishReason.Length), (limited.Text, limited.FinishReason));
        var stopped = await client.GetResponseAsync([new(ChatRole.User, "hi")], new ChatOptions { StopSequences = ["bc"] });
        Assert.Equal("a", stopped.Text);
        await Assert.ThrowsAsync<NotSupportedException>(() => client.GetResponseAsync([new(ChatRole.User, "hi")], new ChatOptions { PresencePenalty = 1 }));
        await Assert.ThrowsAsync<NotSupportedException>(() => client.GetResponseAsync(
            [new ChatMessage(ChatRole.User, [new DataContent(new byte[] { 1 }, "image/png")])]));
        Assert.Same(session, client.GetService<LlmSession>());
        Assert.Equal("LiteRt.Lm", client.GetService<ChatClientMetadata>()!.ProviderName);
    }

    [Fact]
    public async Task ConcurrentRequestsAreServedOneAfterTheOther()
    {
        using var session = Session();
        IChatClient client = session.AsChatClient();
        var requests = Enumerable.Range(0, 6).Select(i => i % 2 == 0
            ? client.GetResponseAsync([new(ChatRole.User, "hi")])
            : Task.Run(async () => (await client.GetStreamingResponseAsync([new(ChatRole.User, "hi")]).ToListAsync()).ToChatResponse()));
        var responses = await Task.WhenAll(requests);
        Assert.All(responses, r => Assert.Equal("abc", r.Text));
    }
}
