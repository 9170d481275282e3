using LiteRt.Compiler.Ir;
using LiteRt.Format.Schema;
using LiteRt.Graph;

namespace LiteRt.Compiler.Passes;

/// <summary>
/// Layout propagation NCHW → NHWC. The ONNX lowerings wrap every NHWC-only op (CONV_2D, pools, resize…) in
/// TRANSPOSEs; this pass moves transposes toward the outputs through layout-agnostic ops and cancels them:
/// <list type="bullet">
/// <item>TRANSPOSE(TRANSPOSE(x, p), q) → TRANSPOSE(x, p∘q), or x when that is the identity;</item>
/// <item>op(TRANSPOSE(x, p), …) → TRANSPOSE(op'(x, …), p') for elementwise ops (constant operands are permuted
/// at conversion time, size-1 operands broadcast either way), CONCATENATION (axis remapped), reductions (axes
/// remapped), PAD, SLICE, STRIDED_SLICE, GATHER along an axis, and last-axis ops when p keeps the last axis;</item>
/// <item>a TRANSPOSE that only moves size-1 dims is a RESHAPE, and RESHAPE(RESHAPE(x)) is one RESHAPE.</item>
/// </list>
/// A transpose is sunk only when every reader of its result can take it (so sinking never duplicates it), and
/// identical transposes of one tensor are merged. On a chain of convolutions only the graph's boundaries keep a
/// TRANSPOSE, as in Google's converter output for a PyTorch model.
/// </summary>
public sealed class TransposeSinking : IGraphPass
{
    public string Name => "transpose-sinking";

    private static readonly HashSet<BuiltinOperator> Unary =
    [
        BuiltinOperator.Relu, BuiltinOperator.Relu6, BuiltinOperator.ReluN1To1, BuiltinOperator.Logistic, BuiltinOperator.Tanh,
        BuiltinOperator.HardSwish, BuiltinOperator.Gelu, BuiltinOperator.Exp, BuiltinOperator.Log, BuiltinOperator.Sqrt,
        BuiltinOperator.Rsqrt, BuiltinOperator.Abs, BuiltinOperator.Neg, BuiltinOperator.LeakyRelu, BuiltinOperator.Cast,
        BuiltinOperator.Floor, BuiltinOperator.Ceil, BuiltinOperator.Round, BuiltinOperator.Sin, BuiltinOperator.Cos,
        BuiltinOperator.Sign, BuiltinOperator.Square, BuiltinOperator.Elu, BuiltinOperator.LogicalNot,
    ];

    private static readonly HashSet<BuiltinOperator> Broadcasting =
    [
        BuiltinOperator.Add, BuiltinOperator.Sub, BuiltinOperator.Mul, BuiltinOperator.Div, BuiltinOperator.Maximum,
        BuiltinOperator.Minimum, BuiltinOperator.Pow, BuiltinOperator.SquaredDifference, BuiltinOperator.Prelu,
        BuiltinOperator.FloorDiv, BuiltinOperator.FloorMod, BuiltinOperator.Atan2, BuiltinOperator.Equal, BuiltinOperator.NotEqual,
        BuiltinOperator.Less, BuiltinOperator.LessEqual, BuiltinOperator.Greater, BuiltinOperator.GreaterEqual,
        BuiltinOperator.LogicalAnd, BuiltinOperator.LogicalOr, BuiltinOperator.RightShift, BuiltinOperator.SelectV2,
    ];

    private static readonly HashSet<BuiltinOperator> Reductions =
        [BuiltinOperator.Mean, BuiltinOperator.Sum, BuiltinOperator.ReduceMax, BuiltinOperator.ReduceMin, BuiltinOperator.ReduceProd];

    private static readonly HashSet<BuiltinOperator> LastAxis =
        [BuiltinOperator.Softmax, BuiltinOperator.LogSoftmax, BuiltinOperator.L2Normalization, BuiltinOperator.LocalResponseNormalization];

    public bool Run(ModelGraph graph)
    {
        var sg = graph.Main;
        bool any = false;
        // Sink and cancel first; only then turn the transposes left that move size-1 dims into reshapes (earlier,
        // they would stop transposes that could still cancel through them).
        foreach (bool reshapes in new[] { false, true, false })
            for (int step = 0; step < 100_000; step++)
            {
                if (!Step(graph, sg, reshapes)) break;
                any = true;
                GraphEditing.RemoveDeadOperations(sg);
            }
        any |= MergeDuplicates(sg);
        return any;
    }

    private bool Step(ModelGraph graph, Subgraph sg, bool reshapes)
    {
        var index = new GraphIndex(sg);
        var b = new IrBuilder(graph, sg);
        for (int i = 0; i < sg.Operations.Count; i++)
        {
            var op = sg.Operations[i];
            if (op.Op == BuiltinOperator.Transpose && (Compose(b, index, op) || Identity(b, index, op) || reshapes && AsReshape(b, index, op, i)))
                return true;
            if (op.Op == BuiltinOperator.Reshape && (ReshapeChain(b, index, op) || SinkThroughReshape(b, index, op, i)))
                return true;
            if (Sink(b, index, op, i)) return true;
        }
        return false;
    }

    // ---- transposes and reshapes ----

    internal static int[]? PermOf(IrBuilder b, Operation op) =>
        op.Op == BuiltinOperator.Transpose && op.Inputs.Length > 1 && b.IsConst(op.Inputs[1]) ? b.Ints(op.Inputs[1]).Select(v => (int)v).ToArray() : null;

    private static bool IsIdentity(int[] p) => p.Select((v, i) => v == i).All(x => x);

    internal static int[] Inverse(int[] p)
    {
        var inv = new int[p.Length];
        for (int i = 0; i < p.Length; i++) inv[p[i]] = i;
        return inv;
    }

    /// <summary>TRANSPOSE(TRANSPOSE(x, p), q) = TRANSPOSE(x, r) with r[i] = p[q[i]].</summary>
    private static bool Compose(IrBuilder b, GraphIndex index, Operation op)
    {
        var q = PermOf(b, op);
        if (q is null || index.Producer(op.Inputs[0]) is not { Op: BuiltinOperator.Transpose } inner || PermOf(b, inner) is not { } p) return false;
        var r = q.Select(i => p[i]).ToArray();
        int x = inner.Inputs[0];
        if (IsIdentity(r))
        {
            if (index.IsGraphOutput(op.Outputs[0]))
            {
                if (index.IsGraphOutput(x) || b.Sg.Inputs.Contains(x)) return false;
                // Keep the graph output tensor: it becomes a copy-free RESHAPE to its own shape.
                op.Op = BuiltinOperator.Reshape;
                op.Inputs = [x, b.Int32s(b.T(op.Outputs[0]).Name + "/shape", b.Dims(x))];
                op.Options = null;
                return true;
            }
            GraphEditing.ReplaceUses(b.Sg, op.Outputs[0], x);
            b.Sg.Operations.Remove(op);
            return true;
        }
        op.Inputs = [x, b.Int32s(b.T(op.Outputs[0]).Name + "/perm", r)];
        return true;
    }

    private static bool Identity(IrBuilder b, GraphIndex index, Operation op)
    {
        var p = PermOf(b, op);
        if (p is null || !IsIdentity(p) || index.IsGraphOutput(op.Outputs[0])) return false;
        GraphEditing.ReplaceUses(b.Sg, op.Outputs[0], op.Inputs[0]);
        b.Sg.Operations.Remove(op);
        return true;
    }

    /// <summary>A transpose that keeps the order of the non-unit dims moves no data: it is a RESHAPE.</summary>
    private static bool AsReshape(IrBuilder b, GraphIndex index, Operation op, int at)
    {
        var p = PermOf(b, op);
        if (p is null) return false;
        var d = b.Dims(op.Inputs[0]);
        int last = -1;
        foreach (int k in p)
        {
            if (d[k] == 1) continue;
            if (k < last) return false;
            last = k;
        }
        var outDims = p.Select(k => d[k]).ToArray();
        if (outDims.Count(v => v < 0) > 1) return false;
        op.Op = BuiltinOperator.Reshape;
        op.Inputs = [op.Inputs[0], b.Int32s(b.T(op.Outputs[0]).Name + "/shape", outDims)];
        op.Options = null;
        _ = index;
        _ = at;
        return true;
    }

    private static bool ReshapeChain(IrBuilder b, GraphIndex index, Operation op)
    {
        int x = op.Inputs[0];
        var target = b.Dims(op.Outputs[0]);
        if (index.Producer(x) is { Op: BuiltinOperator.Reshape } inner && target.Count(v => v < 0) <= 1)
        {
            op.Inputs = [inner.Inputs[0], b.Int32s(b.T(op.Outputs[0]).Name + "/shape", target)];
            return true;
        }
        // A reshape to the same shape.
        var d = b.Dims(x);
        if (d.SequenceEqual(target) && Shapes.IsKnown(d) && !index.IsGraphOutput(op.Outputs[0]))
        {
            GraphEditing.ReplaceUses(b.Sg, op.Outputs[0], x);
            b.Sg.Operations.Remove(op);
            return true;
        }
        return false;
    }

    // ---- sinking ----

    /// <summary>Data inputs of an op that the layout may flow through (others are parameters).</summary>
    private static int[] DataInputs(Operation op)
    {
        if (Unary.Contains(op.Op) || Reductions.Contains(op.Op) || LastAxis.Contains(op.Op)) return [0];
        if (op.Op is BuiltinOperator.Pad or BuiltinOperator.Padv2 or BuiltinOperator.Gather or BuiltinOperator.Slice or BuiltinOperator.StridedSlice) return [0];
        if (Broadcasting.Contains(op.Op) || op.Op == BuiltinOperator.Concatenation) return [.. Enumerable.Range(0, op.Inputs.Length)];
        return [];
    }

    /// <summary>The common permutation of the transposes feeding <paramref name="op"/>, or null.</summary>
    private static int[]? FeedingPerm(IrBuilder b, GraphIndex index, Operation op)
    {
        int[]? perm = null;
        foreach (int k in DataInputs(op))
        {
            int t = op.Inputs[k];
            if (t < 0) continue;
            if (index.Producer(t) is { Op: BuiltinOperator.Transpose } tr && PermOf(b, tr) is { } p)
            {
                if (perm is not null && !perm.SequenceEqual(p)) return null;
                perm = p;
            }
        }
        return perm;
    }

    /// <summary>Whether <paramref name="op"/> can absorb transposes of permutation <paramref name="p"/> on its data inputs.</summary>
    /// <param name="eventuallyFrom">
    /// When set, an operand computed from this tensor through layout-agnostic ops also counts: sinking the transpose
    /// everywhere will transpose it too (the diamond of x · f(x), e.g. hard-swish and squeeze-excitation).
    /// </param>
    private static bool CanSink(IrBuilder b, GraphIndex index, Operation op, int[] p, int eventuallyFrom = -1)
    {
        if (op.Outputs.Length != 1 || op.Options2 is not null) return false;
        var data = DataInputs(op);
        if (data.Length == 0) return false;
        int rank = p.Length;
        if (b.Rank(op.Outputs[0]) != rank && !Reductions.Contains(op.Op) && op.Op != BuiltinOperator.Gather) return false;
        foreach (int k in data)
        {
            int t = op.Inputs[k];
            if (t < 0) continue;
            if (index.Producer(t) is { Op: BuiltinOperator.Transpose } tr && PermOf(b, tr) is { } tp)
            {
                if (!tp.SequenceEqual(p)) return false;
                continue;
            }
            // Not transposed: a constant we permute, a size-1 operand that broadcasts either way, or an operand
            // whose permutation only moves size-1 dims (a free RESHAPE).
            var d = b.Dims(t);
            if (d.Length > rank) return false;
            if (op.Op == BuiltinOperator.Concatenation && d.Length != rank) return false;
            if (b.IsConst(t)) continue;
            if (Shapes.ElementCount(d) == 1 && op.Op != BuiltinOperator.Concatenation) continue;
            if (eventuallyFrom >= 0 && DerivedFrom(index, t, eventuallyFrom, 12)) continue;
            if (!MovesOnlyUnitDims(Extend(d, rank), Inverse(p))) return false;
        }
        switch (op.Op)
        {
            case var o when Reductions.Contains(o):
                return b.IsConst(op.Inputs[1]);
            case BuiltinOperator.Pad or BuiltinOperator.Padv2:
                return b.IsConst(op.Inputs[1]);
            case BuiltinOperator.Gather:
                return b.IsConst(op.Inputs[1]) && b.Rank(op.Inputs[1]) == 1 && op.IntAttr("batch_dims") == 0;
            case BuiltinOperator.Slice:
                return b.IsConst(op.Inputs[1]) && b.IsConst(op.Inputs[2]);
            case BuiltinOperator.StridedSlice:
                return b.IsConst(op.Inputs[1]) && b.IsConst(op.Inputs[2]) && b.IsConst(op.Inputs[3])
                    && op.IntAttr("ellipsis_mask") == 0 && op.IntAttr("new_axis_mask") == 0 && op.IntAttr("shrink_axis_mask") == 0
                    && !op.BoolAttr("offset") && b.Dims(op.Inputs[1])[0] == rank;
            case var o when LastAxis.Contains(o):
                return p[rank - 1] == rank - 1;
            case BuiltinOperator.Cast:
            case BuiltinOperator.Quantize:
            case BuiltinOperator.Dequantize:
                return !(b.T(op.Outputs[0]).Quantization?.IsPerChannel ?? false);
        }
        return true;
    }

    private static bool Sink(IrBuilder b, GraphIndex index, Operation op, int at)
    {
        var p = FeedingPerm(b, index, op);
        if (p is null || !CanSink(b, index, op, p)) return false;
        // Every transpose feeding this op must be absorbable by all its readers (so it disappears), and not be a graph output.
        foreach (int k in DataInputs(op))
        {
            int t = op.Inputs[k];
            if (t < 0 || index.Producer(t) is not { Op: BuiltinOperator.Transpose } feeding) continue;
            if (index.IsGraphOutput(t)) return false;
            // The transpose of a graph input stays at the input (moving it down gains nothing).
            if (b.Sg.Inputs.Contains(feeding.Inputs[0])) return false;
            foreach (var reader in index.Consumers(t))
            {
                if (reader.Op is BuiltinOperator.Transpose or BuiltinOperator.Reshape) continue;
                if (FeedingPerm(b, index, reader) is not { } rp || !rp.SequenceEqual(p) || !CanSink(b, index, reader, p, eventuallyFrom: t)) return false;
            }
        }

        int rank = p.Length;
        var inv = Inverse(p);
        // Rewrite the inputs.
        var inputs = (int[])op.Inputs.Clone();
        foreach (int k in DataInputs(op))
        {
            int t = inputs[k];
            if (t < 0) continue;
            if (index.Producer(t) is { Op: BuiltinOperator.Transpose } tr) { inputs[k] = tr.Inputs[0]; continue; }
            var d = b.Dims(t);
            if (!b.IsConst(t) && Shapes.ElementCount(d) == 1 && op.Op != BuiltinOperator.Concatenation) continue;
            if (!b.IsConst(t))
            {
                // The operand in x's layout is a RESHAPE of it (its permutation moves only size-1 dims).
                var full0 = Extend(d, rank);
                inputs[k] = b.Reshape(t, inv.Select(i => full0[i]).ToArray(), b.T(t).Name + "/nhwc");
                continue;
            }
            // A constant operand: broadcast to rank, then permute so that TRANSPOSE(c', p) = c.
            int[] full = [.. Enumerable.Repeat(1, rank - d.Length), .. d];
            int c = b.Transpose(b.Reshape(t, full, b.T(t).Name + "/rank"), inv, b.T(t).Name + "/nhwc");
            var cd = b.Dims(c);
            int lead = 0;
            while (lead < cd.Length - 1 && cd[lead] == 1 && op.Op != BuiltinOperator.Concatenation && d.Length < rank) lead++;
            inputs[k] = lead > 0 ? b.Reshape(c, cd[lead..], b.T(t).Name + "/nhwc") : c;
        }

        int[] outPerm = p;
        var options = op.Options?.Clone();
        switch (op.Op)
        {
            case BuiltinOperator.Concatenation:
            {
                int axis = op.IntAttr("axis");
                if (axis < 0) axis += rank;
                options!.Set("axis", p[axis]);
                break;
            }
            case var o when Reductions.Contains(o):
            {
                var axes = b.Ints(op.Inputs[1]).Select(a => (int)(a < 0 ? a + rank : a)).Distinct().ToArray();
                var newAxes = axes.Select(a => p[a]).Order().ToArray();
                inputs[1] = b.Int32s(b.T(op.Inputs[1]).Name + "/nhwc", newAxes);
                if (!op.BoolAttr("keep_dims"))
                {
                    // Remaining dims: in the transposed order they are p[i] for kept i; in the new output, ascending.
                    var kept = Enumerable.Range(0, rank).Where(i => !axes.Contains(i)).Select(i => p[i]).ToArray();
                    var sorted = kept.Order().ToArray();
                    outPerm = kept.Select(v => Array.IndexOf(sorted, v)).ToArray();
                }
                break;
            }
            case BuiltinOperator.Pad or BuiltinOperator.Padv2:
            {
                var pads = b.Ints(op.Inputs[1]);
                var np = new double[rank * 2];
                for (int i = 0; i < rank; i++) { np[2 * p[i]] = pads[2 * i]; np[2 * p[i] + 1] = pads[2 * i + 1]; }
                inputs[1] = b.Const(b.T(op.Inputs[1]).Name + "/nhwc", TensorType.Int32, [rank, 2], np);
                break;
            }
            case BuiltinOperator.Gather:
            {
                int axis = op.IntAttr("axis");
                if (axis < 0) axis += rank;
                options!.Set("axis", p[axis]);
                break;
            }
            case BuiltinOperator.Slice:
            {
                inputs[1] = PermutedInts(b, op.Inputs[1], p);
                inputs[2] = PermutedInts(b, op.Inputs[2], p);
                break;
            }
            case BuiltinOperator.StridedSlice:
            {
                for (int k = 1; k <= 3; k++) inputs[k] = PermutedInts(b, op.Inputs[k], p);
                options!.Set("begin_mask", PermutedMask(op.IntAttr("begin_mask"), p));
                options.Set("end_mask", PermutedMask(op.IntAttr("end_mask"), p));
                break;
            }
        }

        // The op now computes in x's layout; a TRANSPOSE after it restores the original tensor (same index), and
        // the new tensor takes the original name (it is the one that survives once transposes cancel).
        int y = op.Outputs[0];
        op.Inputs = inputs;
        op.Options = options;
        if (IsIdentity(outPerm))
        {
            b.Reinfer(op);
            return true;
        }
        var yt = b.T(y);
        var yd = b.Dims(y);
        var newDims = new int[yd.Length];
        for (int i = 0; i < yd.Length; i++) newDims[outPerm[i]] = yd[i];
        string name = yt.Name;
        b.Rename(y, name + "_t");
        int y2 = b.AddTensor(name, yt.Type, newDims);
        b.T(y2).Quantization = yt.Quantization;
        op.Outputs = [y2];
        b.Reinfer(op);
        var transpose = new Operation(BuiltinOperator.Transpose, [y2, b.Int32s(name + "/perm", outPerm)], [y]);
        b.Sg.Operations.Insert(at + 1, transpose);
        return true;
    }

    /// <summary>Whether <paramref name="t"/> is computed from <paramref name="source"/> through layout-agnostic ops only.</summary>
    private static bool DerivedFrom(GraphIndex index, int t, int source, int depth)
    {
        if (t == source) return true;
        if (depth == 0 || index.Producer(t) is not { } op || op.Outputs.Length != 1) return false;
        if (!Unary.Contains(op.Op) && !Broadcasting.Contains(op.Op) && !Reductions.Contains(op.Op)) return false;
        foreach (int k in DataInputs(op))
            if (op.Inputs[k] >= 0 && DerivedFrom(index, op.Inputs[k], source, depth - 1)) return true;
        return false;
    }

    private static int[] Extend(int[] d, int rank) => [.. Enumerable.Repeat(1, rank - d.Length), .. d];

    /// <summary>True when TRANSPOSE(dims, p) keeps the order of the non-unit dims (unknown dims count as non-unit).</summary>
    private static bool MovesOnlyUnitDims(int[] dims, int[] p)
    {
        int last = -1;
        int unknown = 0;
        foreach (int k in p)
        {
            if (dims[k] < 0) unknown++;
            if (dims[k] == 1) continue;
            if (k < last) return false;
            last = k;
        }
        return unknown <= 1;
    }

    /// <summary>
    /// RESHAPE(TRANSPOSE(x, p), s) = TRANSPOSE(RESHAPE(x, y), q) when every group of dims the reshape merges or splits
    /// comes from consecutive dims of x, in order: the groups move as blocks (y is s with its groups in x's order,
    /// size-1 dims last). The transpose then sinks on or cancels (ShuffleNet's channel shuffle, flattening after NHWC
    /// ops, adding or dropping size-1 dims).
    /// </summary>
    private static bool SinkThroughReshape(IrBuilder b, GraphIndex index, Operation op, int at)
    {
        if (op.Op != BuiltinOperator.Reshape || index.Producer(op.Inputs[0]) is not { Op: BuiltinOperator.Transpose } tr || PermOf(b, tr) is not { } p) return false;
        int x = tr.Inputs[0];
        var xd = b.Dims(x);
        var sd = b.Dims(op.Outputs[0]);
        if (!Shapes.IsKnown(xd) || !Shapes.IsKnown(sd) || index.IsGraphOutput(tr.Outputs[0])) return false;
        foreach (var reader in index.Consumers(tr.Outputs[0]))
            if (reader.Op is not (BuiltinOperator.Transpose or BuiltinOperator.Reshape)) return false;
        var xPos = new List<int>();
        for (int i = 0; i < xd.Length; i++) if (xd[i] != 1) xPos.Add(i);
        var tDims = p.Where(k => xd[k] != 1).ToList(); // x dims in transposed order
        var sIdx = Enumerable.Range(0, sd.Length).Where(j => sd[j] != 1).ToList(); // target positions of non-unit dims
        // Groups of transposed dims and target dims with equal products.
        var tGroups = new List<List<int>>();
        var sGroups = new List<List<int>>();
        int ti = 0, si = 0;
        while (ti < tDims.Count || si < sIdx.Count)
        {
            if (ti >= tDims.Count || si >= sIdx.Count) return false;
            var tg = new List<int> { tDims[ti++] };
            var sg = new List<int> { sIdx[si++] };
            long pt = xd[tg[0]], ps = sd[sg[0]];
            while (pt != ps)
            {
                if (pt < ps) { if (ti >= tDims.Count) return false; tg.Add(tDims[ti]); pt *= xd[tDims[ti++]]; }
                else { if (si >= sIdx.Count) return false; sg.Add(sIdx[si]); ps *= sd[sIdx[si++]]; }
            }
            tGroups.Add(tg);
            sGroups.Add(sg);
        }
        // Each group must be a run of consecutive (non-unit) dims of x. When a group's dims are permuted within the
        // run (a channel shuffle), a transpose within the runs (pa) stays before the reshape; only the permutation
        // of whole blocks sinks. Nothing to gain when the blocks are already in order.
        int[]? pa = null;
        foreach (var g in tGroups)
        {
            var ranks = g.Select(k => xPos.IndexOf(k)).ToList();
            if (ranks.Max() - ranks.Min() + 1 != g.Count) return false;
            if (ranks.Zip(ranks.Skip(1)).Any(z => z.Second != z.First + 1))
            {
                pa ??= Enumerable.Range(0, xd.Length).ToArray();
                var sorted = g.Order().ToList();
                for (int k = 0; k < g.Count; k++) pa[sorted[k]] = g[k];
            }
        }
        if (pa is not null)
        {
            var paInv = Inverse(pa);
            var pb = p.Select(k => paInv[k]).ToArray();
            // Blocks already in order: the transpose is all within-run, nothing to sink.
            var blockRanks = tGroups.Select(g => g.Select(k => xPos.IndexOf(paInv[k])).Min()).ToList();
            if (blockRanks.Zip(blockRanks.Skip(1)).All(z => z.Second > z.First)) return false;
            b.InsertAt = at;
            x = b.Transpose(x, pa, b.T(op.Outputs[0]).Name + "/within_groups");
            b.InsertAt = null;
            at++;
            p = pb;
            xd = b.Dims(x);
            tGroups = tGroups.Select(g => g.Select(k => paInv[k]).ToList()).ToList();
        }
        // y: the target's groups in x's order, its size-1 dims where x has size-1 dims (so the layout stays the
        // canonical one, e.g. the batch of 1 first), leftovers last; q[j] = where target dim j sits in y.
        var groupAt = new Dictionary<int, int>();
        for (int gi = 0; gi < tGroups.Count; gi++) groupAt[tGroups[gi].Min()] = gi;
        var units = new Queue<int>(Enumerable.Range(0, sd.Length).Where(j => sd[j] == 1));
        var q = new int[sd.Length];
        var y = new int[sd.Length];
        int pos = 0;
        for (int i = 0; i < xd.Length; i++)
        {
            if (xd[i] == 1)
            {
                if (units.Count > 0) { q[units.Dequeue()] = pos; y[pos++] = 1; }
                continue;
            }
            if (groupAt.TryGetValue(i, out int gi))
                foreach (int j in sGroups[gi]) { q[j] = pos; y[pos++] = sd[j]; }
        }
        while (units.Count > 0) { q[units.Dequeue()] = pos; y[pos++] = 1; }
        string name = b.T(op.Outputs[0]).Name;
        int result = op.Outputs[0];
        b.InsertAt = at;
        int reshaped = b.Reshape(x, y, name + "/nhwc");
        b.InsertAt = null;
        // The RESHAPE becomes the TRANSPOSE that restores the target layout.
        op.Op = BuiltinOperator.Transpose;
        op.Inputs = [reshaped, b.Int32s(name + "/perm", q)];
        op.Options = null;
        _ = result;
        return true;
    }

    private static int PermutedInts(IrBuilder b, int t, int[] p)
    {
        var v = b.Ints(t);
        var r = new long[p.Length];
        for (int i = 0; i < p.Length; i++) r[p[i]] = v[i];
        return b.Int32s(b.T(t).Name + "/nhwc", r);
    }

    private static int PermutedMask(int mask, int[] p)
    {
        int r = 0;
        for (int i = 0; i < p.Length; i++)
            if ((mask >> i & 1) != 0) r |= 1 << p[i];
        return r;
    }

    /// <summary>Merges TRANSPOSEs of the same tensor with the same permutation.</summary>
    private static bool MergeDuplicates(Subgraph sg)
    {
        bool any = false;
        var seen = new Dictionary<(int, string), int>();
        var outputs = new HashSet<int>(sg.Outputs);
        foreach (var op in sg.Operations.ToList())
        {
            if (op.Op != BuiltinOperator.Transpose || !sg.Tensors[op.Inputs[1]].IsConstant) continue;
            var key = (op.Inputs[0], string.Join(",", TensorData.ReadInts(sg.Tensors[op.Inputs[1]])));
            if (seen.TryGetValue(key, out int existing) && !outputs.Contains(op.Outputs[0]))
            {
                GraphEditing.ReplaceUses(sg, op.Outputs[0], existing);
                sg.Operations.Remove(op);
                any = true;
            }
            else seen.TryAdd(key, op.Outputs[0]);
        }
        return any;
    }
}
