using LiteRt.Graph.Catalog;
using LiteRt.Runtime.Execution;

namespace LiteRt.Runtime.Cpu.Kernels.NeuralNet;

/// <summary>Dims and window geometry of an AVERAGE_POOL_2D / MAX_POOL_2D node.</summary>
internal sealed class PoolDims
{
    public required WindowAttributes Attributes { get; init; }
    public required ConvWindow Window { get; init; }
    public int Batches, InHeight, InWidth, Channels, OutHeight, OutWidth;

    public static PoolDims Read(PreparedNode node)
    {
        var a = WindowAttributes.ReadPool(node.Op, node.Description);
        var input = node.Input(0);
        var output = node.Output(0);
        if (input.Rank != 4 || output.Rank != 4) throw node.Error($"expected 4-D input and output, got {input}, {output}");
        var w = ConvGeometry.Window2D(a.Padding, input.Dim(1), input.Dim(2), a.FilterHeight, a.FilterWidth, a.StrideHeight, a.StrideWidth);
        if (output.Dim(0) != input.Dim(0) || output.Dim(1) != w.OutputHeight || output.Dim(2) != w.OutputWidth || output.Dim(3) != input.Dim(3))
            throw node.Error($"output {output} does not match the pooling geometry of {input}");
        return new PoolDims
        {
            Attributes = a, Window = w,
            Batches = input.Dim(0), InHeight = input.Dim(1), InWidth = input.Dim(2), Channels = input.Dim(3),
            OutHeight = w.OutputHeight, OutWidth = w.OutputWidth,
        };
    }

    /// <summary>The window of output (oy, ox) clipped to the input: rows [Y0, Y1), columns [X0, X1) in input coordinates.</summary>
    public (int Y0, int Y1, int X0, int X1) Clip(int oy, int ox)
    {
        var a = Attributes;
        int originY = oy * a.StrideHeight - Window.PadTop, originX = ox * a.StrideWidth - Window.PadLeft;
        return (Math.Max(originY, 0), Math.Min(originY + a.FilterHeight, InHeight),
                Math.Max(originX, 0), Math.Min(originX + a.FilterWidth, InWidth));
    }
}
