using LiteRt.Lm.Engine;
using Microsoft.Extensions.AI;

// Usage: dotnet run --project samples/TextGeneration -- model.litertlm [max-tokens]
// With a chat template in the bundle: a multi-turn chat (IChatClient, streamed). Without: text continuation.
if (args.Length == 0 || args[0] is "-h" or "--help")
{
    Console.Error.WriteLine("usage: TextGeneration <model.litertlm> [max-tokens]");
    Console.Error.WriteLine("  A .litertlm bundle holds the converted decoder, its tokenizer and its generation settings;");
    Console.Error.WriteLine("  write one with `litert convert <hf-checkpoint-folder>` or LiteRt.Lm.Bundle.LlmBundle.Write.");
    return 2;
}
if (!File.Exists(args[0]))
{
    Console.Error.WriteLine($"error: {args[0]}: no such file");
    return 3;
}
int maxTokens = args.Length > 1 && int.TryParse(args[1], out int n) && n > 0 ? n : 256;

using var session = LlmSession.Open(args[0]);
var options = new GenerationOptions { MaxNewTokens = maxTokens, OnContextOverflow = ContextOverflow.Stop };
Console.Error.WriteLine($"{Path.GetFileName(args[0])}: context {session.Backend.MaxContext} tokens, vocabulary {session.Backend.VocabSize}; " +
    (session.ChatTemplateAvailable ? "chat" : "no chat template: text continuation") + ". Empty line or /exit quits, /reset starts over.");

IChatClient? chat = session.ChatTemplateAvailable ? session.AsChatClient(Path.GetFileNameWithoutExtension(args[0])) : null;
var history = new List<ChatMessage>();
while (true)
{
    Console.Write("> ");
    string? line = Console.ReadLine();
    if (string.IsNullOrWhiteSpace(line) || line == "/exit") return 0;
    if (line == "/reset")
    {
        history.Clear();
        session.Reset();
        continue;
    }
    if (chat is null)
    {
        await foreach (string piece in session.GenerateStreamingAsync(line, options)) Console.Write(piece);
        Console.WriteLine();
        continue;
    }
    history.Add(new ChatMessage(ChatRole.User, line));
    var reply = new List<ChatResponseUpdate>();
    try
    {
        await foreach (var update in chat.GetStreamingResponseAsync(history, new ChatOptions { MaxOutputTokens = maxTokens }))
        {
            Console.Write(update.Text);
            reply.Add(update);
        }
    }
    catch (ContextOverflowException e)
    {
        // The conversation no longer fits the model's context: say so and start over.
        Console.WriteLine();
        Console.Error.WriteLine($"[{e.Message}; the conversation starts over]");
        history.Clear();
        continue;
    }
    Console.WriteLine();
    history.AddMessages(reply);   // the next turn's prompt starts with this one: its KV rows are reused
}
