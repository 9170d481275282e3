using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using LiteRt.Lm.Engine;
using LiteRt.Runtime;

namespace LiteRt.Cli.Commands;

/// <summary>
/// <c>litert bench-llm model.tflite --threads N --prefill 128 --decode 32</c>: prefill and decode tokens/s of a converted
/// decoder on the CPU runtime, measured like the llama.cpp peer (scripts/bench-llm.sh runs both): the prompt is the
/// peer's synthetic one (3 + i·7919 mod (vocab − 3)), prefill is one call, decode is greedy single-token steps after it.
/// Prints one line of key=value pairs (best of --reps repetitions) so a script can read it.
/// </summary>
internal static class BenchLlmCommand
{
    public static Command Create()
    {
        var model = new Argument<FileInfo>("model") { Description = "The converted decoder (.tflite with prefill_N and decode signatures)" };
        var threads = new Option<int>("--threads", "-t") { Description = "Intra-op threads (default 1)", DefaultValueFactory = _ => 1 };
        var prefill = new Option<int>("--prefill") { Description = "Prompt tokens (default 128)", DefaultValueFactory = _ => 128 };
        var decode = new Option<int>("--decode") { Description = "Decode steps (default 32)", DefaultValueFactory = _ => 32 };
        var vocab = new Option<int>("--vocab") { Description = "Prompt ids are taken below this (default 997, as the peer)", DefaultValueFactory = _ => 997 };
        var reps = new Option<int>("--reps") { Description = "Timed repetitions; the fastest is reported (default 1)", DefaultValueFactory = _ => 1 };
        var profile = new Option<bool>("--profile") { Description = "Also time every operation of the prefill and decode signatures (per kernel)" };
        var cmd = new Command("bench-llm", "Time prefill and decode of a converted LLM decoder") { model, threads, prefill, decode, vocab, reps, profile };
        cmd.SetAction(parse => CliErrors.Run(() => Execute(parse.GetValue(model)!, parse.GetValue(threads), parse.GetValue(prefill),
            parse.GetValue(decode), parse.GetValue(vocab), parse.GetValue(reps), parse.GetValue(profile))));
        return cmd;
    }

    private static int Execute(FileInfo file, int threads, int prefillTokens, int decodeSteps, int vocab, int reps, bool profile)
    {
        if (!file.Exists) throw new UsageException($"model file not found: {file.FullName}");
        if (threads < 1 || prefillTokens < 1 || decodeSteps < 0 || vocab < 4 || reps < 1)
            throw new UsageException("--threads, --prefill and --reps must be >= 1, --decode >= 0, --vocab >= 4");
        var load = Stopwatch.StartNew();
        using var backend = new CompiledModelBackend(CompiledModel.Load(file.FullName, new RuntimeOptions { IntraOpThreads = threads }));
        double loadSeconds = load.Elapsed.TotalSeconds;
        if (prefillTokens + decodeSteps + 1 > backend.MaxContext)
            throw new UsageException($"{prefillTokens} + {decodeSteps} tokens do not fit the {backend.MaxContext}-token cache");
        var prompt = new int[prefillTokens];
        for (int i = 0; i < prompt.Length; i++) prompt[i] = 3 + (int)((long)i * 7919 % (vocab - 3));
        var logits = new float[backend.VocabSize];

        // Warm-up: JIT, page faults of the mapped weights, caches sized.
        backend.Reset();
        backend.Prefill(prompt.AsSpan(0, Math.Min(16, prompt.Length)), 0, logits);
        backend.Decode(ArgMax(logits), Math.Min(16, prompt.Length), logits);

        double bestPrefill = double.MaxValue, bestDecode = double.MaxValue;
        var sw = new Stopwatch();
        for (int r = 0; r < reps; r++)
        {
            backend.Reset();
            sw.Restart();
            backend.Prefill(prompt, 0, logits);
            double p = sw.Elapsed.TotalSeconds;
            int position = prompt.Length;
            sw.Restart();
            for (int i = 0; i < decodeSteps; i++) backend.Decode(ArgMax(logits), position++, logits);
            double d = sw.Elapsed.TotalSeconds;
            bestPrefill = Math.Min(bestPrefill, p);
            bestDecode = Math.Min(bestDecode, d);
        }
        var me = Process.GetCurrentProcess();
        var c = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(c, $"threads={threads} prefill_tokens={prefillTokens} decode_steps={decodeSteps} load_s={loadSeconds:F2} " +
            $"prefill_tok_s={prefillTokens / bestPrefill:F2} decode_tok_s={(decodeSteps > 0 ? decodeSteps / bestDecode : 0):F2} peak_rss_mib={me.PeakWorkingSet64 >> 20}"));
        if (profile)
            foreach (var runner in backend.Model.Signatures)
            {
                // The signatures still hold the last call's inputs, so this re-runs that prefill / decode step.
                var ops = runner.ProfileOps(3);
                double total = ops.Sum(o => o.Milliseconds);
                Console.WriteLine($"{runner.Key}: {total:F1} ms per run in {ops.Count} operations");
                foreach (var g in ops.GroupBy(o => o.Kernel).OrderByDescending(g => g.Sum(o => o.Milliseconds)))
                    Console.WriteLine($"  {g.Key,-40} {g.Count(),4} ops {g.Sum(o => o.Milliseconds),9:F2} ms {g.Sum(o => o.Milliseconds) / total,7:P1}");
            }
        return ExitCodes.Ok;
    }

    private static int ArgMax(ReadOnlySpan<float> v)
    {
        int best = 0;
        for (int i = 1; i < v.Length; i++) if (v[i] > v[best]) best = i;
        return best;
    }
}
