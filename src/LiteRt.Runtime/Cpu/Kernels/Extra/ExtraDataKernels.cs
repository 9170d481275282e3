using System.Numerics;
using LiteRt.Format.Schema;
using LiteRt.Graph;
using LiteRt.Graph.Catalog;
using LiteRt.Runtime.Execution;

namespace LiteRt.Runtime.Cpu.Kernels.Extra;

/// <summary>Constant integer inputs read at Prepare (int16/int32/int64).</summary>
internal static class ExtraInputs
{
    public static unsafe int[] Ints(PreparedNode node, int input, string what)
    {
        var t = node.Input(input);
        if (t.ElementCount == 0) return [];
        if (!t.IsConstant) throw node.Error($"{what} (input {input}) must be a constant tensor");
        var r = new int[t.ElementCount];
        for (int i = 0; i < r.Length; i++)
            r[i] = t.Type switch
            {
                TensorType.Int32 => ((int*)t.Data)[i],
                TensorType.Int64 => checked((int)((long*)t.Data)[i]),
                TensorType.Int16 => ((short*)t.Data)[i],
                _ => throw node.Error($"{what} must be an integer tensor, not {t.Type.Name()}"),
            };
        return r;
    }

    public static int ElementSize(PreparedNode node, TensorType t) =>
        t.BitsPerElement() is 8 or 16 or 32 or 64 ? t.BitsPerElement() / 8 : throw node.Error($"type {t.Name()} is not supported");
}

/// <summary>REDUCE_MIN and REDUCE_PROD over constant axes (float32, int32, int64).</summary>
public static class ReduceMinProdKernel
{
    private sealed class State(int[] dims, long[] outStrides)
    {
        public readonly int[] Dims = dims;
        public readonly long[] OutStrides = outStrides;
    }

    public static void Prepare(PreparedNode node)
    {
        var x = node.Input(0);
        if (x.Type != node.Output(0).Type) throw node.Error("output type differs from the input's");
        bool[] mask;
        try
        {
            mask = ReductionAxes.Mask(ExtraInputs.Ints(node, 1, "axis"), x.Rank);
        }
        catch (ArgumentException e)
        {
            throw node.Error(e.Message);
        }
        var strides = new long[x.Rank];
        long acc = 1;
        for (int i = x.Rank - 1; i >= 0; i--)
        {
            if (mask[i]) continue;
            strides[i] = acc;
            acc *= x.Shape[i];
        }
        node.State = new State(x.Shape, strides);
    }

    public static void Eval(PreparedNode node)
    {
        bool min = node.Op.Op == BuiltinOperator.ReduceMin;
        switch (node.Input(0).Type)
        {
            case TensorType.Float32: Run<float>(node, min); break;
            case TensorType.Int32: Run<int>(node, min); break;
            default: Run<long>(node, min); break;
        }
    }

    private static void Run<T>(PreparedNode node, bool min) where T : unmanaged, INumber<T>, IMinMaxValue<T>
    {
        var st = node.GetState<State>();
        var x = node.Input(0).AsReadOnlySpan<T>();
        var y = node.Output(0).AsSpan<T>();
        T init = min ? (typeof(T) == typeof(float) ? T.CreateTruncating(float.PositiveInfinity) : T.MaxValue) : T.One;
        y.Fill(init);
        int rank = st.Dims.Length;
        Span<int> index = stackalloc int[Math.Max(rank, 1)];
        index.Clear();
        long o = 0;
        for (int s = 0; s < x.Length; s++)
        {
            T v = x[s];
            ref T acc = ref y[(int)o];
            acc = min ? (v < acc || T.IsNaN(v) ? v : acc) : acc * v;
            for (int d = rank - 1; d >= 0; d--)
            {
                o += st.OutStrides[d];
                if (++index[d] < st.Dims[d]) break;
                o -= st.OutStrides[d] * st.Dims[d];
                index[d] = 0;
            }
        }
    }
}

/// <summary>ARG_MIN over a constant axis (float32, int32, int64 input; int32 or int64 output).</summary>
public static class ArgMinKernel
{
    private sealed class State(long outer, int n, long inner)
    {
        public readonly long Outer = outer, Inner = inner;
        public readonly int N = n;
    }

    public static void Prepare(PreparedNode node)
    {
        var x = node.Input(0);
        var axes = ExtraInputs.Ints(node, 1, "axis");
        if (axes.Length != 1) throw node.Error("axis must hold one value");
        int axis = axes[0] < 0 ? axes[0] + x.Rank : axes[0];
        if (axis < 0 || axis >= x.Rank) throw node.Error($"axis {axes[0]} is out of range");
        long outer = 1, inner = 1;
        for (int i = 0; i < axis; i++) outer *= x.Shape[i];
        for (int i = axis + 1; i < x.Rank; i++) inner *= x.Shape[i];
        node.State = new State(outer, x.Shape[axis], inner);
    }

    public static void Eval(PreparedNode node)
    {
        switch (node.Input(0).Type)
        {
            case TensorType.Float32: Run<float>(node); break;
            case TensorType.Int32: Run<int>(node); break;
            default: Run<long>(node); break;
        }
    }

    private static void Run<T>(PreparedNode node) where T : unmanaged, INumber<T>
    {
        var st = node.GetState<State>();
        var x = node.Input(0).AsReadOnlySpan<T>();
        var output = node.Output(0);
        bool i64 = output.Type == TensorType.Int64;
        var y32 = i64 ? default : output.AsSpan<int>();
        var y64 = i64 ? output.AsSpan<long>() : default;
        for (long o = 0; o < st.Outer; o++)
            for (long i = 0; i < st.Inner; i++)
            {
                long b = o * st.N * st.Inner + i;
                T best = x[(int)b];
                int bestIndex = 0;
                for (int k = 1; k < st.N; k++)
                {
                    T v = x[(int)(b + k * st.Inner)];
                    if (v < best) { best = v; bestIndex = k; }
                }
                long at = o * st.Inner + i;
                if (i64) y64[(int)at] = bestIndex;
                else y32[(int)at] = bestIndex;
            }
    }
}

/// <summary>
/// TILE, BROADCAST_TO, REVERSE_V2, SPACE_TO_DEPTH, DEPTH_TO_SPACE: pure element moves whose source index for every
/// output element is computed once at Prepare (the catalog's index maps); Eval copies.
/// </summary>
public static class IndexMapKernel
{
    private sealed class State(int[] map, int size)
    {
        public readonly int[] Map = map;
        public readonly int Size = size;
    }

    public static void Prepare(PreparedNode node)
    {
        var x = node.Input(0);
        var y = node.Output(0);
        if (x.Type != y.Type) throw node.Error("output type differs from the input's");
        int size = ExtraInputs.ElementSize(node, x.Type);
        long[] map = node.Op.Op switch
        {
            BuiltinOperator.Tile => ExtraDataOps.TileMap(x.Shape, y.Shape),
            BuiltinOperator.BroadcastTo => ExtraDataOps.BroadcastMap(x.Shape, y.Shape),
            BuiltinOperator.ReverseV2 => ExtraDataOps.ReverseMap(x.Shape, ExtraInputs.Ints(node, 1, "axis")),
            BuiltinOperator.SpaceToDepth => ExtraDataOps.SpaceToDepthMap(x.Shape, node.Op.IntAttr("block_size")),
            BuiltinOperator.DepthToSpace => ExtraDataOps.DepthToSpaceMap(y.Shape, node.Op.IntAttr("block_size")),
            _ => throw node.Error("not an index-map op"),
        };
        var m = new int[map.Length];
        for (int i = 0; i < m.Length; i++) m[i] = checked((int)map[i]);
        node.State = new State(m, size);
    }

    public static void Eval(PreparedNode node)
    {
        var st = node.GetState<State>();
        switch (st.Size)
        {
            case 1: Copy<byte>(node, st.Map); break;
            case 2: Copy<short>(node, st.Map); break;
            case 4: Copy<int>(node, st.Map); break;
            default: Copy<long>(node, st.Map); break;
        }
    }

    private static void Copy<T>(PreparedNode node, int[] map) where T : unmanaged
    {
        var x = node.Input(0).AsReadOnlySpan<T>();
        var y = node.Output(0).AsSpan<T>();
        for (int i = 0; i < y.Length; i++) y[i] = x[map[i]];
    }
}

/// <summary>GATHER_ND with int32/int64 indices over any 1/2/4/8-byte type; out-of-range indices throw.</summary>
public static class GatherNdKernel
{
    private sealed class State(int k, long rows, int innerBytes, long[] strides, int[] dims, int size)
    {
        public readonly int K = k, Size = size;
        public readonly long Rows = rows;
        public readonly int InnerBytes = innerBytes;
        public readonly long[] Strides = strides;
        public readonly int[] Dims = dims;
    }

    public static void Prepare(PreparedNode node)
    {
        var p = node.Input(0);
        var idx = node.Input(1);
        int size = ExtraInputs.ElementSize(node, p.Type);
        if (idx.Type is not (TensorType.Int32 or TensorType.Int64)) throw node.Error("indices must be int32 or int64");
        int k = idx.Shape[^1];
        long rows = idx.ElementCount / Math.Max(k, 1);
        if (k == 0) rows = idx.Rank == 0 ? 1 : LiteRt.Graph.Shapes.ElementCount(idx.Shape[..^1]);
        long inner = 1;
        for (int i = k; i < p.Rank; i++) inner *= p.Shape[i];
        var strides = Shapes.Strides(p.Shape);
        node.State = new State(k, rows, checked((int)(inner * size)), strides, p.Shape, size);
    }

    public static void Eval(PreparedNode node)
    {
        var st = node.GetState<State>();
        var src = node.Input(0).Bytes;
        var dst = node.Output(0).Bytes;
        var idx = node.Input(1);
        bool i64 = idx.Type == TensorType.Int64;
        var i32s = i64 ? default : idx.AsReadOnlySpan<int>();
        var i64s = i64 ? idx.AsReadOnlySpan<long>() : default;
        int elem = st.Size;
        for (long r = 0; r < st.Rows; r++)
        {
            long offset = 0;
            for (int j = 0; j < st.K; j++)
            {
                long v = i64 ? i64s[(int)(r * st.K + j)] : i32s[(int)(r * st.K + j)];
                if ((ulong)v >= (ulong)st.Dims[j]) throw node.Error($"gather_nd index {v} is out of range [0, {st.Dims[j]})");
                offset += v * st.Strides[j];
            }
            if (st.InnerBytes > 0)
                src.Slice((int)(offset * elem), st.InnerBytes).CopyTo(dst.Slice((int)(r * st.InnerBytes), st.InnerBytes));
        }
    }
}

/// <summary>SCATTER_ND (float32, int32, int64 updates): zeros, then updates added at the indexed positions.</summary>
public static class ScatterNdKernel
{
    private sealed class State(int k, long rows, long inner, long[] strides, int[] dims)
    {
        public readonly int K = k;
        public readonly long Rows = rows, Inner = inner;
        public readonly long[] Strides = strides;
        public readonly int[] Dims = dims;
    }

    public static void Prepare(PreparedNode node)
    {
        var idx = node.Input(0);
        var y = node.Output(0);
        if (node.Input(1).Type != y.Type) throw node.Error("updates and output types differ");
        int k = idx.Shape[^1];
        long rows = 1;
        for (int i = 0; i < idx.Rank - 1; i++) rows *= idx.Shape[i];
        long inner = 1;
        for (int i = k; i < y.Rank; i++) inner *= y.Shape[i];
        node.State = new State(k, rows, inner, Shapes.Strides(y.Shape), y.Shape);
    }

    public static void Eval(PreparedNode node)
    {
        switch (node.Output(0).Type)
        {
            case TensorType.Float32: Run<float>(node); break;
            case TensorType.Int32: Run<int>(node); break;
            default: Run<long>(node); break;
        }
    }

    private static void Run<T>(PreparedNode node) where T : unmanaged, INumber<T>
    {
        var st = node.GetState<State>();
        var idx = node.Input(0);
        bool i64 = idx.Type == TensorType.Int64;
        var i32s = i64 ? default : idx.AsReadOnlySpan<int>();
        var i64s = i64 ? idx.AsReadOnlySpan<long>() : default;
        var upd = node.Input(1).AsReadOnlySpan<T>();
        var y = node.Output(0).AsSpan<T>();
        y.Clear();
        for (long r = 0; r < st.Rows; r++)
        {
            long offset = 0;
            for (int j = 0; j < st.K; j++)
            {
                long v = i64 ? i64s[(int)(r * st.K + j)] : i32s[(int)(r * st.K + j)];
                if ((ulong)v >= (ulong)st.Dims[j]) throw node.Error($"scatter_nd index {v} is out of range [0, {st.Dims[j]})");
                offset += v * st.Strides[j];
            }
            for (long i = 0; i < st.Inner; i++) y[(int)(offset + i)] += upd[(int)(r * st.Inner + i)];
        }
    }
}

/// <summary>CUMSUM along a constant axis (float32, int32, int64), exclusive and reverse options.</summary>
public static class CumsumKernel
{
    private sealed class State(long outer, int n, long inner, bool exclusive, bool reverse)
    {
        public readonly long Outer = outer, Inner = inner;
        public readonly int N = n;
        public readonly bool Exclusive = exclusive, Reverse = reverse;
    }

    public static void Prepare(PreparedNode node)
    {
        var x = node.Input(0);
        var a = ExtraInputs.Ints(node, 1, "axis");
        if (a.Length != 1) throw node.Error("axis must hold one value");
        int axis = a[0] < 0 ? a[0] + x.Rank : a[0];
        if (axis < 0 || axis >= x.Rank) throw node.Error($"axis {a[0]} is out of range");
        long outer = 1, inner = 1;
        for (int i = 0; i < axis; i++) outer *= x.Shape[i];
        for (int i = axis + 1; i < x.Rank; i++) inner *= x.Shape[i];
        node.State = new State(outer, x.Shape[axis], inner, node.Op.BoolAttr("exclusive"), node.Op.BoolAttr("reverse"));
    }

    public static void Eval(PreparedNode node)
    {
        switch (node.Input(0).Type)
        {
            case TensorType.Float32: Run<float, double>(node); break;
            case TensorType.Int32: Run<int, long>(node); break;
            default: Run<long, long>(node); break;
        }
    }

    private static void Run<T, TAcc>(PreparedNode node) where T : unmanaged, INumber<T> where TAcc : INumber<TAcc>
    {
        var st = node.GetState<State>();
        var x = node.Input(0).AsReadOnlySpan<T>();
        var y = node.Output(0).AsSpan<T>();
        for (long o = 0; o < st.Outer; o++)
            for (long i = 0; i < st.Inner; i++)
            {
                TAcc sum = TAcc.Zero;
                for (int s = 0; s < st.N; s++)
                {
                    int k = st.Reverse ? st.N - 1 - s : s;
                    int at = (int)((o * st.N + k) * st.Inner + i);
                    if (st.Exclusive)
                    {
                        y[at] = T.CreateTruncating(sum);
                        sum += TAcc.CreateTruncating(x[at]);
                    }
                    else
                    {
                        sum += TAcc.CreateTruncating(x[at]);
                        y[at] = T.CreateTruncating(sum);
                    }
                }
            }
    }
}

/// <summary>TOPK_V2 over the last axis (float32, int32, int64), largest first, ties by lower index; int32 indices.</summary>
public static class TopKKernel
{
    public static void Prepare(PreparedNode node)
    {
        var x = node.Input(0);
        var k = ExtraInputs.Ints(node, 1, "k");
        if (k.Length != 1 || k[0] < 0 || k[0] > x.Shape[^1]) throw node.Error("k is out of range");
        if (node.Output(1).Type != TensorType.Int32) throw node.Error("indices must be int32");
        node.State = new int[] { k[0] };
        node.ScratchBytes = x.Shape[^1];
    }

    public static void Eval(PreparedNode node)
    {
        switch (node.Input(0).Type)
        {
            case TensorType.Float32: Run<float>(node); break;
            case TensorType.Int32: Run<int>(node); break;
            default: Run<long>(node); break;
        }
    }

    private static unsafe void Run<T>(PreparedNode node) where T : unmanaged, INumber<T>
    {
        int k = node.GetState<int[]>()[0];
        var xt = node.Input(0);
        int n = xt.Shape[^1];
        var x = xt.AsReadOnlySpan<T>();
        var values = node.Output(0).AsSpan<T>();
        var indices = node.Output(1).AsSpan<int>();
        var taken = new Span<byte>(node.Scratch, n);
        long rows = n == 0 ? 0 : x.Length / n;
        for (long r = 0; r < rows; r++)
        {
            taken.Clear();
            var row = x.Slice((int)(r * n), n);
            for (int j = 0; j < k; j++)
            {
                int best = -1;
                for (int i = 0; i < n; i++)
                {
                    if (taken[i] != 0) continue;
                    if (best < 0 || row[i] > row[best] || (T.IsNaN(row[i]) && !T.IsNaN(row[best]))) best = i;
                }
                taken[best] = 1;
                values[(int)(r * k + j)] = row[best];
                indices[(int)(r * k + j)] = best;
            }
        }
    }
}

/// <summary>ONE_HOT with int32/int64 indices and any 1/2/4/8-byte value type.</summary>
public static class OneHotKernel
{
    private sealed class State(long outer, int depth, long inner, int size)
    {
        public readonly long Outer = outer, Inner = inner;
        public readonly int Depth = depth, Size = size;
    }

    public static void Prepare(PreparedNode node)
    {
        var idx = node.Input(0);
        int depth = ExtraInputs.Ints(node, 1, "depth")[0];
        int axis = node.Op.IntAttr("axis", -1);
        int a = axis < 0 ? idx.Rank + 1 + axis : axis;
        long outer = 1, inner = 1;
        for (int i = 0; i < a; i++) outer *= idx.Shape[i];
        for (int i = a; i < idx.Rank; i++) inner *= idx.Shape[i];
        node.State = new State(outer, depth, inner, ExtraInputs.ElementSize(node, node.Output(0).Type));
    }

    public static void Eval(PreparedNode node)
    {
        switch (node.GetState<State>().Size)
        {
            case 1: Run<byte>(node); break;
            case 2: Run<short>(node); break;
            case 4: Run<int>(node); break;
            default: Run<long>(node); break;
        }
    }

    private static void Run<T>(PreparedNode node) where T : unmanaged
    {
        var st = node.GetState<State>();
        var idx = node.Input(0);
        bool i64 = idx.Type == TensorType.Int64;
        var i32s = i64 ? default : idx.AsReadOnlySpan<int>();
        var i64s = i64 ? idx.AsReadOnlySpan<long>() : default;
        T on = node.Input(2).AsReadOnlySpan<T>()[0], off = node.Input(3).AsReadOnlySpan<T>()[0];
        var y = node.Output(0).AsSpan<T>();
        for (long o = 0; o < st.Outer; o++)
            for (int d = 0; d < st.Depth; d++)
                for (long i = 0; i < st.Inner; i++)
                {
                    long v = i64 ? i64s[(int)(o * st.Inner + i)] : i32s[(int)(o * st.Inner + i)];
                    y[(int)((o * st.Depth + d) * st.Inner + i)] = v == d ? on : off;
                }
    }
}
