using LiteRt.Runtime.Execution;

namespace LiteRt.Runtime.Cpu.Kernels.DataMovement;

/// <summary>
/// RESHAPE, SQUEEZE and EXPAND_DIMS: the output holds the input's bytes under another shape (copied unless the
/// planner made them share memory; requantized through a table when 8-bit quantization differs).
/// </summary>
public static class ReshapeCopyKernel
{
    private sealed class State(byte[]? table)
    {
        public readonly byte[]? Table = table;
    }

    public static void Prepare(PreparedNode node)
    {
        var input = node.Input(0);
        var output = node.Output(0);
        LayoutTypes.RequireSameType(node, input, output);
        if (input.ElementCount != output.ElementCount)
            throw node.Error($"output {output} does not hold the {input.ElementCount} elements of input {input}");
        node.State = new State(LayoutRequantization.Table(node, input, output));
    }

    public static unsafe void Eval(PreparedNode node)
    {
        var input = node.Input(0);
        var output = node.Output(0);
        var table = node.GetState<State>().Table;
        if (table is null && input.Data == output.Data) return;
        ByteMoves.Move(input.Bytes, output.Bytes, table);
    }
}
