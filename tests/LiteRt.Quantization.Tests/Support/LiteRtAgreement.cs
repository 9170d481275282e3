using LiteRt.Format.Schema;
using LiteRt.Graph;
using LiteRt.Graph.IO;
using LiteRt.Graph.TfLite;
using LiteRt.Quantization.Editing;
using LiteRt.Runtime;
using LiteRt.TestSupport;

namespace LiteRt.Quantization.Tests.Support;

/// <summary>One tensor compared between our runtime and real LiteRT.</summary>
public sealed record Agreement(string Name, string Op, TensorType Type, double MaxDiff, double Steps, double MaxAbs)
{
    public override string ToString() => $"{Op} '{Name}' {Type.Name()}: max |diff| {MaxDiff:G3}" + (double.IsNaN(Steps) ? $" (max |value| {MaxAbs:G3})" : $" = {Steps:G3} steps");
}

/// <summary>
/// Runs a model we wrote in Google's LiteRT and in our runtime and compares. <see cref="EndToEnd"/> compares the
/// signature outputs; <see cref="PerOp"/> runs every op on the same inputs in both (one model in which each op reads
/// the values our runtime computed for its inputs), which is where "within one quantization step" is defined: small
/// per-op rounding differences can grow through a deep network.
/// </summary>
public static class LiteRtAgreement
{
    public static string Save(ModelGraph g, string name)
    {
        string dir = Directory.CreateTempSubdirectory("lrt-quant-real").FullName;
        string path = Path.Combine(dir, name + ".tflite");
        File.WriteAllBytes(path, TfLiteModel.Serialize(g));
        return path;
    }

    public static List<Agreement> EndToEnd(ModelGraph g, IReadOnlyList<NpyArray> inputs, string name)
    {
        string path = Save(g, name);
        try
        {
            var real = RealLiteRt.Run(path, inputs);
            using var model = CompiledModel.Load(path);
            var sig = model.DefaultSignature;
            for (int i = 0; i < inputs.Count; i++) inputs[i].Data.CopyTo(sig.Inputs[i].Bytes);
            sig.Run();
            var sg = g.Subgraphs[g.SignaturesOrDefault()[0].SubgraphIndex];
            var result = new List<Agreement>();
            for (int i = 0; i < real.Length; i++)
            {
                var o = sig.Outputs[i];
                var t = sg.Tensors[g.SignaturesOrDefault()[0].Outputs[i].TensorIndex];
                result.Add(Compare(o.Name, "output", t, TensorData.Decode(o.Type, o.Bytes, [.. o.Shape], null), real[i].ToDoubles()));
            }
            return result;
        }
        finally { Directory.Delete(Path.GetDirectoryName(path)!, true); }
    }

    private static Agreement Compare(string name, string op, Tensor t, double[] ours, double[] real)
    {
        Assert.Equal(real.Length, ours.Length);
        double md = 0, mx = 0;
        for (int k = 0; k < ours.Length; k++)
        {
            md = Math.Max(md, Math.Abs(ours[k] - real[k]));
            mx = Math.Max(mx, Math.Abs(real[k]));
        }
        bool quantized = t.Type.IsInteger() && t.Quantization is { Scale.Length: > 0 };
        return new Agreement(name, op, t.Type, md, quantized ? md : double.NaN, mx);
    }

    /// <summary>Every op of the model run on identical inputs in both runtimes (stored values; integers compare in steps).</summary>
    public static List<Agreement> PerOp(ModelGraph g, IReadOnlyList<NpyArray> inputs, string name)
    {
        // Our value of every tensor, as raw bytes.
        var exposed = GraphEdit.ExposeIntermediates(g, out var sig);
        var sg = exposed.Subgraphs[sig.SubgraphIndex];
        var raw = new Dictionary<int, NpyArray>();
        using (var model = CompiledModel.FromGraph(exposed))
        {
            var r = model.DefaultSignature;
            for (int i = 0; i < inputs.Count; i++) inputs[i].Data.CopyTo(r.Inputs[i].Bytes);
            r.Run();
            for (int i = 0; i < inputs.Count; i++) raw[sig.Inputs[i].TensorIndex] = inputs[i];
            for (int i = 0; i < sig.Outputs.Count; i++)
                raw[sig.Outputs[i].TensorIndex] = new NpyArray(r.Outputs[i].Type, [.. r.Outputs[i].Shape], r.Outputs[i].Bytes.ToArray());
        }

        // One model: each op reads fresh graph inputs holding those values; constants are shared.
        var iso = new ModelGraph();
        var isg = new Subgraph { Name = "ops" };
        iso.Subgraphs.Add(isg);
        var constants = new Dictionary<int, int>();
        var feeds = new List<NpyArray>();
        var opOfOutput = new List<(string Op, Tensor Tensor)>();
        var isig = new Signature(Signature.DefaultKey, 0);
        int Const(int t)
        {
            if (constants.TryGetValue(t, out int c)) return c;
            var src = sg.Tensors[t];
            c = isg.AddTensor(new Tensor(src.Name, src.Type, src.Shape) { Quantization = src.Quantization, Buffer = iso.AddBuffer(src.Buffer!.Data!.Value.ToArray()) });
            constants[t] = c;
            if (src.Quantization?.Blockwise is { } bw)
            {
                int s = Const(bw.Scales);
                isg.Tensors[c].Quantization = new QuantizationParams
                {
                    DetailsType = QuantizationDetailsType.BlockwiseQuantization,
                    Blockwise = new TflBlockwiseQuantization { Scales = s, ZeroPoints = -1, BlockSize = bw.BlockSize },
                };
            }
            return c;
        }
        for (int i = 0; i < sg.Operations.Count; i++)
        {
            var op = sg.Operations[i];
            var ins = new int[op.Inputs.Length];
            for (int k = 0; k < ins.Length; k++)
            {
                int t = op.Inputs[k];
                if (t < 0) { ins[k] = -1; continue; }
                var src = sg.Tensors[t];
                if (src.IsConstant) { ins[k] = Const(t); continue; }
                var value = raw[t];
                int fresh = isg.AddTensor(new Tensor($"op{i}_in{k}", src.Type, value.Shape) { Quantization = src.Quantization });
                isg.Inputs.Add(fresh);
                isig.Inputs.Add(new SignatureTensor($"op{i}_in{k}", fresh));
                feeds.Add(value);
                ins[k] = fresh;
            }
            var outs = new int[op.Outputs.Length];
            for (int k = 0; k < outs.Length; k++)
            {
                var src = sg.Tensors[op.Outputs[k]];
                outs[k] = isg.AddTensor(new Tensor($"op{i}_out{k}", src.Type, raw[op.Outputs[k]].Shape) { Quantization = src.Quantization });
                isg.Outputs.Add(outs[k]);
                isig.Outputs.Add(new SignatureTensor($"op{i}_out{k}", outs[k]));
                opOfOutput.Add(($"#{i} {op.OpName}", src));
            }
            isg.Operations.Add(new Operation(op.Op, ins, outs, op.Options?.Clone()) { Version = op.Version, CustomCode = op.CustomCode });
        }
        iso.Signatures.Add(isig);
        string path = Save(iso, name + "_ops");
        try
        {
            var real = RealLiteRt.Run(path, feeds);
            using var model = CompiledModel.Load(path);
            var r = model.DefaultSignature;
            for (int i = 0; i < feeds.Count; i++) feeds[i].Data.CopyTo(r.Inputs[i].Bytes);
            r.Run();
            var result = new List<Agreement>();
            for (int i = 0; i < real.Length; i++)
            {
                var o = r.Outputs[i];
                var (op, t) = opOfOutput[i];
                result.Add(Compare(t.Name, op, t, TensorData.Decode(o.Type, o.Bytes, [.. o.Shape], null), real[i].ToDoubles()));
            }
            return result;
        }
        finally { Directory.Delete(Path.GetDirectoryName(path)!, true); }
    }
}
