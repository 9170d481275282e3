using System.Diagnostics;
using Xunit.Abstractions;

namespace LiteRt.Compiler.Tests.HuggingFace;

/// <summary>
/// Speed probe for a converted model named by LITERT_LLM_BENCH (e.g. the 1.5B synthetic Qwen2.5 from
/// scripts/bench-llm-convert.sh); does nothing without it. Prefill of a 128-token prompt, then 32 decode steps.
/// </summary>
public sealed class LlmSpeedProbe(ITestOutputHelper output)
{
    [Fact]
    public void PrefillAndDecodeSpeed()
    {
        string? path = Environment.GetEnvironmentVariable("LITERT_LLM_BENCH");
        if (string.IsNullOrEmpty(path) || !File.Exists(path))
        {
            output.WriteLine("SKIPPED: set LITERT_LLM_BENCH to a converted .tflite to measure speed");
            return;
        }
        int promptLength = int.TryParse(Environment.GetEnvironmentVariable("LITERT_LLM_BENCH_PROMPT"), out int p) ? p : 128;
        int steps = int.TryParse(Environment.GetEnvironmentVariable("LITERT_LLM_BENCH_STEPS"), out int s) ? s : 32;
        int threads = int.TryParse(Environment.GetEnvironmentVariable("LITERT_LLM_BENCH_THREADS"), out int t) ? t : 1;
        var load = Stopwatch.StartNew();
        using var dec = new GreedyDecoder(path, new LiteRt.Runtime.RuntimeOptions { IntraOpThreads = threads });
        output.WriteLine($"threads {threads}; load {load.Elapsed.TotalSeconds:F2} s (CompiledModel.Load {dec.LoadSeconds:F2} s, binding caches {dec.BindSeconds:F2} s)");
        var rng = new Random(1);
        var prompt = Enumerable.Range(0, promptLength).Select(_ => rng.Next(1000)).ToArray();
        dec.Prefill(prompt[..8]); // warm-up (JIT, page faults)
        dec.Decode(1, 8);
        dec.Reset();
        // CPU time as well as wall time: on a shared machine the wall clock includes other processes' turns.
        var me = Process.GetCurrentProcess();
        var cpu0 = me.TotalProcessorTime;
        var sw = Stopwatch.StartNew();
        var logits = dec.Prefill(prompt);
        double prefill = sw.Elapsed.TotalSeconds;
        me.Refresh();
        var cpu1 = me.TotalProcessorTime;
        sw.Restart();
        int pos = prompt.Length;
        for (int i = 0; i < steps; i++) logits = dec.Decode(GreedyDecoder.ArgMax(logits), pos++);
        double decode = sw.Elapsed.TotalSeconds;
        me.Refresh();
        double prefillCpu = (cpu1 - cpu0).TotalSeconds, decodeCpu = (me.TotalProcessorTime - cpu1).TotalSeconds;
        output.WriteLine($"prefill {promptLength} tokens: {prefill:F2} s = {promptLength / prefill:F1} tok/s ({promptLength / prefillCpu:F1} per CPU-s); " +
                         $"decode {steps} tokens: {decode:F2} s = {steps / decode:F2} tok/s ({steps / decodeCpu:F2} per CPU-s); " +
                         $"peak RSS {me.PeakWorkingSet64 >> 20} MiB");
        Assert.True(logits.All(float.IsFinite));
    }
}
