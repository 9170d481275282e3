using System.Numerics;
using LiteRt.Graph;
using LiteRt.Runtime.Execution;

namespace LiteRt.Runtime.Cpu.Kernels;

/// <summary>
/// Broadcasting binary op on per-tensor quantized UINT8 / INT8 / INT16 tensors (all three of the same type):
/// <typeparamref name="TOp"/> computes each stored output from the two stored inputs in TFLite's integer arithmetic.
/// </summary>
public static class QuantizedBinaryKernel<T, TOp>
    where T : unmanaged, IBinaryInteger<T>
    where TOp : struct, IQuantizedBinaryOp
{
    public sealed class State(BroadcastPlan plan, QuantizedBinaryParams p)
    {
        public BroadcastPlan Plan { get; } = plan;
        public QuantizedBinaryParams Params { get; } = p;
    }

    private readonly struct Body(QuantizedBinaryParams p) : IBroadcastBody<T, T, T>
    {
        public void VectorVector(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> o)
        {
            for (int i = 0; i < o.Length; i++)
                o[i] = T.CreateTruncating(TOp.Apply(int.CreateTruncating(a[i]), int.CreateTruncating(b[i]), p));
        }

        public void ScalarVector(T a, ReadOnlySpan<T> b, Span<T> o)
        {
            int x = int.CreateTruncating(a);
            for (int i = 0; i < o.Length; i++)
                o[i] = T.CreateTruncating(TOp.Apply(x, int.CreateTruncating(b[i]), p));
        }

        public void VectorScalar(ReadOnlySpan<T> a, T b, Span<T> o)
        {
            int y = int.CreateTruncating(b);
            for (int i = 0; i < o.Length; i++)
                o[i] = T.CreateTruncating(TOp.Apply(int.CreateTruncating(a[i]), y, p));
        }
    }

    public static void Prepare(PreparedNode node)
    {
        RuntimeTensor a = node.Input(0), b = node.Input(1), o = node.Output(0);
        foreach (var t in (ReadOnlySpan<RuntimeTensor>)[a, b, o])
            if (t.Quantization is { IsPerChannel: true })
                throw node.Error($"tensor {t} is quantized per axis; this op needs per-tensor quantization");
        var plan = BroadcastPlan.TryCreate(a.Shape, b.Shape, o.Shape)
            ?? throw node.Error($"shapes {Shapes.Format(a.Shape)} and {Shapes.Format(b.Shape)} do not broadcast to {Shapes.Format(o.Shape)}");
        var act = TOp.HasFusedActivation ? node.Op.FusedActivation : Format.Schema.ActivationFunctionType.None;
        FusedActivation.Validate(act, node);
        var (min, max) = FusedActivation.QuantizedRange(act, o.Scale, o.ZeroPoint, o.Type);
        var p = new QuantizedBinaryParams
        {
            Input1Offset = -a.ZeroPoint,
            Input2Offset = -b.ZeroPoint,
            OutputOffset = o.ZeroPoint,
            ActivationMin = min,
            ActivationMax = max,
        };
        try
        {
            TOp.Prepare(p, a.Scale, b.Scale, o.Scale, o.Type);
        }
        catch (Exception e) when (e is NotSupportedException or ArgumentOutOfRangeException)
        {
            throw node.Error(e.Message);
        }
        node.State = new State(plan, p);
    }

    public static void Eval(PreparedNode node)
    {
        var state = node.GetState<State>();
        var body = new Body(state.Params);
        state.Plan.Run<T, T, T, Body>(ref body, node.Input(0).AsReadOnlySpan<T>(), node.Input(1).AsReadOnlySpan<T>(), node.Output(0).AsSpan<T>());
    }
}
