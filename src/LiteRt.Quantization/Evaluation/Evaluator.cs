using LiteRt.Format.Schema;
using LiteRt.Graph;
using LiteRt.Graph.IO;
using LiteRt.Quantization.Transforms;

namespace LiteRt.Quantization.Evaluation;

/// <summary>Compares quantized models with the float model on fixed evaluation samples (float outputs are computed once).</summary>
internal sealed class Evaluator
{
    private readonly ModelGraph _float;
    private readonly IReadOnlyList<IReadOnlyDictionary<string, NpyArray>> _samples;
    private List<Dictionary<string, (double[] Values, int[] Shape)>>? _floatOutputs;

    public Evaluator(ModelGraph floatModel, IReadOnlyList<IReadOnlyDictionary<string, NpyArray>> samples, bool layers)
    {
        _float = floatModel;
        _samples = samples;
        _ = layers;
    }

    public int SampleCount => _samples.Count;

    private List<Dictionary<string, (double[] Values, int[] Shape)>> FloatOutputs()
    {
        if (_floatOutputs is not null) return _floatOutputs;
        using var runner = new GraphRunner(_float, intermediates: false);
        _floatOutputs = _samples.Select(s => runner.Run(s).Outputs).ToList();
        return _floatOutputs;
    }

    /// <summary>Fidelity of each model output (by signature output name).</summary>
    public List<TensorFidelity> Outputs(ModelGraph quantized)
    {
        var reference = FloatOutputs();
        var acc = new Dictionary<string, FidelityAccumulator>(StringComparer.Ordinal);
        using var runner = new GraphRunner(quantized, intermediates: false);
        for (int s = 0; s < _samples.Count; s++)
        {
            var q = runner.Run(_samples[s]).Outputs;
            foreach (var (name, (values, shape)) in reference[s])
            {
                if (!q.TryGetValue(name, out var qv) || qv.Values.Length != values.Length) continue;
                if (!acc.TryGetValue(name, out var a)) acc[name] = a = new FidelityAccumulator();
                a.Add(values, qv.Values, shape.Length > 0 ? shape[^1] : 1);
            }
        }
        return reference.Count == 0 ? [] : reference[0].Keys.Where(acc.ContainsKey).Select(n => acc[n].Result(n)).ToList();
    }

    /// <summary>
    /// For each measured layer: its noise-to-signal ratio minus that of its noisiest measured input, following
    /// inserted QUANTIZE/DEQUANTIZE ops back to the tensors they convert.
    /// </summary>
    private static void AttributeNoise(Subgraph sg, Dictionary<string, TensorFidelity> layers)
    {
        var producers = new Dictionary<int, Operation>();
        foreach (var op in sg.Operations)
            foreach (int o in op.Outputs) if (o >= 0) producers[o] = op;
        static double Nsr(double snr) => double.IsPositiveInfinity(snr) ? 0 : Math.Pow(10, -snr / 10);
        double InputNsr(int t, int depth)
        {
            var tensor = sg.Tensors[t];
            if (layers.TryGetValue(tensor.Name, out var f)) return Nsr(f.Snr);
            if (depth < 4 && producers.TryGetValue(t, out var p) && p.Op is BuiltinOperator.Quantize or BuiltinOperator.Dequantize && p.Inputs.Length > 0)
                return InputNsr(p.Inputs[0], depth + 1);
            return 0;
        }
        foreach (var op in sg.Operations)
        {
            if (op.Outputs.Length == 0 || op.Outputs[0] < 0 || !layers.TryGetValue(sg.Tensors[op.Outputs[0]].Name, out var layer)) continue;
            if (op.Op is BuiltinOperator.Quantize or BuiltinOperator.Dequantize && layer.AddedNoise is not null) continue;
            double upstream = 0;
            foreach (int i in op.Inputs)
                if (i >= 0 && !sg.Tensors[i].IsConstant) upstream = Math.Max(upstream, InputNsr(i, 0));
            layer.AddedNoise = Math.Max(0, Nsr(layer.Snr) - upstream);
        }
    }

    /// <summary>A report with only what each op got (no measurements).</summary>
    public static FidelityReport Decisions(IReadOnlyList<OpPlan> plans)
    {
        var report = new FidelityReport();
        foreach (var p in plans.Where(p => p.Subgraph == 0 || plans.All(x => x.Subgraph != 0)))
            report.Decisions.Add(new LayerDecision(p.OpIndex, p.Op.Name(), p.Output, p.Scheme.Name(), p.Note));
        return report;
    }

    /// <summary>Per-output and (optionally) per-layer fidelity, with what each op got.</summary>
    public FidelityReport Report(ModelGraph quantized, IReadOnlyList<OpPlan> plans, bool measureLayers)
    {
        var report = Decisions(plans);
        report.Samples = _samples.Count;
        report.Outputs.AddRange(Outputs(quantized));
        if (!measureLayers || _samples.Count == 0) return report;

        var schemeByOutput = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in plans) schemeByOutput.TryAdd(p.Output, p.Scheme.Name());
        var sig = quantized.SignaturesOrDefault()[0];
        var qsg = quantized.Subgraphs[sig.SubgraphIndex];
        var producer = new Dictionary<string, (int Index, string Op)>(StringComparer.Ordinal);
        for (int i = 0; i < qsg.Operations.Count; i++)
            foreach (int o in qsg.Operations[i].Outputs)
                if (o >= 0) producer.TryAdd(qsg.Tensors[o].Name, (i, qsg.Operations[i].OpName));

        var acc = new Dictionary<string, FidelityAccumulator>(StringComparer.Ordinal);
        var order = new List<string>();
        using (var floatRunner = new GraphRunner(_float, intermediates: true))
        using (var quantRunner = new GraphRunner(quantized, intermediates: true))
        {
            foreach (var sample in _samples)
            {
                var f = floatRunner.Run(sample).Tensors;
                var q = quantRunner.Run(sample).Tensors;
                foreach (var (name, (values, shape)) in f)
                {
                    if (!q.TryGetValue(name, out var qv) || qv.Values.Length != values.Length || !producer.ContainsKey(name)) continue;
                    if (!acc.TryGetValue(name, out var a)) { acc[name] = a = new FidelityAccumulator(); order.Add(name); }
                    // Top-1 and KL describe model outputs; for a layer they would compare arbitrary channels.
                    a.Add(values, qv.Values, 1);
                }
            }
        }
        // A model output that a final DEQUANTIZE now produces is the output of the op that computed it.
        var opByOutput = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in plans) opByOutput.TryAdd(p.Output, p.Op.Name());
        foreach (var name in order)
            if (producer[name].Op is "DEQUANTIZE" or "QUANTIZE" && opByOutput.TryGetValue(name, out var original))
                producer[name] = (producer[name].Index, original);
        var results = new Dictionary<string, TensorFidelity>(StringComparer.Ordinal);
        foreach (var name in order.OrderBy(n => producer[n].Index))
        {
            var r = acc[name].Result(name);
            r.OpIndex = producer[name].Index;
            r.Op = producer[name].Op;
            r.Scheme = schemeByOutput.TryGetValue(name, out var s) ? s : null;
            results[name] = r;
            report.Layers.Add(r);
        }
        AttributeNoise(qsg, results);
        return report;
    }
}
