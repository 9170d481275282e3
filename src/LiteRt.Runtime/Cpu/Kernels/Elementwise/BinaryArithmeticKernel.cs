using System.Numerics;
using System.Numerics.Tensors;
using LiteRt.Format.Schema;
using LiteRt.Graph;
using LiteRt.Runtime.Execution;

namespace LiteRt.Runtime.Cpu.Kernels;

/// <summary>
/// Broadcasting binary op on plain numbers (FLOAT32, INT32, INT64) with the op's fused activation applied as a clamp
/// per output run. The op's math is <typeparamref name="TOp"/>; one instantiation per registered kernel.
/// </summary>
public static class BinaryArithmeticKernel<T, TOp>
    where T : unmanaged, INumber<T>, IMinMaxValue<T>
    where TOp : struct, IBinaryArithmetic<T>
{
    public sealed class State(BroadcastPlan plan, bool clamp, T min, T max)
    {
        public BroadcastPlan Plan { get; } = plan;
        public bool Clamp { get; } = clamp;
        public T Min { get; } = min;
        public T Max { get; } = max;
    }

    private struct Body(State state) : IBroadcastBody<T, T, T>
    {
        public void VectorVector(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> o)
        {
            TOp.VectorVector(a, b, o);
            Clamp(o);
        }

        public void ScalarVector(T a, ReadOnlySpan<T> b, Span<T> o)
        {
            TOp.ScalarVector(a, b, o);
            Clamp(o);
        }

        public void VectorScalar(ReadOnlySpan<T> a, T b, Span<T> o)
        {
            TOp.VectorScalar(a, b, o);
            Clamp(o);
        }

        private readonly void Clamp(Span<T> o)
        {
            if (!state.Clamp) return;
            TensorPrimitives.Max(o, state.Min, o);
            TensorPrimitives.Min(o, state.Max, o);
        }
    }

    public static void Prepare(PreparedNode node)
    {
        RuntimeTensor a = node.Input(0), b = node.Input(1), o = node.Output(0);
        var plan = BroadcastPlan.TryCreate(a.Shape, b.Shape, o.Shape)
            ?? throw node.Error($"shapes {Shapes.Format(a.Shape)} and {Shapes.Format(b.Shape)} do not broadcast to {Shapes.Format(o.Shape)}");
        var act = node.Op.FusedActivation;
        FusedActivation.Validate(act, node);
        T min, max;
        if (typeof(T) == typeof(float))
        {
            var (lo, hi) = FusedActivation.FloatRange(act);
            (min, max) = (T.CreateTruncating(lo), T.CreateTruncating(hi));
        }
        else
        {
            var (lo, hi) = FusedActivation.IntegerRange(act, o.Type);
            (min, max) = (T.CreateSaturating(lo), T.CreateSaturating(hi));
        }
        node.State = new State(plan, act != ActivationFunctionType.None, min, max);
    }

    public static void Eval(PreparedNode node)
    {
        var state = node.GetState<State>();
        var body = new Body(state);
        state.Plan.Run<T, T, T, Body>(ref body, node.Input(0).AsReadOnlySpan<T>(), node.Input(1).AsReadOnlySpan<T>(), node.Output(0).AsSpan<T>());
    }
}
