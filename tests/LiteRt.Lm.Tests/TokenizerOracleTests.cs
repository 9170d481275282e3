using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LiteRt.Lm.Tokenization;
using Xunit.Abstractions;

namespace LiteRt.Lm.Tests;

/// <summary>
/// Exact agreement with the Hugging Face tokenizers library (npm tokenizers 0.23.2, Rust core): ids, pre-token pieces
/// and decoded text from oracle/tokenizer_oracle.json (made by oracle/make_tokenizer_oracle.mjs from the shared
/// tokenizer.json files, which are read from ../shared, never copied).
/// </summary>
public sealed class TokenizerOracleTests(ITestOutputHelper output)
{
    private static readonly Lazy<JsonObject> Oracle = new(() =>
        JsonNode.Parse(File.ReadAllText(SharedLlm.OracleFile("tokenizer_oracle.json")))!.AsObject());

    private static readonly string[] CaseNames =
        Oracle.Value["cases"]!.AsArray().Select(c => c!["name"]!.GetValue<string>()).ToArray();

    public static TheoryData<string> Cases() => new(CaseNames);

    private static JsonObject Case(string name) =>
        Oracle.Value["cases"]!.AsArray().Single(c => c!["name"]!.GetValue<string>() == name)!.AsObject();

    private static string[] HardStrings => Oracle.Value["hard_strings"]!.AsArray().Select(s => s!.GetValue<string>()).ToArray();

    /// <summary>The tokenizer of an oracle case: the shared tokenizer.json with the case's patch applied.</summary>
    internal static Tokenizer Load(string sharedRoot, JsonObject c, out bool unparsedSpecial)
    {
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(sharedRoot, c["base"]!.GetValue<string>())))!.AsObject();
        var patch = c["patch"]!.AsObject();
        // "unparsed" cases: the oracle encodes without parsing special tokens by dropping added_tokens; we use the
        // real file and parseSpecialTokens: false instead.
        unparsedSpecial = c["unparsed"]?.GetValue<bool>() == true;
        foreach (var (key, value) in patch)
        {
            if (unparsedSpecial && key == "added_tokens") continue;
            if (key.StartsWith("model.", StringComparison.Ordinal)) json["model"]![key[6..]] = value?.DeepClone();
            else json[key] = value?.DeepClone();
        }
        return Tokenizer.FromJson(json.ToJsonString());
    }

    private static string Ids(IEnumerable<int> ids) => string.Join(' ', ids);

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];

    private static string Show(string s) => JsonSerializer.Serialize(s);

    [Theory]
    [MemberData(nameof(Cases))]
    public void HardStringsMatchHuggingFace(string name)
    {
        if (SharedLlm.RootOrSkip(output) is not { } root) return;
        var c = Case(name);
        var tok = Load(root, c, out bool unparsed);
        var hard = c["hard"]!.AsArray();
        var texts = HardStrings;
        var failures = new List<string>();
        int checks = 0;
        for (int i = 0; i < texts.Length; i++)
        {
            var h = hard[i]!.AsObject();
            string text = texts[i];
            if (h["ids"] is { } expectedIds)
            {
                var ids = tok.Encode(text, parseSpecialTokens: !unparsed);
                checks++;
                if (Ids(ids) != expectedIds.GetValue<string>())
                    failures.Add($"[{i}] {Show(text)} ids\n   ours: {Ids(ids)}\n   HF:   {expectedIds}");
                if (h["decoded"] is { } decoded)
                {
                    checks += 2;
                    string ours = tok.Decode(ids);
                    if (ours != decoded.GetValue<string>()) failures.Add($"[{i}] {Show(text)} decode\n   ours: {Show(ours)}\n   HF:   {Show(decoded.GetValue<string>())}");
                    ours = tok.Decode(ids, skipSpecialTokens: true);
                    if (ours != h["decoded_skip"]!.GetValue<string>()) failures.Add($"[{i}] {Show(text)} decode skip\n   ours: {Show(ours)}\n   HF:   {Show(h["decoded_skip"]!.GetValue<string>())}");
                }
            }
            if (h["ids_no_added"] is { } noAdded)
            {
                checks++;
                var ids = tok.Encode(text, addSpecialTokens: false);
                if (Ids(ids) != noAdded.GetValue<string>())
                    failures.Add($"[{i}] {Show(text)} ids without added tokens\n   ours: {Ids(ids)}\n   HF:   {noAdded}");
            }
            if (h["pieces"] is JsonArray pieces)
            {
                checks++;
                var ours = tok.PreTokenize(tok.Normalize(text));
                var theirs = pieces.Select(p => p!.GetValue<string>()).ToList();
                if (!ours.SequenceEqual(theirs))
                    failures.Add($"[{i}] {Show(text)} pieces\n   ours: {Show(string.Join("|", ours))}\n   HF:   {Show(string.Join("|", theirs))}");
            }
        }
        output.WriteLine($"{name}: {texts.Length} hard strings, {checks - failures.Count}/{checks} checks identical");
        Assert.True(failures.Count == 0, $"{failures.Count} differences:\n" + string.Join("\n", failures.Take(12)));
    }

    [Theory]
    [InlineData("stories260K")]
    [InlineData("qwen2")]
    public void CorpusMatchesHuggingFace(string name)
    {
        if (SharedLlm.RootOrSkip(output) is not { } root) return;
        var c = Case(name);
        var tok = Load(root, c, out _);
        string corpus = File.ReadAllText(Path.Combine(root, Oracle.Value["corpus"]!.GetValue<string>()));
        string[] lines = corpus.Split('\n');
        var expected = c["corpus_lines"]!.AsArray().Select(x => x!.GetValue<string>()).ToArray();
        Assert.Equal(expected.Length, lines.Length);
        var failures = new List<string>();
        for (int i = 0; i < lines.Length; i++)
        {
            var ids = tok.Encode(lines[i]);
            string ours = $"{ids.Length}:{Hash(Ids(ids))}";
            if (ours != expected[i]) failures.Add($"line {i} {Show(lines[i])}: ours {Ids(ids)}");
        }
        var whole = c["corpus_whole"]!.AsObject();
        var wholeIds = tok.Encode(corpus);
        int chunk = whole["chunk"]!.GetValue<int>();
        var hashes = whole["hashes"]!.AsArray().Select(x => x!.GetValue<string>()).ToArray();
        int chunksOk = 0;
        for (int k = 0; k < hashes.Length; k++)
        {
            int start = k * chunk;
            string ours = start < wholeIds.Length ? Hash(Ids(wholeIds.Skip(start).Take(chunk))) : "";
            if (ours == hashes[k]) chunksOk++;
            else failures.Add($"whole corpus: ids {start}..{start + chunk} differ");
        }
        if (wholeIds.Length != whole["count"]!.GetValue<int>()) failures.Add($"whole corpus: {wholeIds.Length} ids, HF {whole["count"]}");
        if (Ids(wholeIds.Take(200)) != whole["head"]!.GetValue<string>()) failures.Add("whole corpus: first 200 ids differ");
        output.WriteLine($"{name}: corpus {lines.Length - failures.Count(f => f.StartsWith("line", StringComparison.Ordinal))}/{lines.Length} lines identical; " +
                         $"whole corpus {wholeIds.Length} ids, {chunksOk}/{hashes.Length} chunks identical");
        Assert.True(failures.Count == 0, $"{failures.Count} differences:\n" + string.Join("\n", failures.Take(10)));
    }

    [Theory]
    [InlineData("stories260K")]
    [InlineData("qwen2")]
    public void DecodeMatchesHuggingFace(string name)
    {
        if (SharedLlm.RootOrSkip(output) is not { } root) return;
        var c = Case(name);
        var tok = Load(root, c, out _);
        var failures = new List<string>();
        var cases = c["decode"]!.AsArray();
        foreach (var d in cases)
        {
            int[] ids = d!["ids"]!.GetValue<string>().Split(' ').Select(int.Parse).ToArray();
            string ours = tok.Decode(ids), oursSkip = tok.Decode(ids, skipSpecialTokens: true);
            if (ours != d["text"]!.GetValue<string>()) failures.Add($"{Ids(ids)}\n   ours: {Show(ours)}\n   HF:   {Show(d["text"]!.GetValue<string>())}");
            if (oursSkip != d["text_skip"]!.GetValue<string>()) failures.Add($"{Ids(ids)} (skip)\n   ours: {Show(oursSkip)}\n   HF:   {Show(d["text_skip"]!.GetValue<string>())}");
        }
        output.WriteLine($"{name}: {cases.Count} id sequences decoded, {2 * cases.Count - failures.Count}/{2 * cases.Count} identical (with and without skip_special_tokens)");
        Assert.True(failures.Count == 0, $"{failures.Count} differences:\n" + string.Join("\n", failures.Take(12)));
    }
}
