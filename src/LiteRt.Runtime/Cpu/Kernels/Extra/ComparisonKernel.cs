using System.Numerics;
using LiteRt.Format.Schema;
using LiteRt.Graph;
using LiteRt.Runtime.Execution;

namespace LiteRt.Runtime.Cpu.Kernels.Extra;

/// <summary>A predicate of two values (comparison or logic).</summary>
public interface IPredicate<T>
{
    static abstract bool Test(T a, T b);
}

public readonly struct EqualP<T> : IPredicate<T> where T : INumberBase<T> { public static bool Test(T a, T b) => a == b; }
public readonly struct NotEqualP<T> : IPredicate<T> where T : INumberBase<T> { public static bool Test(T a, T b) => a != b; }
public readonly struct LessP<T> : IPredicate<T> where T : INumber<T> { public static bool Test(T a, T b) => a < b; }
public readonly struct LessEqualP<T> : IPredicate<T> where T : INumber<T> { public static bool Test(T a, T b) => a <= b; }
public readonly struct GreaterP<T> : IPredicate<T> where T : INumber<T> { public static bool Test(T a, T b) => a > b; }
public readonly struct GreaterEqualP<T> : IPredicate<T> where T : INumber<T> { public static bool Test(T a, T b) => a >= b; }
public readonly struct AndP : IPredicate<byte> { public static bool Test(byte a, byte b) => a != 0 && b != 0; }
public readonly struct OrP : IPredicate<byte> { public static bool Test(byte a, byte b) => a != 0 || b != 0; }

/// <summary>
/// EQUAL, NOT_EQUAL, LESS, LESS_EQUAL, GREATER, GREATER_EQUAL, LOGICAL_AND, LOGICAL_OR: a broadcasting predicate
/// writing bool (one byte, 0 or 1).
/// </summary>
public static class ComparisonKernel<T, TPred>
    where T : unmanaged
    where TPred : struct, IPredicate<T>
{
    private struct Body : IBroadcastBody<T, T, byte>
    {
        public readonly void VectorVector(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<byte> o)
        {
            for (int i = 0; i < o.Length; i++) o[i] = TPred.Test(a[i], b[i]) ? (byte)1 : (byte)0;
        }

        public readonly void ScalarVector(T a, ReadOnlySpan<T> b, Span<byte> o)
        {
            for (int i = 0; i < o.Length; i++) o[i] = TPred.Test(a, b[i]) ? (byte)1 : (byte)0;
        }

        public readonly void VectorScalar(ReadOnlySpan<T> a, T b, Span<byte> o)
        {
            for (int i = 0; i < o.Length; i++) o[i] = TPred.Test(a[i], b) ? (byte)1 : (byte)0;
        }
    }

    public static void Prepare(PreparedNode node)
    {
        RuntimeTensor a = node.Input(0), b = node.Input(1), o = node.Output(0);
        if (o.Type != TensorType.Bool) throw node.Error($"output {o} must be bool");
        node.State = BroadcastPlan.TryCreate(a.Shape, b.Shape, o.Shape)
            ?? throw node.Error($"shapes {Shapes.Format(a.Shape)} and {Shapes.Format(b.Shape)} do not broadcast to {Shapes.Format(o.Shape)}");
    }

    public static void Eval(PreparedNode node)
    {
        var body = new Body();
        node.GetState<BroadcastPlan>().Run<T, T, byte, Body>(ref body, node.Input(0).AsReadOnlySpan<T>(), node.Input(1).AsReadOnlySpan<T>(),
            node.Output(0).AsSpan<byte>());
    }
}

/// <summary>LOGICAL_NOT on bool.</summary>
public static class LogicalNotKernel
{
    public static void Prepare(PreparedNode node)
    {
        if (node.Input(0).ElementCount != node.Output(0).ElementCount) throw node.Error("output shape differs from the input's");
    }

    public static void Eval(PreparedNode node)
    {
        var x = node.Input(0).AsReadOnlySpan<byte>();
        var y = node.Output(0).AsSpan<byte>();
        for (int i = 0; i < y.Length; i++) y[i] = x[i] == 0 ? (byte)1 : (byte)0;
    }
}

/// <summary>SELECT_V2: out = c ? x : y with the three inputs broadcast together; elements of 1, 2, 4 or 8 bytes.</summary>
public static class SelectV2Kernel
{
    private sealed class State(int[] dims, long[] sc, long[] sx, long[] sy, int size)
    {
        public readonly int[] Dims = dims;
        public readonly long[] Sc = sc, Sx = sx, Sy = sy;
        public readonly int Size = size;
    }

    public static void Prepare(PreparedNode node)
    {
        RuntimeTensor c = node.Input(0), x = node.Input(1), y = node.Input(2), o = node.Output(0);
        if (c.Type != TensorType.Bool) throw node.Error("condition must be bool");
        if (x.Type != o.Type || y.Type != o.Type) throw node.Error("x, y and the output must have one type");
        int bits = o.Type.BitsPerElement();
        if (bits is not (8 or 16 or 32 or 64)) throw node.Error($"type {o.Type.Name()} is not supported");
        node.State = new State(o.Shape, Strides(c.Shape, o.Shape), Strides(x.Shape, o.Shape), Strides(y.Shape, o.Shape), bits / 8);
    }

    private static long[] Strides(int[] input, int[] output) => LiteRt.Graph.Catalog.ElementwiseReference.BroadcastStrides(input, output);

    public static void Eval(PreparedNode node)
    {
        var st = node.GetState<State>();
        switch (st.Size)
        {
            case 1: Run<byte>(node, st); break;
            case 2: Run<short>(node, st); break;
            case 4: Run<int>(node, st); break;
            default: Run<long>(node, st); break;
        }
    }

    private static void Run<T>(PreparedNode node, State st) where T : unmanaged
    {
        var c = node.Input(0).AsReadOnlySpan<byte>();
        var x = node.Input(1).AsReadOnlySpan<T>();
        var y = node.Input(2).AsReadOnlySpan<T>();
        var o = node.Output(0).AsSpan<T>();
        int rank = st.Dims.Length;
        Span<int> index = stackalloc int[Math.Max(rank, 1)];
        index.Clear();
        long oc = 0, ox = 0, oy = 0;
        for (int i = 0; i < o.Length; i++)
        {
            o[i] = c[(int)oc] != 0 ? x[(int)ox] : y[(int)oy];
            for (int d = rank - 1; d >= 0; d--)
            {
                oc += st.Sc[d];
                ox += st.Sx[d];
                oy += st.Sy[d];
                if (++index[d] < st.Dims[d]) break;
                oc -= st.Sc[d] * st.Dims[d];
                ox -= st.Sx[d] * st.Dims[d];
                oy -= st.Sy[d] * st.Dims[d];
                index[d] = 0;
            }
        }
    }
}
