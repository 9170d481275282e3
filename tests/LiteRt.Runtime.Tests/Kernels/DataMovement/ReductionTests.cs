using LiteRt.Format.Schema;
using LiteRt.Graph;
using LiteRt.TestSupport;
using static LiteRt.Runtime.Tests.Kernels.DataMovement.Dm;

namespace LiteRt.Runtime.Tests.Kernels.DataMovement;

public class ReductionTests
{
    private static ModelGraph Reduce(BuiltinOperator op, TensorType type, int[] shape, int[] axes, bool keepDims,
        QuantizationParams? qi = null, QuantizationParams? qo = null, bool scalarAxis = false) =>
        new SingleOpModel(op, Options(BuiltinOptionsType.ReducerOptions, ("keep_dims", keepDims)))
            .Input("x", type, shape, qi)
            .Const("axis", TensorType.Int32, scalarAxis ? [] : [axes.Length], Doubles(axes))
            .Output("y", type, null, qo).Build();

    public static TheoryData<BuiltinOperator, TensorType> Variants()
    {
        var d = new TheoryData<BuiltinOperator, TensorType>();
        foreach (var op in new[] { BuiltinOperator.Mean, BuiltinOperator.Sum, BuiltinOperator.ReduceMax })
            foreach (var t in new[] { TensorType.Float32, TensorType.Int32, TensorType.Uint8, TensorType.Int8 })
                d.Add(op, t);
        return d;
    }

    private static (QuantizationParams? In, QuantizationParams? Out) Quant(BuiltinOperator op, TensorType t, int trial)
    {
        if (t is not (TensorType.Uint8 or TensorType.Int8)) return (null, null);
        long zp = t == TensorType.Uint8 ? 128 : 0;
        var qi = QuantizationParams.PerTensor(0.05f, zp + 3);
        // Sums need a wider output range; otherwise alternate between equal and different output quantization.
        if (op == BuiltinOperator.Sum) return (qi, QuantizationParams.PerTensor(0.5f, zp - 7));
        return (qi, trial % 2 == 0 ? qi : QuantizationParams.PerTensor(0.04f, zp - 9));
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void Random_shapes_with_negative_and_duplicate_axes(BuiltinOperator op, TensorType type)
    {
        var rng = new Random(141 + (int)op * 7 + (int)type);
        for (int trial = 0; trial < 6; trial++)
        {
            int rank = rng.Next(1, 5);
            var shape = RandomShape(rng, rank, 5);
            int count = rng.Next(1, rank + 2);
            var axes = new int[count];
            for (int i = 0; i < count; i++) axes[i] = rng.Next(-rank, rank);
            var (qi, qo) = Quant(op, type, trial);
            var values = type == TensorType.Int32 ? TestData.Integers(rng, TestData.Count(shape), -1000, 1000) : Values(rng, type, TestData.Count(shape), qi);
            Check(Reduce(op, type, shape, axes, trial % 2 == 0, qi, qo), values);
        }
    }

    [Fact]
    public void Global_average_pool_mean_keeps_dims()
    {
        var rng = new Random(150);
        var g = Reduce(BuiltinOperator.Mean, TensorType.Float32, [2, 7, 7, 64], [1, 2], true);
        Check(g, TestData.Uniform(rng, 2 * 49 * 64));
        Assert.Equal([2, 1, 1, 64], OutputShape(g));

        var q = QuantizationParams.PerTensor(0.02f, -128);
        var gq = Reduce(BuiltinOperator.Mean, TensorType.Int8, [1, 5, 5, 16], [1, 2], false, q, QuantizationParams.PerTensor(0.01f, -100));
        Check(gq, Values(rng, TensorType.Int8, 400, q));
    }

    [Fact]
    public void Scalar_axis_empty_axis_list_and_all_axes()
    {
        var rng = new Random(151);
        Check(Reduce(BuiltinOperator.Sum, TensorType.Float32, [3, 4], [-1], false, scalarAxis: true), TestData.Uniform(rng, 12));
        var none = Reduce(BuiltinOperator.Mean, TensorType.Float32, [3, 4], [], false);
        Check(none, TestData.Uniform(rng, 12));
        Assert.Equal([3, 4], OutputShape(none));
        var all = Reduce(BuiltinOperator.ReduceMax, TensorType.Float32, [3, 4, 2], [0, 1, 2], false);
        Check(all, TestData.Uniform(rng, 24));
        Assert.Empty(OutputShape(all));
    }

    [Fact]
    public void Reducing_an_empty_dim()
    {
        Assert.Equal([0.0, 0.0], RunOnly(Reduce(BuiltinOperator.Sum, TensorType.Float32, [2, 0], [1], false), Array.Empty<double>()));
        Assert.All(RunOnly(Reduce(BuiltinOperator.Mean, TensorType.Float32, [2, 0], [1], false), Array.Empty<double>()), v => Assert.True(double.IsNaN(v)));
        Assert.Equal([float.MinValue, float.MinValue], RunOnly(Reduce(BuiltinOperator.ReduceMax, TensorType.Float32, [2, 0], [1], false), Array.Empty<double>()));
        Check(Reduce(BuiltinOperator.Sum, TensorType.Float32, [2, 0], [1], true), Array.Empty<double>());
        Check(Reduce(BuiltinOperator.ReduceMax, TensorType.Int32, [0, 3], [0], true), Array.Empty<double>());
        Check(Reduce(BuiltinOperator.Mean, TensorType.Float32, [0, 3], [1], false), Array.Empty<double>());
    }

    [Fact]
    public void Integer_mean_truncates_and_bad_axis_is_rejected()
    {
        var y = Check(Reduce(BuiltinOperator.Mean, TensorType.Int32, [2, 3], [1], false), Doubles(1, 2, 2, -1, -2, -2))["y"];
        Assert.Equal([1.0, -1.0], y);
        Assert.Throws<LiteRtModelException>(() => OutputShape(Reduce(BuiltinOperator.Sum, TensorType.Float32, [2, 3], [2], false)));
    }

    public static TheoryData<TensorType, TensorType> ArgMaxVariants()
    {
        var d = new TheoryData<TensorType, TensorType>();
        foreach (var t in new[] { TensorType.Float32, TensorType.Uint8, TensorType.Int8, TensorType.Int32 })
            foreach (var o in new[] { TensorType.Int32, TensorType.Int64 })
                d.Add(t, o);
        return d;
    }

    [Theory]
    [MemberData(nameof(ArgMaxVariants))]
    public void ArgMax_random_axes_with_ties(TensorType type, TensorType outputType)
    {
        var rng = new Random(161 + (int)type * 3 + (int)outputType);
        var q = QuantFor(type);
        for (int trial = 0; trial < 5; trial++)
        {
            int rank = rng.Next(1, 5);
            var shape = RandomShape(rng, rank, 5);
            int axis = rng.Next(-rank, rank);
            // Few distinct values, so ties are common (the first index wins).
            var values = TestData.Integers(rng, TestData.Count(shape), -3, 4).Select(v => q is null ? v : v * q.ScaleAt(0)).ToArray();
            var g = new SingleOpModel(BuiltinOperator.ArgMax, Options(BuiltinOptionsType.ArgMaxOptions, ("output_type", outputType)))
                .Input("x", type, shape, q)
                .Const("axis", trial % 2 == 0 ? TensorType.Int32 : TensorType.Int64, [1], [axis])
                .Output("y", outputType).Build();
            Check(g, values);
        }
    }

    [Fact]
    public void ArgMax_first_of_equal_maxima()
    {
        var g = new SingleOpModel(BuiltinOperator.ArgMax, Options(BuiltinOptionsType.ArgMaxOptions, ("output_type", TensorType.Int32)))
            .Input("x", TensorType.Float32, [2, 4])
            .Const("axis", TensorType.Int32, [], [-1])
            .Output("y", TensorType.Int32).Build();
        Assert.Equal([1.0, 0.0], RunOnly(g, [1, 5, 5, 2, 7, 7, 7, 7]));
    }
}
