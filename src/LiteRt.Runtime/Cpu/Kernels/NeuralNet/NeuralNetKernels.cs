using LiteRt.Format.Schema;
using LiteRt.Runtime.Cpu.Kernels.NeuralNet;
using LiteRt.Runtime.Execution;

namespace LiteRt.Runtime.Cpu.Kernels;

internal static unsafe partial class NeuralNetKernels
{
    public static void Register(Action<CpuKernel> add)
    {
        const TensorType F32 = TensorType.Float32, U8 = TensorType.Uint8, I8 = TensorType.Int8;

        // Weighted ops: float32, uint8 (per-tensor weights) and int8 (per-channel weights) over (data, weights) inputs.
        Weighted(add, BuiltinOperator.Conv2d, "conv_2d", 0, 1,
            &Conv2DFloatKernel.Prepare, &Conv2DFloatKernel.Eval, &Conv2DQuantizedKernel.Prepare, &Conv2DQuantizedKernel.Eval,
            typeof(Conv2DFloatKernel), typeof(Conv2DQuantizedKernel));
        Weighted(add, BuiltinOperator.DepthwiseConv2d, "depthwise_conv_2d", 0, 1,
            &DepthwiseConv2DFloatKernel.Prepare, &DepthwiseConv2DFloatKernel.Eval, &DepthwiseConv2DQuantizedKernel.Prepare, &DepthwiseConv2DQuantizedKernel.Eval,
            typeof(DepthwiseConv2DFloatKernel), typeof(DepthwiseConv2DQuantizedKernel));
        Weighted(add, BuiltinOperator.TransposeConv, "transpose_conv", 2, 1,
            &TransposeConvFloatKernel.Prepare, &TransposeConvFloatKernel.Eval, &TransposeConvQuantizedKernel.Prepare, &TransposeConvQuantizedKernel.Eval,
            typeof(TransposeConvFloatKernel), typeof(TransposeConvQuantizedKernel));
        Weighted(add, BuiltinOperator.FullyConnected, "fully_connected", 0, 1,
            &FullyConnectedFloatKernel.Prepare, &FullyConnectedFloatKernel.Eval, &FullyConnectedQuantizedKernel.Prepare, &FullyConnectedQuantizedKernel.Eval,
            typeof(FullyConnectedFloatKernel), typeof(FullyConnectedQuantizedKernel));

        var bmm = BuiltinOperator.BatchMatmul;
        add(new CpuKernel("cpu.batch_matmul.f32", bmm, n => Is(n, 0, F32) && Is(n, 1, F32), &BatchMatMulFloatKernel.Prepare, &BatchMatMulFloatKernel.Eval, typeof(BatchMatMulFloatKernel)));
        add(new CpuKernel("cpu.batch_matmul.i8", bmm, n => IsQuantized(n, 0, I8) && IsQuantized(n, 1, I8), &BatchMatMulQuantizedKernel.Prepare, &BatchMatMulQuantizedKernel.Eval, typeof(BatchMatMulQuantizedKernel)));
        add(new CpuKernel("cpu.batch_matmul.u8", bmm, n => IsQuantized(n, 0, U8) && IsQuantized(n, 1, U8), &BatchMatMulQuantizedKernel.Prepare, &BatchMatMulQuantizedKernel.Eval, typeof(BatchMatMulQuantizedKernel)));

        foreach (var (op, id) in new[] { (BuiltinOperator.AveragePool2d, "average_pool_2d"), (BuiltinOperator.MaxPool2d, "max_pool_2d") })
        {
            add(new CpuKernel($"cpu.{id}.f32", op, n => Is(n, 0, F32), &Pool2DFloatKernel.Prepare, &Pool2DFloatKernel.Eval, typeof(Pool2DFloatKernel)));
            add(new CpuKernel($"cpu.{id}.u8", op, n => IsQuantized(n, 0, U8), &Pool2DQuantizedKernel.Prepare, &Pool2DQuantizedKernel.Eval, typeof(Pool2DQuantizedKernel)));
            add(new CpuKernel($"cpu.{id}.i8", op, n => IsQuantized(n, 0, I8), &Pool2DQuantizedKernel.Prepare, &Pool2DQuantizedKernel.Eval, typeof(Pool2DQuantizedKernel)));
        }

        var sm = BuiltinOperator.Softmax;
        add(new CpuKernel("cpu.softmax.f32", sm, n => Is(n, 0, F32), &SoftmaxFloatKernel.Prepare, &SoftmaxFloatKernel.Eval, typeof(SoftmaxFloatKernel)));
        add(new CpuKernel("cpu.softmax.u8", sm, n => IsQuantized(n, 0, U8), &SoftmaxQuantizedKernel.Prepare, &SoftmaxQuantizedKernel.Eval, typeof(SoftmaxQuantizedKernel)));
        add(new CpuKernel("cpu.softmax.i8", sm, n => IsQuantized(n, 0, I8), &SoftmaxQuantizedKernel.Prepare, &SoftmaxQuantizedKernel.Eval, typeof(SoftmaxQuantizedKernel)));
        var lsm = BuiltinOperator.LogSoftmax;
        add(new CpuKernel("cpu.log_softmax.f32", lsm, n => Is(n, 0, F32), &LogSoftmaxFloatKernel.Prepare, &LogSoftmaxFloatKernel.Eval, typeof(LogSoftmaxFloatKernel)));
        add(new CpuKernel("cpu.log_softmax.u8", lsm, n => IsQuantized(n, 0, U8), &SoftmaxQuantizedKernel.Prepare, &SoftmaxQuantizedKernel.Eval, typeof(SoftmaxQuantizedKernel)));
        add(new CpuKernel("cpu.log_softmax.i8", lsm, n => IsQuantized(n, 0, I8), &SoftmaxQuantizedKernel.Prepare, &SoftmaxQuantizedKernel.Eval, typeof(SoftmaxQuantizedKernel)));
        var l2 = BuiltinOperator.L2Normalization;
        add(new CpuKernel("cpu.l2_normalization.f32", l2, n => Is(n, 0, F32), &L2NormalizationFloatKernel.Prepare, &L2NormalizationFloatKernel.Eval, typeof(L2NormalizationFloatKernel)));
        add(new CpuKernel("cpu.l2_normalization.u8", l2, n => IsQuantized(n, 0, U8), &L2NormalizationQuantizedKernel.Prepare, &L2NormalizationQuantizedKernel.Eval, typeof(L2NormalizationQuantizedKernel)));
        add(new CpuKernel("cpu.l2_normalization.i8", l2, n => IsQuantized(n, 0, I8), &L2NormalizationQuantizedKernel.Prepare, &L2NormalizationQuantizedKernel.Eval, typeof(L2NormalizationQuantizedKernel)));

        var rb = BuiltinOperator.ResizeBilinear;
        add(new CpuKernel("cpu.resize_bilinear.f32", rb, n => Is(n, 0, F32), &ResizeBilinearFloatKernel.Prepare, &ResizeBilinearFloatKernel.Eval, typeof(ResizeBilinearFloatKernel)));
        add(new CpuKernel("cpu.resize_bilinear.u8", rb, n => IsQuantized(n, 0, U8), &ResizeBilinearQuantizedKernel.Prepare, &ResizeBilinearQuantizedKernel.Eval, typeof(ResizeBilinearQuantizedKernel)));
        add(new CpuKernel("cpu.resize_bilinear.i8", rb, n => IsQuantized(n, 0, I8), &ResizeBilinearQuantizedKernel.Prepare, &ResizeBilinearQuantizedKernel.Eval, typeof(ResizeBilinearQuantizedKernel)));
        var rn = BuiltinOperator.ResizeNearestNeighbor;
        add(new CpuKernel("cpu.resize_nearest_neighbor.f32", rn, n => Is(n, 0, F32), &ResizeNearestNeighborKernel.Prepare, &ResizeNearestNeighborKernel.Eval, typeof(ResizeNearestNeighborKernel)));
        add(new CpuKernel("cpu.resize_nearest_neighbor.u8", rn, n => Is(n, 0, U8), &ResizeNearestNeighborKernel.Prepare, &ResizeNearestNeighborKernel.Eval, typeof(ResizeNearestNeighborKernel)));
        add(new CpuKernel("cpu.resize_nearest_neighbor.i8", rn, n => Is(n, 0, I8), &ResizeNearestNeighborKernel.Prepare, &ResizeNearestNeighborKernel.Eval, typeof(ResizeNearestNeighborKernel)));
        add(new CpuKernel("cpu.resize_nearest_neighbor.int", rn, n => Is(n, 0, TensorType.Int32) || Is(n, 0, TensorType.Int16),
            &ResizeNearestNeighborKernel.Prepare, &ResizeNearestNeighborKernel.Eval, typeof(ResizeNearestNeighborKernel)));
    }

    private static void Weighted(Action<CpuKernel> add, BuiltinOperator op, string id, int data, int weights,
        delegate*<PreparedNode, void> floatPrepare, delegate*<PreparedNode, void> floatEval,
        delegate*<PreparedNode, void> quantPrepare, delegate*<PreparedNode, void> quantEval, Type floatType, Type quantType)
    {
        add(new CpuKernel($"cpu.{id}.f32", op, n => Is(n, data, TensorType.Float32) && Is(n, weights, TensorType.Float32), floatPrepare, floatEval, floatType));
        add(new CpuKernel($"cpu.{id}.u8", op, n => IsQuantized(n, data, TensorType.Uint8) && IsQuantized(n, weights, TensorType.Uint8), quantPrepare, quantEval, quantType));
        add(new CpuKernel($"cpu.{id}.i8", op, n => IsQuantized(n, data, TensorType.Int8) && IsQuantized(n, weights, TensorType.Int8), quantPrepare, quantEval, quantType));
    }

    private static bool Is(PreparedNode n, int input, TensorType type) => input < n.Inputs.Length && n.Inputs[input]?.Type == type;

    private static bool IsQuantized(PreparedNode n, int input, TensorType type) =>
        input < n.Inputs.Length && n.Inputs[input] is { } t && t.Type == type && t.Quantization is not null;
}
