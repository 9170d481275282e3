using LiteRt.Format.Schema;
using LiteRt.Graph;
using LiteRt.TestSupport;
using static LiteRt.Runtime.Tests.Kernels.DataMovement.Dm;

namespace LiteRt.Runtime.Tests.Kernels.DataMovement;

public class TransposeTests
{
    [Theory]
    [MemberData(nameof(LayoutTypeData), MemberType = typeof(Dm))]
    public void Random_ranks_and_permutations(TensorType type)
    {
        var rng = new Random(41 + (int)type);
        var q = QuantFor(type);
        for (int trial = 0; trial < 6; trial++)
        {
            int rank = rng.Next(1, 7);
            var shape = RandomShape(rng, rank, 4);
            var perm = Enumerable.Range(0, rank).OrderBy(_ => rng.Next()).ToArray();
            var g = new SingleOpModel(BuiltinOperator.Transpose)
                .Input("x", type, shape, q)
                .Const("perm", trial % 2 == 0 ? TensorType.Int32 : TensorType.Int64, [rank], Doubles(perm))
                .Output("y", type, null, q).Build();
            Check(g, Values(rng, type, TestData.Count(shape), q));
        }
    }

    [Fact]
    public void Nhwc_to_nchw_identity_and_empty()
    {
        var rng = new Random(42);
        var g = new SingleOpModel(BuiltinOperator.Transpose)
            .Input("x", TensorType.Float32, [2, 5, 7, 3])
            .Const("perm", TensorType.Int32, [4], Doubles(0, 3, 1, 2))
            .Output("y", TensorType.Float32).Build();
        Check(g, TestData.Uniform(rng, 210));
        Assert.Equal([2, 3, 5, 7], OutputShape(g));

        var identity = new SingleOpModel(BuiltinOperator.Transpose)
            .Input("x", TensorType.Int8, [3, 1, 4])
            .Const("perm", TensorType.Int32, [3], Doubles(0, 1, 2))
            .Output("y", TensorType.Int8).Build();
        Check(identity, Values(rng, TensorType.Int8, 12));

        var empty = new SingleOpModel(BuiltinOperator.Transpose)
            .Input("x", TensorType.Float32, [3, 0, 2])
            .Const("perm", TensorType.Int32, [3], Doubles(2, 0, 1))
            .Output("y", TensorType.Float32).Build();
        Check(empty, Array.Empty<double>());
        Assert.Equal([2, 3, 0], OutputShape(empty));
    }

    [Fact]
    public void Requantizes_and_rejects_bad_permutations()
    {
        var rng = new Random(43);
        var qi = QuantizationParams.PerTensor(0.02f, 3);
        var qo = QuantizationParams.PerTensor(0.03f, -7);
        var g = new SingleOpModel(BuiltinOperator.Transpose)
            .Input("x", TensorType.Int8, [3, 4], qi)
            .Const("perm", TensorType.Int32, [2], Doubles(1, 0))
            .Output("y", TensorType.Int8, null, qo).Build();
        Check(g, Values(rng, TensorType.Int8, 12, qi));

        foreach (var perm in new[] { new[] { 0, 0 }, new[] { 0, 2 }, new[] { -1, 0 }, new[] { 0 } })
        {
            var bad = new SingleOpModel(BuiltinOperator.Transpose)
                .Input("x", TensorType.Float32, [2, 3])
                .Const("perm", TensorType.Int32, [perm.Length], Doubles(perm))
                .Output("y", TensorType.Float32).Build();
            Assert.Throws<LiteRtModelException>(() => OutputShape(bad));
        }
    }
}
