using LiteRt.Format.Schema;
using LiteRt.Graph;

namespace LiteRt.TestSupport;

/// <summary>
/// Builds small multi-op graphs for tests: inputs, constants and ops; <see cref="Build"/> infers every shape (as a
/// converter would write them) and adds a serving_default signature.
/// </summary>
public sealed class GraphBuilder
{
    private readonly ModelGraph _graph = new() { Description = "LiteRt.Build test graph" };
    private readonly Subgraph _sg = new() { Name = "main" };

    public GraphBuilder() => _graph.Subgraphs.Add(_sg);

    public int Input(string name, TensorType type, int[] shape, QuantizationParams? q = null)
    {
        int i = _sg.AddTensor(new Tensor(name, type, shape) { Quantization = q });
        _sg.Inputs.Add(i);
        return i;
    }

    public int Const(string name, TensorType type, int[] shape, double[] values, QuantizationParams? q = null) =>
        _sg.AddTensor(new Tensor(name, type, shape) { Quantization = q, Buffer = _graph.AddBuffer(TensorData.Encode(type, values, shape, q)) });

    public int Ints(string name, params int[] values) =>
        Const(name, TensorType.Int32, [values.Length], values.Select(v => (double)v).ToArray());

    /// <summary>Adds an op with one output of the given type (shape inferred at <see cref="Build"/>).</summary>
    public int Op(BuiltinOperator op, int[] inputs, string output, TensorType type, OptionsTable? options = null, QuantizationParams? q = null)
    {
        int o = _sg.AddTensor(new Tensor(output, type, []) { Quantization = q });
        _sg.Operations.Add(new Operation(op, inputs, [o], options));
        return o;
    }

    public void Output(int tensor) => _sg.Outputs.Add(tensor);

    public ModelGraph Build()
    {
        var shapes = ShapeInference.Infer(_sg);
        for (int i = 0; i < _sg.Tensors.Count; i++)
            if (!_sg.Tensors[i].IsConstant && !_sg.Inputs.Contains(i)) _sg.Tensors[i].Shape = shapes[i] ?? [];
        var sig = new Signature(Signature.DefaultKey, 0);
        foreach (int i in _sg.Inputs) sig.Inputs.Add(new SignatureTensor(_sg.Tensors[i].Name, i));
        foreach (int i in _sg.Outputs) sig.Outputs.Add(new SignatureTensor(_sg.Tensors[i].Name, i));
        _graph.Signatures.Add(sig);
        return _graph;
    }
}
