using LiteRt.Format.Schema;

namespace LiteRt.Runtime.Execution;

/// <summary>
/// A CPU kernel: static Prepare/Eval methods reached through function pointers (so a build-time plan can name them
/// directly), and a predicate on the node's tensor types that decides whether it applies.
/// </summary>
public sealed unsafe class CpuKernel
{
    /// <param name="entryType">
    /// The public static class that declares <paramref name="prepare"/> and <paramref name="eval"/> as
    /// <c>Prepare</c> and <c>Eval</c> (e.g. <c>typeof(Conv2DFloatKernel)</c>). <c>litert compile</c> writes its C#
    /// name into the manifest so that generated code can take <c>&amp;Type.Eval</c> directly; a kernel without one
    /// can still run, but build-time plans fall back to choosing it at load.
    /// </param>
    public CpuKernel(string id, BuiltinOperator op, Func<PreparedNode, bool> accepts,
        delegate*<PreparedNode, void> prepare, delegate*<PreparedNode, void> eval, Type? entryType = null)
    {
        Id = id;
        Op = op;
        Accepts = accepts;
        Prepare = prepare;
        Eval = eval;
        EntryType = entryType;
    }

    /// <summary>Stable id, e.g. <c>cpu.conv_2d.f32</c>; build-time plans refer to kernels by it.</summary>
    public string Id { get; }
    public BuiltinOperator Op { get; }
    public Func<PreparedNode, bool> Accepts { get; }
    public delegate*<PreparedNode, void> Prepare { get; }
    public delegate*<PreparedNode, void> Eval { get; }

    /// <summary>The class declaring the kernel's static <c>Prepare</c> and <c>Eval</c> methods, when registered.</summary>
    public Type? EntryType { get; }

    public override string ToString() => Id;
}
