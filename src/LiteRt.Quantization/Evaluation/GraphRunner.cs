using LiteRt.Format.Schema;
using LiteRt.Graph;
using LiteRt.Graph.IO;
using LiteRt.Quantization.Editing;
using LiteRt.Runtime;

namespace LiteRt.Quantization.Evaluation;

/// <summary>Values of one run: signature outputs by name, and (when exposed) every op output by tensor name; all real-valued.</summary>
internal sealed class RunValues
{
    public Dictionary<string, (double[] Values, int[] Shape)> Outputs { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, (double[] Values, int[] Shape)> Tensors { get; } = new(StringComparer.Ordinal);
    /// <summary>Tensor index in the runner's subgraph → min/max of this run (for calibration).</summary>
    public Dictionary<int, (double Min, double Max)> Ranges { get; } = [];
    /// <summary>Tensor index in the runner's subgraph → mean of each channel (last axis) of this run (for bias correction).</summary>
    public Dictionary<int, double[]> ChannelMeans { get; } = [];
}

/// <summary>
/// Runs a graph on our CPU runtime for calibration and evaluation. With <c>intermediates</c>, every tensor an op
/// produces is also read back (the graph is copied with those tensors added to the signature's outputs).
/// </summary>
internal sealed class GraphRunner : IDisposable
{
    private readonly CompiledModel _model;
    private readonly SignatureRunner _runner;
    private readonly Subgraph _sg;
    private readonly int _publicOutputs;
    private readonly Signature _signature;

    public GraphRunner(ModelGraph graph, bool intermediates)
    {
        var source = graph.SignaturesOrDefault()[0];
        _publicOutputs = source.Outputs.Count;
        ModelGraph g;
        if (intermediates) g = GraphEdit.ExposeIntermediates(graph, out _signature);
        else
        {
            g = graph;
            _signature = source;
        }
        _sg = g.Subgraphs[_signature.SubgraphIndex];
        _model = CompiledModel.FromGraph(g);
        _runner = _model.Signature(_signature.Key);
        Inputs = _signature.Inputs.Select(i => new CalibrationInput(i.Name, _sg.Tensors[i.TensorIndex].Type, _sg.Tensors[i.TensorIndex].Dims)).ToList();
    }

    public IReadOnlyList<CalibrationInput> Inputs { get; }

    public static IReadOnlyList<CalibrationInput> InputsOf(ModelGraph g)
    {
        var sig = g.SignaturesOrDefault()[0];
        var sg = g.Subgraphs[sig.SubgraphIndex];
        return sig.Inputs.Select(i => new CalibrationInput(i.Name, sg.Tensors[i.TensorIndex].Type, sg.Tensors[i.TensorIndex].Dims)).ToList();
    }

    /// <summary>
    /// Runs one sample. <paramref name="ranges"/>: record min/max and channel means of float tensors;
    /// <paramref name="observe"/>: called with each float tensor's index and values (inputs and op outputs).
    /// </summary>
    public RunValues Run(IReadOnlyDictionary<string, NpyArray> sample, bool keepValues = true, bool ranges = false, Action<int, double[]>? observe = null)
    {
        foreach (var input in _signature.Inputs)
        {
            var a = sample[input.Name];
            var buffer = _runner.Input(input.Name);
            if (!a.Shape.AsSpan().SequenceEqual([.. buffer.Shape])) _runner.ResizeInput(input.Name, a.Shape);
        }
        foreach (var input in _signature.Inputs)
        {
            var a = sample[input.Name];
            var t = _sg.Tensors[input.TensorIndex];
            var buffer = _runner.Input(input.Name);
            if (a.Type == t.Type) a.Data.CopyTo(buffer.Bytes);
            else
            {
                var values = TensorData.Decode(a.Type, a.Data, a.Shape, null);
                var q = t.Quantization is { IsEmpty: false, Scale.Length: > 0 } tq ? tq : null;
                TensorData.Encode(t.Type, values, a.Shape, q).CopyTo(buffer.Bytes);
            }
        }
        _runner.Run();
        var r = new RunValues();
        for (int k = 0; k < _signature.Outputs.Count; k++)
        {
            var o = _signature.Outputs[k];
            var t = _sg.Tensors[o.TensorIndex];
            var buffer = _runner.Output(o.Name);
            if (!t.Type.HasFixedSize() || t.Type is TensorType.Bool) continue;
            int[] shape = [.. buffer.Shape];
            double[] values = TensorData.Decode(t.Type, buffer.Bytes, shape, t.Quantization is { IsEmpty: false, Scale.Length: > 0 } q ? q : null);
            if (observe is not null && t.Type.IsFloat()) observe(o.TensorIndex, values);
            if (ranges && t.Type.IsFloat())
            {
                double min = double.PositiveInfinity, max = double.NegativeInfinity;
                foreach (double v in values)
                {
                    if (double.IsNaN(v)) continue;
                    if (v < min) min = v;
                    if (v > max) max = v;
                }
                if (min <= max) r.Ranges[o.TensorIndex] = (min, max);
                if (shape.Length > 0) r.ChannelMeans[o.TensorIndex] = ChannelMeans(values, shape[^1]);
            }
            if (!keepValues) continue;
            if (k < _publicOutputs) r.Outputs[o.Name] = (values, shape);
            r.Tensors.TryAdd(t.Name, (values, shape));
        }
        if (ranges || observe is not null)
        {
            foreach (var input in _signature.Inputs)
            {
                var a = sample[input.Name];
                if (!a.Type.IsFloat()) continue;
                var values = TensorData.Decode(a.Type, a.Data, a.Shape, null);
                observe?.Invoke(input.TensorIndex, values);
                if (!ranges) continue;
                if (values.Length > 0) r.Ranges[input.TensorIndex] = (values.Min(), values.Max());
                if (a.Shape.Length > 0) r.ChannelMeans[input.TensorIndex] = ChannelMeans(values, a.Shape[^1]);
            }
        }
        return r;
    }

    /// <summary>Mean of each channel of the last axis (NaN values skipped).</summary>
    private static double[] ChannelMeans(double[] values, int channels)
    {
        var sums = new double[Math.Max(channels, 0)];
        var counts = new long[sums.Length];
        if (channels <= 0) return sums;
        for (int i = 0; i < values.Length; i++)
        {
            double v = values[i];
            if (double.IsNaN(v) || double.IsInfinity(v)) continue;
            sums[i % channels] += v;
            counts[i % channels]++;
        }
        for (int c = 0; c < channels; c++) sums[c] = counts[c] > 0 ? sums[c] / counts[c] : 0;
        return sums;
    }

    public void Dispose() => _model.Dispose();
}
