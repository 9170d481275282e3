using LiteRt.Format.Schema;
using LiteRt.Runtime.Cpu.Kernels.Quantized;
using LiteRt.Runtime.Execution;

namespace LiteRt.Runtime.Cpu.Kernels;

/// <summary>
/// The quantized-weights family: hybrid (dynamic range: float activations, int8 weights) FULLY_CONNECTED, CONV_2D,
/// DEPTHWISE_CONV_2D and BATCH_MATMUL; blockwise int4 FULLY_CONNECTED; INT4 EMBEDDING_LOOKUP and DEQUANTIZE
/// (per channel or blockwise); 16x8 (int16 activations, int8 weights) FULLY_CONNECTED, CONV_2D and DEPTHWISE_CONV_2D.
/// The int8 full-integer kernels live in the NeuralNet family.
/// </summary>
internal static unsafe class QuantizedKernels
{
    public static void Register(Action<CpuKernel> add)
    {
        const TensorType F32 = TensorType.Float32, I8 = TensorType.Int8, I16 = TensorType.Int16, I4 = TensorType.Int4;

        add(new CpuKernel("cpu.fully_connected.hybrid", BuiltinOperator.FullyConnected,
            n => Is(n, 0, F32) && Is(n, 1, I8) && Out(n, F32), &HybridFullyConnectedKernel.Prepare, &HybridFullyConnectedKernel.Eval));
        add(new CpuKernel("cpu.fully_connected.blockwise_i4", BuiltinOperator.FullyConnected,
            n => Is(n, 0, F32) && Is(n, 1, I4) && Out(n, F32) && DynamicQuantization.IsBlockwise(n.Input(1)),
            &BlockwiseFullyConnectedKernel.Prepare, &BlockwiseFullyConnectedKernel.Eval));
        add(new CpuKernel("cpu.fully_connected.i16x8", BuiltinOperator.FullyConnected,
            n => Is(n, 0, I16) && Is(n, 1, I8) && Out(n, I16), &FullyConnected16x8Kernel.Prepare, &FullyConnected16x8Kernel.Eval));

        add(new CpuKernel("cpu.conv_2d.hybrid", BuiltinOperator.Conv2d,
            n => Is(n, 0, F32) && Is(n, 1, I8) && Out(n, F32), &HybridConv2DKernel.Prepare, &HybridConv2DKernel.Eval));
        add(new CpuKernel("cpu.conv_2d.i16x8", BuiltinOperator.Conv2d,
            n => Is(n, 0, I16) && Is(n, 1, I8) && Out(n, I16), &Conv2D16x8Kernel.Prepare, &Conv2D16x8Kernel.Eval));

        add(new CpuKernel("cpu.depthwise_conv_2d.hybrid", BuiltinOperator.DepthwiseConv2d,
            n => Is(n, 0, F32) && Is(n, 1, I8) && Out(n, F32), &HybridDepthwiseConv2DKernel.Prepare, &HybridDepthwiseConv2DKernel.Eval));
        add(new CpuKernel("cpu.depthwise_conv_2d.i16x8", BuiltinOperator.DepthwiseConv2d,
            n => Is(n, 0, I16) && Is(n, 1, I8) && Out(n, I16), &DepthwiseConv2D16x8Kernel.Prepare, &DepthwiseConv2D16x8Kernel.Eval));

        add(new CpuKernel("cpu.batch_matmul.hybrid", BuiltinOperator.BatchMatmul,
            n => Is(n, 0, F32) && Is(n, 1, I8) && Out(n, F32), &HybridBatchMatMulKernel.Prepare, &HybridBatchMatMulKernel.Eval));

        add(new CpuKernel("cpu.embedding_lookup.i4", BuiltinOperator.EmbeddingLookup,
            n => Is(n, 1, I4) && Out(n, F32), &Int4EmbeddingLookupKernel.Prepare, &Int4EmbeddingLookupKernel.Eval));
        add(new CpuKernel("cpu.dequantize.i4", BuiltinOperator.Dequantize,
            n => Is(n, 0, I4) && Out(n, F32), &Int4DequantizeKernel.Prepare, &Int4DequantizeKernel.Eval));
    }

    private static bool Is(PreparedNode n, int input, TensorType type) => input < n.Inputs.Length && n.Inputs[input]?.Type == type;

    private static bool Out(PreparedNode n, TensorType type) => n.Outputs.Length > 0 && n.Outputs[0].Type == type;
}
