using LiteRt.Format.Schema;
using LiteRt.Graph;
using LiteRt.Runtime.Execution;

namespace LiteRt.Runtime.Cpu.Kernels.DataMovement;

/// <summary>
/// PAD and PADV2 of any byte-addressable type: fill the output with the pad value, then copy the input into the
/// interior. The pad value is 0 (the output zero point when quantized) or the constant_values scalar, brought to
/// the output's quantization when it has its own.
/// </summary>
public static class PadKernel
{
    private sealed class State(CopyPlan plan, int elementSize, byte[]? table)
    {
        public readonly CopyPlan Plan = plan;
        public readonly int ElementSize = elementSize;
        public readonly byte[]? Table = table;
    }

    public static void Prepare(PreparedNode node)
    {
        var input = node.Input(0);
        var output = node.Output(0);
        int size = LayoutTypes.RequireSameType(node, input, output);
        var pads = LayoutTypes.ConstantInts(node, 1, "paddings");
        int rank = input.Rank;
        if (pads.Length != 2 * rank || output.Rank != rank) throw node.Error($"paddings must have shape [{rank},2]");
        var outStrides = CopyPlan.RowMajorStrides(output.Shape);
        long start = 0;
        for (int i = 0; i < rank; i++)
        {
            if (pads[2 * i] < 0 || pads[2 * i + 1] < 0) throw node.Error("paddings must be non-negative");
            if ((long)input.Shape[i] + pads[2 * i] + pads[2 * i + 1] != output.Shape[i]) throw node.Error($"output {output} does not match the paddings");
            start += pads[2 * i] * outStrides[i];
        }
        if (node.HasInput(2))
        {
            var value = node.Input(2);
            if (value.Type != input.Type) throw node.Error($"constant_values {value} must have the input's type");
        }
        var plan = CopyPlan.Create(input.Shape, CopyPlan.RowMajorStrides(input.Shape), 0, outStrides, start);
        node.State = new State(plan, size, LayoutRequantization.Table(node, input, output));
    }

    public static unsafe void Eval(PreparedNode node)
    {
        var st = node.GetState<State>();
        var output = node.Output(0);
        ulong bits = PadBits(node, output);
        switch (st.ElementSize)
        {
            case 1: output.AsSpan<byte>().Fill((byte)bits); break;
            case 2: output.AsSpan<ushort>().Fill((ushort)bits); break;
            case 4: output.AsSpan<uint>().Fill((uint)bits); break;
            default: output.AsSpan<ulong>().Fill(bits); break;
        }
        StridedCopy.Run(st.Plan, node.Input(0), output, st.ElementSize, st.Table);
    }

    /// <summary>The stored bits of the pad value, in the output's representation.</summary>
    private static unsafe ulong PadBits(PreparedNode node, RuntimeTensor output)
    {
        var q = output.Quantization;
        if (!node.HasInput(2) || node.Input(2).ElementCount == 0)
            return q is null ? 0UL : (ulong)q.ZeroPointAt(0);
        var value = node.Input(2);
        var vq = value.Quantization;
        if (q is not null && vq is not null && !LayoutRequantization.SameQuantization(vq, q))
        {
            long stored = TensorData.ReadRawInteger(value.Type, value.Bytes, 0);
            return (ulong)LayoutRequantization.Quantize(vq.ScaleAt(0) * (stored - vq.ZeroPointAt(0)), output);
        }
        return value.Type.BitsPerElement() switch
        {
            8 => *value.Data,
            16 => *(ushort*)value.Data,
            32 => *(uint*)value.Data,
            _ => *(ulong*)value.Data,
        };
    }
}
