using LiteRt.Format.Schema;
using LiteRt.Graph.Catalog;
using LiteRt.Runtime.Execution;

namespace LiteRt.Runtime.Cpu.Kernels.NeuralNet;

/// <summary>Rows, depth and units of a FULLY_CONNECTED node (input flattened to [rows, depth], weights [units, depth]).</summary>
internal readonly record struct FullyConnectedDims(int Rows, int Depth, int Units, ActivationFunctionType Activation)
{
    public static FullyConnectedDims Read(PreparedNode node)
    {
        var (_, act) = NeuralNetAttributes.FullyConnected(node.Op, node.Description);
        var input = node.Input(0);
        var weights = node.Input(1);
        var output = node.Output(0);
        if (weights.Rank != 2) throw node.Error($"weights must be 2-D [units, in], got {weights}");
        int units = weights.Dim(0), depth = weights.Dim(1);
        long rows = depth > 0 ? input.ElementCount / depth : units > 0 ? output.ElementCount / units : 0;
        if (rows * depth != input.ElementCount || rows * units != output.ElementCount)
            throw node.Error($"input {input} and output {output} do not fit weights {weights}");
        if (node.HasInput(2) && node.Input(2).ElementCount != units)
            throw node.Error($"bias {node.Input(2)} must hold {units} values");
        return new FullyConnectedDims((int)rows, depth, units, act);
    }
}
