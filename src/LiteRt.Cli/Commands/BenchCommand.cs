using System.CommandLine;
using System.Diagnostics;
using LiteRt.Format.Schema;
using LiteRt.Graph;
using LiteRt.Graph.IO;
using LiteRt.Runtime;

namespace LiteRt.Cli.Commands;

/// <summary>
/// <c>litert bench model.tflite [--compare other.tflite] [--runs N] [--profile]</c>: median latency of our CPU runtime (one thread),
/// and with --compare the second model's latency and the speed ratio, measured in one process, interleaved.
/// </summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var model = new Argument<FileInfo>("model") { Description = "The .tflite model" };
        var compare = new Option<FileInfo?>("--compare") { Description = "A second model to time in the same run (e.g. its quantized version)" };
        var runs = new Option<int>("--runs", "-n") { Description = "Timed runs per model (default 30)", DefaultValueFactory = _ => 30 };
        var warmup = new Option<int>("--warmup") { Description = "Untimed runs first (default 5)", DefaultValueFactory = _ => 5 };
        var inputs = new Option<string[]>("--input", "-i") { Description = "Inputs as .npy files in signature order (default: seeded random data)", Arity = ArgumentArity.OneOrMore };
        var profile = new Option<bool>("--profile") { Description = "Also time every operation and print the kernels that take the most time" };
        var cmd = new Command("bench", "Time a model on the CPU runtime, or two models side by side") { model, compare, runs, warmup, inputs, profile };
        cmd.SetAction(parse => CliErrors.Run(() => Execute(parse.GetValue(model)!, parse.GetValue(compare), parse.GetValue(runs), parse.GetValue(warmup),
            parse.GetValue(inputs) ?? [], parse.GetValue(profile))));
        return cmd;
    }

    private static int Execute(FileInfo a, FileInfo? b, int runs, int warmup, string[] inputFiles, bool profile)
    {
        if (runs < 1) throw new UsageException("--runs must be at least 1");
        foreach (var f in b is null ? [a] : new[] { a, b })
            if (!f.Exists) throw new UsageException($"model file not found: {f.FullName}");
        var arrays = inputFiles.Select(NpyArray.Read).ToList();
        using var ma = CompiledModel.Load(a.FullName);
        using var mb = b is null ? null : CompiledModel.Load(b.FullName);
        var ra = Prepare(ma.DefaultSignature, arrays);
        var rb = mb is null ? null : Prepare(mb.DefaultSignature, arrays);
        for (int i = 0; i < warmup; i++) { ra.Run(); rb?.Run(); }
        var ta = new double[runs];
        var tb = new double[runs];
        var sw = new Stopwatch();
        for (int i = 0; i < runs; i++)
        {
            // Interleaved, so a busy machine slows both alike.
            sw.Restart(); ra.Run(); ta[i] = sw.Elapsed.TotalMilliseconds;
            if (rb is not null) { sw.Restart(); rb.Run(); tb[i] = sw.Elapsed.TotalMilliseconds; }
        }
        Print(a, ta);
        if (rb is not null)
        {
            Print(b!, tb);
            double ratio = Median(ta) / Median(tb);
            Console.WriteLine(ratio >= 1
                ? $"{b!.Name} is {ratio:F2}× faster than {a.Name} (median)"
                : $"{b!.Name} is {1 / ratio:F2}× slower than {a.Name} (median)");
        }
        if (profile)
        {
            Profile(a, ra, runs);
            if (rb is not null) Profile(b!, rb, runs);
        }
        return ExitCodes.Ok;
    }

    /// <summary>Per-kernel totals (ms per run, share) and the slowest operations.</summary>
    private static void Profile(FileInfo f, SignatureRunner runner, int runs)
    {
        var ops = runner.ProfileOps(runs);
        double total = ops.Sum(o => o.Milliseconds);
        Console.WriteLine($"{f.Name}: profile over {runs} runs, {total:F3} ms per run in {ops.Count} operations");
        foreach (var g in ops.GroupBy(o => o.Kernel).OrderByDescending(g => g.Sum(o => o.Milliseconds)))
            Console.WriteLine($"  {g.Key,-36} {g.Count(),4} ops {g.Sum(o => o.Milliseconds),9:F3} ms {g.Sum(o => o.Milliseconds) / total,7:P1}");
        Console.WriteLine("  slowest operations:");
        foreach (var o in ops.OrderByDescending(o => o.Milliseconds).Take(8))
            Console.WriteLine($"    #{o.Index,-4} {o.Kernel,-36} {o.Milliseconds,8:F3} ms  {o.Operation}");
    }

    private static SignatureRunner Prepare(SignatureRunner runner, List<NpyArray> arrays)
    {
        var rng = new Random(0);
        for (int i = 0; i < runner.Inputs.Count; i++)
        {
            var input = runner.Inputs[i];
            if (i < arrays.Count)
            {
                var arr = arrays[i];
                if (!arr.Shape.AsSpan().SequenceEqual([.. input.Shape])) runner.ResizeInput(input.Name, arr.Shape);
            }
        }
        for (int i = 0; i < runner.Inputs.Count; i++)
        {
            var input = runner.Inputs[i];
            int[] shape = [.. input.Shape];
            double[] values = i < arrays.Count ? arrays[i].ToDoubles() : Random(rng, input.Type, Shapes.ElementCount(shape));
            var q = input.Quantization is { Scale.Length: > 0 } qp ? qp : null;
            TensorData.Encode(input.Type, values, shape, q).CopyTo(input.Bytes);
        }
        return runner;
    }

    private static double[] Random(Random rng, TensorType type, long n)
    {
        var v = new double[n];
        for (long i = 0; i < n; i++) v[i] = type.IsFloat() || type is TensorType.Int8 or TensorType.Uint8 or TensorType.Int16 ? rng.NextDouble() * 2 - 1 : 0;
        return v;
    }

    private static double Median(double[] t)
    {
        var s = t.Order().ToArray();
        return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
    }

    private static void Print(FileInfo f, double[] t) =>
        Console.WriteLine($"{f.Name}: median {Median(t):F3} ms, min {t.Min():F3} ms, mean {t.Average():F3} ms over {t.Length} runs");
}
