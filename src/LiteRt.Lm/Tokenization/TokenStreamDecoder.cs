namespace LiteRt.Lm.Tokenization;

/// <summary>
/// Decodes generated tokens one at a time and hands out text only once it is complete: a token that ends in the
/// middle of a UTF-8 character (byte-level or byte-fallback pieces) yields nothing until the character is finished.
/// </summary>
/// <remarks>
/// The algorithm is Hugging Face's <c>DecodeStream</c>: the ids since the last emitted boundary are decoded together
/// with a few ids of context before it (so decoders that look at neighbours — the leading-space strip of Llama's
/// decoder, Metaspace — give the same text as decoding everything at once), and the new suffix is emitted when the
/// decoded text grew and does not end in U+FFFD. <see cref="Flush"/> emits whatever is still held (with U+FFFD for
/// an unfinished character). The pieces joined equal <see cref="Tokenizer.Decode"/> of the whole sequence whenever
/// decoding more ids only appends text, which holds for byte-level BPE and for byte-fallback except when a run of
/// byte pieces that already formed valid text is continued into invalid UTF-8 (HF then re-renders the whole run as
/// U+FFFD; the stream cannot take back what it handed out, and goes on with the text after the shared part).
/// </remarks>
public sealed class TokenStreamDecoder
{
    private readonly Tokenizer _tokenizer;
    private readonly bool _skipSpecialTokens;
    private readonly List<int> _ids = [];
    private string _prefix = "";
    private int _prefixIndex;

    internal TokenStreamDecoder(Tokenizer tokenizer, bool skipSpecialTokens)
    {
        _tokenizer = tokenizer;
        _skipSpecialTokens = skipSpecialTokens;
    }

    /// <summary>Adds one token; returns the text it completes (empty when nothing is complete yet).</summary>
    public string Push(int id)
    {
        if (_prefix.Length == 0 && _ids.Count > 0)
        {
            string newPrefix = Decode(_ids);
            if (!newPrefix.EndsWith('\uFFFD'))
            {
                _prefix = newPrefix;
                _prefixIndex = _ids.Count;
            }
        }
        _ids.Add(id);
        string text = Decode(_ids);
        if (text.Length <= _prefix.Length || text.EndsWith('\uFFFD')) return "";
        // A byte-fallback run that turns invalid re-renders earlier bytes as U+FFFD (HF's DecodeStream fails there):
        // the text already handed out stays, and the stream continues after the part both texts share.
        string newText = text.StartsWith(_prefix, StringComparison.Ordinal)
            ? text[_prefix.Length..]
            : text[text.AsSpan().CommonPrefixLength(_prefix)..];
        int newPrefixIndex = _ids.Count - _prefixIndex;
        _ids.RemoveRange(0, _prefixIndex);
        _prefix = Decode(_ids);
        _prefixIndex = newPrefixIndex;
        return newText;
    }

    /// <summary>Emits the text still held back (an unfinished character decodes to U+FFFD) and starts over.</summary>
    public string Flush()
    {
        string text = Decode(_ids);
        string rest = text.Length > _prefix.Length && text.StartsWith(_prefix, StringComparison.Ordinal) ? text[_prefix.Length..] : "";
        _ids.Clear();
        _prefix = "";
        _prefixIndex = 0;
        return rest;
    }

    private string Decode(List<int> ids) =>
        _tokenizer.Decode(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(ids), _skipSpecialTokens, cleanUpTokenizationSpaces: false);
}
