using System.Buffers.Binary;
using System.Diagnostics;
using System.Runtime.InteropServices;
using LiteRt.Format.TfLite;
using Xunit.Abstractions;

namespace LiteRt.Format.Tests;

/// <summary>
/// Mutates real (and synthetic) models and reads them: the only acceptable failure is LiteRtFormatException, and
/// every iteration must finish promptly. Fixed seed, so failures reproduce.
/// </summary>
public sealed class FuzzTests(ITestOutputHelper output)
{
    /// <summary>Any single iteration slower than this fails the test; one that never returns trips the watchdog.</summary>
    private static readonly TimeSpan IterationBound = TimeSpan.FromSeconds(5);

    // Iterations per model: 100,000 in all; fewer for the model that is slowest to parse.
    private static readonly (string Name, int Iterations)[] SmallModels =
        [("multi_add", 25_000), ("multi_signatures", 25_000), ("conv_fc_mnist", 20_000), ("mobilenet_v1_0.25_128_quant", 10_000)];
    private const int SyntheticIterations = 20_000;

    [Fact]
    public void MutatedModelsFailOnlyWithFormatErrors()
    {
        var inputs = new List<(string Name, byte[] Bytes, int Iterations)> { ("synthetic", SyntheticModel.Bytes(), SyntheticIterations) };
        foreach (var (name, iterations) in SmallModels)
            if (TestEnvironment.Model(name) is { } path) inputs.Add((name, File.ReadAllBytes(path), iterations));
        if (inputs.Count == 1)
        {
            // Without ../shared the synthetic model takes all 100,000 iterations.
            TestEnvironment.Skip(nameof(MutatedModelsFailOnlyWithFormatErrors) + " (real models part)", "../shared/models absent; fuzzing the synthetic model only");
            inputs[0] = inputs[0] with { Iterations = SyntheticIterations + SmallModels.Sum(m => m.Iterations) };
        }

        // The loop runs on a worker so that a hang fails the test instead of stalling the run.
        string current = "";
        long lastProgress = Stopwatch.GetTimestamp();
        var failures = new List<string>();
        var total = Stopwatch.StartNew();
        var cpuStart = Process.GetCurrentProcess().TotalProcessorTime;
        TimeSpan slowest = TimeSpan.Zero;
        int rejected = 0, accepted = 0, crashed = 0;
        var perInput = new List<string>();
        var worker = new Thread(() =>
        {
        foreach (var (name, original, iterations) in inputs)
        {
            var inputTime = Stopwatch.StartNew();
            var fuzzer = new Fuzzer(original, seed: 20240611 + name.Length);
            for (int i = 0; i < iterations; i++)
            {
                var (file, description) = fuzzer.Next();
                Volatile.Write(ref current, $"{name} #{i} ({description})");
                Volatile.Write(ref lastProgress, Stopwatch.GetTimestamp());
                var sw = Stopwatch.StartNew();
                try
                {
                    var model = TflModelReader.Read(file);
                    accepted++;
                    // Whatever we accept we must be able to write, and read back.
                    if (accepted % 16 == 0)
                        TflModelReader.Read(TflModelWriter.WriteToArray(model));
                }
                catch (LiteRtFormatException) { rejected++; }
                catch (Exception e)
                {
                    crashed++;
                    if (failures.Count < 10) failures.Add($"{name} #{i} ({description}): {e.GetType().Name}: {e.Message}\n{e.StackTrace}");
                }
                finally
                {
                    fuzzer.Restore();
                }
                if (sw.Elapsed > slowest) slowest = sw.Elapsed;
                if (sw.Elapsed > IterationBound && failures.Count < 10) { crashed++; failures.Add($"{name} #{i} ({description}) took {sw.Elapsed}"); }
            }
            perInput.Add($"{name} {iterations} in {inputTime.Elapsed.TotalSeconds:F1} s");
        }
        }) { IsBackground = true, Name = "fuzz" };
        worker.Start();
        while (!worker.Join(250))
        {
            var stalled = Stopwatch.GetElapsedTime(Volatile.Read(ref lastProgress));
            if (stalled > 4 * IterationBound) Assert.Fail($"fuzz iteration hangs ({stalled.TotalSeconds:F0} s): {Volatile.Read(ref current)}");
        }
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuStart; // wall time depends on machine load
        string summary = $"fuzz: {rejected + accepted + crashed} iterations in {total.Elapsed.TotalSeconds:F1} s ({cpu.TotalSeconds:F1} s CPU) " +
                         $"({string.Join(", ", perInput)}); {rejected} rejected, {accepted} accepted; slowest iteration {slowest.TotalMilliseconds:F1} ms";
        output.WriteLine(summary);
        Console.WriteLine(summary);
        Assert.True(crashed == 0, $"{crashed} iterations threw something else:\n" + string.Join("\n\n", failures));
    }

    /// <summary>Mutates a private copy in place and undoes it afterwards (no per-iteration copy of the model).</summary>
    private sealed class Fuzzer
    {
        private readonly byte[] _file;
        private readonly int[] _structure; // byte positions outside buffer payloads, where mutations matter most
        private readonly Random _rng;
        private readonly List<(int At, byte Old)> _undo = [];

        public Fuzzer(byte[] original, int seed)
        {
            _file = (byte[])original.Clone();
            _rng = new Random(seed);
            var isData = new bool[_file.Length];
            foreach (var b in TflModelReader.Read(_file).Buffers ?? [])
                if (b.Data is { } d && MemoryMarshal.TryGetArray(d, out var seg))
                    Array.Fill(isData, true, seg.Offset, seg.Count);
            _structure = Enumerable.Range(0, _file.Length).Where(i => !isData[i]).ToArray();
        }

        public (ReadOnlyMemory<byte> File, string Description) Next()
        {
            int kind = _rng.Next(7);
            if (kind == 0)
            {
                int length = _rng.Next(_file.Length);
                return (_file.AsMemory(0, length), $"truncate to {length}");
            }
            int count = kind == 6 ? _rng.Next(2, 9) : 1;
            var what = new List<string>();
            for (int k = 0; k < count; k++) what.Add(Mutate(kind == 6 ? _rng.Next(1, 6) : kind));
            return (_file, string.Join("; ", what));
        }

        private int Position() => _rng.Next(10) < 9 ? _structure[_rng.Next(_structure.Length)] : _rng.Next(_file.Length);

        private void Set(int at, byte value)
        {
            _undo.Add((at, _file[at]));
            _file[at] = value;
        }

        private void SetWord(int at, uint value)
        {
            at = Math.Min(at & ~3, _file.Length - 4);
            Span<byte> w = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(w, value);
            for (int i = 0; i < 4; i++) Set(at + i, w[i]);
        }

        private string Mutate(int kind)
        {
            int at = Position();
            switch (kind)
            {
                case 1:
                    int bit = _rng.Next(8);
                    Set(at, (byte)(_file[at] ^ (1 << bit)));
                    return $"flip bit {bit} at {at}";
                case 2:
                    byte v = _rng.Next(3) switch { 0 => 0x00, 1 => 0xFF, _ => (byte)_rng.Next(256) };
                    Set(at, v);
                    return $"byte {v:X2} at {at}";
                case 3:
                    uint huge = _rng.Next(5) switch { 0 => 0x7FFFFFFF, 1 => 0xFFFFFFFF, 2 => 0x80000000, 3 => 0x0000FFFF, _ => (uint)_rng.NextInt64(1L << 32) };
                    SetWord(at, huge);
                    return $"word {huge:X8} at {at}";
                case 4:
                    // Offset to itself (0) or to an earlier position (as uoffset: wraps to a huge value; as soffset: a forward vtable).
                    int word = Math.Min(at & ~3, _file.Length - 4);
                    uint rel = _rng.Next(3) == 0 ? 0 : unchecked((uint)-_rng.Next(0, word + 1));
                    SetWord(word, rel);
                    return $"self/back offset {(int)rel} at {word}";
                default:
                    // Offset to some other real structure position, forward or back.
                    int w2 = Math.Min(at & ~3, _file.Length - 4);
                    int target = _structure[_rng.Next(_structure.Length)];
                    SetWord(w2, unchecked((uint)(target - w2)));
                    return $"offset to {target} at {w2}";
            }
        }

        public void Restore()
        {
            for (int i = _undo.Count - 1; i >= 0; i--) _file[_undo[i].At] = _undo[i].Old;
            _undo.Clear();
        }
    }
}
