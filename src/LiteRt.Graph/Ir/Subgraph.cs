namespace LiteRt.Graph;

/// <summary>A dataflow graph: tensors, operations in execution order, and which tensors are inputs/outputs.</summary>
public sealed class Subgraph
{
    public string? Name { get; set; }
    public List<Tensor> Tensors { get; } = [];
    public List<int> Inputs { get; } = [];
    public List<int> Outputs { get; } = [];
    /// <summary>Operations in execution order (a valid topological order).</summary>
    public List<Operation> Operations { get; } = [];
    public int DebugMetadataIndex { get; set; } = -1;

    // Presence flags for lossless round trips (absent vs empty list).
    public bool InputsWereAbsent { get; set; }
    public bool OutputsWereAbsent { get; set; }

    public int AddTensor(Tensor t)
    {
        Tensors.Add(t);
        return Tensors.Count - 1;
    }

    /// <summary>Describes operation <paramref name="index"/> for messages: <c>#3 CONV_2D 'conv1/out'</c>.</summary>
    public string Describe(int index)
    {
        var op = Operations[index];
        string outName = op.Outputs.Length > 0 && (uint)op.Outputs[0] < (uint)Tensors.Count ? Tensors[op.Outputs[0]].Name : "?";
        return $"#{index} {op.OpName} '{outName}'";
    }
}
