using LiteRt.Format.Schema;

namespace LiteRt.Graph.Catalog;

/// <summary>A tensor in the float64 reference interpreter: real (dequantized) values, row-major.</summary>
public sealed class RefTensor
{
    public RefTensor(int[] shape, double[] data, TensorType type = TensorType.Float32, QuantizationParams? quantization = null)
    {
        if (Shapes.ElementCount(shape) != data.Length)
            throw new ArgumentException($"shape {Shapes.Format(shape)} does not match {data.Length} values");
        Shape = shape;
        Data = data;
        Type = type;
        Quantization = quantization;
    }

    public int[] Shape { get; }
    public double[] Data { get; }
    public TensorType Type { get; }
    public QuantizationParams? Quantization { get; }
    public int Rank => Shape.Length;
    public int Length => Data.Length;

    public static RefTensor Zeros(int[] shape, TensorType type = TensorType.Float32, QuantizationParams? q = null) =>
        new(shape, new double[checked((int)Shapes.ElementCount(shape))], type, q);

    public override string ToString() => $"{Type.Name()}{Shapes.Format(Shape)}";
}

/// <summary>
/// What a reference kernel sees: inputs as real values, the op, and outputs pre-allocated with the shapes the
/// op's shape function computed. It writes real values; the interpreter rounds them to the output's
/// quantization grid afterwards, so reference kernels never deal with quantization.
/// </summary>
public sealed class ReferenceContext
{
    private readonly RefTensor?[] _inputs;
    private readonly RefTensor[] _outputs;

    public ReferenceContext(Operation op, string node, RefTensor?[] inputs, RefTensor[] outputs)
    {
        Op = op;
        Node = node;
        _inputs = inputs;
        _outputs = outputs;
    }

    public Operation Op { get; }
    public string Node { get; }
    public int InputCount => _inputs.Length;
    public int OutputCount => _outputs.Length;
    public bool HasInput(int i) => i < _inputs.Length && _inputs[i] is not null;
    public RefTensor Input(int i) => (i < _inputs.Length ? _inputs[i] : null) ?? throw new LiteRtModelException($"input {i} is required", Node);
    public RefTensor Output(int i) => _outputs[i];
}
