using LiteRt.Format.Schema;
using static LiteRt.Graph.Catalog.DataMovementHelpers;

namespace LiteRt.Graph.Catalog;

/// <summary>
/// Data-movement additions: REDUCE_MIN, REDUCE_PROD, ARG_MIN, TILE, BROADCAST_TO, GATHER_ND, SCATTER_ND, REVERSE_V2,
/// SPACE_TO_DEPTH, DEPTH_TO_SPACE, CUMSUM, TOPK_V2, ONE_HOT.
/// </summary>
public static class ExtraDataOps
{
    internal static void Register(Action<OpDefinition> add)
    {
        add(Reduction(BuiltinOperator.ReduceMin, "Minimum over the axes (negative and duplicate axes allowed); keep_dims keeps them as size 1."));
        add(Reduction(BuiltinOperator.ReduceProd, "Product over the axes (negative and duplicate axes allowed); keep_dims keeps them as size 1."));
        add(new OpDefinition
        {
            Op = BuiltinOperator.ArgMin,
            Summary = "Index (int32 or int64, per output_type) of the first smallest element along the constant axis, which is removed.",
            Inputs = ["input", "axis"],
            OptionsType = BuiltinOptionsType.ArgMinOptions,
            InferShapes = ctx => DataMovementOps.ArgReduceShape(ctx, "ARG_MIN"),
            Reference = ctx => DataMovementOps.ArgReduceReference(ctx, largest: false),
        });
        add(new OpDefinition
        {
            Op = BuiltinOperator.Tile,
            Summary = "Repeats the input multiples[i] times along each dim i (multiples: constant int32/int64, one per dim).",
            Inputs = ["input", "multiples"],
            OptionsType = BuiltinOptionsType.TileOptions,
            InferShapes = TileShape,
            Reference = ctx => IndexMapReference(ctx, TileMap(ctx.Input(0).Shape, ctx.Output(0).Shape)),
        });
        add(new OpDefinition
        {
            Op = BuiltinOperator.BroadcastTo,
            Summary = "Broadcasts the input to the constant shape (NumPy rules: size-1 and missing leading dims are repeated).",
            Inputs = ["input", "shape"],
            OptionsType = BuiltinOptionsType.BroadcastToOptions,
            InferShapes = BroadcastToShape,
            Reference = ctx => IndexMapReference(ctx, BroadcastMap(ctx.Input(0).Shape, ctx.Output(0).Shape)),
        });
        add(new OpDefinition
        {
            Op = BuiltinOperator.GatherNd,
            Summary = "output[i…] = params[indices[i…, :]]: the last dim of indices (K) indexes params' first K dims; the rest are copied.",
            Inputs = ["params", "indices"],
            OptionsType = BuiltinOptionsType.GatherNdOptions,
            InferShapes = GatherNdShape,
            Reference = GatherNdReference,
        });
        add(new OpDefinition
        {
            Op = BuiltinOperator.ScatterNd,
            Summary = "A zero tensor of the constant shape with updates added at indices (last dim K indexes the first K dims; duplicates sum).",
            Inputs = ["indices", "updates", "shape"],
            OptionsType = BuiltinOptionsType.ScatterNdOptions,
            InferShapes = ScatterNdShape,
            Reference = ScatterNdReference,
        });
        add(new OpDefinition
        {
            Op = BuiltinOperator.ReverseV2,
            Summary = "Reverses the order of elements along the constant axes.",
            Inputs = ["input", "axis"],
            OptionsType = BuiltinOptionsType.ReverseV2Options,
            InferShapes = ctx =>
            {
                var input = ctx.InputShape(0);
                foreach (int a in ConstantInt32s(ctx, 1, "axis")) NormalizeAxis(ctx, a, input.Length);
                ctx.SetOutputShape(0, (int[])input.Clone());
            },
            Reference = ctx => IndexMapReference(ctx, ReverseMap(ctx.Input(0).Shape, Ints(ctx.Input(1)))),
        });
        add(new OpDefinition
        {
            Op = BuiltinOperator.SpaceToDepth,
            Summary = "NHWC: moves block_size × block_size spatial blocks into channels: out[b, h, w, (i·bs + j)·C + c] = in[b, h·bs + i, w·bs + j, c].",
            Inputs = ["input"],
            OptionsType = BuiltinOptionsType.SpaceToDepthOptions,
            InferShapes = SpaceToDepthShape,
            Reference = ctx => IndexMapReference(ctx, SpaceToDepthMap(ctx.Input(0).Shape, ctx.Op.IntAttr("block_size"))),
        });
        add(new OpDefinition
        {
            Op = BuiltinOperator.DepthToSpace,
            Summary = "NHWC: the inverse of SPACE_TO_DEPTH: out[b, h·bs + i, w·bs + j, c] = in[b, h, w, (i·bs + j)·C + c].",
            Inputs = ["input"],
            OptionsType = BuiltinOptionsType.DepthToSpaceOptions,
            InferShapes = DepthToSpaceShape,
            Reference = ctx => IndexMapReference(ctx, DepthToSpaceMap(ctx.Output(0).Shape, ctx.Op.IntAttr("block_size"))),
        });
        add(new OpDefinition
        {
            Op = BuiltinOperator.Cumsum,
            Summary = "Cumulative sum along the constant axis; exclusive starts from 0, reverse sums from the end.",
            Inputs = ["input", "axis"],
            OptionsType = BuiltinOptionsType.CumsumOptions,
            InferShapes = ctx =>
            {
                var input = ctx.InputShape(0);
                NormalizeAxis(ctx, ConstantScalarAxis(ctx, 1, "axis"), input.Length);
                ctx.SetOutputShape(0, (int[])input.Clone());
            },
            Reference = CumsumReference,
        });
        add(new OpDefinition
        {
            Op = BuiltinOperator.TopkV2,
            Summary = "The k largest elements along the last axis, largest first (ties: lower index first), and their int32 indices.",
            Inputs = ["input", "k"],
            Outputs = ["values", "indices"],
            OptionsType = BuiltinOptionsType.TopKV2Options,
            InferShapes = TopKShape,
            Reference = TopKReference,
        });
        add(new OpDefinition
        {
            Op = BuiltinOperator.OneHot,
            Summary = "out has a new axis of size depth: on_value where the index equals the position, off_value elsewhere (out-of-range indices: all off).",
            Inputs = ["indices", "depth", "on_value", "off_value"],
            OptionsType = BuiltinOptionsType.OneHotOptions,
            InferShapes = OneHotShape,
            Reference = OneHotReference,
        });
    }

    // ---- reductions ----

    private static OpDefinition Reduction(BuiltinOperator op, string summary) => new()
    {
        Op = op,
        Summary = summary,
        Inputs = ["input", "axis"],
        OptionsType = BuiltinOptionsType.ReducerOptions,
        InferShapes = ctx =>
        {
            var input = ctx.InputShape(0);
            ctx.Require(ctx.InputRank(1) <= 1, "axis must be a scalar or a vector");
            bool[] mask;
            try
            {
                mask = ReductionAxes.Mask(ConstantInt32s(ctx, 1, "axis"), input.Length);
            }
            catch (ArgumentException e)
            {
                throw ctx.Error(e.Message);
            }
            ctx.SetOutputShape(0, ReductionAxes.OutputShape(input, mask, ctx.Op.BoolAttr("keep_dims")));
        },
        Reference = ctx =>
        {
            bool min = ctx.Op.Op == BuiltinOperator.ReduceMin;
            Reduce(ctx, min ? double.PositiveInfinity : 1, min ? Math.Min : static (a, b) => a * b);
        },
    };

    /// <summary>Folds <paramref name="f"/> over the reduced axes (the output starts at <paramref name="init"/>).</summary>
    public static void Reduce(ReferenceContext ctx, double init, Func<double, double, double> f)
    {
        var x = ctx.Input(0);
        var y = ctx.Output(0);
        var mask = ReductionAxes.Mask(Ints(ctx.Input(1)), x.Rank);
        var outStride = new long[x.Rank];
        long acc = 1;
        for (int i = x.Rank - 1; i >= 0; i--)
        {
            if (mask[i]) continue;
            outStride[i] = acc;
            acc *= x.Shape[i];
        }
        y.Data.AsSpan().Fill(init);
        var index = new int[x.Rank];
        for (int s = 0; s < x.Length; s++)
        {
            long o = 0;
            for (int i = 0; i < x.Rank; i++) o += index[i] * outStride[i];
            y.Data[o] = f(y.Data[o], x.Data[s]);
            for (int i = x.Rank - 1; i >= 0; i--)
            {
                if (++index[i] < x.Shape[i]) break;
                index[i] = 0;
            }
        }
    }

    // ---- index maps: output element i copies input element map[i] ----

    private static void IndexMapReference(ReferenceContext ctx, long[] map)
    {
        var x = ctx.Input(0).Data;
        var y = ctx.Output(0).Data;
        for (int i = 0; i < y.Length; i++) y[i] = x[map[i]];
    }

    /// <summary>The source offset <paramref name="source"/> gives for every index of <paramref name="shape"/>, in row-major order.</summary>
    private static long[] MapOver(int[] shape, Func<int[], long> source)
    {
        long n = Shapes.ElementCount(shape);
        var map = new long[n];
        var index = new int[shape.Length];
        for (long o = 0; o < n; o++)
        {
            map[o] = source(index);
            for (int i = shape.Length - 1; i >= 0; i--)
            {
                if (++index[i] < shape[i]) break;
                index[i] = 0;
            }
        }
        return map;
    }

    public static long[] TileMap(int[] input, int[] output)
    {
        var strides = Shapes.Strides(input);
        return MapOver(output, idx =>
        {
            long s = 0;
            for (int i = 0; i < idx.Length; i++) s += idx[i] % input[i] * strides[i];
            return s;
        });
    }

    public static long[] BroadcastMap(int[] input, int[] output)
    {
        var strides = ElementwiseReference.BroadcastStrides(input, output);
        return MapOver(output, idx =>
        {
            long s = 0;
            for (int i = 0; i < idx.Length; i++) s += idx[i] * strides[i];
            return s;
        });
    }

    public static long[] ReverseMap(int[] shape, int[] axes)
    {
        var reverse = new bool[shape.Length];
        foreach (int a in axes) reverse[a < 0 ? a + shape.Length : a] = true;
        var strides = Shapes.Strides(shape);
        return MapOver(shape, idx =>
        {
            long s = 0;
            for (int i = 0; i < idx.Length; i++) s += (reverse[i] ? shape[i] - 1 - idx[i] : idx[i]) * strides[i];
            return s;
        });
    }

    /// <summary>SPACE_TO_DEPTH: output [b, h, w, (i·bs + j)·C + c] ← input [b, h·bs + i, w·bs + j, c].</summary>
    public static long[] SpaceToDepthMap(int[] input, int bs)
    {
        int c = input[3];
        int[] output = [input[0], input[1] / bs, input[2] / bs, c * bs * bs];
        var strides = Shapes.Strides(input);
        return MapOver(output, idx =>
        {
            int d = idx[3], i = d / c / bs, j = d / c % bs, ch = d % c;
            return idx[0] * strides[0] + (idx[1] * bs + i) * strides[1] + (idx[2] * bs + j) * strides[2] + ch;
        });
    }

    /// <summary>DEPTH_TO_SPACE: output [b, h·bs + i, w·bs + j, c] ← input [b, h, w, (i·bs + j)·C + c].</summary>
    public static long[] DepthToSpaceMap(int[] output, int bs)
    {
        int c = output[3];
        int[] input = [output[0], output[1] / bs, output[2] / bs, c * bs * bs];
        var strides = Shapes.Strides(input);
        return MapOver(output, idx =>
        {
            int h = idx[1] / bs, i = idx[1] % bs, w = idx[2] / bs, j = idx[2] % bs;
            return idx[0] * strides[0] + h * strides[1] + w * strides[2] + (i * bs + j) * c + idx[3];
        });
    }

    private static void TileShape(ShapeContext ctx)
    {
        var input = ctx.InputShape(0);
        var m = ConstantInt32s(ctx, 1, "multiples");
        ctx.Require(m.Length == input.Length, $"multiples has {m.Length} entries for an input of rank {input.Length}");
        var output = new int[input.Length];
        for (int i = 0; i < output.Length; i++)
        {
            ctx.Require(m[i] >= 0, $"multiples {Shapes.Format(m)} must be non-negative");
            output[i] = input[i] < 0 ? -1 : checked(input[i] * m[i]);
        }
        ctx.SetOutputShape(0, output);
    }

    private static void BroadcastToShape(ShapeContext ctx)
    {
        var input = ctx.InputShape(0);
        var shape = ConstantInt32s(ctx, 1, "shape");
        ctx.Require(shape.Length >= input.Length, $"cannot broadcast {Shapes.Format(input)} to the lower rank {Shapes.Format(shape)}");
        var b = Shapes.Broadcast(input, shape);
        ctx.Require(b is not null && b.AsSpan().SequenceEqual(shape) || input.Any(d => d < 0),
            $"{Shapes.Format(input)} does not broadcast to {Shapes.Format(shape)}");
        ctx.SetOutputShape(0, shape);
    }

    private static void SpaceToDepthShape(ShapeContext ctx)
    {
        var input = ctx.InputShape(0);
        int bs = ctx.Op.IntAttr("block_size");
        ctx.Require(input.Length == 4, $"input must be 4-D NHWC, got {Shapes.Format(input)}");
        ctx.Require(bs >= 1, $"block_size must be positive, got {bs}");
        ctx.Require((input[1] < 0 || input[1] % bs == 0) && (input[2] < 0 || input[2] % bs == 0),
            $"height and width of {Shapes.Format(input)} must be multiples of block_size {bs}");
        ctx.SetOutputShape(0, [input[0], input[1] < 0 ? -1 : input[1] / bs, input[2] < 0 ? -1 : input[2] / bs, input[3] < 0 ? -1 : input[3] * bs * bs]);
    }

    private static void DepthToSpaceShape(ShapeContext ctx)
    {
        var input = ctx.InputShape(0);
        int bs = ctx.Op.IntAttr("block_size");
        ctx.Require(input.Length == 4, $"input must be 4-D NHWC, got {Shapes.Format(input)}");
        ctx.Require(bs >= 1, $"block_size must be positive, got {bs}");
        ctx.Require(input[3] < 0 || input[3] % (bs * bs) == 0, $"channels of {Shapes.Format(input)} must be a multiple of block_size² = {bs * bs}");
        ctx.SetOutputShape(0, [input[0], input[1] < 0 ? -1 : input[1] * bs, input[2] < 0 ? -1 : input[2] * bs, input[3] < 0 ? -1 : input[3] / (bs * bs)]);
    }

    // ---- GATHER_ND / SCATTER_ND ----

    private static void GatherNdShape(ShapeContext ctx)
    {
        var p = ctx.InputShape(0);
        var idx = ctx.InputShape(1);
        ctx.Require(ctx.InputType(1) is TensorType.Int16 or TensorType.Int32 or TensorType.Int64, $"indices must be an integer tensor, not {ctx.InputType(1).Name()}");
        ctx.Require(idx.Length >= 1, "indices must have rank 1 or more");
        int k = idx[^1];
        ctx.Require(k >= 0 && k <= p.Length, $"the last dim of indices ({k}) must be at most the rank of params {Shapes.Format(p)}");
        ctx.SetOutputShape(0, [.. idx[..^1], .. p[k..]]);
    }

    private static void GatherNdReference(ReferenceContext ctx)
    {
        var p = ctx.Input(0);
        var idx = ctx.Input(1);
        var y = ctx.Output(0);
        int k = idx.Shape[^1];
        long rows = Product(idx.Shape, 0, idx.Rank - 1);
        long inner = Product(p.Shape, k, p.Rank);
        var strides = Shapes.Strides(p.Shape);
        for (long r = 0; r < rows; r++)
        {
            long src = 0;
            for (int j = 0; j < k; j++)
            {
                double v = idx.Data[r * k + j];
                if (v < 0 || v >= p.Shape[j]) throw new LiteRtModelException($"gather_nd index {v} is out of range [0, {p.Shape[j]})", ctx.Node);
                src += (long)v * strides[j];
            }
            p.Data.AsSpan((int)src, (int)inner).CopyTo(y.Data.AsSpan((int)(r * inner)));
        }
    }

    private static void ScatterNdShape(ShapeContext ctx)
    {
        var idx = ctx.InputShape(0);
        var upd = ctx.InputShape(1);
        var shape = ConstantInt32s(ctx, 2, "shape");
        ctx.Require(ctx.InputType(0) is TensorType.Int32 or TensorType.Int64, $"indices must be int32 or int64, not {ctx.InputType(0).Name()}");
        ctx.Require(idx.Length >= 1, "indices must have rank 1 or more");
        int k = idx[^1];
        ctx.Require(k >= 0 && k <= shape.Length, $"the last dim of indices ({k}) exceeds the rank of the shape {Shapes.Format(shape)}");
        int[] expected = [.. idx[..^1], .. shape[k..]];
        ctx.Require(upd.Length == expected.Length && upd.Zip(expected).All(z => Compatible(z.First, z.Second)),
            $"updates {Shapes.Format(upd)} must have shape {Shapes.Format(expected)}");
        ctx.SetOutputShape(0, shape);
    }

    private static void ScatterNdReference(ReferenceContext ctx)
    {
        var idx = ctx.Input(0);
        var upd = ctx.Input(1);
        var y = ctx.Output(0);
        int k = idx.Shape[^1];
        long rows = Product(idx.Shape, 0, idx.Rank - 1);
        long inner = Product(y.Shape, k, y.Rank);
        var strides = Shapes.Strides(y.Shape);
        y.Data.AsSpan().Clear();
        for (long r = 0; r < rows; r++)
        {
            long dst = 0;
            for (int j = 0; j < k; j++)
            {
                double v = idx.Data[r * k + j];
                if (v < 0 || v >= y.Shape[j]) throw new LiteRtModelException($"scatter_nd index {v} is out of range [0, {y.Shape[j]})", ctx.Node);
                dst += (long)v * strides[j];
            }
            for (long i = 0; i < inner; i++) y.Data[dst + i] += upd.Data[r * inner + i];
        }
    }

    // ---- CUMSUM, TOPK_V2, ONE_HOT ----

    private static void CumsumReference(ReferenceContext ctx)
    {
        var x = ctx.Input(0);
        var y = ctx.Output(0);
        int axis = (int)ctx.Input(1).Data[0];
        if (axis < 0) axis += x.Rank;
        bool exclusive = ctx.Op.BoolAttr("exclusive"), reverse = ctx.Op.BoolAttr("reverse");
        long outer = Product(x.Shape, 0, axis);
        int n = x.Shape[axis];
        long inner = Product(x.Shape, axis + 1, x.Rank);
        for (long o = 0; o < outer; o++)
            for (long i = 0; i < inner; i++)
            {
                double sum = 0;
                for (int s = 0; s < n; s++)
                {
                    int k = reverse ? n - 1 - s : s;
                    long at = (o * n + k) * inner + i;
                    if (exclusive)
                    {
                        y.Data[at] = sum;
                        sum += x.Data[at];
                    }
                    else
                    {
                        sum += x.Data[at];
                        y.Data[at] = sum;
                    }
                }
            }
    }

    private static void TopKShape(ShapeContext ctx)
    {
        var input = ctx.InputShape(0);
        ctx.Require(input.Length >= 1, "input must have rank 1 or more");
        int k = ConstantScalarAxis(ctx, 1, "k");
        ctx.Require(k >= 0 && (input[^1] < 0 || k <= input[^1]), $"k = {k} is out of range for the last dim of {Shapes.Format(input)}");
        int[] output = [.. input[..^1], k];
        ctx.SetOutputShape(0, output);
        ctx.SetOutputShape(1, (int[])output.Clone());
    }

    private static void TopKReference(ReferenceContext ctx)
    {
        var x = ctx.Input(0);
        int k = (int)ctx.Input(1).Data[0];
        int n = x.Shape[^1];
        long rows = n == 0 ? 0 : x.Length / n;
        var values = ctx.Output(0);
        var indices = ctx.Output(1);
        var order = new int[n];
        for (long r = 0; r < rows; r++)
        {
            for (int i = 0; i < n; i++) order[i] = i;
            long b = r * n;
            Array.Sort(order, (p, q) =>
            {
                int c = x.Data[b + q].CompareTo(x.Data[b + p]);
                return c != 0 ? c : p.CompareTo(q);
            });
            for (int i = 0; i < k; i++)
            {
                values.Data[r * k + i] = x.Data[b + order[i]];
                indices.Data[r * k + i] = order[i];
            }
        }
    }

    private static void OneHotShape(ShapeContext ctx)
    {
        var idx = ctx.InputShape(0);
        int depth = ConstantScalarAxis(ctx, 1, "depth");
        ctx.Require(depth >= 0, $"depth must be non-negative, got {depth}");
        int axis = ctx.Op.IntAttr("axis", -1);
        int a = axis < 0 ? idx.Length + 1 + axis : axis;
        ctx.Require(a >= 0 && a <= idx.Length, $"axis {axis} is out of range for indices of rank {idx.Length}");
        ctx.Require(ctx.InputType(2) == ctx.InputType(3), "on_value and off_value must have the same type");
        var output = new List<int>(idx);
        output.Insert(a, depth);
        ctx.SetOutputShape(0, [.. output]);
    }

    private static void OneHotReference(ReferenceContext ctx)
    {
        var idx = ctx.Input(0);
        int depth = (int)ctx.Input(1).Data[0];
        double on = ctx.Input(2).Data[0], off = ctx.Input(3).Data[0];
        var y = ctx.Output(0);
        int axis = ctx.Op.IntAttr("axis", -1);
        int a = axis < 0 ? idx.Rank + 1 + axis : axis;
        long outer = Product(idx.Shape, 0, a);
        long inner = Product(idx.Shape, a, idx.Rank);
        for (long o = 0; o < outer; o++)
            for (int d = 0; d < depth; d++)
                for (long i = 0; i < inner; i++)
                    y.Data[(o * depth + d) * inner + i] = idx.Data[o * inner + i] == d ? on : off;
    }
}
