using LiteRt.Format.Schema;
using LiteRt.Runtime.Execution;

namespace LiteRt.Runtime.Cpu.Kernels;

/// <summary>Unary elementwise op on plain numbers (FLOAT32, or INT32/INT64 for ABS/NEG): <typeparamref name="TOp"/> over the whole tensor.</summary>
public static class UnaryKernel<T, TOp>
    where T : unmanaged
    where TOp : struct, IUnaryOp<T>
{
    public static void Prepare(PreparedNode node)
    {
        RuntimeTensor x = node.Input(0), y = node.Output(0);
        if (x.ElementCount != y.ElementCount)
            throw node.Error($"output {y} does not have the shape of input {x}");
        var op = node.Op;
        node.State = new UnaryParams
        {
            Alpha = op.Op == BuiltinOperator.LeakyRelu ? op.FloatAttr("alpha") : 0f,
            Approximate = op.Op == BuiltinOperator.Gelu && op.BoolAttr("approximate"),
        };
    }

    public static void Eval(PreparedNode node)
    {
        var y = node.Output(0).AsSpan<T>();
        if (y.IsEmpty) return; // some TensorPrimitives functions reject empty spans
        TOp.Apply(node.Input(0).AsReadOnlySpan<T>(), y, node.GetState<UnaryParams>());
    }
}
