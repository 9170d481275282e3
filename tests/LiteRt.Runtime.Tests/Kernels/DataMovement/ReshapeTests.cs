using LiteRt.Format.Schema;
using LiteRt.Graph;
using LiteRt.TestSupport;
using static LiteRt.Runtime.Tests.Kernels.DataMovement.Dm;

namespace LiteRt.Runtime.Tests.Kernels.DataMovement;

public class ReshapeTests
{
    [Theory]
    [MemberData(nameof(LayoutTypeData), MemberType = typeof(Dm))]
    public void Reshape_from_shape_tensor_infers_minus_one(TensorType type)
    {
        var rng = new Random(11);
        for (int trial = 0; trial < 4; trial++)
        {
            var shape = RandomShape(rng, rng.Next(1, 5));
            long n = TestData.Count(shape);
            int[] target = n % 2 == 0 ? [2, -1] : [-1, 1, (int)n];
            var q = QuantFor(type);
            var g = new SingleOpModel(BuiltinOperator.Reshape)
                .Input("x", type, shape, q)
                .Const("shape", TensorType.Int32, [target.Length], Doubles(target))
                .Output("y", type, null, q).Build();
            Check(g, Values(rng, type, n, q));
        }
    }

    [Fact]
    public void Reshape_new_shape_attribute_with_dynamic_batch()
    {
        // An MNIST-style flatten: new_shape [-1, 32] with the batch resized at run time.
        var g = new SingleOpModel(BuiltinOperator.Reshape, Options(BuiltinOptionsType.ReshapeOptions, ("new_shape", new[] { -1, 32 })))
            .Input("x", TensorType.Float32, [1, 4, 4, 2])
            .Output("y", TensorType.Float32).Build();
        g.Main.Tensors[g.Main.Inputs[0]].ShapeSignature = [-1, 4, 4, 2];
        var rng = new Random(3);
        var outputs = OpCheck.AgainstReference(g, new Dictionary<string, double[]> { ["x"] = TestData.Uniform(rng, 3 * 32) },
            new Dictionary<string, int[]> { ["x"] = [3, 4, 4, 2] });
        Assert.Equal(96, outputs["y"].Length);
        using var model = Runtime.CompiledModel.FromGraph(g);
        model.DefaultSignature.ResizeInput("x", [5, 4, 4, 2]);
        Assert.Equal([5, 32], model.DefaultSignature.Output("y").Shape);
    }

    [Fact]
    public void Reshape_int64_shape_tensor_and_legacy_scalar()
    {
        var rng = new Random(4);
        var g = new SingleOpModel(BuiltinOperator.Reshape)
            .Input("x", TensorType.Float32, [2, 3, 4])
            .Const("shape", TensorType.Int64, [3], Doubles(4, -1, 2))
            .Output("y", TensorType.Float32).Build();
        Check(g, TestData.Uniform(rng, 24));
        Assert.Equal([4, 3, 2], OutputShape(g));

        var scalar = new SingleOpModel(BuiltinOperator.Reshape, Options(BuiltinOptionsType.ReshapeOptions, ("new_shape", new[] { 0 })))
            .Input("x", TensorType.Float32, [1, 1])
            .Output("y", TensorType.Float32).Build();
        Check(scalar, [2.5]);
        Assert.Empty(OutputShape(scalar));

        var emptyShapeTensor = new SingleOpModel(BuiltinOperator.Reshape)
            .Input("x", TensorType.Int32, [1, 1, 1])
            .ConstRaw("shape", TensorType.Int32, [0], [])
            .Output("y", TensorType.Int32).Build();
        Check(emptyShapeTensor, [7]);
        Assert.Empty(OutputShape(emptyShapeTensor));
    }

    [Fact]
    public void Reshape_zero_sized_tensors_follow_litert()
    {
        var g = new SingleOpModel(BuiltinOperator.Reshape)
            .Input("x", TensorType.Float32, [2, 0, 3])
            .Const("shape", TensorType.Int32, [2], Doubles(0, -1))
            .Output("y", TensorType.Float32).Build();
        Check(g, Array.Empty<double>());
        Assert.Equal([0, 6], OutputShape(g));

        var g2 = new SingleOpModel(BuiltinOperator.Reshape)
            .Input("x", TensorType.Int32, [0, 3])
            .Const("shape", TensorType.Int32, [2], Doubles(-1, 3))
            .Output("y", TensorType.Int32).Build();
        Check(g2, Array.Empty<double>());
        Assert.Equal([0, 3], OutputShape(g2));
    }

    [Fact]
    public void Reshape_rejects_a_computed_shape_tensor_and_bad_counts()
    {
        var dynamicShape = new SingleOpModel(BuiltinOperator.Reshape)
            .Input("x", TensorType.Float32, [2, 3])
            .Input("shape", TensorType.Int32, [2])
            .Output("y", TensorType.Float32).Build();
        var e = Assert.Throws<LiteRtModelException>(() => RunOnly(dynamicShape, TestData.Uniform(new Random(1), 6), Doubles(3, 2)));
        Assert.Contains("constant", e.Message);

        var bad = new SingleOpModel(BuiltinOperator.Reshape)
            .Input("x", TensorType.Float32, [2, 3])
            .Const("shape", TensorType.Int32, [2], Doubles(4, -1))
            .Output("y", TensorType.Float32).Build();
        Assert.Throws<LiteRtModelException>(() => OutputShape(bad));

        var twoMinusOnes = new SingleOpModel(BuiltinOperator.Reshape)
            .Input("x", TensorType.Float32, [2, 3])
            .Const("shape", TensorType.Int32, [2], Doubles(-1, -1))
            .Output("y", TensorType.Float32).Build();
        Assert.Throws<LiteRtModelException>(() => OutputShape(twoMinusOnes));
    }

    [Fact]
    public void Reshape_requantizes_when_output_scale_differs()
    {
        var rng = new Random(5);
        var qi = QuantizationParams.PerTensor(0.1f, 120);
        var qo = QuantizationParams.PerTensor(0.07f, 100);
        var g = new SingleOpModel(BuiltinOperator.Reshape)
            .Input("x", TensorType.Uint8, [4, 6], qi)
            .Const("shape", TensorType.Int32, [1], Doubles(24))
            .Output("y", TensorType.Uint8, null, qo).Build();
        Check(g, Values(rng, TensorType.Uint8, 24, qi));
    }

    [Theory]
    [MemberData(nameof(LayoutTypeData), MemberType = typeof(Dm))]
    public void Squeeze_listed_and_all_unit_dims(TensorType type)
    {
        var rng = new Random(21);
        var q = QuantFor(type);
        var all = new SingleOpModel(BuiltinOperator.Squeeze)
            .Input("x", type, [1, 3, 1, 2, 1], q)
            .Output("y", type, null, q).Build();
        Check(all, Values(rng, type, 6, q));
        Assert.Equal([3, 2], OutputShape(all));

        var listed = new SingleOpModel(BuiltinOperator.Squeeze, Options(BuiltinOptionsType.SqueezeOptions, ("squeeze_dims", new[] { -1, 0 })))
            .Input("x", type, [1, 3, 1, 2, 1], q)
            .Output("y", type, null, q).Build();
        Check(listed, Values(rng, type, 6, q));
        Assert.Equal([3, 1, 2], OutputShape(listed));
    }

    [Fact]
    public void Squeeze_rejects_a_dim_that_is_not_one()
    {
        var g = new SingleOpModel(BuiltinOperator.Squeeze, Options(BuiltinOptionsType.SqueezeOptions, ("squeeze_dims", new[] { 1 })))
            .Input("x", TensorType.Float32, [1, 3])
            .Output("y", TensorType.Float32).Build();
        Assert.Throws<LiteRtModelException>(() => OutputShape(g));
    }

    [Theory]
    [MemberData(nameof(LayoutTypeData), MemberType = typeof(Dm))]
    public void ExpandDims_every_axis_including_negative(TensorType type)
    {
        var rng = new Random(31);
        var q = QuantFor(type);
        var shape = new[] { 2, 3, 4 };
        for (int axis = -4; axis <= 3; axis++)
        {
            var g = new SingleOpModel(BuiltinOperator.ExpandDims)
                .Input("x", type, shape, q)
                .Const("axis", axis % 2 == 0 ? TensorType.Int32 : TensorType.Int64, [1], [axis])
                .Output("y", type, null, q).Build();
            Check(g, Values(rng, type, 24, q));
            var o = OutputShape(g);
            Assert.Equal(4, o.Length);
            Assert.Equal(1, o[axis < 0 ? axis + 4 : axis]);
        }
    }

    [Fact]
    public void ExpandDims_rejects_axis_out_of_range_and_handles_empty()
    {
        var g = new SingleOpModel(BuiltinOperator.ExpandDims)
            .Input("x", TensorType.Float32, [2, 3])
            .Const("axis", TensorType.Int32, [], [3])
            .Output("y", TensorType.Float32).Build();
        Assert.Throws<LiteRtModelException>(() => OutputShape(g));

        var empty = new SingleOpModel(BuiltinOperator.ExpandDims)
            .Input("x", TensorType.Float32, [0, 3])
            .Const("axis", TensorType.Int32, [], [1])
            .Output("y", TensorType.Float32).Build();
        Check(empty, Array.Empty<double>());
        Assert.Equal([0, 1, 3], OutputShape(empty));
    }
}
