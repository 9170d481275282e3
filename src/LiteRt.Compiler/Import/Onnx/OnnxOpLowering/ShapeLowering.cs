using LiteRt.Compiler.Ir;
using LiteRt.Format.Schema;
using LiteRt.Graph;

namespace LiteRt.Compiler.Import.Onnx.OnnxOpLowering;

/// <summary>
/// Shape and layout ops. Reshape/Flatten/Squeeze/Unsqueeze → RESHAPE (one unknown dim may stay -1); Shape and Size
/// of known shapes are constants (so shape arithmetic folds away); Transpose, Concat, Split (SPLIT / SPLIT_V),
/// Slice (SLICE, or STRIDED_SLICE for steps), Expand (BROADCAST_TO), Tile, Pad (PAD/PADV2; reflect and edge as
/// GATHERs), DepthToSpace/SpaceToDepth, and the constant makers (Constant, ConstantOfShape, Range, EyeLike),
/// Trilu as a constant mask.
/// </summary>
internal static class ShapeLowering
{
    public static void Register(Action<string, OnnxLowering> add)
    {
        add("Reshape", Reshape);
        add("Flatten", Flatten);
        add("Squeeze", Squeeze);
        add("Unsqueeze", Unsqueeze);
        add("Transpose", Transpose);
        add("Shape", Shape);
        add("Size", Size);
        add("Concat", Concat);
        add("Split", Split);
        add("Slice", Slice);
        add("Expand", Expand);
        add("Tile", Tile);
        add("Pad", Pad);
        add("DepthToSpace", DepthToSpace);
        add("SpaceToDepth", SpaceToDepth);
        add("Constant", Constant);
        add("ConstantOfShape", ConstantOfShape);
        add("Range", Range);
        add("EyeLike", EyeLike);
        add("Trilu", Trilu);
    }

    /// <summary>RESHAPE to <paramref name="dims"/>, where at most one entry may be -1 (unknown).</summary>
    internal static int ReshapeTo(LoweringContext ctx, int x, int[] dims)
    {
        if (dims.Count(d => d < 0) > 1)
            throw ctx.Node.Error(ErrorCodes.DynamicShape,
                $"the result shape {Shapes.Format(dims)} has several dynamic dims; fix the input shapes (--input-shapes)");
        if (dims.SequenceEqual(ctx.Dims(x)) && dims.All(d => d >= 0)) return x;
        return ctx.B.Reshape(x, dims, ctx.Name("reshape"));
    }

    private static void Reshape(LoweringContext ctx)
    {
        var node = ctx.Node;
        int x = ctx.Required(0);
        long[] target = node.Opset < 5 ? node.Ints("shape") ?? [] : ctx.ConstInts(1, "the target shape");
        bool allowZero = node.Int("allowzero", 0) != 0;
        var input = ctx.Dims(x);
        var dims = new int[target.Length];
        int unknown = 0;
        for (int i = 0; i < target.Length; i++)
        {
            long v = target[i];
            if (v == 0 && !allowZero)
            {
                if (i >= input.Length) throw node.Error(ErrorCodes.InvalidGraph, $"shape [{string.Join(",", target)}] copies dim {i}, which the input lacks");
                dims[i] = input[i];
            }
            else dims[i] = checked((int)v);
            if (dims[i] < 0) unknown++;
        }
        if (unknown > 1 && Shapes.IsKnown(input))
            throw node.Error(ErrorCodes.InvalidGraph, $"shape [{string.Join(",", target)}] has more than one -1");
        ctx.Output(0, ReshapeTo(ctx, x, dims));
    }

    private static void Flatten(LoweringContext ctx)
    {
        int x = ctx.Required(0);
        var d = ctx.Dims(x);
        int axis = (int)ctx.Node.Int("axis", 1);
        if (axis < 0) axis += d.Length;
        if (axis < 0 || axis > d.Length) throw ctx.Node.Error(ErrorCodes.InvalidGraph, $"axis {ctx.Node.Int("axis", 1)} is out of range");
        static int Prod(int[] d, int from, int to)
        {
            long p = 1;
            for (int i = from; i < to; i++)
            {
                if (d[i] < 0) return -1;
                p *= d[i];
            }
            return checked((int)p);
        }
        ctx.Output(0, ReshapeTo(ctx, x, [Prod(d, 0, axis), Prod(d, axis, d.Length)]));
    }

    private static long[]? Axes(LoweringContext ctx, int inputIndex)
    {
        if (ctx.Node.Opset < 13) return ctx.Node.Ints("axes");
        return ctx.Node.HasInput(inputIndex) ? ctx.ConstInts(inputIndex, "axes") : null;
    }

    private static void Squeeze(LoweringContext ctx)
    {
        int x = ctx.Required(0);
        var d = ctx.Dims(x);
        var axes = Axes(ctx, 1);
        var remove = new bool[d.Length];
        if (axes is null || axes.Length == 0)
        {
            if (!Shapes.IsKnown(d)) throw ctx.Node.Error(ErrorCodes.DynamicShape, "Squeeze without axes needs known dims");
            for (int i = 0; i < d.Length; i++) remove[i] = d[i] == 1;
        }
        else
            foreach (var a in axes)
            {
                int k = ctx.Axis(a, d.Length);
                if (d[k] > 1) throw ctx.Node.Error(ErrorCodes.InvalidGraph, $"cannot squeeze dim {k} of size {d[k]}");
                remove[k] = true;
            }
        ctx.Output(0, ReshapeTo(ctx, x, d.Where((_, i) => !remove[i]).Select(v => v < 0 ? -1 : v).ToArray()));
    }

    private static void Unsqueeze(LoweringContext ctx)
    {
        int x = ctx.Required(0);
        var d = ctx.Dims(x);
        var axes = Axes(ctx, 1) ?? throw ctx.Node.Error(ErrorCodes.InvalidGraph, "Unsqueeze needs axes");
        int rank = d.Length + axes.Length;
        var insert = new bool[rank];
        foreach (var a in axes) insert[ctx.Axis(a, rank)] = true;
        var result = new int[rank];
        for (int i = 0, k = 0; i < rank; i++) result[i] = insert[i] ? 1 : d[k++];
        ctx.Output(0, ReshapeTo(ctx, x, result));
    }

    private static void Transpose(LoweringContext ctx)
    {
        int x = ctx.Required(0);
        int rank = ctx.Rank(x);
        var perm = ctx.Node.Ints("perm")?.Select(v => (int)v).ToArray() ?? Enumerable.Range(0, rank).Reverse().ToArray();
        if (perm.SequenceEqual(Enumerable.Range(0, rank))) { ctx.Output(0, x); return; }
        ctx.Output(0, ctx.B.Transpose(x, perm, ctx.Name("transpose")));
    }

    private static void Shape(LoweringContext ctx)
    {
        int x = ctx.Required(0);
        var d = ctx.Dims(x);
        int rank = d.Length;
        long start = ctx.Node.Int("start", 0), end = ctx.Node.Int("end", rank);
        if (start < 0) start += rank;
        if (end < 0) end += rank;
        start = Math.Clamp(start, 0, rank);
        end = Math.Clamp(end, 0, rank);
        var slice = d.Skip((int)start).Take((int)Math.Max(0, end - start)).ToArray();
        if (slice.Any(v => v < 0))
            throw ctx.Node.Error(ErrorCodes.DynamicShape,
                $"the shape {Shapes.Format(d)} of '{ctx.Node.Proto.Inputs[0]}' is dynamic, and LiteRT needs shape computations folded at conversion; fix the input shapes (--input-shapes)");
        ctx.Output(0, ctx.B.Const(ctx.Name("shape"), TensorType.Int64, [slice.Length], slice.Select(v => (double)v).ToArray()));
    }

    private static void Size(LoweringContext ctx)
    {
        var d = ctx.KnownDims(ctx.Required(0), "the input");
        ctx.Output(0, ctx.B.Const(ctx.Name("size"), TensorType.Int64, [], [Shapes.ElementCount(d)]));
    }

    private static void Concat(LoweringContext ctx)
    {
        var inputs = Enumerable.Range(0, ctx.InputCount).Where(ctx.Node.HasInput).Select(ctx.Required).ToList();
        int rank = ctx.Rank(inputs[0]);
        int axis = ctx.Axis(ctx.Node.Int("axis", ctx.Node.Opset < 4 ? 1 : 0), rank);
        // Empty inputs add nothing (and TFLite rejects zero-sized concatenation inputs).
        var nonEmpty = inputs.Where(i => !ctx.IsEmpty(i) || ctx.Dims(i).Any(v => v < 0)).ToList();
        if (nonEmpty.Count == 0) nonEmpty.Add(inputs[0]);
        if (nonEmpty.Count == 1)
        {
            ctx.Output(0, nonEmpty[0]);
            return;
        }
        var type = ctx.Type(nonEmpty[0]);
        if (type == TensorType.String) throw ctx.Node.Error(ErrorCodes.UnsupportedDataType, "Concat of strings is not supported");
        ctx.Output(0, ctx.B.Op(BuiltinOperator.Concatenation, [.. nonEmpty], type,
            IrBuilder.Options(BuiltinOptionsType.ConcatenationOptions, ("axis", axis)), ctx.Name("concat")));
    }

    private static void Split(LoweringContext ctx)
    {
        var node = ctx.Node;
        int x = ctx.Required(0);
        var d = ctx.Dims(x);
        int axis = ctx.Axis(node.Int("axis", 0), d.Length);
        int outputs = node.OutputCount;
        long[]? sizes = node.Opset < 13 ? node.Ints("split") : node.HasInput(1) ? ctx.ConstInts(1, "split") : null;
        if (sizes is null)
        {
            if (d[axis] < 0) throw node.Error(ErrorCodes.DynamicShape, "Split of a dynamic dim");
            int n = node.Opset >= 18 && node.Has("num_outputs") ? node.Int32("num_outputs", outputs) : outputs;
            int chunk = (d[axis] + n - 1) / n;
            sizes = Enumerable.Range(0, n).Select(i => (long)Math.Max(0, Math.Min(chunk, d[axis] - i * chunk))).ToArray();
        }
        if (sizes.Length != outputs) throw node.Error(ErrorCodes.InvalidGraph, $"split has {sizes.Length} sizes for {outputs} outputs");
        var b = ctx.B;
        var type = ctx.Type(x);
        if (sizes.All(s => s > 0) && outputs > 1)
        {
            var parts = b.OpN(BuiltinOperator.SplitV, [x, b.Int32s(ctx.Name("sizes"), sizes), b.ScalarInt32(ctx.Name("axis"), axis)],
                Enumerable.Repeat(type, outputs).ToArray(), IrBuilder.Options(BuiltinOptionsType.SplitVOptions, ("num_splits", outputs)), ctx.Name("split"));
            for (int i = 0; i < outputs; i++) ctx.Output(i, parts[i]);
            return;
        }
        long offset = 0;
        for (int i = 0; i < outputs; i++)
        {
            var begin = new int[d.Length];
            var size = Enumerable.Repeat(-1, d.Length).ToArray();
            begin[axis] = (int)offset;
            size[axis] = (int)sizes[i];
            ctx.Output(i, b.Op(BuiltinOperator.Slice, [x, b.Int32s(ctx.Name("begin"), begin), b.Int32s(ctx.Name("size"), size)], type, null, ctx.Name($"split{i}")));
            offset += sizes[i];
        }
    }

    private static void Slice(LoweringContext ctx)
    {
        var node = ctx.Node;
        int x = ctx.Required(0);
        var d = ctx.Dims(x);
        int rank = d.Length;
        long[] starts, ends;
        long[]? axes, steps = null;
        if (node.Opset < 10)
        {
            starts = node.Ints("starts") ?? [];
            ends = node.Ints("ends") ?? [];
            axes = node.Ints("axes");
        }
        else
        {
            starts = ctx.ConstInts(1, "starts");
            ends = ctx.ConstInts(2, "ends");
            axes = node.HasInput(3) ? ctx.ConstInts(3, "axes") : null;
            steps = node.HasInput(4) ? ctx.ConstInts(4, "steps") : null;
        }
        axes ??= Enumerable.Range(0, starts.Length).Select(i => (long)i).ToArray();
        steps ??= Enumerable.Repeat(1L, starts.Length).ToArray();
        var begin = new int[rank];
        var end = d.Select(v => v).ToArray();
        var stride = Enumerable.Repeat(1, rank).ToArray();
        int beginMask = 0, endMask = 0;
        for (int i = 0; i < rank; i++) { beginMask |= 1 << i; endMask |= 1 << i; }
        bool unitSteps = true;
        for (int i = 0; i < axes.Length; i++)
        {
            int a = ctx.Axis(axes[i], rank);
            long s = steps[i];
            if (s == 0) throw node.Error(ErrorCodes.InvalidGraph, "slice step 0");
            long dim = d[a];
            long st = starts[i], en = ends[i];
            if (dim < 0)
            {
                // Unknown size: only whole-dim slices and non-negative bounds are representable.
                if (s != 1 || st < 0 || en < 0) throw node.Error(ErrorCodes.DynamicShape, $"Slice of dynamic dim {a} needs known sizes; fix the input shapes");
                begin[a] = (int)Math.Min(st, int.MaxValue);
                beginMask &= ~(1 << a);
                if (en < int.MaxValue) { end[a] = (int)en; endMask &= ~(1 << a); }
                continue;
            }
            if (st < 0) st += dim;
            if (en < 0) en += dim;
            if (s > 0)
            {
                st = Math.Clamp(st, 0, dim);
                en = Math.Clamp(en, 0, dim);
            }
            else
            {
                st = Math.Clamp(st, 0, dim - 1);
                en = Math.Clamp(en, -1, dim - 1);
                unitSteps = false;
            }
            if (s != 1) unitSteps = false;
            begin[a] = (int)st;
            end[a] = (int)en;
            stride[a] = checked((int)s);
            beginMask &= ~(1 << a);
            if (s < 0 && en < 0) { end[a] = 0; } // runs down to index 0 inclusive: use the end mask
            else endMask &= ~(1 << a);
        }
        var b = ctx.B;
        var type = ctx.Type(x);
        if (unitSteps && Shapes.IsKnown(d))
        {
            var size = new int[rank];
            for (int i = 0; i < rank; i++)
            {
                int bb = (beginMask >> i & 1) != 0 ? 0 : begin[i];
                int ee = (endMask >> i & 1) != 0 ? d[i] : end[i];
                begin[i] = bb;
                size[i] = Math.Max(0, ee - bb);
            }
            if (begin.All(v => v == 0) && size.SequenceEqual(d)) { ctx.Output(0, x); return; }
            ctx.Output(0, b.Op(BuiltinOperator.Slice, [x, b.Int32s(ctx.Name("begin"), begin), b.Int32s(ctx.Name("size"), size)], type, null, ctx.Name("slice")));
            return;
        }
        for (int i = 0; i < rank; i++)
            if ((beginMask >> i & 1) != 0) begin[i] = 0;
        for (int i = 0; i < rank; i++)
            if ((endMask >> i & 1) != 0) end[i] = 0;
        var o = IrBuilder.Options(BuiltinOptionsType.StridedSliceOptions, ("begin_mask", beginMask), ("end_mask", endMask));
        ctx.Output(0, b.Op(BuiltinOperator.StridedSlice,
            [x, b.Int32s(ctx.Name("begin"), begin), b.Int32s(ctx.Name("end"), end), b.Int32s(ctx.Name("strides"), stride)], type, o, ctx.Name("strided_slice")));
    }

    private static void Expand(LoweringContext ctx)
    {
        int x = ctx.Required(0);
        var shape = ctx.ConstInts(1, "the shape").Select(v => checked((int)v)).ToArray();
        var d = ctx.Dims(x);
        var target = Shapes.Broadcast(d, shape) ?? throw ctx.Node.Error(ErrorCodes.InvalidGraph, $"{Shapes.Format(d)} does not broadcast to {Shapes.Format(shape)}");
        if (!Shapes.IsKnown(target)) throw ctx.Node.Error(ErrorCodes.DynamicShape, "Expand to a dynamic shape");
        if (target.SequenceEqual(d)) { ctx.Output(0, x); return; }
        ctx.Output(0, ctx.B.Op(BuiltinOperator.BroadcastTo, [x, ctx.B.Int32s(ctx.Name("shape"), target)], ctx.Type(x), null, ctx.Name("expand")));
    }

    private static void Tile(LoweringContext ctx)
    {
        int x = ctx.Required(0);
        var reps = ctx.ConstInts(1, "repeats");
        if (reps.All(r => r == 1)) { ctx.Output(0, x); return; }
        ctx.Output(0, ctx.B.Op(BuiltinOperator.Tile, [x, ctx.B.Int32s(ctx.Name("multiples"), reps)], ctx.Type(x), null, ctx.Name("tile")));
    }

    private static void Pad(LoweringContext ctx)
    {
        var node = ctx.Node;
        int x = ctx.Required(0);
        int rank = ctx.Rank(x);
        long[] pads;
        double value = 0;
        int valueTensor = -1;
        string mode = node.String("mode", "constant");
        if (node.Opset < 11)
        {
            pads = node.Ints(node.Opset < 2 ? "paddings" : "pads") ?? [];
            value = node.Float("value", 0);
        }
        else
        {
            pads = ctx.ConstInts(1, "pads");
            if (node.HasInput(2))
            {
                int v = ctx.Input(2);
                if (ctx.IsConst(v)) value = ctx.B.Values(v) is { Length: > 0 } vv ? vv[0] : 0;
                else valueTensor = v;
            }
            if (node.HasInput(3))
            {
                var axes = ctx.ConstInts(3, "axes");
                var full = new long[2 * rank];
                for (int i = 0; i < axes.Length; i++)
                {
                    int a = ctx.Axis(axes[i], rank);
                    full[a] = pads[i];
                    full[a + rank] = pads[i + axes.Length];
                }
                pads = full;
            }
        }
        if (pads.Length != 2 * rank) throw node.Error(ErrorCodes.InvalidGraph, $"pads has {pads.Length} values for rank {rank}");
        var b = ctx.B;
        var type = ctx.Type(x);
        // Negative pads crop.
        if (pads.Any(p => p < 0))
        {
            var d = ctx.KnownDims(x, "the input");
            var begin = new int[rank];
            var size = new int[rank];
            for (int i = 0; i < rank; i++)
            {
                begin[i] = (int)Math.Max(0, -pads[i]);
                size[i] = d[i] - begin[i] - (int)Math.Max(0, -pads[i + rank]);
            }
            x = b.Op(BuiltinOperator.Slice, [x, b.Int32s(ctx.Name("begin"), begin), b.Int32s(ctx.Name("size"), size)], type, null, ctx.Name("crop"));
            pads = pads.Select(p => Math.Max(0, p)).ToArray();
        }
        if (pads.All(p => p == 0)) { ctx.Output(0, x); return; }
        if (mode == "constant")
        {
            var p = new double[2 * rank];
            for (int i = 0; i < rank; i++) { p[2 * i] = pads[i]; p[2 * i + 1] = pads[i + rank]; }
            int paddings = b.Const(ctx.Name("paddings"), TensorType.Int32, [rank, 2], p);
            int result;
            if (valueTensor >= 0)
                result = b.Op(BuiltinOperator.Padv2, [x, paddings, b.Reshape(valueTensor, [], ctx.Name("value"))], type, null, ctx.Name("pad"));
            else if (value == 0)
                result = b.Op(BuiltinOperator.Pad, [x, paddings], type, null, ctx.Name("pad"));
            else
                result = b.Op(BuiltinOperator.Padv2, [x, paddings, b.Scalar(ctx.Name("value"), type, value)], type, null, ctx.Name("pad"));
            ctx.Output(0, result);
            return;
        }
        if (mode is not ("reflect" or "edge")) throw node.Unsupported($"Pad mode '{mode}' is not supported");
        // reflect / edge: one GATHER per padded axis with the source index of every output position.
        var dims = ctx.KnownDims(x, "the input");
        for (int a = 0; a < rank; a++)
        {
            long before = pads[a], after = pads[a + rank];
            if (before == 0 && after == 0) continue;
            int n = dims[a];
            var idx = new double[n + before + after];
            for (int o = 0; o < idx.Length; o++)
            {
                long i = o - before;
                if (mode == "edge") i = Math.Clamp(i, 0, n - 1);
                else
                {
                    if (n == 1) i = 0;
                    else
                    {
                        long period = 2 * (n - 1);
                        i = ((i % period) + period) % period;
                        if (i >= n) i = period - i;
                    }
                }
                idx[o] = i;
            }
            int indices = b.Const(ctx.Name("pad_index"), TensorType.Int32, [idx.Length], idx);
            x = b.Op(BuiltinOperator.Gather, [x, indices], type, IrBuilder.Options(BuiltinOptionsType.GatherOptions, ("axis", a)), ctx.Name($"pad_{mode}"));
        }
        ctx.Output(0, x);
    }

    private static void DepthToSpace(LoweringContext ctx)
    {
        var node = ctx.Node;
        int x = ctx.Required(0);
        int bs = node.Int32("blocksize", 0);
        string mode = node.String("mode", "DCR");
        var b = ctx.B;
        if (mode == "DCR")
        {
            int y = b.Op(BuiltinOperator.DepthToSpace, [Layout.Nhwc(ctx, x)], ctx.Type(x),
                IrBuilder.Options(BuiltinOptionsType.DepthToSpaceOptions, ("block_size", bs)), ctx.Name("depth_to_space"));
            ctx.Output(0, Layout.Nchw(ctx, y));
            return;
        }
        var d = ctx.KnownDims(x, "the input");
        int n = d[0], c = d[1], h = d[2], w = d[3];
        int t = b.Reshape(x, [n, c / (bs * bs), bs, bs, h, w], ctx.Name("crd"));
        t = b.Transpose(t, [0, 1, 4, 2, 5, 3], ctx.Name("crd_t"));
        ctx.Output(0, b.Reshape(t, [n, c / (bs * bs), h * bs, w * bs], ctx.Name("depth_to_space")));
    }

    private static void SpaceToDepth(LoweringContext ctx)
    {
        int x = ctx.Required(0);
        int bs = ctx.Node.Int32("blocksize", 0);
        int y = ctx.B.Op(BuiltinOperator.SpaceToDepth, [Layout.Nhwc(ctx, x)], ctx.Type(x),
            IrBuilder.Options(BuiltinOptionsType.SpaceToDepthOptions, ("block_size", bs)), ctx.Name("space_to_depth"));
        ctx.Output(0, Layout.Nchw(ctx, y));
    }

    private static void Constant(LoweringContext ctx)
    {
        var node = ctx.Node;
        var b = ctx.B;
        string outName = node.Proto.Outputs[0];
        if (node.Tensor("value") is { } t)
        {
            var v = OnnxTensors.Decode(t, Path.GetDirectoryName(ctx.File ?? "."), ctx.File);
            ctx.Output(0, b.ConstRaw(outName, v.Type, v.Shape, v.Data));
        }
        else if (node.Has("value_float")) ctx.Output(0, b.Const(outName, TensorType.Float32, [], [node.Float("value_float", 0)]));
        else if (node.Floats("value_floats") is { } fs) ctx.Output(0, b.Const(outName, TensorType.Float32, [fs.Length], fs.Select(f => (double)f).ToArray()));
        else if (node.Has("value_int")) ctx.Output(0, b.Const(outName, TensorType.Int64, [], [node.Int("value_int", 0)]));
        else if (node.Ints("value_ints") is { } ints) ctx.Output(0, b.Const(outName, TensorType.Int64, [ints.Length], ints.Select(i => (double)i).ToArray()));
        else if (node.Has("sparse_value")) throw node.Error(ErrorCodes.UnsupportedDataType, "sparse constants are not supported");
        else if (node.Has("value_string") || node.Has("value_strings")) throw node.Error(ErrorCodes.UnsupportedDataType, "string constants are not supported");
        else throw node.Error(ErrorCodes.InvalidGraph, "Constant has no value");
    }

    private static void ConstantOfShape(LoweringContext ctx)
    {
        var node = ctx.Node;
        var shape = ctx.ConstInts(0, "the shape").Select(v => checked((int)v)).ToArray();
        TensorType type = TensorType.Float32;
        double value = 0;
        if (node.Tensor("value") is { } t)
        {
            var v = OnnxTensors.Decode(t, null, ctx.File);
            type = v.Type;
            value = TensorData.Decode(type, v.Data.Span, v.Shape, null) is { Length: > 0 } vals ? vals[0] : 0;
        }
        ctx.Output(0, ctx.B.Filled(ctx.Name("constant"), type, shape, value));
    }

    private static void Range(LoweringContext ctx)
    {
        int start = ctx.Required(0);
        var type = ctx.Type(start);
        double s = ctx.ConstValues(0, "start")[0], limit = ctx.ConstValues(1, "limit")[0], delta = ctx.ConstValues(2, "delta")[0];
        long n = Math.Max((long)Math.Ceiling((limit - s) / delta), 0);
        var values = new double[n];
        for (long i = 0; i < n; i++) values[i] = s + i * delta;
        ctx.Output(0, ctx.B.Const(ctx.Name("range"), type, [(int)n], values));
    }

    private static void EyeLike(LoweringContext ctx)
    {
        var node = ctx.Node;
        int x = ctx.Required(0);
        var d = ctx.KnownDims(x, "the input");
        if (d.Length != 2) throw node.Error(ErrorCodes.InvalidGraph, "EyeLike needs a 2-D input");
        var type = node.Has("dtype") ? OnnxDataType.ToTensorType(node.Int32("dtype", 1)) ?? TensorType.Float32 : ctx.Type(x);
        long k = node.Int("k", 0);
        var v = new double[d[0] * d[1]];
        for (int i = 0; i < d[0]; i++)
        {
            long j = i + k;
            if (j >= 0 && j < d[1]) v[i * d[1] + j] = 1;
        }
        ctx.Output(0, ctx.B.Const(ctx.Name("eye"), type, d, v));
    }

    private static void Trilu(LoweringContext ctx)
    {
        var node = ctx.Node;
        int x = ctx.Required(0);
        var d = ctx.KnownDims(x, "the input");
        bool upper = node.Int("upper", 1) != 0;
        int rows = d[^2], cols = d[^1];
        var b = ctx.B;
        int m;
        if (node.HasInput(1) && !ctx.IsConst(ctx.Input(1)))
        {
            // A run-time k: compare the constant (column − row) matrix with it.
            var diff = new double[rows * cols];
            for (int i = 0; i < rows; i++)
                for (int j = 0; j < cols; j++) diff[i * cols + j] = j - i;
            int kt = b.Reshape(ctx.CastTo(ctx.Input(1), TensorType.Int64), [], ctx.Name("k"));
            m = b.Op(upper ? BuiltinOperator.GreaterEqual : BuiltinOperator.LessEqual,
                [b.Const(ctx.Name("diagonal_offset"), TensorType.Int64, [rows, cols], diff), kt], TensorType.Bool, null, ctx.Name("mask"));
        }
        else
        {
            long k = node.HasInput(1) ? ctx.ConstInts(1, "k")[0] : 0;
            var mask = new double[rows * cols];
            for (int i = 0; i < rows; i++)
                for (int j = 0; j < cols; j++)
                    mask[i * cols + j] = (upper ? j - i >= k : j - i <= k) ? 1 : 0;
            m = b.Const(ctx.Name("mask"), TensorType.Bool, [rows, cols], mask);
        }
        var type = ctx.Type(x);
        ctx.Output(0, b.Op(BuiltinOperator.SelectV2, [m, x, b.Scalar(ctx.Name("zero"), type, 0)], type, null, ctx.Name("trilu")));
    }
}
