using LiteRt.Graph;
using LiteRt.Graph.Catalog;
using LiteRt.Graph.Reference;
using LiteRt.Runtime;
using Xunit;

namespace LiteRt.TestSupport;

/// <summary>Runs a graph on the CPU runtime and on the float64 reference interpreter and compares the outputs.</summary>
public static class OpCheck
{
    /// <param name="inputs">Real values per input name; shapes default to the declared shapes.</param>
    /// <param name="relativeTolerance">Float outputs: max |ours − ref| relative to the largest |ref| (at least 1).</param>
    /// <param name="quantizedSteps">Quantized outputs: max difference in quantization steps.</param>
    public static Dictionary<string, double[]> AgainstReference(ModelGraph graph, IReadOnlyDictionary<string, double[]> inputs,
        IReadOnlyDictionary<string, int[]>? inputShapes = null, double relativeTolerance = 1e-5, double quantizedSteps = 1)
    {
        var sig = graph.SignaturesOrDefault()[0];
        var sg = graph.Subgraphs[sig.SubgraphIndex];
        using var model = CompiledModel.FromGraph(graph);
        var runner = model.Signature(sig.Key);

        var refInputs = new Dictionary<string, RefTensor>();
        foreach (var input in sig.Inputs)
        {
            var t = sg.Tensors[input.TensorIndex];
            var shape = inputShapes is not null && inputShapes.TryGetValue(input.Name, out var s) ? s : t.Shape;
            if (!shape.AsSpan().SequenceEqual(t.Shape)) runner.ResizeInput(input.Name, shape);
            var values = inputs[input.Name];
            refInputs[input.Name] = new RefTensor(shape, values, t.Type, t.Quantization);
        }
        // Write after all resizes: a resize re-plans memory.
        foreach (var input in sig.Inputs)
        {
            var t = sg.Tensors[input.TensorIndex];
            var buffer = runner.Input(input.Name);
            var raw = TensorData.Encode(t.Type, inputs[input.Name], [.. buffer.Shape], t.Quantization);
            raw.CopyTo(buffer.Bytes);
        }
        runner.Run();
        var expected = ReferenceInterpreter.Run(graph, sig, refInputs);

        var results = new Dictionary<string, double[]>();
        foreach (var output in sig.Outputs)
        {
            var t = sg.Tensors[output.TensorIndex];
            var buffer = runner.Output(output.Name);
            var want = expected[output.Name];
            Assert.True(want.Shape.AsSpan().SequenceEqual([.. buffer.Shape]),
                $"output '{output.Name}': runtime shape {Shapes.Format([.. buffer.Shape])}, reference {Shapes.Format(want.Shape)}");
            var got = TensorData.Decode(t.Type, buffer.Bytes, [.. buffer.Shape], t.Quantization);
            Compare(output.Name, t, got, want.Data, relativeTolerance, quantizedSteps);
            results[output.Name] = got;
        }
        return results;
    }

    public static void Compare(string name, Tensor t, double[] got, double[] want, double relativeTolerance, double quantizedSteps)
    {
        Assert.Equal(want.Length, got.Length);
        if (t.Quantization is { IsEmpty: false, Scale.Length: > 0 } q)
        {
            for (int i = 0; i < got.Length; i++)
            {
                double step = q.IsPerChannel ? q.Scale!.Min() : q.Scale![0];
                double diff = Math.Abs(got[i] - want[i]) / step;
                if (diff > quantizedSteps + 1e-6)
                    Assert.Fail($"output '{name}'[{i}]: got {got[i]}, reference {want[i]} ({diff:F2} steps apart, allowed {quantizedSteps})");
            }
            return;
        }
        double scale = 1;
        foreach (double w in want) if (!double.IsNaN(w) && !double.IsInfinity(w)) scale = Math.Max(scale, Math.Abs(w));
        for (int i = 0; i < got.Length; i++)
        {
            if (double.IsNaN(want[i]) && double.IsNaN(got[i])) continue;
            if (double.IsInfinity(want[i]) && want[i] == got[i]) continue;
            double diff = Math.Abs(got[i] - want[i]);
            if (!(diff <= relativeTolerance * scale))
                Assert.Fail($"output '{name}'[{i}]: got {got[i]}, reference {want[i]} (|diff| {diff:G3} > {relativeTolerance:G3} × {scale:G3})");
        }
    }
}
