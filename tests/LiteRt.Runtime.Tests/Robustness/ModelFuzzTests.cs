using System.Diagnostics;
using LiteRt.Format;
using LiteRt.Graph;
using LiteRt.TestSupport;
using Xunit.Abstractions;

namespace LiteRt.Runtime.Tests.Robustness;

/// <summary>
/// Mutated real models go through the whole load path — parse, import, shape inference, kernel Prepare, memory
/// plan — and the mutants that load are run once. Every failure must be a <see cref="LiteRtFormatException"/> or a
/// <see cref="LiteRtModelException"/>: no other exception, no crash, no hang.
/// </summary>
public class ModelFuzzTests(ITestOutputHelper output)
{
    private static readonly RuntimeOptions SmallMemory = new() { MaxArenaBytes = 64L << 20 };

    [Fact]
    public void Mutated_models_fail_only_with_LiteRt_exceptions()
    {
        if (!SharedData.TryGetRoot(out var root, output.WriteLine)) return;
        string[] names = ["multi_add", "multi_signatures", "conv_fc_mnist", "conv_fc_mnist_srq_a8w8"];
        var seeds = names.Select(n => File.ReadAllBytes(Path.Combine(root, "models", n, "model.tflite"))).ToArray();
        var rng = new Random(20261121);
        int iterations = 100_000, loaded = 0, ran = 0, formatErrors = 0, modelErrors = 0;
        var sw = Stopwatch.StartNew();
        var slowest = TimeSpan.Zero;
        for (int it = 0; it < iterations; it++)
        {
            var bytes = (byte[])seeds[it % seeds.Length].Clone();
            Mutate(bytes, rng, out int length);
            var memory = new ReadOnlyMemory<byte>(bytes, 0, length);
            var t0 = sw.Elapsed;
            try
            {
                using var model = CompiledModel.FromBytes(memory, SmallMemory);
                loaded++;
                // Running is costly; run a sample of the mutants that load.
                if (it % 16 == 0)
                {
                    foreach (var sig in model.Signatures) sig.Run();
                    ran++;
                }
            }
            catch (LiteRtFormatException) { formatErrors++; }
            catch (LiteRtModelException) { modelErrors++; }
            catch (Exception e)
            {
                string path = Path.Combine(Path.GetTempPath(), $"fuzz-crash-{it}.tflite");
                File.WriteAllBytes(path, memory.ToArray());
                Assert.Fail($"iteration {it}: {e.GetType().Name}: {e.Message} (mutant saved to {path})\n{e.StackTrace}");
            }
            var took = sw.Elapsed - t0;
            if (took > slowest) slowest = took;
            Assert.True(took < TimeSpan.FromSeconds(10), $"iteration {it} took {took.TotalSeconds:F1} s");
        }
        output.WriteLine($"{iterations} mutants in {sw.Elapsed.TotalSeconds:F1} s: {loaded} loaded ({ran} ran), {formatErrors} format errors, {modelErrors} model errors; slowest {slowest.TotalMilliseconds:F0} ms");
    }

    private static void Mutate(byte[] b, Random rng, out int length)
    {
        length = b.Length;
        int kind = rng.Next(6);
        int count = 1 + rng.Next(4);
        for (int k = 0; k < count; k++)
        {
            int pos = rng.Next(b.Length);
            switch (kind)
            {
                case 0: b[pos] ^= (byte)(1 << rng.Next(8)); break;                     // bit flip
                case 1: b[pos] = (byte)rng.Next(256); break;                           // random byte
                case 2: length = rng.Next(b.Length); return;                           // truncation
                case 3: WriteInt(b, pos & ~3, rng.Next(2) == 0 ? int.MaxValue : 0x7FFF_FFF0); break; // huge length/offset
                case 4: WriteInt(b, pos & ~3, -(pos & ~3)); break;                     // offset pointing back at the start
                case 5: WriteInt(b, pos & ~3, rng.Next(2) == 0 ? 0 : -4); break;       // self/backward reference
            }
        }
    }

    private static void WriteInt(byte[] b, int pos, int value)
    {
        if (pos + 4 <= b.Length) BitConverter.TryWriteBytes(b.AsSpan(pos), value);
    }
}
