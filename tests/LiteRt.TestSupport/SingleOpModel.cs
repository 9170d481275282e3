using LiteRt.Format.Schema;
using LiteRt.Graph;

namespace LiteRt.TestSupport;

/// <summary>Builds a one-operation graph for kernel tests: inputs, constants, absent optionals, outputs.</summary>
public sealed class SingleOpModel
{
    private readonly ModelGraph _graph = new();
    private readonly Subgraph _sg = new() { Name = "main" };
    private readonly List<int> _opInputs = [];
    private readonly List<int> _opOutputs = [];
    private readonly BuiltinOperator _op;
    private readonly OptionsTable? _options;

    public SingleOpModel(BuiltinOperator op, OptionsTable? options = null)
    {
        _op = op;
        _options = options;
        _graph.Subgraphs.Add(_sg);
    }

    /// <summary>A graph input fed at run time.</summary>
    public SingleOpModel Input(string name, TensorType type, int[] shape, QuantizationParams? q = null)
    {
        int i = _sg.AddTensor(new Tensor(name, type, shape) { Quantization = q });
        _sg.Inputs.Add(i);
        _opInputs.Add(i);
        return this;
    }

    /// <summary>A constant input holding <paramref name="values"/> (real values, quantized with <paramref name="q"/> if given).</summary>
    public SingleOpModel Const(string name, TensorType type, int[] shape, double[] values, QuantizationParams? q = null) =>
        ConstRaw(name, type, shape, TensorData.Encode(type, values, shape, q), q);

    public SingleOpModel ConstRaw(string name, TensorType type, int[] shape, byte[] raw, QuantizationParams? q = null)
    {
        int i = _sg.AddTensor(new Tensor(name, type, shape) { Quantization = q, Buffer = _graph.AddBuffer(raw) });
        _opInputs.Add(i);
        return this;
    }

    /// <summary>An absent optional input (index -1).</summary>
    public SingleOpModel Absent()
    {
        _opInputs.Add(-1);
        return this;
    }

    /// <summary>An output; its shape is inferred at run time, <paramref name="shape"/> is what the file would declare.</summary>
    public SingleOpModel Output(string name, TensorType type, int[]? shape = null, QuantizationParams? q = null)
    {
        int i = _sg.AddTensor(new Tensor(name, type, shape ?? []) { Quantization = q });
        _sg.Outputs.Add(i);
        _opOutputs.Add(i);
        return this;
    }

    public ModelGraph Build()
    {
        _sg.Operations.Add(new Operation(_op, [.. _opInputs], [.. _opOutputs], _options));
        var sig = new Signature(Signature.DefaultKey, 0);
        foreach (int i in _sg.Inputs) sig.Inputs.Add(new SignatureTensor(_sg.Tensors[i].Name, i));
        foreach (int i in _sg.Outputs) sig.Outputs.Add(new SignatureTensor(_sg.Tensors[i].Name, i));
        _graph.Signatures.Add(sig);
        return _graph;
    }
}
