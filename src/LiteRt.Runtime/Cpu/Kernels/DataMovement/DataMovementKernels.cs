using LiteRt.Format.Schema;
using LiteRt.Runtime.Cpu.Kernels.DataMovement;
using LiteRt.Runtime.Execution;

namespace LiteRt.Runtime.Cpu.Kernels;

internal static unsafe partial class DataMovementKernels
{
    public static void Register(Action<CpuKernel> add)
    {
        // Layout ops move whole elements of 1, 2, 4 or 8 bytes, whatever they mean.
        add(new CpuKernel("cpu.reshape.any", BuiltinOperator.Reshape, n => Layout(n, 0), &ReshapeCopyKernel.Prepare, &ReshapeCopyKernel.Eval, typeof(ReshapeCopyKernel)));
        add(new CpuKernel("cpu.squeeze.any", BuiltinOperator.Squeeze, n => Layout(n, 0), &ReshapeCopyKernel.Prepare, &ReshapeCopyKernel.Eval, typeof(ReshapeCopyKernel)));
        add(new CpuKernel("cpu.expand_dims.any", BuiltinOperator.ExpandDims, n => Layout(n, 0), &ReshapeCopyKernel.Prepare, &ReshapeCopyKernel.Eval, typeof(ReshapeCopyKernel)));
        add(new CpuKernel("cpu.transpose.any", BuiltinOperator.Transpose, n => Layout(n, 0), &TransposeKernel.Prepare, &TransposeKernel.Eval, typeof(TransposeKernel)));
        add(new CpuKernel("cpu.concatenation.any", BuiltinOperator.Concatenation, n => Layout(n, 0), &ConcatenationKernel.Prepare, &ConcatenationKernel.Eval, typeof(ConcatenationKernel)));
        add(new CpuKernel("cpu.split.any", BuiltinOperator.Split, n => Layout(n, 1), &SplitKernel.Prepare, &SplitKernel.Eval, typeof(SplitKernel)));
        add(new CpuKernel("cpu.split_v.any", BuiltinOperator.SplitV, n => Layout(n, 0), &SplitVKernel.Prepare, &SplitVKernel.Eval, typeof(SplitVKernel)));
        add(new CpuKernel("cpu.slice.any", BuiltinOperator.Slice, n => Layout(n, 0), &SliceKernel.Prepare, &SliceKernel.Eval, typeof(SliceKernel)));
        add(new CpuKernel("cpu.strided_slice.any", BuiltinOperator.StridedSlice, n => Layout(n, 0), &StridedSliceKernel.Prepare, &StridedSliceKernel.Eval, typeof(StridedSliceKernel)));
        add(new CpuKernel("cpu.pad.any", BuiltinOperator.Pad, n => Layout(n, 0), &PadKernel.Prepare, &PadKernel.Eval, typeof(PadKernel)));
        add(new CpuKernel("cpu.padv2.any", BuiltinOperator.Padv2, n => Layout(n, 0), &PadKernel.Prepare, &PadKernel.Eval, typeof(PadKernel)));
        add(new CpuKernel("cpu.gather.any", BuiltinOperator.Gather, n => Layout(n, 0), &GatherKernel.Prepare, &GatherKernel.Eval, typeof(GatherKernel)));
        add(new CpuKernel("cpu.embedding_lookup.hybrid", BuiltinOperator.EmbeddingLookup,
            n => n.Input(1).Type is TensorType.Int8 or TensorType.Uint8 && n.Output(0).Type == TensorType.Float32,
            &EmbeddingLookupKernel.Prepare, &EmbeddingLookupKernel.Eval, typeof(EmbeddingLookupKernel)));
        add(new CpuKernel("cpu.embedding_lookup.any", BuiltinOperator.EmbeddingLookup, n => Layout(n, 1), &EmbeddingLookupKernel.Prepare, &EmbeddingLookupKernel.Eval, typeof(EmbeddingLookupKernel)));

        // Reductions.
        add(new CpuKernel("cpu.mean.f32", BuiltinOperator.Mean, n => Is(n, TensorType.Float32), &ReduceKernel.Prepare, &ReduceKernel.Eval, typeof(ReduceKernel)));
        add(new CpuKernel("cpu.mean.int", BuiltinOperator.Mean, IsIntegerReduction, &ReduceKernel.Prepare, &ReduceKernel.Eval, typeof(ReduceKernel)));
        add(new CpuKernel("cpu.sum.f32", BuiltinOperator.Sum, n => Is(n, TensorType.Float32), &ReduceKernel.Prepare, &ReduceKernel.Eval, typeof(ReduceKernel)));
        add(new CpuKernel("cpu.sum.int", BuiltinOperator.Sum, IsIntegerReduction, &ReduceKernel.Prepare, &ReduceKernel.Eval, typeof(ReduceKernel)));
        add(new CpuKernel("cpu.reduce_max.f32", BuiltinOperator.ReduceMax, n => Is(n, TensorType.Float32), &ReduceKernel.Prepare, &ReduceKernel.Eval, typeof(ReduceKernel)));
        add(new CpuKernel("cpu.reduce_max.int", BuiltinOperator.ReduceMax, IsIntegerReduction, &ReduceKernel.Prepare, &ReduceKernel.Eval, typeof(ReduceKernel)));
        add(new CpuKernel("cpu.arg_max.any", BuiltinOperator.ArgMax,
            n => (Is(n, TensorType.Float32) || IsIntegerReduction(n)) && n.Output(0).Type is TensorType.Int32 or TensorType.Int64,
            &ArgMaxKernel.Prepare, &ArgMaxKernel.Eval, typeof(ArgMaxKernel)));
    }

    private static bool Layout(PreparedNode n, int dataInput) =>
        n.HasInput(dataInput) && LayoutTypes.IsByteAddressable(n.Input(dataInput).Type);

    private static bool Is(PreparedNode n, TensorType t) => n.HasInput(0) && n.Input(0).Type == t;

    /// <summary>uint8/int8/int16 (quantized or not), int32, int64.</summary>
    private static bool IsIntegerReduction(PreparedNode n) =>
        n.HasInput(0) && n.Input(0).Type is TensorType.Uint8 or TensorType.Int8 or TensorType.Int16 or TensorType.Int32 or TensorType.Int64;
}
