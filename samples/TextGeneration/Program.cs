using LiteRt.Lm.Engine;
using LiteRt.Samples.TextGeneration;
using Microsoft.Extensions.AI;

// Usage: dotnet run --project samples/TextGeneration [-- model.litertlm] [--max-tokens N] [--prompt TEXT]
// Without a path: the repository's own tiny story model, built into this app (TinyStories, generated class).
// With a chat template in the model: a multi-turn chat (IChatClient, streamed). Without: text continuation.
// --prompt answers once and exits (no console input needed).
string? path = null, prompt = null;
int maxTokens = 200;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "-h" or "--help":
            Console.Error.WriteLine("usage: TextGeneration [model.litertlm] [--max-tokens N] [--prompt TEXT]");
            Console.Error.WriteLine("  Default model: TinyStories, trained by samples/TextGeneration/Training and built into the app.");
            Console.Error.WriteLine("  Any other .litertlm bundle: write one with `litert convert <hf-checkpoint-folder> -o x.litertlm`.");
            return 0;
        case "--max-tokens" when i + 1 < args.Length && int.TryParse(args[i + 1], out int n) && n > 0:
            maxTokens = n;
            i++;
            break;
        case "--prompt" when i + 1 < args.Length:
            prompt = args[++i];
            break;
        default:
            if (args[i].StartsWith('-'))
            {
                Console.Error.WriteLine($"error: unknown option {args[i]} (see --help)");
                return 2;
            }
            path = args[i];
            break;
    }
}
if (path is not null && !File.Exists(path))
{
    Console.Error.WriteLine($"error: {path}: no such file");
    return 3;
}

// The built-in model's wrapper owns the bundle; a session over it shares its in-place KV cache.
using TinyStories? builtIn = path is null ? TinyStories.Create() : null;
using LlmSession session = builtIn?.CreateSession() ?? LlmSession.Open(path!);
string name = path is null ? "TinyStories" : Path.GetFileNameWithoutExtension(path);
var options = new GenerationOptions { MaxNewTokens = maxTokens, OnContextOverflow = ContextOverflow.Stop };
Console.Error.WriteLine($"{name}: context {session.Backend.MaxContext} tokens, vocabulary {session.Backend.VocabSize}; " +
    (session.ChatTemplateAvailable ? "chat" : "text continuation") + (prompt is null ? ". Empty line or /exit quits, /reset starts over." : "."));

IChatClient? chat = session.ChatTemplateAvailable ? session.AsChatClient(name) : null;
var history = new List<ChatMessage>();
while (true)
{
    string? line = prompt;
    if (line is null)
    {
        Console.Write("> ");
        line = Console.ReadLine();
    }
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
    }
    else
    {
        history.Add(new ChatMessage(ChatRole.User, line));
        var reply = new List<ChatResponseUpdate>();
        try
        {
            await foreach (var update in chat.GetStreamingResponseAsync(history, new ChatOptions { MaxOutputTokens = maxTokens }))
            {
                Console.Write(update.Text);
                reply.Add(update);
            }
            Console.WriteLine();
            history.AddMessages(reply);   // the next turn's prompt starts with this one: its KV rows are reused
        }
        catch (ContextOverflowException e)
        {
            // The conversation no longer fits the model's context: say so and start over.
            Console.WriteLine();
            Console.Error.WriteLine($"[{e.Message}; the conversation starts over]");
            history.Clear();
        }
    }
    if (prompt is not null) return 0;
}
