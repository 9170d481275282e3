using System.Runtime.CompilerServices;
using System.Numerics.Tensors;
using LiteRt.Format.Schema;
using LiteRt.Runtime.Execution;

namespace LiteRt.Runtime.Cpu.Kernels.NeuralNet;

/// <summary>
/// FULLY_CONNECTED float32: the input rows times the weights [units, in] packed into 16-column panels
/// (<see cref="FloatGemm"/>, packed once for constant weights), plus bias, clamped.
/// </summary>
public static unsafe class FullyConnectedFloatKernel
{
    private const int BlockRows = 64;

    private sealed class State
    {
        public FullyConnectedDims D;
        public float Min, Max;
        public float[]? Packed;
    }

    public static void Prepare(PreparedNode node)
    {
        ConvDims.RequireTypes(node, TensorType.Float32, TensorType.Float32, TensorType.Float32);
        var d = FullyConnectedDims.Read(node);
        var (min, max) = FusedActivation.FloatRange(d.Activation);
        var st = new State { D = d, Min = min, Max = max };
        var weights = node.Input(1);
        int packedLength = FloatGemm.PackedLength(d.Depth, d.Units);
        if (weights.IsConstant)
        {
            st.Packed = new float[packedLength];
            FloatGemm.Pack(weights.AsReadOnlySpan<float>(), 0, d.Units, d.Depth, st.Packed);
        }
        else node.ScratchBytes = (long)packedLength * sizeof(float);
        node.State = st;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Eval(PreparedNode node)
    {
        var st = node.GetState<State>();
        var d = st.D;
        ReadOnlySpan<float> x = node.Input(0).AsReadOnlySpan<float>();
        ReadOnlySpan<float> bias = node.HasInput(2) ? node.Input(2).AsReadOnlySpan<float>() : default;
        Span<float> y = node.Output(0).AsSpan<float>();
        if (y.Length == 0) return;
        ReadOnlySpan<float> packed;
        if (st.Packed is { } p) packed = p;
        else
        {
            var dst = node.ScratchSpan<float>(0, FloatGemm.PackedLength(d.Depth, d.Units));
            FloatGemm.Pack(node.Input(1).AsReadOnlySpan<float>(), 0, d.Units, d.Depth, dst);
            packed = dst;
        }
        Span<int> rowOffsets = stackalloc int[BlockRows];
        for (int r0 = 0; r0 < d.Rows; r0 += BlockRows)
        {
            int rows = Math.Min(BlockRows, d.Rows - r0);
            for (int r = 0; r < rows; r++) rowOffsets[r] = (r0 + r) * d.Depth;
            FloatGemm.Multiply(x, rowOffsets, rows, packed, d.Units, d.Depth, y.Slice(r0 * d.Units), d.Units);
            for (int r = 0; r < rows; r++)
            {
                var outRow = y.Slice((r0 + r) * d.Units, d.Units);
                if (!bias.IsEmpty) TensorPrimitives.Add(outRow, bias, outRow);
                NeuralNetActivation.Clamp(outRow, st.Min, st.Max);
            }
        }
    }
}
