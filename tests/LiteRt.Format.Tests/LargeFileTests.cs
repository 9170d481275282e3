using System.Diagnostics;
using LiteRt.Format.Schema;
using LiteRt.Format.TfLite;
using Xunit.Abstractions;

namespace LiteRt.Format.Tests;

/// <summary>A model with more than 2 GB of weights: written in the external layout (sparse zeros), opened by mapping.</summary>
public sealed class LargeFileTests(ITestOutputHelper output)
{
    private const int BufferCount = 1100;
    private const int BufferSize = 2 << 20; // 1100 × 2 MiB = 2.15 GiB

    [Fact]
    public void WritesAndOpensAModelOverTwoGigabytes()
    {
        var zeros = new byte[BufferSize]; // every buffer shares this memory: 2 MiB allocated, 2.15 GiB written
        var model = new TflModel { Buffers = [new TflBuffer()], Subgraphs = [new TflSubGraph { Tensors = [] }] };
        for (int i = 0; i < BufferCount; i++)
        {
            model.Buffers.Add(new TflBuffer { Data = zeros });
            model.Subgraphs[0].Tensors!.Add(new TflTensor { Name = "w" + i, Shape = [BufferSize], Type = TensorType.Int8, Buffer = (uint)(i + 1) });
        }

        var dir = TestEnvironment.NewTempDir();
        var path = Path.Combine(dir, "big.tflite");
        try
        {
            var sw = Stopwatch.StartNew();
            TflModelWriter.WriteToFile(model, path); // over the threshold: external layout without being asked
            var writeTime = sw.Elapsed;
            long expectedLength = new FileInfo(path).Length;
            Assert.True(expectedLength > (2L << 30));

            TflModelReader.Read(SyntheticModel.Bytes()); // JIT the reader first: the bound is for parsing, not compiling
            sw.Restart();
            using var file = TfLiteFile.Open(path);
            var openTime = sw.Elapsed;
            string timing = $">2 GB model: write {writeTime.TotalMilliseconds:F0} ms, open {openTime.TotalMilliseconds:F0} ms, {expectedLength} bytes";
            output.WriteLine(timing);
            Console.WriteLine(timing);
            Assert.True(openTime < TimeSpan.FromSeconds(1), $"open took {openTime}");

            var buffers = file.Model.Buffers!;
            Assert.Equal(BufferCount + 1, buffers.Count);
            Assert.Null(buffers[0].Data);
            ulong first = buffers[1].Offset;
            Assert.Equal(0ul, first % 16);
            for (int i = 1; i <= BufferCount; i++)
            {
                Assert.Equal((ulong)BufferSize, buffers[i].Size);
                Assert.Equal(first + (ulong)(i - 1) * BufferSize, buffers[i].Offset); // 2 MiB keeps 16-byte alignment
                Assert.Equal(BufferSize, buffers[i].Data!.Value.Length);
            }
            var last = buffers[BufferCount];
            Assert.True(last.Offset > int.MaxValue);
            Assert.Equal((long)last.Offset + BufferSize + 16, file.Length);
            Assert.Equal(0, last.Data!.Value.Span[^1]); // a slice beyond 2 GB is reachable (touches one page)
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
