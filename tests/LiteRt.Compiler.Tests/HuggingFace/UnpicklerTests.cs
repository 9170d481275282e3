using System.Text;
using LiteRt.Compiler.Import.HuggingFace;
using Xunit.Abstractions;

namespace LiteRt.Compiler.Tests.HuggingFace;

/// <summary>
/// Hostile pytorch_model.bin files, written opcode by opcode: each would run a shell command under Python's pickle.
/// Ours must refuse the global by name (LRT1104) and run nothing — the marker file the command would create stays absent.
/// </summary>
public sealed class UnpicklerTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("litert-pickle-").FullName;

    private string Marker => Path.Combine(_dir, "pwned");

    private static byte[] Ops(params object[] parts)
    {
        var ms = new MemoryStream();
        foreach (var p in parts)
        {
            switch (p)
            {
                case byte b: ms.WriteByte(b); break;
                case string s: ms.Write(Encoding.UTF8.GetBytes(s)); break;
                case byte[] a: ms.Write(a); break;
                default: throw new ArgumentException(p.ToString());
            }
        }
        return ms.ToArray();
    }

    private static byte[] BinUnicode(string s)
    {
        var b = Encoding.UTF8.GetBytes(s);
        return [(byte)'X', .. BitConverter.GetBytes(b.Length), .. b];
    }

    public static IEnumerable<object[]> Hostile()
    {
        // GLOBAL 'posix system', MARK, string, TUPLE, REDUCE, STOP: os.system("touch <marker>") in protocol 0-2 form.
        yield return ["posix.system", new Func<string, byte[]>(cmd => Ops((byte)0x80, (byte)2, "cposix\nsystem\n", (byte)'(', BinUnicode(cmd), (byte)'t', (byte)'R', (byte)'.'))];
        yield return ["os.system", new Func<string, byte[]>(cmd => Ops((byte)0x80, (byte)2, "cos\nsystem\n", BinUnicode(cmd), (byte)0x85, (byte)'R', (byte)'.'))];
        // Protocol 4: STACK_GLOBAL from two strings, then builtins.eval("__import__('os').system(...)").
        yield return ["builtins.eval", new Func<string, byte[]>(cmd => Ops((byte)0x80, (byte)4, (byte)0x8c, (byte)8, "builtins", (byte)0x8c, (byte)4, "eval",
            (byte)0x93, BinUnicode($"__import__('os').system('{cmd}')"), (byte)0x85, (byte)'R', (byte)'.'))];
        // Hidden inside an otherwise valid OrderedDict, after a legitimate global.
        yield return ["subprocess.check_call", new Func<string, byte[]>(cmd => Ops((byte)0x80, (byte)2, "ccollections\nOrderedDict\n", (byte)')', (byte)'R',
            BinUnicode("weight"), "csubprocess\ncheck_call\n", BinUnicode(cmd), (byte)0x85, (byte)'R', (byte)'s', (byte)'.'))];
    }

    [Theory]
    [MemberData(nameof(Hostile))]
    public void HostileGlobalIsRefusedByNameAndNothingRuns(string global, Func<string, byte[]> pickle)
    {
        CheckpointWriter.Config(_dir, TinyLlama.ConfigObject(TinyLlama.Default));
        CheckpointWriter.TorchZip(Path.Combine(_dir, "pytorch_model.bin"), pickle($"touch {Marker}"));
        var e = Assert.Throws<LiteRtCompileException>(() => HfCheckpoint.Open(_dir).Dispose());
        output.WriteLine(e.Message);
        Assert.Equal(ErrorCodes.RefusedPickleGlobal, e.Code);
        Assert.Contains($"'{global}'", e.Message);
        Assert.Contains("pytorch_model.bin", e.Message);
        Assert.False(File.Exists(Marker));
    }

    [Fact]
    public void OpcodesOutsideStateDictsAreRefused()
    {
        CheckpointWriter.Config(_dir, TinyLlama.ConfigObject(TinyLlama.Default));
        // INST ('i') builds an object from a class named inline: not used by state dicts.
        CheckpointWriter.TorchZip(Path.Combine(_dir, "pytorch_model.bin"), Ops((byte)0x80, (byte)2, (byte)'(', "ios\nsystem\n", (byte)'.'));
        var e = Assert.Throws<LiteRtCompileException>(() => HfCheckpoint.Open(_dir).Dispose());
        Assert.Equal(ErrorCodes.BadCheckpoint, e.Code);
        Assert.Contains("opcode 0x69", e.Message);
    }

    [Fact]
    public void TruncatedPickleIsAnErrorNotACrash()
    {
        CheckpointWriter.Config(_dir, TinyLlama.ConfigObject(TinyLlama.Default));
        CheckpointWriter.TorchZip(Path.Combine(_dir, "pytorch_model.bin"), Ops((byte)0x80, (byte)2, (byte)'}', (byte)'X', (byte)0xff, (byte)0xff));
        var e = Assert.Throws<LiteRtCompileException>(() => HfCheckpoint.Open(_dir).Dispose());
        Assert.Equal(ErrorCodes.BadCheckpoint, e.Code);
    }

    [Fact]
    public void HandWrittenStateDictIsRead()
    {
        // OrderedDict{'w': _rebuild_tensor_v2(storage('0', FloatStorage, 6), 0, (2, 3), (3, 1), False, OrderedDict())}
        var pkl = Ops((byte)0x80, (byte)2, "ccollections\nOrderedDict\n", (byte)')', (byte)'R',
            BinUnicode("w"),
            "ctorch._utils\n_rebuild_tensor_v2\n", (byte)'(',
            (byte)'(', BinUnicode("storage"), "ctorch\nFloatStorage\n", BinUnicode("0"), BinUnicode("cpu"), (byte)'K', (byte)6, (byte)'t', (byte)'Q',
            (byte)'K', (byte)0, (byte)'K', (byte)2, (byte)'K', (byte)3, (byte)0x86, (byte)'K', (byte)3, (byte)'K', (byte)1, (byte)0x86,
            (byte)0x89, "ccollections\nOrderedDict\n", (byte)')', (byte)'R', (byte)'t', (byte)'R',
            (byte)'s', (byte)'.');
        var data = new float[] { 1, 2, 3, 4, 5, 6 }.SelectMany(BitConverter.GetBytes).ToArray();
        string path = Path.Combine(_dir, "model.pt");
        CheckpointWriter.Config(_dir, TinyLlama.ConfigObject(TinyLlama.Default));
        CheckpointWriter.TorchZip(path, pkl, ("0", data));
        using var ck = HfCheckpoint.Open(_dir);
        var t = ck.Tensors["w"];
        Assert.Equal([2, 3], t.Shape);
        Assert.Equal([1f, 2, 3, 4, 5, 6], t.ReadAll());
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
