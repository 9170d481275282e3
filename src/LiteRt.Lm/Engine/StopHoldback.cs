namespace LiteRt.Lm.Engine;

/// <summary>
/// Multi-token stop sequences over the generated ids: says when the ids end with a stop sequence, and how many of the
/// last ids must be held back from the text because they could still become one (so no part of a stop sequence is
/// ever streamed). Allocation-free per token.
/// </summary>
internal sealed class StopHoldback(IReadOnlyList<IReadOnlyList<int>> sequences)
{
    private readonly int[][] _sequences = sequences.Where(s => s.Count > 0).Select(s => s.ToArray()).ToArray();

    /// <summary>Length of the longest stop sequence <paramref name="ids"/> ends with (0: none).</summary>
    public int Match(ReadOnlySpan<int> ids)
    {
        int best = 0;
        foreach (var s in _sequences)
            if (s.Length > best && ids.EndsWith(s)) best = s.Length;
        return best;
    }

    /// <summary>Length of the longest suffix of <paramref name="ids"/> that is a proper prefix of a stop sequence.</summary>
    public int Pending(ReadOnlySpan<int> ids)
    {
        int best = 0;
        foreach (var s in _sequences)
            for (int len = Math.Min(s.Length - 1, ids.Length); len > best; len--)
                if (ids[^len..].SequenceEqual(s.AsSpan(0, len))) { best = len; break; }
        return best;
    }
}
