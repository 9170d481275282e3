using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;

namespace LiteRt.Lm.Tokenization;

/// <summary>
/// The BPE model of tokenizer.json: a word (one pre-token) starts as one symbol per character (or its
/// <c>&lt;0xNN&gt;</c> byte pieces with byte_fallback, or unk), then the pair with the lowest merge rank — leftmost
/// on ties — is merged until no listed pair remains.
/// </summary>
internal sealed class BpeModel
{
    private readonly Dictionary<string, int> _vocab;
    private readonly Dictionary<int, string> _idToToken;
    private readonly Dictionary<long, (int Rank, int NewId)> _merges;
    private readonly string? _unkToken;
    private readonly string? _prefix;
    private readonly string? _suffix;
    private readonly bool _fuseUnk;
    private readonly bool _byteFallback;
    private readonly bool _ignoreMerges;
    private readonly int[]? _byteIds;   // id of "<0xNN>" per byte, -1 where absent
    private readonly ConcurrentDictionary<string, int[]> _cache = new(StringComparer.Ordinal);
    private const int CacheCapacity = 20000;
    private const int CacheMaxWordLength = 256;

    public int VocabCount => _vocab.Count;
    public bool ByteFallback => _byteFallback;

    public BpeModel(JsonElement model, string where)
    {
        model.OnlyKeys(where, "type", "dropout", "unk_token", "continuing_subword_prefix", "end_of_word_suffix", "fuse_unk", "byte_fallback", "ignore_merges", "vocab", "merges");
        if (model.Prop("dropout") is { } d && d.GetDouble() != 0)
            throw new NotSupportedException($"tokenizer.json: model type 'BPE' with dropout {d.GetDouble()} is not supported (tokenization would be random)");
        _unkToken = model.Str("unk_token", where);
        _prefix = model.Str("continuing_subword_prefix", where);
        _suffix = model.Str("end_of_word_suffix", where);
        _fuseUnk = model.Bool("fuse_unk", where) ?? false;
        _byteFallback = model.Bool("byte_fallback", where) ?? false;
        _ignoreMerges = model.Bool("ignore_merges", where) ?? false;

        var vocabJson = model.Required("vocab", where);
        _vocab = new Dictionary<string, int>(StringComparer.Ordinal);
        _idToToken = new Dictionary<int, string>();
        foreach (var entry in vocabJson.EnumerateObject())
        {
            int id = entry.Value.GetInt32();
            _vocab[entry.Name] = id;
            _idToToken[id] = entry.Name;
        }

        _merges = new Dictionary<long, (int, int)>();
        int rank = 0;
        int prefixLength = _prefix?.Length ?? 0;
        foreach (var m in model.Required("merges", where).EnumerateArray())
        {
            string a, b;
            if (m.ValueKind == JsonValueKind.String)
            {
                var parts = m.GetString()!.Split(' ');
                if (parts.Length != 2) throw new InvalidDataException($"{where}.merges[{rank}]: '{m.GetString()}' is not two tokens separated by one space");
                (a, b) = (parts[0], parts[1]);
            }
            else if (m.ValueKind == JsonValueKind.Array && m.GetArrayLength() == 2)
                (a, b) = (m[0].GetString()!, m[1].GetString()!);
            else throw new InvalidDataException($"{where}.merges[{rank}]: expected \"a b\" or [a, b]");
            if (!_vocab.TryGetValue(a, out int aId) || !_vocab.TryGetValue(b, out int bId))
                throw new InvalidDataException($"{where}.merges[{rank}]: token '{(_vocab.ContainsKey(a) ? b : a)}' is not in the vocabulary");
            string merged = a + (prefixLength <= b.Length ? b[prefixLength..] : "");
            if (!_vocab.TryGetValue(merged, out int newId))
                throw new InvalidDataException($"{where}.merges[{rank}]: merged token '{merged}' is not in the vocabulary");
            _merges[PairKey(aId, bId)] = (rank, newId);   // a repeated pair keeps its last rank, as HF does
            rank++;
        }

        if (_unkToken is not null && !_vocab.ContainsKey(_unkToken))
            throw new InvalidDataException($"{where}: unk_token '{_unkToken}' is not in the vocabulary");

        if (_byteFallback)
        {
            var ids = new int[256];
            for (int b = 0; b < 256; b++) ids[b] = _vocab.TryGetValue($"<0x{b:X2}>", out int id) ? id : -1;
            _byteIds = ids;
        }
    }

    private static long PairKey(int a, int b) => ((long)a << 32) | (uint)b;

    public int? TokenToId(string token) => _vocab.TryGetValue(token, out int id) ? id : null;

    public string? IdToToken(int id) => _idToToken.TryGetValue(id, out var t) ? t : null;

    public IEnumerable<KeyValuePair<string, int>> Vocab => _vocab;

    /// <summary>Appends the ids of one pre-token.</summary>
    public void Tokenize(string word, List<int> output)
    {
        if (word.Length == 0) return;
        if (_ignoreMerges && _vocab.TryGetValue(word, out int whole)) { output.Add(whole); return; }
        bool cacheable = word.Length <= CacheMaxWordLength;
        if (cacheable && _cache.TryGetValue(word, out var cached)) { output.AddRange(cached); return; }
        int[] ids = MergeWord(word);
        if (cacheable && _cache.Count < CacheCapacity) _cache.TryAdd(word, ids);
        output.AddRange(ids);
    }

    private int[] MergeWord(string w)
    {
        // Initial symbols: one per code point (with prefix/suffix), else its byte pieces, else unk.
        var ids = new List<int>(w.Length);
        int pendingUnk = -1;
        int unkId = _unkToken is null ? -1 : _vocab[_unkToken];
        for (int i = 0; i < w.Length;)
        {
            int len = char.IsSurrogatePair(w, i) ? 2 : 1;
            bool isFirst = i == 0;
            bool isLast = i + len >= w.Length;
            string s = w.Substring(i, len);
            if (!isFirst && _prefix is not null) s = _prefix + s;
            if (isLast && _suffix is not null) s += _suffix;
            i += len;

            if (_vocab.TryGetValue(s, out int id))
            {
                if (pendingUnk >= 0) { ids.Add(pendingUnk); pendingUnk = -1; }
                ids.Add(id);
                continue;
            }
            if (_byteFallback && TryBytes(s, ids)) continue;
            if (unkId >= 0)
            {
                if (pendingUnk >= 0 && !_fuseUnk) ids.Add(pendingUnk);
                pendingUnk = unkId;
            }
            // No unk token: the character is dropped, as HF does.
        }
        if (pendingUnk >= 0) ids.Add(pendingUnk);
        return ids.Count <= 1 ? [.. ids] : Merge(ids);
    }

    private bool TryBytes(string s, List<int> ids)
    {
        var bytes = Encoding.UTF8.GetBytes(s);
        foreach (byte b in bytes)
            if (_byteIds![b] < 0) return false;
        foreach (byte b in bytes) ids.Add(_byteIds![b]);
        return true;
    }

    /// <summary>Lowest rank first, leftmost on ties; a doubly linked list over the initial symbols.</summary>
    private int[] Merge(List<int> initial)
    {
        int n = initial.Count;
        var sym = initial.ToArray();
        var prev = new int[n];
        var next = new int[n];
        var alive = new bool[n];
        for (int i = 0; i < n; i++) { prev[i] = i - 1; next[i] = i + 1 < n ? i + 1 : -1; alive[i] = true; }
        var queue = new PriorityQueue<(int Pos, int NewId), long>();
        for (int i = 0; i + 1 < n; i++)
            if (_merges.TryGetValue(PairKey(sym[i], sym[i + 1]), out var m))
                queue.Enqueue((i, m.NewId), Priority(m.Rank, i));

        int count = n;
        while (queue.TryDequeue(out var top, out _))
        {
            int pos = top.Pos;
            if (!alive[pos] || next[pos] < 0) continue;
            int right = next[pos];
            // Skip stale entries: the pair at pos must still merge into the queued token.
            if (!_merges.TryGetValue(PairKey(sym[pos], sym[right]), out var current) || current.NewId != top.NewId) continue;
            sym[pos] = top.NewId;
            alive[right] = false;
            count--;
            next[pos] = next[right];
            if (next[right] >= 0) prev[next[right]] = pos;
            if (prev[pos] >= 0 && _merges.TryGetValue(PairKey(sym[prev[pos]], sym[pos]), out var left))
                queue.Enqueue((prev[pos], left.NewId), Priority(left.Rank, prev[pos]));
            if (next[pos] >= 0 && _merges.TryGetValue(PairKey(sym[pos], sym[next[pos]]), out var after))
                queue.Enqueue((pos, after.NewId), Priority(after.Rank, pos));
        }

        var result = new int[count];
        int k = 0;
        for (int i = 0; i >= 0; i = next[i]) result[k++] = sym[i];
        return result;
    }

    private static long Priority(int rank, int pos) => ((long)rank << 32) | (uint)pos;
}
