using LiteRt.Runtime;

namespace LiteRt.Compiler.Tests.HuggingFace;

/// <summary>
/// A plain greedy loop over a converted decoder (test helper, not the generation engine): one <see cref="TensorMemory"/>
/// per cache, bound in place to every signature; prompts go through the smallest prefill signature that holds them
/// (padding: token 0 at position −1), or in chunks of the largest.
/// </summary>
internal sealed class GreedyDecoder : IDisposable
{
    private readonly CompiledModel _model;
    private readonly List<TensorMemory> _caches = [];
    private readonly List<(int N, SignatureRunner Runner)> _prefill;
    private readonly SignatureRunner _decode;

    public GreedyDecoder(string path, RuntimeOptions? options = null)
    {
        var sw = System.Diagnostics.Stopwatch.StartNew();
        _model = CompiledModel.Load(path, options);
        LoadSeconds = sw.Elapsed.TotalSeconds;
        var byName = new Dictionary<string, TensorMemory>();
        foreach (var s in _model.Signatures)
        {
            var bindings = new List<KeyValuePair<string, TensorMemory>>();
            foreach (var input in s.Inputs.Where(i => i.Name.StartsWith("kv_cache_", StringComparison.Ordinal)))
            {
                if (!byName.TryGetValue(input.Name, out var m)) _caches.Add(byName[input.Name] = m = new TensorMemory(input.ByteLength));
                bindings.Add(new(input.Name, m));
            }
            s.BindInPlace(bindings); // all caches at once: memory is re-planned once per signature
        }
        _prefill = _model.Signatures.Where(s => s.Key.StartsWith("prefill_", StringComparison.Ordinal))
            .Select(s => (int.Parse(s.Key["prefill_".Length..]), s)).OrderBy(p => p.Item1).ToList();
        _decode = _model.Signature("decode");
        BindSeconds = sw.Elapsed.TotalSeconds - LoadSeconds;
        VocabSize = _decode.Output("logits").Shape[^1];
    }

    public int VocabSize { get; }
    public double LoadSeconds { get; }
    public double BindSeconds { get; }
    public CompiledModel Model => _model;

    public float[] Prefill(ReadOnlySpan<int> ids, int start = 0)
    {
        float[] logits = [];
        while (ids.Length > 0)
        {
            int need = ids.Length;
            var (n, runner) = _prefill.FirstOrDefault(p => p.N >= need);
            if (runner is null) (n, runner) = _prefill[^1];
            int take = Math.Min(n, ids.Length);
            var tokens = runner.Input("tokens").AsSpan<int>();
            var pos = runner.Input("input_pos").AsSpan<int>();
            tokens.Clear();
            pos.Fill(-1);
            for (int i = 0; i < take; i++) { tokens[i] = ids[i]; pos[i] = start + i; }
            runner.Run();
            logits = runner.Output("logits").ToArray<float>();
            ids = ids[take..];
            start += take;
        }
        return logits;
    }

    public float[] Decode(int token, int position)
    {
        _decode.Input("tokens").AsSpan<int>()[0] = token;
        _decode.Input("input_pos").AsSpan<int>()[0] = position;
        _decode.Run();
        return _decode.Output("logits").ToArray<float>();
    }

    public void Reset()
    {
        foreach (var c in _caches) c.Clear();
    }

    /// <summary>Greedy ids after the prompt (argmax, first index on ties).</summary>
    public int[] Greedy(int[] prompt, int count)
    {
        Reset();
        var logits = Prefill(prompt);
        var result = new int[count];
        for (int i = 0; i < count; i++)
        {
            result[i] = ArgMax(logits);
            if (i + 1 < count) logits = Decode(result[i], prompt.Length + i);
        }
        return result;
    }

    public static int ArgMax(ReadOnlySpan<float> v)
    {
        int best = 0;
        for (int i = 1; i < v.Length; i++) if (v[i] > v[best]) best = i;
        return best;
    }

    public void Dispose()
    {
        _model.Dispose();
        foreach (var c in _caches) c.Dispose();
    }
}
