namespace LiteRt.Lm.Templates;

public sealed record ChatMessage(string Role, string Content);

public sealed class ChatTemplate(string source)
{
    public string Source { get; } = source;
    public string Render(IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt, IReadOnlyDictionary<string, object?>? variables = null) => throw new NotImplementedException();
}
