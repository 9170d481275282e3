namespace LiteRt.Lm.Tokenization;

/// <summary>A token from tokenizer.json's <c>added_tokens</c>: matched literally in the input before the model runs.</summary>
/// <param name="Special">Special tokens can be skipped when decoding and left unparsed when encoding.</param>
/// <param name="Normalized">Matched in the normalized text (true) or in the raw input (false).</param>
public sealed record AddedToken(int Id, string Content, bool Special, bool Normalized, bool LStrip, bool RStrip, bool SingleWord);

/// <summary>One segment of the input after added tokens are split out: an added token's id, or text.</summary>
internal readonly record struct Segment(int TokenId, string? Text, bool AtStart)
{
    public bool IsToken => Text is null;
}

/// <summary>Finds added tokens in text: leftmost match, longest on ties (HF's Aho-Corasick LeftmostLongest).</summary>
internal sealed class AddedTokenMatcher
{
    private readonly Dictionary<char, List<(string Content, AddedToken Token)>> _byFirstChar = [];

    public AddedTokenMatcher(IEnumerable<(string Content, AddedToken Token)> patterns)
    {
        foreach (var (content, token) in patterns)
        {
            if (content.Length == 0) continue;
            if (!_byFirstChar.TryGetValue(content[0], out var list)) _byFirstChar[content[0]] = list = [];
            list.Add((content, token));
        }
        foreach (var list in _byFirstChar.Values) list.Sort((a, b) => b.Content.Length.CompareTo(a.Content.Length));
    }

    public bool IsEmpty => _byFirstChar.Count == 0;

    /// <summary>
    /// Splits <paramref name="text"/> into added tokens and text (HF <c>find_matches</c>: single_word, lstrip and
    /// rstrip applied after the match; special tokens are passed over when <paramref name="parseSpecial"/> is false).
    /// </summary>
    public void Split(string text, bool atStart, bool parseSpecial, List<Segment> output)
    {
        if (text.Length == 0) return;
        int startOffset = 0;
        int searchFrom = 0;
        while (searchFrom < text.Length)
        {
            if (!FindNext(text, searchFrom, out int start, out var token, out int length)) break;
            int stop = start + length;
            searchFrom = stop;
            if (!parseSpecial && token.Special) continue;
            if (token.SingleWord)
            {
                bool startSpace = start == 0 || !EndsWithWordChar(text, start);
                bool stopSpace = stop == text.Length || !StartsWithWordChar(text, stop);
                if (!startSpace || !stopSpace) continue;
            }
            if (token.LStrip)
            {
                int s = start;
                while (s > 0 && IsWhiteSpaceBefore(text, s, out int w)) s -= w;
                start = Math.Max(s, startOffset);
            }
            if (token.RStrip)
            {
                while (stop < text.Length && IsWhiteSpaceAt(text, stop, out int w)) stop += w;
            }
            if (startOffset < start) output.Add(new Segment(-1, text[startOffset..start], atStart && startOffset == 0));
            output.Add(new Segment(token.Id, null, false));
            startOffset = stop;
        }
        if (startOffset < text.Length) output.Add(new Segment(-1, text[startOffset..], atStart && startOffset == 0));
    }

    private bool FindNext(string text, int from, out int start, out AddedToken token, out int length)
    {
        for (int i = from; i < text.Length; i++)
        {
            if (!_byFirstChar.TryGetValue(text[i], out var candidates)) continue;
            foreach (var (content, t) in candidates)   // longest first
            {
                if (i + content.Length <= text.Length && string.CompareOrdinal(text, i, content, 0, content.Length) == 0)
                {
                    start = i;
                    token = t;
                    length = content.Length;
                    return true;
                }
            }
        }
        start = -1;
        token = null!;
        length = 0;
        return false;
    }

    private static bool IsWordRune(System.Text.Rune r) => System.Text.Rune.IsLetter(r) || System.Text.Rune.IsNumber(r);

    private static bool EndsWithWordChar(string s, int end) =>
        System.Text.Rune.DecodeLastFromUtf16(s.AsSpan(0, end), out var r, out _) == System.Buffers.OperationStatus.Done && IsWordRune(r);

    private static bool StartsWithWordChar(string s, int start) =>
        System.Text.Rune.DecodeFromUtf16(s.AsSpan(start), out var r, out _) == System.Buffers.OperationStatus.Done && IsWordRune(r);

    private static bool IsWhiteSpaceBefore(string s, int end, out int width)
    {
        bool ok = System.Text.Rune.DecodeLastFromUtf16(s.AsSpan(0, end), out var r, out width) == System.Buffers.OperationStatus.Done;
        return ok && System.Text.Rune.IsWhiteSpace(r);
    }

    private static bool IsWhiteSpaceAt(string s, int start, out int width)
    {
        bool ok = System.Text.Rune.DecodeFromUtf16(s.AsSpan(start), out var r, out width) == System.Buffers.OperationStatus.Done;
        return ok && System.Text.Rune.IsWhiteSpace(r);
    }
}
