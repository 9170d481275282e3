using LiteRt.Format.Schema;
using LiteRt.Runtime.Cpu.Kernels.Decoder;
using LiteRt.Runtime.Execution;

namespace LiteRt.Runtime.Cpu.Kernels;

/// <summary>CPU kernels of the Decoder family: the custom ops of converted language models.</summary>
internal static unsafe class DecoderKernels
{
    public static void Register(Action<CpuKernel> add)
    {
        add(new CpuKernel("cpu.custom.gqa_attention.f32", BuiltinOperator.Custom, GqaAttentionKernel.Accepts,
            &GqaAttentionKernel.Prepare, &GqaAttentionKernel.Eval, typeof(GqaAttentionKernel)));
    }
}
