using System.Reflection;
using LiteRt.Runtime.Cpu;
using LiteRt.Runtime.Execution;
using LiteRt.Runtime.Planning;

namespace LiteRt.Cli.Compile;

/// <summary>
/// The C# name of the class declaring a kernel's static <c>Prepare</c>/<c>Eval</c>, which generated code takes the
/// address of. Kernels register it (<see cref="CpuKernel.EntryType"/>); for one registered without it, the public
/// static classes of the runtime are searched for methods whose addresses are the kernel's pointers (build time
/// only; generic kernels cannot be found this way and must register their closed type).
/// </summary>
public static unsafe class KernelEntryPoints
{
    private static readonly Lazy<Dictionary<nint, Type>> ByEvalPointer = new(Scan);

    /// <summary>The C# type name for the kernel <paramref name="kernelId"/>, or null when it cannot be named.</summary>
    public static string? Resolve(string kernelId) =>
        CpuKernelRegistry.FindById(kernelId) is { } k ? Resolve(k) : null;

    public static string? Resolve(CpuKernel kernel)
    {
        if (kernel.EntryType is { } registered) return ModelPlanner.CSharpName(registered);
        return ByEvalPointer.Value.TryGetValue((nint)kernel.Eval, out var t) && (nint)kernel.Prepare == Pointer(t, "Prepare")
            ? ModelPlanner.CSharpName(t) : null;
    }

    private static Dictionary<nint, Type> Scan()
    {
        var found = new Dictionary<nint, Type>();
        foreach (var t in typeof(CpuKernel).Assembly.GetExportedTypes())
        {
            if (!t.IsAbstract || !t.IsSealed || t.ContainsGenericParameters) continue; // static, closed classes only
            nint eval = Pointer(t, "Eval");
            if (eval != 0 && Pointer(t, "Prepare") != 0) found.TryAdd(eval, t);
        }
        return found;
    }

    private static nint Pointer(Type t, string name) =>
        t.GetMethod(name, BindingFlags.Public | BindingFlags.Static, [typeof(PreparedNode)]) is { ReturnType: var r } m && r == typeof(void)
            ? m.MethodHandle.GetFunctionPointer() : 0;
}
