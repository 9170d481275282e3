using LiteRt.Graph.Catalog;
using LiteRt.Runtime.Execution;

namespace LiteRt.Runtime.Cpu.Kernels.NeuralNet;

/// <summary>Dims and padding of a TRANSPOSE_CONV node (inputs: output_shape, weights [out, h, w, in], input, bias?).</summary>
internal sealed class TransposeConvDims
{
    public required WindowAttributes Attributes { get; init; }
    public required ConvWindow Window { get; init; }
    public int Batches, InHeight, InWidth, InChannels, OutHeight, OutWidth, OutChannels, FilterHeight, FilterWidth;

    public static TransposeConvDims Read(PreparedNode node)
    {
        var a = WindowAttributes.ReadConv(node.Op, node.Description);
        var weights = node.Input(1);
        var input = node.Input(2);
        var output = node.Output(0);
        if (input.Rank != 4 || weights.Rank != 4 || output.Rank != 4)
            throw node.Error($"expected 4-D input, weights and output, got {input}, {weights}, {output}");
        if (weights.Dim(3) != input.Dim(3) || weights.Dim(0) != output.Dim(3) || output.Dim(0) != input.Dim(0))
            throw node.Error($"weights {weights} do not fit input {input} and output {output}");
        if (node.HasInput(3) && node.Input(3).ElementCount != output.Dim(3))
            throw node.Error($"bias {node.Input(3)} must hold {output.Dim(3)} values");
        int fh = weights.Dim(1), fw = weights.Dim(2);
        return new TransposeConvDims
        {
            Attributes = a,
            Window = ConvGeometry.TransposeWindow2D(a.Padding, output.Dim(1), output.Dim(2), fh, fw, a.StrideHeight, a.StrideWidth),
            Batches = input.Dim(0), InHeight = input.Dim(1), InWidth = input.Dim(2), InChannels = input.Dim(3),
            OutHeight = output.Dim(1), OutWidth = output.Dim(2), OutChannels = output.Dim(3), FilterHeight = fh, FilterWidth = fw,
        };
    }
}
