using LiteRt.Format.Schema;
using LiteRt.Graph;
using LiteRt.Graph.TfLite;
using LiteRt.Samples.ModelMaker;

namespace LiteRt.Build.Tests;

/// <summary>Small models the tests compile, all built in code (no model files from elsewhere).</summary>
internal static class TestModels
{
    public static ModelGraph Edges() => SampleModels.EdgeDetector(8, 8);

    /// <summary><c>y = x · 2 + 1</c> on float32 [-1, 4] (a dynamic batch dim, declared 1).</summary>
    public static ModelGraph Scaler()
    {
        var g = new ModelGraph { Description = "scaler" };
        var sg = new Subgraph { Name = "main" };
        g.Subgraphs.Add(sg);
        int x = sg.AddTensor(new Tensor("x", TensorType.Float32, [1, 4]) { ShapeSignature = [-1, 4] });
        int two = sg.AddTensor(new Tensor("two", TensorType.Float32, [1]) { Buffer = g.AddBuffer(BitConverter.GetBytes(2f)) });
        int one = sg.AddTensor(new Tensor("one", TensorType.Float32, [1]) { Buffer = g.AddBuffer(BitConverter.GetBytes(1f)) });
        int t = sg.AddTensor(new Tensor("twice", TensorType.Float32, [1, 4]) { ShapeSignature = [-1, 4] });
        int y = sg.AddTensor(new Tensor("y", TensorType.Float32, [1, 4]) { ShapeSignature = [-1, 4] });
        sg.Operations.Add(new Operation(BuiltinOperator.Mul, [x, two], [t], OptionsTable.Create(BuiltinOptionsType.MulOptions)));
        sg.Operations.Add(new Operation(BuiltinOperator.Add, [t, one], [y], OptionsTable.Create(BuiltinOptionsType.AddOptions)));
        sg.Inputs.Add(x);
        sg.Outputs.Add(y);
        var sig = new Signature(Signature.DefaultKey, 0);
        sig.Inputs.Add(new SignatureTensor("x", x));
        sig.Outputs.Add(new SignatureTensor("y", y));
        g.Signatures.Add(sig);
        return g;
    }

    /// <summary>uint8 [1,4] quantized (scale 0.5, zero point 128) → DEQUANTIZE → float32.</summary>
    public static ModelGraph Dequantizer()
    {
        var g = new ModelGraph { Description = "dequantizer" };
        var sg = new Subgraph { Name = "main" };
        g.Subgraphs.Add(sg);
        int q = sg.AddTensor(new Tensor("q", TensorType.Uint8, [1, 4]) { Quantization = QuantizationParams.PerTensor(0.5f, 128) });
        int r = sg.AddTensor(new Tensor("real", TensorType.Float32, [1, 4]));
        sg.Operations.Add(new Operation(BuiltinOperator.Dequantize, [q], [r]));
        sg.Inputs.Add(q);
        sg.Outputs.Add(r);
        return g; // no SignatureDef: the default signature names I/O after the tensors
    }

    /// <summary>Two signatures over two subgraphs: <c>add</c> (a + b) and <c>sub</c> (a − b), float32 [2].</summary>
    public static ModelGraph AddSub()
    {
        var g = new ModelGraph { Description = "add and sub" };
        foreach (var (key, op) in new[] { ("add", BuiltinOperator.Add), ("sub", BuiltinOperator.Sub) })
        {
            var sg = new Subgraph { Name = key };
            int a = sg.AddTensor(new Tensor($"{key}_a", TensorType.Float32, [2]));
            int b = sg.AddTensor(new Tensor($"{key}_b", TensorType.Float32, [2]));
            int o = sg.AddTensor(new Tensor($"{key}_out", TensorType.Float32, [2]));
            var options = OptionsTable.Create(op == BuiltinOperator.Add ? BuiltinOptionsType.AddOptions : BuiltinOptionsType.SubOptions);
            sg.Operations.Add(new Operation(op, [a, b], [o], options));
            sg.Inputs.Add(a);
            sg.Inputs.Add(b);
            sg.Outputs.Add(o);
            g.Subgraphs.Add(sg);
            var sig = new Signature(key, g.Subgraphs.Count - 1);
            sig.Inputs.Add(new SignatureTensor("a", a));
            sig.Inputs.Add(new SignatureTensor("b", b));
            sig.Outputs.Add(new SignatureTensor("out", o));
            g.Signatures.Add(sig);
        }
        return g;
    }

    /// <summary>
    /// <c>y = relu(x · Wᵀ + b)</c>, float32 x [1, 64] → y [1, 32], seeded weights: large enough (2048 weights) for the
    /// quantization presets to act on.
    /// </summary>
    public static ModelGraph Dense()
    {
        var rng = new Random(7);
        float[] w = Enumerable.Range(0, 32 * 64).Select(_ => (float)(rng.NextDouble() * 2 - 1) * 0.2f).ToArray();
        float[] b = Enumerable.Range(0, 32).Select(_ => (float)(rng.NextDouble() * 0.1)).ToArray();
        var g = new ModelGraph { Description = "dense" };
        var sg = new Subgraph { Name = "main" };
        g.Subgraphs.Add(sg);
        int x = sg.AddTensor(new Tensor("x", TensorType.Float32, [1, 64]));
        int wt = sg.AddTensor(new Tensor("weights", TensorType.Float32, [32, 64]) { Buffer = g.AddBuffer(System.Runtime.InteropServices.MemoryMarshal.AsBytes(w.AsSpan()).ToArray()) });
        int bt = sg.AddTensor(new Tensor("bias", TensorType.Float32, [32]) { Buffer = g.AddBuffer(System.Runtime.InteropServices.MemoryMarshal.AsBytes(b.AsSpan()).ToArray()) });
        int y = sg.AddTensor(new Tensor("y", TensorType.Float32, [1, 32]));
        var fc = OptionsTable.Create(BuiltinOptionsType.FullyConnectedOptions);
        fc.Set("fused_activation_function", ActivationFunctionType.Relu);
        sg.Operations.Add(new Operation(BuiltinOperator.FullyConnected, [x, wt, bt], [y], fc));
        sg.Inputs.Add(x);
        sg.Outputs.Add(y);
        var sig = new Signature(Signature.DefaultKey, 0);
        sig.Inputs.Add(new SignatureTensor("x", x));
        sig.Outputs.Add(new SignatureTensor("y", y));
        g.Signatures.Add(sig);
        return g;
    }

    public static string Write(ModelGraph graph, string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, TfLiteModel.Serialize(graph));
        return path;
    }

    /// <summary>Runs <c>litert compile</c> in process and returns the manifest text.</summary>
    public static string CompileManifest(ModelGraph graph, string name, string dir, string accelerators = "npu;gpu;cpu", bool describe = false)
    {
        string model = Write(graph, Path.Combine(dir, name + ".src.tflite"));
        var args = new List<string> { "compile", model, "--out", dir, "--name", name, "--source", $"Models/{name}.tflite", "--accelerators", accelerators };
        if (describe) args.Add("--describe");
        var (exit, _, err) = Cli.Run([.. args]);
        if (exit != 0) throw new InvalidOperationException($"litert compile failed ({exit}): {err}");
        return File.ReadAllText(Path.Combine(dir, name + ".litert.json"));
    }
}

/// <summary>Runs the <c>litert</c> CLI in process, capturing its output (one at a time: it uses the console).</summary>
internal static class Cli
{
    private static readonly Lock Gate = new();

    public static (int Exit, string Out, string Err) Run(params string[] args)
    {
        lock (Gate)
        {
            var (oldOut, oldErr) = (Console.Out, Console.Error);
            var (o, e) = (new StringWriter(), new StringWriter());
            Console.SetOut(o);
            Console.SetError(e);
            try
            {
                return (LiteRt.Cli.Program.Main(args), o.ToString(), e.ToString());
            }
            finally
            {
                Console.SetOut(oldOut);
                Console.SetError(oldErr);
            }
        }
    }
}
