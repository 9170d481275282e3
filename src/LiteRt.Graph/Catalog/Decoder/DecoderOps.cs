using LiteRt.Format.Schema;

namespace LiteRt.Graph.Catalog;

/// <summary>
/// Custom ops of decoder-only language models converted from Hugging Face checkpoints. LiteRT's builtin set has no
/// attention with a KV cache, so the converter emits one CUSTOM op per layer (see <see cref="GqaAttention"/>); the
/// catalog dispatches CUSTOM ops on their custom code.
/// </summary>
internal static class DecoderOps
{
    public static void Register(Action<OpDefinition> add)
    {
        add(new OpDefinition
        {
            Op = BuiltinOperator.Custom,
            Summary = $"Custom ops by custom_code. '{GqaAttention.CustomCode}': {GqaAttention.Summary}",
            Inputs = ["inputs..."],
            Outputs = ["outputs..."],
            InferShapes = ctx =>
            {
                if (ctx.Op.CustomCode != GqaAttention.CustomCode) throw ctx.Error($"custom op '{ctx.Op.CustomCode}' is not supported");
                GqaAttention.InferShapes(ctx);
            },
            Reference = ctx =>
            {
                if (ctx.Op.CustomCode != GqaAttention.CustomCode) throw new LiteRtModelException($"custom op '{ctx.Op.CustomCode}' is not supported", ctx.Node);
                GqaAttention.Reference(ctx);
            },
        });
    }
}
