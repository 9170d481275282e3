using LiteRt.Format.Schema;
using LiteRt.Graph;
using LiteRt.TestSupport;
using static LiteRt.Runtime.Tests.Kernels.DataMovement.Dm;

namespace LiteRt.Runtime.Tests.Kernels.DataMovement;

public class ConcatSplitTests
{
    private static OptionsTable ConcatOptions(int axis, ActivationFunctionType act = ActivationFunctionType.None) =>
        Options(BuiltinOptionsType.ConcatenationOptions, ("axis", axis), ("fused_activation_function", act));

    [Theory]
    [MemberData(nameof(LayoutTypeData), MemberType = typeof(Dm))]
    public void Concatenation_random_axes_and_inputs(TensorType type)
    {
        var rng = new Random(51 + (int)type);
        var q = QuantFor(type);
        for (int trial = 0; trial < 5; trial++)
        {
            int rank = rng.Next(1, 5);
            var shape = RandomShape(rng, rank, 4);
            int axis = rng.Next(-rank, rank);
            int a = axis < 0 ? axis + rank : axis;
            int n = rng.Next(1, 5);
            var m = new SingleOpModel(BuiltinOperator.Concatenation, ConcatOptions(axis));
            var inputs = new List<double[]>();
            for (int i = 0; i < n; i++)
            {
                var s = (int[])shape.Clone();
                s[a] = rng.Next(0, 4); // includes empty inputs
                m.Input("x" + i, type, s, q);
                inputs.Add(Values(rng, type, TestData.Count(s), q));
            }
            Check(m.Output("y", type, null, q).Build(), [.. inputs]);
        }
    }

    [Fact]
    public void Concatenation_requantizes_inputs_with_other_scales()
    {
        var rng = new Random(52);
        foreach (var type in new[] { TensorType.Uint8, TensorType.Int8 })
        {
            long zp = type == TensorType.Uint8 ? 128 : 0;
            var q1 = QuantizationParams.PerTensor(0.1f, zp);
            var q2 = QuantizationParams.PerTensor(0.03f, zp - 20);
            var qo = QuantizationParams.PerTensor(0.05f, zp + 10);
            var g = new SingleOpModel(BuiltinOperator.Concatenation, ConcatOptions(-1))
                .Input("a", type, [2, 3, 4], q1)
                .Input("b", type, [2, 3, 5], q2)
                .Input("c", type, [2, 3, 2], qo)
                .Output("y", type, null, qo).Build();
            Check(g, Values(rng, type, 24, q1), Values(rng, type, 30, q2), Values(rng, type, 12, qo));
        }
    }

    [Theory]
    [InlineData(ActivationFunctionType.Relu)]
    [InlineData(ActivationFunctionType.Relu6)]
    [InlineData(ActivationFunctionType.ReluN1To1)]
    public void Concatenation_fused_activation(ActivationFunctionType act)
    {
        var rng = new Random(53);
        var g = new SingleOpModel(BuiltinOperator.Concatenation, ConcatOptions(1, act))
            .Input("a", TensorType.Float32, [2, 3])
            .Input("b", TensorType.Float32, [2, 2])
            .Output("y", TensorType.Float32).Build();
        Check(g, TestData.Uniform(rng, 6, -10, 10), TestData.Uniform(rng, 4, -10, 10));

        var q = QuantizationParams.PerTensor(0.1f, 100);
        var gq = new SingleOpModel(BuiltinOperator.Concatenation, ConcatOptions(0, act))
            .Input("a", TensorType.Uint8, [2, 3], q)
            .Input("b", TensorType.Uint8, [1, 3], q)
            .Output("y", TensorType.Uint8, null, q).Build();
        Check(gq, Values(rng, TensorType.Uint8, 6, q), Values(rng, TensorType.Uint8, 3, q));
    }

    [Fact]
    public void Concatenation_of_scalars_and_shape_errors()
    {
        var g = new SingleOpModel(BuiltinOperator.Concatenation, ConcatOptions(0))
            .Input("a", TensorType.Int32, [])
            .Input("b", TensorType.Int32, [])
            .Input("c", TensorType.Int32, [])
            .Output("y", TensorType.Int32).Build();
        Check(g, [1], [2], [3]);
        Assert.Equal([3], OutputShape(g));

        var bad = new SingleOpModel(BuiltinOperator.Concatenation, ConcatOptions(0))
            .Input("a", TensorType.Float32, [2, 3])
            .Input("b", TensorType.Float32, [2, 4])
            .Output("y", TensorType.Float32).Build();
        Assert.Throws<LiteRtModelException>(() => OutputShape(bad));
    }

    [Theory]
    [MemberData(nameof(LayoutTypeData), MemberType = typeof(Dm))]
    public void Split_random(TensorType type)
    {
        var rng = new Random(61 + (int)type);
        var q = QuantFor(type);
        for (int trial = 0; trial < 4; trial++)
        {
            int rank = rng.Next(1, 5);
            var shape = RandomShape(rng, rank, 4);
            int axis = rng.Next(-rank, rank);
            int a = axis < 0 ? axis + rank : axis;
            int n = rng.Next(1, 4);
            shape[a] *= n;
            var m = new SingleOpModel(BuiltinOperator.Split, Options(BuiltinOptionsType.SplitOptions, ("num_splits", n)))
                .Const("axis", TensorType.Int32, [], [axis])
                .Input("x", type, shape, q);
            for (int i = 0; i < n; i++) m.Output("y" + i, type, null, q);
            Check(m.Build(), Values(rng, type, TestData.Count(shape), q));
        }
    }

    [Fact]
    public void Split_rejects_indivisible_dims()
    {
        var g = new SingleOpModel(BuiltinOperator.Split, Options(BuiltinOptionsType.SplitOptions, ("num_splits", 2)))
            .Const("axis", TensorType.Int32, [], [1])
            .Input("x", TensorType.Float32, [2, 3])
            .Output("a", TensorType.Float32).Output("b", TensorType.Float32).Build();
        Assert.Throws<LiteRtModelException>(() => OutputShape(g));
    }

    [Theory]
    [MemberData(nameof(LayoutTypeData), MemberType = typeof(Dm))]
    public void SplitV_sizes_with_inferred_and_empty_parts(TensorType type)
    {
        var rng = new Random(71 + (int)type);
        var q = QuantFor(type);
        int[][] cases = [[2, -1, 0], [1, 1, 1, 3], [-1], [0, 6]];
        foreach (var sizes in cases)
        {
            var shape = new[] { 3, 6, 2 };
            int axis = sizes.Length % 2 == 0 ? 1 : -2;
            var m = new SingleOpModel(BuiltinOperator.SplitV, Options(BuiltinOptionsType.SplitVOptions, ("num_splits", sizes.Length)))
                .Input("x", type, shape, q)
                .Const("sizes", TensorType.Int32, [sizes.Length], Doubles(sizes))
                .Const("axis", TensorType.Int32, [1], [axis]);
            for (int i = 0; i < sizes.Length; i++) m.Output("y" + i, type, null, q);
            Check(m.Build(), Values(rng, type, 36, q));
        }
    }

    [Fact]
    public void SplitV_rejects_sizes_that_do_not_add_up()
    {
        var g = new SingleOpModel(BuiltinOperator.SplitV, Options(BuiltinOptionsType.SplitVOptions, ("num_splits", 2)))
            .Input("x", TensorType.Float32, [5])
            .Const("sizes", TensorType.Int32, [2], Doubles(2, 2))
            .Const("axis", TensorType.Int32, [], [0])
            .Output("a", TensorType.Float32).Output("b", TensorType.Float32).Build();
        Assert.Throws<LiteRtModelException>(() => OutputShape(g));
    }
}
