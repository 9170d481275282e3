using LiteRt.Graph;

namespace LiteRt.Runtime.Execution;

/// <summary>
/// One operation bound to its tensors and kernel. Prepare fills <see cref="State"/> (parsed attributes,
/// precomputed multipliers, packed weights) and may ask for <see cref="ScratchBytes"/> of arena memory;
/// Eval reads inputs and writes outputs without allocating.
/// </summary>
public sealed unsafe class PreparedNode
{
    internal PreparedNode(int index, Operation op, string description, RuntimeTensor?[] inputs, RuntimeTensor[] outputs)
    {
        Index = index;
        Op = op;
        Description = description;
        Inputs = inputs;
        Outputs = outputs;
    }

    public int Index { get; }
    public Operation Op { get; }
    /// <summary>e.g. <c>#3 CONV_2D 'conv1/out'</c>, for messages.</summary>
    public string Description { get; }

    /// <summary>Input tensors; null where an optional input is absent.</summary>
    public RuntimeTensor?[] Inputs { get; }
    public RuntimeTensor[] Outputs { get; }

    public RuntimeTensor Input(int i) => (i < Inputs.Length ? Inputs[i] : null) ?? throw Error($"input {i} is required");
    public bool HasInput(int i) => i < Inputs.Length && Inputs[i] is not null;
    public RuntimeTensor Output(int i) => Outputs[i];

    /// <summary>Kernel-private state set by Prepare.</summary>
    public object? State { get; set; }

    public T GetState<T>() where T : class => (T)State!;

    /// <summary>Bytes of scratch memory Prepare requests (64-byte aligned, valid only during this node's Eval).</summary>
    public long ScratchBytes { get; set; }
    public byte* Scratch { get; internal set; }

    public Span<T> ScratchSpan<T>(long byteOffset, int count) where T : unmanaged =>
        new(Scratch + byteOffset, count);

    /// <summary>Threads the kernel may use (<see cref="RuntimeOptions.IntraOpThreads"/>).</summary>
    public int Threads { get; internal set; } = 1;

    /// <summary>The kernel chosen for this node.</summary>
    public CpuKernel? Kernel { get; internal set; }

    public LiteRtModelException Error(string reason) => new(reason, Description);

    /// <summary>
    /// Another tensor of the node's subgraph by index — for tensors a weight's quantization refers to (blockwise
    /// scale tensors) rather than op inputs. Constant tensors' data is valid from Prepare on.
    /// </summary>
    public RuntimeTensor SubgraphTensor(int index) =>
        SubgraphTensors is { } all && (uint)index < (uint)all.Count ? all[index] : throw Error($"tensor index {index} is out of range");

    internal IReadOnlyList<RuntimeTensor>? SubgraphTensors { get; set; }
}
