using LiteRt.Format.Schema;
using LiteRt.Graph;
using LiteRt.TestSupport;
using static LiteRt.Runtime.Tests.Kernels.DataMovement.Dm;

namespace LiteRt.Runtime.Tests.Kernels.DataMovement;

public class PadTests
{
    private static int[] RandomPaddings(Random rng, int rank)
    {
        var p = new int[rank * 2];
        for (int i = 0; i < p.Length; i++) p[i] = rng.Next(0, 3);
        return p;
    }

    [Theory]
    [MemberData(nameof(LayoutTypeData), MemberType = typeof(Dm))]
    public void Pad_random_uses_zero_or_zero_point(TensorType type)
    {
        var rng = new Random(101 + (int)type);
        var q = QuantFor(type);
        for (int trial = 0; trial < 4; trial++)
        {
            int rank = rng.Next(1, 5);
            var shape = RandomShape(rng, rank, 4, trial == 3 ? 0 : 1);
            var g = new SingleOpModel(BuiltinOperator.Pad)
                .Input("x", type, shape, q)
                .Const("paddings", trial % 2 == 0 ? TensorType.Int32 : TensorType.Int64, [rank, 2], Doubles(RandomPaddings(rng, rank)))
                .Output("y", type, null, q).Build();
            Check(g, Values(rng, type, TestData.Count(shape), q));
        }
    }

    [Theory]
    [MemberData(nameof(LayoutTypeData), MemberType = typeof(Dm))]
    public void PadV2_uses_the_constant_value(TensorType type)
    {
        var rng = new Random(111 + (int)type);
        var q = QuantFor(type);
        var shape = new[] { 2, 3, 2 };
        var value = Values(rng, type, 1, q);
        var g = new SingleOpModel(BuiltinOperator.Padv2)
            .Input("x", type, shape, q)
            .Const("paddings", TensorType.Int32, [3, 2], Doubles(1, 0, 2, 1, 0, 3))
            .Const("value", type, [], value, q)
            .Output("y", type, null, q).Build();
        var y = Check(g, Values(rng, type, 12, q))["y"];
        Assert.Equal(value[0], y[0], 6);
    }

    [Fact]
    public void PadV2_quantized_value_with_its_own_scale_and_absent_value()
    {
        var rng = new Random(112);
        var q = QuantizationParams.PerTensor(0.05f, 10);
        var qv = QuantizationParams.PerTensor(0.2f, 0);
        var g = new SingleOpModel(BuiltinOperator.Padv2)
            .Input("x", TensorType.Int8, [3, 3], q)
            .Const("paddings", TensorType.Int32, [2, 2], Doubles(1, 1, 1, 1))
            .Const("value", TensorType.Int8, [1], [1.4], qv)
            .Output("y", TensorType.Int8, null, q).Build();
        Check(g, Values(rng, TensorType.Int8, 9, q));

        var absent = new SingleOpModel(BuiltinOperator.Padv2)
            .Input("x", TensorType.Float32, [2, 2])
            .Const("paddings", TensorType.Int32, [2, 2], Doubles(0, 1, 1, 0))
            .Absent()
            .Output("y", TensorType.Float32).Build();
        Check(absent, TestData.Uniform(rng, 4));
    }

    [Fact]
    public void Pad_rejects_negative_or_misshapen_paddings()
    {
        var negative = new SingleOpModel(BuiltinOperator.Pad)
            .Input("x", TensorType.Float32, [2, 2])
            .Const("paddings", TensorType.Int32, [2, 2], Doubles(0, -1, 0, 0))
            .Output("y", TensorType.Float32).Build();
        Assert.Throws<LiteRtModelException>(() => OutputShape(negative));
        var misshapen = new SingleOpModel(BuiltinOperator.Pad)
            .Input("x", TensorType.Float32, [2, 2])
            .Const("paddings", TensorType.Int32, [1, 2], Doubles(0, 1))
            .Output("y", TensorType.Float32).Build();
        Assert.Throws<LiteRtModelException>(() => OutputShape(misshapen));
    }
}
