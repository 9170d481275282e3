using LiteRt.Runtime.Execution;

namespace LiteRt.Runtime.Cpu.Kernels;

internal static partial class DataMovementKernels
{
    public static void Register(Action<CpuKernel> add)
    {
    }
}
