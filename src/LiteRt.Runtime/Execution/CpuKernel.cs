using LiteRt.Format.Schema;

namespace LiteRt.Runtime.Execution;

/// <summary>
/// A CPU kernel: static Prepare/Eval methods reached through function pointers (so a build-time plan can name them
/// directly), and a predicate on the node's tensor types that decides whether it applies.
/// </summary>
public sealed unsafe class CpuKernel
{
    public CpuKernel(string id, BuiltinOperator op, Func<PreparedNode, bool> accepts,
        delegate*<PreparedNode, void> prepare, delegate*<PreparedNode, void> eval)
    {
        Id = id;
        Op = op;
        Accepts = accepts;
        Prepare = prepare;
        Eval = eval;
    }

    /// <summary>Stable id, e.g. <c>cpu.conv_2d.f32</c>; build-time plans refer to kernels by it.</summary>
    public string Id { get; }
    public BuiltinOperator Op { get; }
    public Func<PreparedNode, bool> Accepts { get; }
    public delegate*<PreparedNode, void> Prepare { get; }
    public delegate*<PreparedNode, void> Eval { get; }

    public override string ToString() => Id;
}
