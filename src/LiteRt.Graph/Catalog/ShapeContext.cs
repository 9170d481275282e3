using LiteRt.Format.Schema;

namespace LiteRt.Graph.Catalog;

/// <summary>
/// What a shape function sees: input shapes (dims may be -1 = unknown during compilation; always known at run time),
/// input types, the values of constant inputs, and the op's attributes. It sets every output shape.
/// </summary>
public sealed class ShapeContext
{
    private readonly Func<int, int[]?> _shape;
    private readonly Func<int, Tensor?> _tensor;
    private readonly int[]?[] _outputs;

    public ShapeContext(Operation op, string node, Func<int, int[]?> inputShape, Func<int, Tensor?> inputTensor)
    {
        Op = op;
        Node = node;
        _shape = inputShape;
        _tensor = inputTensor;
        _outputs = new int[]?[op.Outputs.Length];
    }

    public Operation Op { get; }
    /// <summary>The node's description for messages.</summary>
    public string Node { get; }

    public int InputCount => Op.Inputs.Length;
    public int OutputCount => Op.Outputs.Length;
    public bool HasInput(int i) => Op.HasInput(i);

    /// <summary>Shape of input <paramref name="i"/>; throws a model error if the input is absent.</summary>
    public int[] InputShape(int i) => (HasInput(i) ? _shape(i) : null) ?? throw Error($"input {i} is required");

    public int InputRank(int i) => InputShape(i).Length;

    public TensorType InputType(int i) => (_tensor(i) ?? throw Error($"input {i} is required")).Type;

    public Tensor? InputTensor(int i) => HasInput(i) ? _tensor(i) : null;

    /// <summary>Values of an integer constant input (INT32/INT64), e.g. a RESHAPE shape or a PAD paddings tensor.</summary>
    public bool TryGetConstantInts(int i, out long[] values)
    {
        values = [];
        var t = InputTensor(i);
        if (t is null || !t.IsConstant) return false;
        values = TensorData.ReadInts(t);
        return true;
    }

    /// <summary>Like <see cref="TryGetConstantInts"/> but an error naming the input when it is not constant.</summary>
    public long[] ConstantInts(int i, string what) =>
        TryGetConstantInts(i, out var v) ? v : throw Error($"{what} (input {i}) must be a constant tensor");

    public void SetOutputShape(int i, int[] shape) => _outputs[i] = shape;

    public int[]? OutputShape(int i) => _outputs[i];

    /// <summary>Sets every output to a copy of <paramref name="shape"/>.</summary>
    public void SetAllOutputs(int[] shape)
    {
        for (int i = 0; i < _outputs.Length; i++) _outputs[i] = (int[])shape.Clone();
    }

    public LiteRtModelException Error(string reason) => new(reason, Node);

    public void Require(bool condition, string reason)
    {
        if (!condition) throw Error(reason);
    }
}
