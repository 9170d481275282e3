using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using LiteRt.Lm.Generation;
using AiChatMessage = Microsoft.Extensions.AI.ChatMessage;
using TemplateMessage = LiteRt.Lm.Templates.ChatMessage;

namespace LiteRt.Lm.Engine;

/// <summary>
/// <see cref="IChatClient"/> (Microsoft.Extensions.AI) over an <see cref="LlmSession"/>: the messages go through the
/// model's chat template, <see cref="ChatOptions"/> override the bundle's sampling defaults, and streaming hands out
/// text as it is generated. Text content only: tools, images and penalties are refused with
/// <see cref="NotSupportedException"/> rather than ignored. Concurrent requests (e.g. a client registered as a
/// singleton) are served one after the other: the session runs one generation at a time.
/// </summary>
public sealed class LlmChatClient : IChatClient
{
    private readonly LlmSession _session;
    private readonly bool _ownsSession;
    private readonly ChatClientMetadata _metadata;
    private readonly SemaphoreSlim _gate = new(1, 1);

    public LlmChatClient(LlmSession session, string? modelId = null, bool ownsSession = false)
    {
        ArgumentNullException.ThrowIfNull(session);
        _session = session;
        _ownsSession = ownsSession;
        _metadata = new ChatClientMetadata("LiteRt.Lm", null, modelId);
    }

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<AiChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var (prompt, generation) = Map(messages, options);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        GenerationResult result;
        try
        {
            await Task.Yield();
            result = _session.GenerateChat(prompt, generation, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
        return new ChatResponse(new AiChatMessage(ChatRole.Assistant, result.Text))
        {
            FinishReason = Finish(result.FinishReason),
            Usage = Usage(result),
            ModelId = _metadata.DefaultModelId,
        };
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<AiChatMessage> messages, ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var (prompt, generation) = Map(messages, options);
        string responseId = Guid.NewGuid().ToString("N");
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        GenerationResult result;
        try
        {
            await foreach (string piece in _session.GenerateChatStreamingAsync(prompt, generation, cancellationToken))
                yield return new ChatResponseUpdate(ChatRole.Assistant, piece) { ResponseId = responseId, MessageId = responseId, ModelId = _metadata.DefaultModelId };
            result = _session.LastResult!;
        }
        finally
        {
            _gate.Release();   // also when the caller stops enumerating early
        }
        yield return new ChatResponseUpdate(ChatRole.Assistant, [new UsageContent(Usage(result))])
        {
            ResponseId = responseId,
            MessageId = responseId,
            ModelId = _metadata.DefaultModelId,
            FinishReason = Finish(result.FinishReason),
        };
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null) return null;
        if (serviceType == typeof(ChatClientMetadata)) return _metadata;
        if (serviceType == typeof(LlmSession)) return _session;
        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    public void Dispose()
    {
        if (_ownsSession) _session.Dispose();
        _gate.Dispose();
    }

    private (List<TemplateMessage>, GenerationOptions) Map(IEnumerable<AiChatMessage> messages, ChatOptions? options)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var prompt = new List<TemplateMessage>();
        foreach (var m in messages)
        {
            foreach (var content in m.Contents)
                if (content is not TextContent and not UsageContent)
                    throw new NotSupportedException($"message {prompt.Count} ({m.Role}): {content.GetType().Name} is not supported; this client handles text only");
            prompt.Add(new TemplateMessage(m.Role.Value, m.Text));
        }
        if (prompt.Count == 0) throw new ArgumentException("no messages", nameof(messages));
        if (!_session.ChatTemplateAvailable) throw new InvalidOperationException("the model has no chat template; use LlmSession.Generate with plain text");

        var generation = new GenerationOptions();
        if (options is null) return (prompt, generation);
        if (options.Tools is { Count: > 0 }) throw new NotSupportedException("tool calling is not supported by LlmChatClient");
        if (options.FrequencyPenalty is not null || options.PresencePenalty is not null)
            throw new NotSupportedException("frequency and presence penalties are not supported (the sampler has a repetition penalty: LlmSession with SamplingOptions.RepetitionPenalty)");
        if (options.ResponseFormat is ChatResponseFormatJson) throw new NotSupportedException("constrained JSON output is not supported");

        var sampling = _session.Settings.DefaultSampling;
        if (options.Temperature is 0f) sampling = SamplingOptions.Greedy with { RepetitionPenalty = sampling.RepetitionPenalty };
        else if (options.Temperature is not null || options.TopK is not null || options.TopP is not null)
            sampling = sampling with
            {
                DoSample = true,
                Temperature = options.Temperature ?? sampling.Temperature,
                TopK = options.TopK ?? sampling.TopK,
                TopP = options.TopP ?? sampling.TopP,
            };
        if (options.Seed is { } seed) sampling = sampling with { Seed = unchecked((ulong)seed) };
        return (prompt, generation with
        {
            Sampling = sampling,
            MaxNewTokens = options.MaxOutputTokens,
            StopStrings = options.StopSequences is { Count: > 0 } stops ? [.. stops] : [],
        });
    }

    private static ChatFinishReason Finish(FinishReason reason) => reason switch
    {
        FinishReason.MaxTokens or FinishReason.ContextFull => ChatFinishReason.Length,
        _ => ChatFinishReason.Stop,
    };

    private static UsageDetails Usage(GenerationResult r) => new()
    {
        InputTokenCount = r.PromptIds.Length,
        OutputTokenCount = r.GeneratedIds.Length,
        TotalTokenCount = r.PromptIds.Length + r.GeneratedIds.Length,
    };
}

/// <summary>The sketch's <c>lm.AsChatClient()</c>.</summary>
public static class LlmSessionChatExtensions
{
    public static IChatClient AsChatClient(this LlmSession session, string? modelId = null) => new LlmChatClient(session, modelId);
}
