using LiteRt.Format.Schema;
using LiteRt.Graph;

namespace LiteRt.Compiler.Emit;

/// <summary>
/// The .tflite operator-code version of each emitted op. LiteRT's op resolver accepts each builtin for a range of
/// versions (tensorflow/lite/core/kernels/register.cc); version 1 is in range for every builtin we emit except
/// BROADCAST_TO, whose version 1 was retired (it starts at 2).
/// </summary>
public static class OperatorVersions
{
    public static void Assign(ModelGraph graph)
    {
        foreach (var sg in graph.Subgraphs)
            foreach (var op in sg.Operations)
                op.Version = Math.Max(op.Version, Minimum(op.Op));
    }

    public static int Minimum(BuiltinOperator op) => op switch
    {
        BuiltinOperator.BroadcastTo => 2,
        _ => 1,
    };
}
