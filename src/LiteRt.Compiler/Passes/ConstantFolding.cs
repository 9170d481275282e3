using LiteRt.Compiler.Ir;
using LiteRt.Graph;

namespace LiteRt.Compiler.Passes;

/// <summary>
/// Replaces every operation whose inputs are all constant by constants computed with the op catalog's float64
/// reference kernels (byte moves for RESHAPE/TRANSPOSE). The importer folds as it builds; this pass folds what
/// later passes expose (e.g. a TRANSPOSE of a weight moved by layout propagation).
/// </summary>
public sealed class ConstantFolding : IGraphPass
{
    public string Name => "constant-folding";

    public bool Run(ModelGraph graph)
    {
        var sg = graph.Main;
        var b = new IrBuilder(graph, sg);
        var outputs = new HashSet<int>(sg.Outputs);
        var folded = new List<Operation>();
        foreach (var op in sg.Operations)
        {
            // Graph outputs stay computed (a signature output must be written by an operation).
            if (op.Outputs.Any(outputs.Contains)) continue;
            if (op.Inputs.Any(i => i >= 0 && !b.IsConst(i))) continue;
            if (op.Inputs.All(i => i < 0)) continue;
            if (b.FoldInPlace(op)) folded.Add(op);
        }
        foreach (var op in folded) sg.Operations.Remove(op);
        return folded.Count > 0;
    }
}
