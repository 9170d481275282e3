using System.CommandLine;
using System.Text;
using System.Text.Json;
using LiteRt.Lm.Engine;
using LiteRt.Lm.Generation;
using TemplateMessage = LiteRt.Lm.Templates.ChatMessage;

namespace LiteRt.Cli.Commands;

/// <summary><c>litert generate</c>: text generation from a <c>.litertlm</c> bundle, streamed to stdout.</summary>
internal static class GenerateCommand
{
    public static Command Create()
    {
        var model = new Argument<FileInfo>("model") { Description = "The .litertlm bundle (decoder, tokenizer, metadata)" };
        var prompt = new Option<string>("--prompt", "-p") { Description = "The prompt text", Required = true };
        var maxTokens = new Option<int>("--max-tokens", "-n") { Description = "Most tokens to generate", DefaultValueFactory = _ => 256 };
        var greedy = new Option<bool>("--greedy") { Description = "Pick the most likely token (ignores the bundle's sampler defaults)" };
        var temperature = new Option<float?>("--temperature") { Description = "Sampling temperature (0: greedy)" };
        var topK = new Option<int?>("--top-k") { Description = "Sample among the k most likely tokens" };
        var topP = new Option<float?>("--top-p") { Description = "Sample among the most likely tokens reaching this probability" };
        var seed = new Option<ulong?>("--seed") { Description = "Random seed (same seed, same text)" };
        var chat = new Option<bool>("--chat") { Description = "Apply the bundle's chat template to the prompt (as one user message)" };
        var system = new Option<string?>("--system") { Description = "With --chat: a system message before the prompt" };
        var stop = new Option<string[]>("--stop") { Description = "Text that ends the generation (repeatable)", Arity = ArgumentArity.OneOrMore };
        var overflow = new Option<string>("--on-context-full") { Description = "error | stop | slide (keep the recent tokens and go on)", DefaultValueFactory = _ => "error" };
        var json = new Option<bool>("--json") { Description = "Print prompt ids, generated ids, text and timings as JSON instead of streaming" };
        var cmd = new Command("generate", "Generate text with a .litertlm model")
        {
            model, prompt, maxTokens, greedy, temperature, topK, topP, seed, chat, system, stop, overflow, json,
        };
        cmd.SetAction(parse => CliErrors.Run(() =>
        {
            var file = parse.GetValue(model)!;
            if (!file.Exists) throw new UsageException($"model file not found: {file.FullName}");
            if (parse.GetValue(maxTokens) < 0) throw new UsageException("--max-tokens must be >= 0");
            var policy = parse.GetValue(overflow) switch
            {
                "error" => ContextOverflow.Error,
                "stop" => ContextOverflow.Stop,
                "slide" => ContextOverflow.SlidingWindow,
                var other => throw new UsageException($"--on-context-full must be error, stop or slide, not '{other}'"),
            };
            try
            {
                using var session = LlmSession.Open(file.FullName);
                var options = new GenerationOptions
                {
                    Sampling = Sampling(session.Settings.DefaultSampling, parse.GetValue(greedy), parse.GetValue(temperature), parse.GetValue(topK), parse.GetValue(topP), parse.GetValue(seed)),
                    MaxNewTokens = parse.GetValue(maxTokens),
                    StopStrings = parse.GetValue(stop) ?? [],
                    OnContextOverflow = policy,
                };
                int[] ids = parse.GetValue(chat) ? Chat(session, parse.GetValue(prompt)!, parse.GetValue(system)) : session.EncodePrompt(parse.GetValue(prompt)!);
                return Run(session, ids, options, parse.GetValue(json));
            }
            catch (NotSupportedException e)
            {
                Console.Error.WriteLine($"error: {file.FullName}: {e.Message}");
                return ExitCodes.ModelError;
            }
            catch (ArgumentOutOfRangeException e) when (e.ParamName == "options")
            {
                throw new UsageException(e.Message);
            }
        }));
        return cmd;
    }

    private static int[] Chat(LlmSession session, string prompt, string? system)
    {
        if (!session.ChatTemplateAvailable) throw new UsageException("--chat: the bundle has no chat template (LlmMetadata.jinja_prompt_template)");
        var messages = new List<TemplateMessage>();
        if (system is not null) messages.Add(new TemplateMessage("system", system));
        messages.Add(new TemplateMessage("user", prompt));
        return session.EncodeChat(messages);
    }

    /// <summary>The bundle's defaults, overridden by the command line.</summary>
    private static SamplingOptions Sampling(SamplingOptions defaults, bool greedy, float? temperature, int? topK, float? topP, ulong? seed)
    {
        var s = defaults;
        if (greedy || temperature == 0) s = SamplingOptions.Greedy;
        else if (temperature is not null || topK is not null || topP is not null)
            s = s with { DoSample = true, Temperature = temperature ?? s.Temperature, TopK = topK ?? s.TopK, TopP = topP ?? s.TopP };
        return seed is { } value ? s with { Seed = value } : s;
    }

    private static int Run(LlmSession session, int[] prompt, GenerationOptions options, bool json)
    {
        using var cancel = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) => { e.Cancel = true; cancel.Cancel(); };
        Console.CancelKeyPress += onCancel;
        var stdout = Console.Out;
        GenerationResult result;
        try
        {
            result = session.Generate(prompt, options, cancel.Token, json ? null : piece => { stdout.Write(piece); stdout.Flush(); });
        }
        catch (OperationCanceledException)
        {
            stdout.WriteLine();
            Console.Error.WriteLine("cancelled");
            return ExitCodes.Ok;
        }
        catch (ContextOverflowException e) when (e.Partial is not null && !json)
        {
            stdout.WriteLine();
            throw;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }

        double decodeSeconds = result.DecodeTime.TotalSeconds;
        if (json)
        {
            var buffer = new MemoryStream();
            using var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
            w.WriteStartObject();
            Ids(w, "prompt_ids", result.PromptIds);
            Ids(w, "generated_ids", result.GeneratedIds);
            w.WriteString("text", result.Text);
            w.WriteString("finish_reason", result.FinishReason.ToString());
            w.WriteNumber("reused_prompt_tokens", result.ReusedPromptTokens);
            w.WriteNumber("window_shifts", result.WindowShifts);
            w.WriteNumber("prefill_ms", Math.Round(result.PrefillTime.TotalMilliseconds, 3));
            w.WriteNumber("decode_ms", Math.Round(result.DecodeTime.TotalMilliseconds, 3));
            w.WriteEndObject();
            w.Flush();
            stdout.WriteLine(Encoding.UTF8.GetString(buffer.ToArray()));
        }
        else
        {
            stdout.WriteLine();
            Console.Error.WriteLine($"[{result.PromptIds.Length} prompt tokens in {result.PrefillTime.TotalMilliseconds:F0} ms; " +
                $"{result.GeneratedIds.Length} generated in {result.DecodeTime.TotalMilliseconds:F0} ms" +
                (decodeSeconds > 0 ? $" ({result.GeneratedIds.Length / decodeSeconds:F1} tok/s)" : "") + $"; {result.FinishReason}]");
        }
        return ExitCodes.Ok;
    }

    private static void Ids(Utf8JsonWriter w, string name, int[] ids)
    {
        w.WriteStartArray(name);
        foreach (int id in ids) w.WriteNumberValue(id);
        w.WriteEndArray();
    }
}
