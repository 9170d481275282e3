namespace LiteRt.Lm.Bundle;

/// <summary>Encodes and decodes <see cref="LlmMetadata"/> by the field numbers of LiteRT-LM's protos.</summary>
internal static class LlmMetadataCodec
{
    private static readonly Dictionary<int, string> ModelTypes = new()
    {
        [1] = "generic_model", [2] = "gemma3n", [3] = "function_gemma", [4] = "gemma3", [5] = "qwen3", [7] = "qwen2p5",
        [8] = "gemma4", [9] = "fast_vlm", [11] = "lfm2", [12] = "minicpm5", [13] = "gemma3270m",
    };

    public static byte[] Encode(LlmMetadata m)
    {
        var w = new ProtoWriter();
        var others = m.OtherFields.Select(f => (Number: FieldNumber(f.Span), Bytes: f)).ToList();
        void Others(int below) { foreach (var o in others.Where(o => o.Number < below).ToList()) { w.Raw(o.Bytes.Span); others.Remove(o); } }

        if (m.StartToken is { } start) w.Message(1, t => Token(t, start));
        foreach (var stop in m.StopTokens) w.Message(2, t => Token(t, stop));
        if (m.PromptTemplates is { } pt)
            w.Message(3, t =>
            {
                if (pt.User is { } u) t.Message(1, a => Affixes(a, u));
                if (pt.Model is { } mo) t.Message(2, a => Affixes(a, mo));
                if (pt.System is { } s) t.Message(3, a => Affixes(a, s));
            });
        if (m.SamplerParams is { } sp)
            w.Message(4, s =>
            {
                if (sp.Type != 0) s.Int(1, (int)sp.Type);
                if (sp.K != 0) s.Int(2, sp.K);
                if (sp.P != 0) s.Float(3, sp.P);
                if (sp.Temperature != 0) s.Float(4, sp.Temperature);
                if (sp.Seed is { } seed) s.Int(5, seed);
                if (sp.Backend != 0) s.Int(6, sp.Backend);
                if (sp.ComputeExactLogProbs) s.Int(7, 1);
            });
        if (m.MaxNumTokens != 0) w.Int(5, m.MaxNumTokens);
        Others(7);
        if (m.JinjaPromptTemplate is { } jinja) w.String(7, jinja);
        Others(9);
        if (m.SuppressTokens.Count > 0) w.Message(9, t => t.PackedInts(1, m.SuppressTokens));
        Others(13);
        if (m.PadToken is { } pad) w.Message(13, t => Token(t, pad));
        if (m.MinRuntimeVersion is { } version) w.String(14, version);
        Others(int.MaxValue);
        return w.ToArray();
    }

    private static void Token(ProtoWriter w, LlmToken token)
    {
        if (token.Ids is { } ids) w.Message(1, t => t.PackedInts(1, ids));
        else w.String(2, token.Text ?? "");
    }

    private static void Affixes(ProtoWriter w, PromptAffixes a)
    {
        if (a.Prefix.Length > 0) w.String(1, a.Prefix);
        if (a.Suffix.Length > 0) w.String(2, a.Suffix);
    }

    public static LlmMetadata Decode(ReadOnlyMemory<byte> bytes)
    {
        var r = new ProtoReader(bytes, "LlmMetadata");
        var m = new LlmMetadata();
        var stops = new List<LlmToken>();
        var suppress = new List<int>();
        var others = new List<ReadOnlyMemory<byte>>();
        while (r.Next(out var f))
        {
            switch (f.Number)
            {
                case 1: m = m with { StartToken = Token(r.Nested(f, "start_token")) }; break;
                case 2: stops.Add(Token(r.Nested(f, $"stop_tokens[{stops.Count}]"))); break;
                case 3: m = m with { PromptTemplates = Templates(r.Nested(f, "prompt_templates")) }; break;
                case 4: m = m with { SamplerParams = Sampler(r.Nested(f, "sampler_params")) }; break;
                case 5: m = m with { MaxNumTokens = r.Int32(f, "max_num_tokens") }; break;
                case 7: m = m with { JinjaPromptTemplate = r.String(f, "jinja_prompt_template") }; break;
                case 9:
                    var ids = r.Nested(f, "suppress_tokens");
                    while (ids.Next(out var g)) if (g.Number == 1) ids.Ints(g, "ids", suppress);
                    break;
                case 13: m = m with { PadToken = Token(r.Nested(f, "pad_token")) }; break;
                case 14: m = m with { MinRuntimeVersion = r.String(f, "min_runtime_version") }; break;
                default: others.Add(f.Encoded); break;
            }
        }
        return m with { StopTokens = stops, SuppressTokens = suppress, OtherFields = others };
    }

    private static LlmToken Token(ProtoReader r)
    {
        LlmToken token = new() { Ids = [] };   // an empty TokenUnion: no ids
        while (r.Next(out var f))
        {
            if (f.Number == 1)
            {
                var ids = new List<int>();
                var inner = r.Nested(f, "token_ids");
                while (inner.Next(out var g)) if (g.Number == 1) inner.Ints(g, "ids", ids);
                token = new LlmToken { Ids = ids };
            }
            else if (f.Number == 2) token = new LlmToken { Text = r.String(f, "token_str") };
        }
        return token;
    }

    private static PromptTemplates Templates(ProtoReader r)
    {
        var t = new PromptTemplates();
        while (r.Next(out var f))
        {
            switch (f.Number)
            {
                case 1: t = t with { User = Affixes(r.Nested(f, "user")) }; break;
                case 2: t = t with { Model = Affixes(r.Nested(f, "model")) }; break;
                case 3: t = t with { System = Affixes(r.Nested(f, "system")) }; break;
            }
        }
        return t;
    }

    private static PromptAffixes Affixes(ProtoReader r)
    {
        string prefix = "", suffix = "";
        while (r.Next(out var f))
        {
            if (f.Number == 1) prefix = r.String(f, "prefix");
            else if (f.Number == 2) suffix = r.String(f, "suffix");
        }
        return new PromptAffixes(prefix, suffix);
    }

    private static SamplerParameters Sampler(ProtoReader r)
    {
        var s = new SamplerParameters();
        while (r.Next(out var f))
        {
            s = f.Number switch
            {
                1 => s with { Type = (SamplerType)r.Int32(f, "type") },
                2 => s with { K = r.Int32(f, "k") },
                3 => s with { P = r.Float(f, "p") },
                4 => s with { Temperature = r.Float(f, "temperature") },
                5 => s with { Seed = r.Int32(f, "seed") },
                6 => s with { Backend = r.Int32(f, "backend") },
                7 => s with { ComputeExactLogProbs = r.Int64(f, "compute_exact_log_probs") != 0 },
                _ => s,
            };
        }
        return s;
    }

    public static string? ModelTypeName(LlmMetadata m)
    {
        foreach (var raw in m.OtherFields)
        {
            var r = new ProtoReader(raw, "LlmMetadata");
            if (!r.Next(out var f) || f.Number != 6 || f.WireType != 2) continue;
            var inner = r.Nested(f, "llm_model_type");
            if (inner.Next(out var member)) return ModelTypes.GetValueOrDefault(member.Number, $"model_type_{member.Number}");
        }
        return null;
    }

    private static int FieldNumber(ReadOnlySpan<byte> encoded)
    {
        ulong tag = 0;
        for (int i = 0, shift = 0; i < encoded.Length && shift < 64; i++, shift += 7)
        {
            tag |= (ulong)(encoded[i] & 0x7F) << shift;
            if (encoded[i] < 0x80) break;
        }
        return (int)Math.Min(tag >> 3, int.MaxValue);
    }
}
