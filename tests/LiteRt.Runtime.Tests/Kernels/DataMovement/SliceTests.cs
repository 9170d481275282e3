using LiteRt.Format.Schema;
using LiteRt.Graph;
using LiteRt.TestSupport;
using static LiteRt.Runtime.Tests.Kernels.DataMovement.Dm;

namespace LiteRt.Runtime.Tests.Kernels.DataMovement;

public class SliceTests
{
    [Theory]
    [MemberData(nameof(LayoutTypeData), MemberType = typeof(Dm))]
    public void Slice_random_begin_and_size(TensorType type)
    {
        var rng = new Random(81 + (int)type);
        var q = QuantFor(type);
        for (int trial = 0; trial < 5; trial++)
        {
            int rank = rng.Next(1, 5);
            var shape = RandomShape(rng, rank, 5);
            var begin = new int[rank];
            var size = new int[rank];
            for (int i = 0; i < rank; i++)
            {
                begin[i] = rng.Next(0, shape[i] + 1);
                size[i] = rng.Next(3) == 0 ? -1 : rng.Next(0, shape[i] - begin[i] + 1);
            }
            var indexType = trial % 2 == 0 ? TensorType.Int32 : TensorType.Int64;
            var g = new SingleOpModel(BuiltinOperator.Slice)
                .Input("x", type, shape, q)
                .Const("begin", indexType, [rank], Doubles(begin))
                .Const("size", indexType, [rank], Doubles(size))
                .Output("y", type, null, q).Build();
            Check(g, Values(rng, type, TestData.Count(shape), q));
        }
    }

    [Fact]
    public void Slice_rejects_out_of_range()
    {
        foreach (var (begin, size) in new[] { (new[] { 0, 2 }, new[] { 1, 2 }), (new[] { -1, 0 }, new[] { 1, 1 }), (new[] { 0, 0 }, new[] { 1, -2 }) })
        {
            var g = new SingleOpModel(BuiltinOperator.Slice)
                .Input("x", TensorType.Float32, [2, 3])
                .Const("begin", TensorType.Int32, [2], Doubles(begin))
                .Const("size", TensorType.Int32, [2], Doubles(size))
                .Output("y", TensorType.Float32).Build();
            Assert.Throws<LiteRtModelException>(() => OutputShape(g));
        }
    }

    private static ModelGraph StridedSlice(TensorType type, int[] shape, int[] begin, int[] end, int[] strides,
        int beginMask = 0, int endMask = 0, int ellipsisMask = 0, int newAxisMask = 0, int shrinkMask = 0, bool offset = false,
        QuantizationParams? q = null) =>
        new SingleOpModel(BuiltinOperator.StridedSlice, Options(BuiltinOptionsType.StridedSliceOptions,
                ("begin_mask", beginMask), ("end_mask", endMask), ("ellipsis_mask", ellipsisMask),
                ("new_axis_mask", newAxisMask), ("shrink_axis_mask", shrinkMask), ("offset", offset)))
            .Input("x", type, shape, q)
            .Const("begin", TensorType.Int32, [begin.Length], Doubles(begin))
            .Const("end", TensorType.Int32, [end.Length], Doubles(end))
            .Const("strides", TensorType.Int32, [strides.Length], Doubles(strides))
            .Output("y", type, null, q).Build();

    private static double[] Iota(int n) => Enumerable.Range(0, n).Select(i => (double)i).ToArray();

    /// <summary>Known answers (NumPy semantics) on x = arange(24).reshape(2, 3, 4) and arange(6).</summary>
    private sealed record Known(string Name, int[] Shape, int[] Begin, int[] End, int[] Strides, int BeginMask, int EndMask,
        int EllipsisMask, int NewAxisMask, int ShrinkMask, bool Offset, int[] ExpectedShape, double[] Expected);

    private static readonly Known[] KnownCases =
    [
        // name, shape, begin, end, strides, begin_mask, end_mask, ellipsis, new_axis, shrink, offset, expected shape, expected values
        new("x[..., 1]", [2, 3, 4], [0, 1], [0, 2], [1, 1], 0, 0, 1, 0, 2, false, [2, 3], [1, 5, 9, 13, 17, 21]),
        new("x[:, None, ::-1, 1:3]", [2, 3, 4], [0, 0, 0, 1], [0, 0, 0, 3], [1, 1, -1, 1], 0b0101, 0b0101, 0, 0b0010, 0, false, [2, 1, 3, 2],
            [9, 10, 5, 6, 1, 2, 21, 22, 17, 18, 13, 14]),
        new("offset x[1:+1, 0:+2, 1:+3]", [2, 3, 4], [1, 0, 1], [1, 2, 3], [1, 1, 1], 0, 0, 0, 0, 0, true, [1, 2, 3], [13, 14, 15, 17, 18, 19]),
        new("a[10:-10:-2]", [6], [10], [-10], [-2], 0, 0, 0, 0, 0, false, [3], [5, 3, 1]),
        new("x[-1]", [2, 3, 4], [-1], [0], [1], 0, 0, 0, 0, 1, false, [3, 4], [12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23]),
        new("x[1:, -2]  (fewer indices)", [2, 3, 4], [1, -2], [2, 0], [1, 1], 0, 0, 0, 0, 2, false, [1, 4], [16, 17, 18, 19]),
        new("a[4:1]  (empty)", [6], [4], [1], [1], 0, 0, 0, 0, 0, false, [0], []),
        new("x[None, ..., ::3]", [2, 3, 4], [0, 0, 0], [0, 0, 0], [1, 1, 3], 0, 0b100, 0b010, 0b001, 0, false, [1, 2, 3, 2],
            [0, 3, 4, 7, 8, 11, 12, 15, 16, 19, 20, 23]),
    ];

    [Fact]
    public void StridedSlice_known_answers()
    {
        foreach (var c in KnownCases)
        {
            var g = StridedSlice(TensorType.Float32, c.Shape, c.Begin, c.End, c.Strides, c.BeginMask, c.EndMask, c.EllipsisMask, c.NewAxisMask,
                c.ShrinkMask, c.Offset);
            var x = Iota((int)TestData.Count(c.Shape));
            Assert.True(c.ExpectedShape.AsSpan().SequenceEqual(OutputShape(g)), $"{c.Name}: shape {Shapes.Format(OutputShape(g))}");
            Assert.True(c.Expected.AsSpan().SequenceEqual(RunOnly(g, x)), $"{c.Name}: got [{string.Join(",", RunOnly(g, x))}]");
            Check(g, x);
        }
    }

    [Theory]
    [MemberData(nameof(LayoutTypeData), MemberType = typeof(Dm))]
    public void StridedSlice_random_masks_strides_and_negative_indices(TensorType type)
    {
        var rng = new Random(91 + (int)type);
        var q = QuantFor(type);
        for (int trial = 0; trial < 12; trial++)
        {
            int rank = rng.Next(1, 5);
            var shape = RandomShape(rng, rank, 6, 0);
            int count = rng.Next(1, rank + 1);
            var begin = new int[count];
            var end = new int[count];
            var strides = new int[count];
            int shrink = 0;
            for (int i = 0; i < count; i++)
            {
                int d = shape[i];
                begin[i] = rng.Next(-d - 2, d + 3);
                end[i] = rng.Next(-d - 2, d + 3);
                do strides[i] = rng.Next(-3, 4); while (strides[i] == 0);
                if (d > 0 && rng.Next(5) == 0)
                {
                    shrink |= 1 << i;
                    begin[i] = rng.Next(-d, d);
                }
            }
            int beginMask = rng.Next(1 << count), endMask = rng.Next(1 << count);
            var g = StridedSlice(type, shape, begin, end, strides, beginMask & ~shrink, endMask, shrinkMask: shrink, q: q);
            Check(g, Values(rng, type, TestData.Count(shape), q));
        }
    }

    [Fact]
    public void StridedSlice_rejects_zero_stride_and_bad_shrink()
    {
        Assert.Throws<LiteRtModelException>(() => OutputShape(StridedSlice(TensorType.Float32, [4], [0], [4], [0])));
        Assert.Throws<LiteRtModelException>(() => OutputShape(StridedSlice(TensorType.Float32, [4], [4], [5], [1], shrinkMask: 1)));
    }
}
