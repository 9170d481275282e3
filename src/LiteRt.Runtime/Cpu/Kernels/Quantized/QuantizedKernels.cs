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
    public static void Register(Action<CpuKernel> register)
    {
        var ids = new List<string>();
        void add(CpuKernel k)
        {
            ids.Add(k.Id);
            register(k);
        }
        const TensorType F32 = TensorType.Float32, I8 = TensorType.Int8, I16 = TensorType.Int16, I4 = TensorType.Int4;

        add(new CpuKernel("cpu.fully_connected.hybrid", BuiltinOperator.FullyConnected,
            n => Is(n, 0, F32) && Is(n, 1, I8) && Out(n, F32), &HybridFullyConnectedKernel.Prepare, &HybridFullyConnectedKernel.Eval, typeof(HybridFullyConnectedKernel)));
        add(new CpuKernel("cpu.fully_connected.blockwise_i4", BuiltinOperator.FullyConnected,
            n => Is(n, 0, F32) && Is(n, 1, I4) && Out(n, F32) && DynamicQuantization.IsBlockwise(n.Input(1)),
            &BlockwiseFullyConnectedKernel.Prepare, &BlockwiseFullyConnectedKernel.Eval, typeof(BlockwiseFullyConnectedKernel)));
        add(new CpuKernel("cpu.fully_connected.i16x8", BuiltinOperator.FullyConnected,
            n => Is(n, 0, I16) && Is(n, 1, I8) && Out(n, I16), &FullyConnected16x8Kernel.Prepare, &FullyConnected16x8Kernel.Eval, typeof(FullyConnected16x8Kernel)));

        add(new CpuKernel("cpu.conv_2d.hybrid", BuiltinOperator.Conv2d,
            n => Is(n, 0, F32) && Is(n, 1, I8) && Out(n, F32), &HybridConv2DKernel.Prepare, &HybridConv2DKernel.Eval, typeof(HybridConv2DKernel)));
        add(new CpuKernel("cpu.conv_2d.i16x8", BuiltinOperator.Conv2d,
            n => Is(n, 0, I16) && Is(n, 1, I8) && Out(n, I16), &Conv2D16x8Kernel.Prepare, &Conv2D16x8Kernel.Eval, typeof(Conv2D16x8Kernel)));

        add(new CpuKernel("cpu.depthwise_conv_2d.hybrid", BuiltinOperator.DepthwiseConv2d,
            n => Is(n, 0, F32) && Is(n, 1, I8) && Out(n, F32), &HybridDepthwiseConv2DKernel.Prepare, &HybridDepthwiseConv2DKernel.Eval, typeof(HybridDepthwiseConv2DKernel)));
        add(new CpuKernel("cpu.depthwise_conv_2d.i16x8", BuiltinOperator.DepthwiseConv2d,
            n => Is(n, 0, I16) && Is(n, 1, I8) && Out(n, I16), &DepthwiseConv2D16x8Kernel.Prepare, &DepthwiseConv2D16x8Kernel.Eval, typeof(DepthwiseConv2D16x8Kernel)));

        add(new CpuKernel("cpu.batch_matmul.hybrid", BuiltinOperator.BatchMatmul,
            n => Is(n, 0, F32) && Is(n, 1, I8) && Out(n, F32), &HybridBatchMatMulKernel.Prepare, &HybridBatchMatMulKernel.Eval, typeof(HybridBatchMatMulKernel)));

        // Fast int8 paths for the full-integer models the quantizer writes (MobileNet-class graphs); other cases fall
        // through to the general kernels of the Elementwise and NeuralNet families.
        add(new CpuKernel("cpu.add.i8.fast", BuiltinOperator.Add, FastInt8AddSubKernel.Accepts, &FastInt8AddSubKernel.Prepare, &FastInt8AddSubKernel.Eval, typeof(FastInt8AddSubKernel)));
        add(new CpuKernel("cpu.sub.i8.fast", BuiltinOperator.Sub, FastInt8AddSubKernel.Accepts, &FastInt8AddSubKernel.Prepare, &FastInt8AddSubKernel.Eval, typeof(FastInt8AddSubKernel)));
        add(new CpuKernel("cpu.resize_bilinear.i8.fast", BuiltinOperator.ResizeBilinear, FastInt8ResizeBilinearKernel.Accepts,
            &FastInt8ResizeBilinearKernel.Prepare, &FastInt8ResizeBilinearKernel.Eval, typeof(FastInt8ResizeBilinearKernel)));
        if (System.Runtime.Intrinsics.X86.Avx2.IsSupported)
            add(new CpuKernel("cpu.conv_2d.i8.fast", BuiltinOperator.Conv2d, FastInt8Conv2DKernel.Accepts, &FastInt8Conv2DKernel.Prepare, &FastInt8Conv2DKernel.Eval, typeof(FastInt8Conv2DKernel)));
        add(new CpuKernel("cpu.depthwise_conv_2d.i8.fast", BuiltinOperator.DepthwiseConv2d, FastInt8DepthwiseConv2DKernel.Accepts,
            &FastInt8DepthwiseConv2DKernel.Prepare, &FastInt8DepthwiseConv2DKernel.Eval, typeof(FastInt8DepthwiseConv2DKernel)));
        add(new CpuKernel("cpu.mean.int.fast", BuiltinOperator.Mean, FastInt8MeanKernel.Accepts, &FastInt8MeanKernel.Prepare, &FastInt8MeanKernel.Eval, typeof(FastInt8MeanKernel)));
        add(new CpuKernel("cpu.quantize.f32_i8.fast", BuiltinOperator.Quantize, FastInt8QuantizeKernel.Accepts, &FastInt8QuantizeKernel.Prepare, &FastInt8QuantizeKernel.Eval, typeof(FastInt8QuantizeKernel)));
        add(new CpuKernel("cpu.dequantize.i8.fast", BuiltinOperator.Dequantize, FastInt8DequantizeKernel.Accepts, &FastInt8DequantizeKernel.Prepare, &FastInt8DequantizeKernel.Eval, typeof(FastInt8DequantizeKernel)));

        add(new CpuKernel("cpu.embedding_lookup.i4", BuiltinOperator.EmbeddingLookup,
            n => Is(n, 1, I4) && Out(n, F32), &Int4EmbeddingLookupKernel.Prepare, &Int4EmbeddingLookupKernel.Eval, typeof(Int4EmbeddingLookupKernel)));
        add(new CpuKernel("cpu.dequantize.i4", BuiltinOperator.Dequantize,
            n => Is(n, 0, I4) && Out(n, F32), &Int4DequantizeKernel.Prepare, &Int4DequantizeKernel.Eval, typeof(Int4DequantizeKernel)));
        QuantizedFamily.KernelIds = ids;
    }

    private static bool Is(PreparedNode n, int input, TensorType type) => input < n.Inputs.Length && n.Inputs[input]?.Type == type;

    private static bool Out(PreparedNode n, TensorType type) => n.Outputs.Length > 0 && n.Outputs[0].Type == type;
}

/// <summary>The kernels of the quantized family (its own tests cover their reachability).</summary>
public static class QuantizedFamily
{
    /// <summary>Ids of the kernels this family registers.</summary>
    public static IReadOnlyList<string> KernelIds
    {
        get
        {
            _ = Cpu.CpuKernelRegistry.All;
            return _ids;
        }
        internal set => _ids = value;
    }

    private static IReadOnlyList<string> _ids = [];

    /// <summary>
    /// The fast int8 kernel that takes precedence over a general one for per-tensor int8 nodes
    /// (e.g. <c>cpu.add.i8</c> → <c>cpu.add.i8.fast</c>), or null.
    /// </summary>
    public static string? FastVariantOf(string id) => id switch
    {
        "cpu.quantize.f32" => "cpu.quantize.f32_i8.fast",
        "cpu.dequantize.quantized" => "cpu.dequantize.i8.fast",
        _ => KernelIds.Contains(id + ".fast") ? id + ".fast" : null,
    };
}
