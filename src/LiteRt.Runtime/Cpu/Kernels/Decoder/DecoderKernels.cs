using LiteRt.Format.Schema;
using LiteRt.Runtime.Cpu.Kernels.Decoder;
using LiteRt.Runtime.Execution;

namespace LiteRt.Runtime.Cpu.Kernels;

/// <summary>
/// CPU kernels of the Decoder family: the custom ops of converted language models, and a hybrid FULLY_CONNECTED that
/// reads int8 weights in place (registered before the Quantized family so it serves hybrid FULLY_CONNECTED first; its
/// results are bit-identical to the general hybrid kernel's).
/// </summary>
internal static unsafe class DecoderKernels
{
    public static void Register(Action<CpuKernel> add)
    {
        add(new CpuKernel("cpu.custom.gqa_attention.f32", BuiltinOperator.Custom, GqaAttentionKernel.Accepts,
            &GqaAttentionKernel.Prepare, &GqaAttentionKernel.Eval, typeof(GqaAttentionKernel)));
        add(new CpuKernel("cpu.fully_connected.direct.hybrid", BuiltinOperator.FullyConnected,
            n => n.Inputs.Length >= 2 && n.Inputs[0]?.Type == TensorType.Float32 && n.Inputs[1] is { Type: TensorType.Int8, IsConstant: true }
                 && n.Outputs[0].Type == TensorType.Float32 && n.Inputs[1]!.Quantization is { IsPerChannel: true } or { Scale.Length: 1 }
                 && FewRows(n),
            &Int8MatVecKernel.Prepare, &Int8MatVecKernel.Eval, typeof(Int8MatVecKernel)));
    }

    // Many-row products (batched CNN heads) keep the general kernel's blocked GEMM, which reuses input rows better.
    private static bool FewRows(PreparedNode n) =>
        n.Inputs[1]!.Shape is [_, int depth and > 0] && LiteRt.Graph.Shapes.ElementCount(n.Inputs[0]!.Shape) / depth <= Int8MatVecKernel.MaxRows;
}
