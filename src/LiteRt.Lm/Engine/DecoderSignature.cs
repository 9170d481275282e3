using LiteRt.Format.Schema;
using LiteRt.Runtime;

namespace LiteRt.Lm.Engine;

/// <summary>
/// One <c>prefill_N</c> or <c>decode</c> signature of a converted decoder, with its buffers looked up once:
/// <c>tokens</c> int32 [1,N], <c>input_pos</c> int32 [N], optional <c>mask</c> float32 [1,1,N,context],
/// <c>kv_cache_k_i</c>/<c>kv_cache_v_i</c> in and out, and <c>logits</c> for all N positions or only the last.
/// </summary>
internal sealed class DecoderSignature
{
    public DecoderSignature(SignatureRunner runner, int length)
    {
        Runner = runner;
        Length = length;
        string where = $"signature '{runner.Key}'";
        Tokens = Require(runner, "tokens", TensorType.Int32, length, where);
        Positions = Require(runner, "input_pos", TensorType.Int32, length, where);
        Mask = runner.Inputs.FirstOrDefault(b => b.Name == "mask");
        foreach (var input in runner.Inputs)
            if (input.Name is not ("tokens" or "input_pos" or "mask") && !input.Name.StartsWith("kv_cache_", StringComparison.Ordinal))
                throw new NotSupportedException($"{where}: input '{input.Name}' is not part of the decoder contract (tokens, input_pos, mask, kv_cache_k_<i>, kv_cache_v_<i>)");

        var caches = runner.Inputs.Where(b => b.Name.StartsWith("kv_cache_", StringComparison.Ordinal)).OrderBy(b => b.Name, StringComparer.Ordinal).ToArray();
        if (caches.Length == 0) throw new NotSupportedException($"{where}: no kv_cache_k_<i> / kv_cache_v_<i> inputs");
        CacheIn = caches;
        CacheOut = new TensorBuffer[caches.Length];
        for (int i = 0; i < caches.Length; i++)
        {
            var input = caches[i];
            if (input.Type != TensorType.Float32) throw new NotSupportedException($"{where}: cache '{input.Name}' is {input.Type.Name()}; float32 expected");
            var output = runner.Outputs.FirstOrDefault(b => b.Name == input.Name)
                ?? throw new NotSupportedException($"{where}: cache input '{input.Name}' has no output of the same name (the updated cache)");
            if (!output.Shape.SequenceEqual(input.Shape) || output.Type != input.Type)
                throw new NotSupportedException($"{where}: cache output '{output.Name}' is {output}, its input is {input}");
            CacheOut[i] = output;
        }

        Logits = runner.Outputs.FirstOrDefault(b => b.Name == "logits");
        if (Logits is not null)
        {
            if (Logits.Type != TensorType.Float32 || Logits.Shape.Count == 0) throw new NotSupportedException($"{where}: logits is {Logits}; float32 [1, N, vocab] expected");
            Vocab = Logits.Shape[^1];
            LogitRows = (int)(Logits.ElementCount / Math.Max(Vocab, 1));
            if (LogitRows != length && LogitRows != 1)
                throw new NotSupportedException($"{where}: logits {Logits} has {LogitRows} rows; expected {length} (every position) or 1 (the last)");
        }
    }

    public SignatureRunner Runner { get; }
    public int Length { get; }
    public TensorBuffer Tokens { get; }
    public TensorBuffer Positions { get; }
    public TensorBuffer? Mask { get; }
    public TensorBuffer[] CacheIn { get; }
    public TensorBuffer[] CacheOut { get; }
    public TensorBuffer? Logits { get; }
    public int Vocab { get; }
    public int LogitRows { get; }

    /// <summary>Whether a run with <paramref name="count"/> real tokens (the rest padding) yields the last real token's logits.</summary>
    public bool GivesLogitsFor(int count) => Logits is not null && (LogitRows == Length || count == Length);

    private static TensorBuffer Require(SignatureRunner runner, string name, TensorType type, int length, string where)
    {
        var b = runner.Inputs.FirstOrDefault(x => x.Name == name) ?? throw new NotSupportedException($"{where}: no '{name}' input");
        if (b.Type != type || b.ElementCount != length)
            throw new NotSupportedException($"{where}: '{name}' is {b}; {type.Name()} with {length} elements expected");
        return b;
    }
}
