using System.Text;
using System.Text.Json;
using LiteRt.TestSupport;
using Xunit.Abstractions;

namespace LiteRt.Build.Tests.EndToEnd;

/// <summary>
/// A Hugging Face decoder checkpoint as a <c>&lt;LiteRtModel&gt;</c> item: the build converts it to a <c>.litertlm</c>
/// bundle, the generator writes a wrapper with <c>Prefill16</c>/<c>Prefill64</c>/<c>Decode</c>, the build-time plan and
/// the checkpoint's generation settings, and the app generates with it. The oracle is the float32 PyTorch greedy run in
/// ../shared/llm/stories260K/oracle.json: every token must match, through the typed signature methods (a greedy loop
/// over <c>Decode</c>, caches carried by the app) and through the wrapper's <c>CreateSession()</c> (prefill + decode,
/// caches in place).
/// </summary>
public sealed class CheckpointBuildTests(ITestOutputHelper output)
{
    [Fact]
    public void A_checkpoint_item_builds_a_wrapper_that_reproduces_every_oracle_token()
    {
        if (!SharedData.TryGetRoot(out var shared, output.WriteLine)) return;
        string checkpoint = Path.Combine(shared, "llm", "stories260K", "hf");
        string oracle = Path.Combine(shared, "llm", "stories260K", "oracle.json");
        int layers = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(checkpoint, "config.json"))).RootElement.GetProperty("num_hidden_layers").GetInt32();

        using var p = new FixtureProject("checkpoint");
        p.ModelItems.Add($"<LiteRtModel Include=\"{checkpoint}/\" ClassName=\"Stories\" Accelerators=\"cpu\" MaxContext=\"256\" PrefillLengths=\"16,64\" />");
        p.WriteProject(lm: true);
        p.WriteProgram(Program(layers));

        var build = p.Build();
        Assert.True(build.Exit == 0, build.Console);
        Assert.True(File.Exists(Path.Combine(p.Bin, "Stories.litertlm")), "the bundle is copied next to the app");
        Assert.False(File.Exists(Path.Combine(p.ObjLitert, "Stories.tflite")), "a checkpoint's output is the bundle only");

        var (exit, text) = p.Run(oracle);
        output.WriteLine(text);
        Assert.True(exit == 0, text);
        Assert.Contains("plan: build-time", text);
        Assert.Contains("generation: start=[1] stop=[[2]] doSample=False maxContext=256 prefill=[16,64]", text);

        var cases = JsonDocument.Parse(File.ReadAllBytes(oracle)).RootElement.GetProperty("cases").EnumerateArray().ToList();
        foreach (string path in new[] { "typed", "session" })
        {
            var lines = text.Split('\n').Where(l => l.StartsWith(path + " ", StringComparison.Ordinal)).ToList();
            Assert.Equal(cases.Count, lines.Count);
            for (int i = 0; i < cases.Count; i++)
            {
                int[] expected = cases[i].GetProperty("generated_ids").EnumerateArray().Select(e => e.GetInt32()).ToArray();
                int[] ours = lines[i].Trim()[(path.Length + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToArray();
                // The session stops at the stop token (the oracle keeps going past EOS): compare the common prefix then.
                if (path == "session" && ours.Length < expected.Length) Assert.Equal(2, ours[^1]);
                else Assert.Equal(expected.Length, ours.Length);
                Assert.Equal(expected[..ours.Length], ours);
            }
        }

        // Nothing changed: the conversion is not repeated.
        var again = p.Build();
        Assert.True(again.Exit == 0, again.Console);
        Assert.Contains("Skipping target \"_LiteRt_CompileModels\" because all output files are up-to-date", again.Log);
    }

    /// <summary>The app: a greedy loop over the typed Decode method, then the same prompts through CreateSession().</summary>
    private static string Program(int layers)
    {
        var carry = new StringBuilder();
        for (int l = 0; l < layers; l++)
        {
            carry.AppendLine($"        outputs.KvCacheK{l}.Span.CopyTo(inputs.KvCacheK{l}.Span);");
            carry.AppendLine($"        outputs.KvCacheV{l}.Span.CopyTo(inputs.KvCacheV{l}.Span);");
        }
        return $$"""
            using System.Text.Json;
            using Fixture;
            using LiteRt.Lm.Engine;
            using LiteRt.Lm.Generation;

            var cases = JsonDocument.Parse(File.ReadAllBytes(args[0])).RootElement.GetProperty("cases").EnumerateArray()
                .Select(c => (Prompt: c.GetProperty("prompt_ids").EnumerateArray().Select(e => e.GetInt32()).ToArray(),
                              Count: c.GetProperty("generated_ids").GetArrayLength())).ToList();
            using var model = Stories.Create();
            Console.WriteLine(model.Model.Signatures.All(s => s.UsesPrecomputedKernels && s.UsesPrecomputedMemoryPlan) ? "plan: build-time" : "plan: at load: " + model.Placement);
            Console.WriteLine($"generation: start=[{string.Join(",", Stories.Generation.StartTokenIds)}] " +
                $"stop=[{string.Join(",", Stories.Generation.StopTokenSequences.Select(s => "[" + string.Join(",", s) + "]"))}] " +
                $"doSample={Stories.Generation.DoSample} maxContext={Stories.Generation.MaxContext} prefill=[{string.Join(",", Stories.Generation.PrefillLengths)}]");

            foreach (var (prompt, count) in cases)
                Console.WriteLine("typed " + string.Join(",", Typed(model, prompt, count)));

            using (var session = model.CreateSession())
                foreach (var (prompt, count) in cases)
                    Console.WriteLine("session " + string.Join(",", session.Generate(prompt, new GenerationOptions { MaxNewTokens = count, Sampling = SamplingOptions.Greedy }).GeneratedIds));
            return 0;

            // Every token through the typed Decode signature; the updated caches are carried to the next step by the app.
            static List<int> Typed(Stories model, int[] prompt, int count)
            {
                var inputs = model.CreateDecodeInputs();
                foreach (var t in new[] { {{string.Join(", ", Enumerable.Range(0, layers).SelectMany(l => new[] { $"inputs.KvCacheK{l}", $"inputs.KvCacheV{l}" }))}} }) t.Span.Clear();
                var generated = new List<int>();
                int next = prompt[0];
                for (int position = 0; generated.Count < count; position++)
                {
                    inputs.Tokens.Span[0] = next;
                    inputs.InputPos.Span[0] = position;
                    var outputs = model.Decode(inputs);
            {{carry}}
                    if (position + 1 < prompt.Length) { next = prompt[position + 1]; continue; }
                    var logits = outputs.Logits.Span;
                    int best = 0;
                    for (int v = 1; v < logits.Length; v++) if (logits[v] > logits[best]) best = v;
                    generated.Add(next = best);
                }
                return generated;
            }
            """;
    }
}
