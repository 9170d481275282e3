using LiteRt.Graph;

namespace LiteRt.Compiler.Passes;

/// <summary>A transformation of the IR (main subgraph). Returns true when it changed something.</summary>
public interface IGraphPass
{
    string Name { get; }
    bool Run(ModelGraph graph);
}

/// <summary>Runs passes in order, repeating the list until nothing changes (bounded).</summary>
public static class PassPipeline
{
    /// <summary>The default optimization pipeline of the converter.</summary>
    public static IReadOnlyList<IGraphPass> Default =>
    [
        new ConstantFolding(),
        new TransposeSinking(),
        new FoldAffineIntoWeights(),
        new FoldTransposeIntoFullyConnected(),
        new FuseActivation(),
        new DeadCodeElimination(),
    ];

    public static void Run(ModelGraph graph, IReadOnlyList<IGraphPass> passes, int maxRounds = 8)
    {
        for (int round = 0; round < maxRounds; round++)
        {
            bool changed = false;
            foreach (var p in passes) changed |= p.Run(graph);
            if (!changed) break;
        }
    }
}
