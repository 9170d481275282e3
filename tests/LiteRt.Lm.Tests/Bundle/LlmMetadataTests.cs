using LiteRt.Lm.Bundle;

namespace LiteRt.Lm.Tests.Bundle;

/// <summary>The LlmMetadata protobuf, by the field numbers of LiteRT-LM's llm_metadata.proto.</summary>
public sealed class LlmMetadataTests
{
    [Fact]
    public void KnownEncodings()
    {
        Assert.Equal([0x28, 0x80, 0x20], new LlmMetadata { MaxNumTokens = 4096 }.ToBytes());            // field 5 varint
        // start_token (1) → TokenUnion.token_ids (1) → TokenIds.ids (1, packed) = [2]
        Assert.Equal([0x0A, 0x05, 0x0A, 0x03, 0x0A, 0x01, 0x02], new LlmMetadata { StartToken = LlmToken.FromIds(2) }.ToBytes());
        // stop_tokens (2) → TokenUnion.token_str (2) = "<e>"
        Assert.Equal([0x12, 0x05, 0x12, 0x03, (byte)'<', (byte)'e', (byte)'>'], new LlmMetadata { StopTokens = [LlmToken.FromText("<e>")] }.ToBytes());
        // Unpacked repeated ids read as well as packed ones.
        var m = LlmMetadata.FromBytes(new byte[] { 0x0A, 0x06, 0x0A, 0x04, 0x08, 0x05, 0x08, 0x06 });
        Assert.Equal([5, 6], m.StartToken!.Ids!);
    }

    [Fact]
    public void RoundTripKeepsEveryField()
    {
        var m = new LlmMetadata
        {
            StartToken = LlmToken.FromIds(1),
            StopTokens = [LlmToken.FromIds(2), LlmToken.FromIds(7, 8, 9), LlmToken.FromText("<|im_end|>")],
            PromptTemplates = new PromptTemplates { User = new PromptAffixes("<u>", "</u>"), Model = new PromptAffixes("<m>", "") },
            SamplerParams = new SamplerParameters { Type = SamplerType.TopP, K = 40, P = 0.95f, Temperature = 0.8f, Seed = -1 },
            MaxNumTokens = 1280,
            JinjaPromptTemplate = "{{ messages[0].content }}",
            SuppressTokens = [3, 4],
            PadToken = LlmToken.FromIds(0),
            MinRuntimeVersion = "0.11.0",
            // llm_model_type (6) = { generic_model (1) = {} }, supports_thinking (11) = true
            OtherFields = [new byte[] { 0x32, 0x02, 0x0A, 0x00 }, new byte[] { 0x58, 0x01 }],
        };
        var back = LlmMetadata.FromBytes(m.ToBytes());
        Assert.Equal(m.ToBytes(), back.ToBytes());
        Assert.Equal(m.StopTokens.Select(t => t.ToString()), back.StopTokens.Select(t => t.ToString()));
        Assert.Equal(m.SamplerParams, back.SamplerParams);
        Assert.Equal(m.PromptTemplates, back.PromptTemplates);
        Assert.Equal(("generic_model", 1280, "0.11.0"), (back.ModelTypeName, back.MaxNumTokens, back.MinRuntimeVersion));
        Assert.Equal([3, 4], back.SuppressTokens);
    }

    [Theory]
    [InlineData(new byte[] { 0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F }, "runs past the end")]      // length far beyond the data
    [InlineData(new byte[] { 0x28 }, "varint runs past the end")]
    [InlineData(new byte[] { 0x28, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 }, "longer than ten bytes")]
    [InlineData(new byte[] { 0x0B }, "wire type 3")]                                            // a group
    [InlineData(new byte[] { 0x3A, 0x02, 0xC3, 0x28 }, "not valid UTF-8")]                     // jinja_prompt_template
    [InlineData(new byte[] { 0x2A, 0x00 }, "max_num_tokens (field 5) has wire type 2")]
    public void MalformedBytesNameTheProblem(byte[] bytes, string reason)
    {
        var e = Assert.Throws<InvalidDataException>(() => LlmMetadata.FromBytes(bytes));
        Assert.Contains(reason, e.Message);
        Assert.StartsWith("LlmMetadata", e.Message);
    }
}
