namespace LiteRt.Lm.Generation;

/// <summary>
/// Stops on token-id sequences: single EOS ids, or multi-token sequences (e.g. the ids of "&lt;|im_end|&gt;" written
/// as text). Checked after each generated token against the end of the generated ids.
/// </summary>
public sealed class TokenStopMatcher
{
    private readonly int[][] _sequences;

    public TokenStopMatcher(IEnumerable<IReadOnlyList<int>> sequences)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        _sequences = sequences.Select(s => s.ToArray()).ToArray();
        if (_sequences.Any(s => s.Length == 0)) throw new ArgumentException("a stop sequence must have at least one token", nameof(sequences));
    }

    /// <summary>Single-token stops, e.g. generation_config.json's eos_token_id list.</summary>
    public static TokenStopMatcher FromEosIds(IEnumerable<int> eosIds) => new(eosIds.Select(id => (IReadOnlyList<int>)[id]));

    public IReadOnlyList<IReadOnlyList<int>> Sequences => _sequences;

    /// <summary>True when <paramref name="generated"/> ends with a stop sequence; <paramref name="length"/>: its length (the longest that matches).</summary>
    public bool EndsWithStop(ReadOnlySpan<int> generated, out int length)
    {
        length = 0;
        foreach (var s in _sequences)
            if (s.Length > length && generated.EndsWith(s)) length = s.Length;
        return length > 0;
    }
}

/// <summary>
/// Stops on text: fed the streamed text of the generation, it hands out only text that cannot be the start of a
/// stop string, and on a match the text before it (the stop string and anything after it are dropped).
/// </summary>
public sealed class TextStopMatcher
{
    private readonly string[] _stops;
    private string _pending = "";

    public TextStopMatcher(IEnumerable<string> stops)
    {
        ArgumentNullException.ThrowIfNull(stops);
        _stops = stops.ToArray();
        if (_stops.Any(s => s.Length == 0)) throw new ArgumentException("a stop string must not be empty", nameof(stops));
    }

    public bool Stopped { get; private set; }

    /// <summary>The stop string that matched (null while not stopped).</summary>
    public string? MatchedStop { get; private set; }

    /// <summary>Adds streamed text; returns the text that is now safe to show (possibly empty).</summary>
    public string Push(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (Stopped) return "";
        string all = _pending + text;
        int first = -1;
        string? matched = null;
        foreach (var s in _stops)
        {
            int at = all.IndexOf(s, StringComparison.Ordinal);
            if (at >= 0 && (first < 0 || at < first || (at == first && s.Length > matched!.Length))) { first = at; matched = s; }
        }
        if (first >= 0)
        {
            Stopped = true;
            MatchedStop = matched;
            _pending = "";
            return all[..first];
        }
        int hold = HeldBack(all);
        _pending = all[^hold..];
        return all[..^hold];
    }

    /// <summary>At the end of generation: the text held back because it could have begun a stop string.</summary>
    public string Flush()
    {
        string rest = Stopped ? "" : _pending;
        _pending = "";
        return rest;
    }

    /// <summary>Length of the longest suffix of <paramref name="text"/> that is a proper prefix of a stop string.</summary>
    private int HeldBack(string text)
    {
        int best = 0;
        foreach (var s in _stops)
            for (int len = Math.Min(s.Length - 1, text.Length); len > best; len--)
                if (string.CompareOrdinal(text, text.Length - len, s, 0, len) == 0) { best = len; break; }
        return best;
    }
}
