using LiteRt.Compiler.Ir;
using LiteRt.Graph;

namespace LiteRt.Compiler.Passes;

/// <summary>Removes operations whose results nothing reads.</summary>
public sealed class DeadCodeElimination : IGraphPass
{
    public string Name => "dead-code-elimination";

    public bool Run(ModelGraph graph) => GraphEditing.RemoveDeadOperations(graph.Main);
}
