using LiteRt.Format.Schema;
using LiteRt.Graph;
using LiteRt.Graph.Catalog;
using LiteRt.Runtime.Execution;

namespace LiteRt.Runtime.Cpu.Kernels.NeuralNet;

/// <summary>Dims and window geometry of a CONV_2D / DEPTHWISE_CONV_2D node, read once in Prepare.</summary>
internal sealed class ConvDims
{
    public required WindowAttributes Attributes { get; init; }
    public required ConvWindow Window { get; init; }
    public int Batches, InHeight, InWidth, InChannels;
    public int OutHeight, OutWidth, OutChannels;
    public int FilterHeight, FilterWidth, FilterChannels;
    /// <summary>CONV_2D: groups = in channels / filter channels; DEPTHWISE_CONV_2D: the channel multiplier.</summary>
    public int Groups, OutPerGroup;

    public static ConvDims Read(PreparedNode node, bool depthwise)
    {
        var a = WindowAttributes.ReadConv(node.Op, node.Description);
        var input = node.Input(0);
        var filter = node.Input(1);
        var output = node.Output(0);
        if (input.Rank != 4 || filter.Rank != 4 || output.Rank != 4)
            throw node.Error($"expected 4-D input, filter and output, got {input}, {filter}, {output}");
        int fh = filter.Dim(1), fw = filter.Dim(2);
        var win = ConvGeometry.Window2D(a.Padding, input.Dim(1), input.Dim(2), fh, fw, a.StrideHeight, a.StrideWidth, a.DilationHeight, a.DilationWidth);
        var d = new ConvDims
        {
            Attributes = a, Window = win,
            Batches = input.Dim(0), InHeight = input.Dim(1), InWidth = input.Dim(2), InChannels = input.Dim(3),
            OutHeight = output.Dim(1), OutWidth = output.Dim(2), OutChannels = output.Dim(3),
            FilterHeight = fh, FilterWidth = fw, FilterChannels = filter.Dim(3),
        };
        if (d.OutHeight != win.OutputHeight || d.OutWidth != win.OutputWidth || output.Dim(0) != d.Batches)
            throw node.Error($"output {output} does not match the convolution geometry");
        if (depthwise)
        {
            if (d.InChannels <= 0 || d.FilterChannels % d.InChannels != 0 || d.FilterChannels != d.OutChannels)
                throw node.Error($"depthwise filter {filter} does not fit input {input}");
            d.Groups = d.InChannels;
            d.OutPerGroup = d.OutChannels / d.InChannels;
        }
        else
        {
            if (d.FilterChannels <= 0 || d.InChannels % d.FilterChannels != 0 || filter.Dim(0) != d.OutChannels)
                throw node.Error($"filter {filter} does not fit input {input}");
            d.Groups = d.InChannels / d.FilterChannels;
            if (d.OutChannels % d.Groups != 0) throw node.Error($"output channels {d.OutChannels} are not divisible by {d.Groups} groups");
            d.OutPerGroup = d.OutChannels / d.Groups;
        }
        if (node.HasInput(2) && (node.Input(2).ElementCount != d.OutChannels))
            throw node.Error($"bias {node.Input(2)} must hold {d.OutChannels} values");
        return d;
    }

    /// <summary>Values in one im2col patch of a group: filter height · width · filter channels.</summary>
    public int PatchLength => FilterHeight * FilterWidth * FilterChannels;

    /// <summary>1×1 filters read one input pixel (1×1 windows are never padded).</summary>
    public bool IsPointwise => FilterHeight == 1 && FilterWidth == 1;

    public static void RequireTypes(PreparedNode node, TensorType data, TensorType weights, TensorType bias, int biasIndex = 2, int inputIndex = 0, int weightsIndex = 1)
    {
        var input = node.Input(inputIndex);
        var filter = node.Input(weightsIndex);
        if (input.Type != data || node.Output(0).Type != data || filter.Type != weights)
            throw node.Error($"expected {data.Name()} input/output and {weights.Name()} weights, got {input}, {filter}, {node.Output(0)}");
        if (node.HasInput(biasIndex) && node.Input(biasIndex).Type != bias)
            throw node.Error($"expected a {bias.Name()} bias, got {node.Input(biasIndex)}");
    }
}
