using LiteRt.Format.Schema;
using LiteRt.Graph;
using LiteRt.TestSupport;
using static LiteRt.Runtime.Tests.Kernels.DataMovement.Dm;

namespace LiteRt.Runtime.Tests.Kernels.DataMovement;

public class GatherTests
{
    private static OptionsTable GatherOptions(int axis, int batchDims = 0) =>
        Options(BuiltinOptionsType.GatherOptions, ("axis", axis), ("batch_dims", batchDims));

    [Theory]
    [MemberData(nameof(LayoutTypeData), MemberType = typeof(Dm))]
    public void Gather_random_axis_batch_dims_and_index_types(TensorType type)
    {
        var rng = new Random(121 + (int)type);
        var q = QuantFor(type);
        TensorType[] indexTypes = [TensorType.Int32, TensorType.Int64, TensorType.Int16];
        for (int trial = 0; trial < 6; trial++)
        {
            int rank = rng.Next(1, 5);
            var shape = RandomShape(rng, rank, 4);
            int axis = rng.Next(0, rank);
            int batch = rng.Next(0, axis + 1);
            var indexShape = new List<int>();
            for (int i = 0; i < batch; i++) indexShape.Add(shape[i]);
            int extra = rng.Next(0, 3);
            for (int i = 0; i < extra; i++) indexShape.Add(rng.Next(0, 4));
            int[] ishape = [.. indexShape];
            var indexType = indexTypes[trial % 3];
            var g = new SingleOpModel(BuiltinOperator.Gather, GatherOptions(rng.Next(2) == 0 ? axis : axis - rank, batch))
                .Input("x", type, shape, q)
                .Input("i", indexType, ishape)
                .Output("y", type, null, q).Build();
            Check(g, Values(rng, type, TestData.Count(shape), q), TestData.Integers(rng, TestData.Count(ishape), 0, shape[axis]));
        }
    }

    [Fact]
    public void Gather_constant_indices_and_negative_batch_dims()
    {
        var rng = new Random(122);
        var g = new SingleOpModel(BuiltinOperator.Gather, GatherOptions(2, -1))
            .Input("x", TensorType.Float32, [2, 3, 4])
            .Const("i", TensorType.Int32, [2, 3], Doubles(3, 0, 0, 1, 2, 3))
            .Output("y", TensorType.Float32).Build();
        Check(g, TestData.Uniform(rng, 24));
        Assert.Equal([2, 3, 3], OutputShape(g)); // params[:2] + indices[1:] + params[3:]
    }

    [Fact]
    public void Gather_out_of_range_index_throws_at_run_time()
    {
        foreach (int bad in new[] { 3, -1, 1000 })
        {
            var g = new SingleOpModel(BuiltinOperator.Gather, GatherOptions(0))
                .Input("x", TensorType.Float32, [3, 2])
                .Input("i", TensorType.Int32, [2])
                .Output("y", TensorType.Float32).Build();
            var e = Assert.Throws<LiteRtModelException>(() => RunOnly(g, TestData.Uniform(new Random(1), 6), [0, bad]));
            Assert.Contains("out of range", e.Message);
        }
    }

    [Theory]
    [MemberData(nameof(LayoutTypeData), MemberType = typeof(Dm))]
    public void EmbeddingLookup_copies_rows(TensorType type)
    {
        var rng = new Random(131 + (int)type);
        var q = QuantFor(type);
        var g = new SingleOpModel(BuiltinOperator.EmbeddingLookup)
            .Input("ids", TensorType.Int32, [5])
            .Input("params", type, [4, 2, 3], q)
            .Output("y", type, null, q).Build();
        Check(g, [3, 0, 0, 2, 1], Values(rng, type, 24, q));
    }

    [Fact]
    public void EmbeddingLookup_hybrid_int8_per_tensor_and_per_row()
    {
        var rng = new Random(132);
        var perTensor = QuantizationParams.PerTensor(0.02f, 0);
        var g = new SingleOpModel(BuiltinOperator.EmbeddingLookup)
            .Input("ids", TensorType.Int32, [4])
            .Const("params", TensorType.Int8, [3, 5], Values(rng, TensorType.Int8, 15, perTensor), perTensor)
            .Output("y", TensorType.Float32).Build();
        Check(g, [2, 0, 1, 2]);

        var perRow = QuantizationParams.PerAxis([0.01f, 0.5f, 0.03f], [0, 0, 0], 0);
        var raw = TestData.Integers(rng, 12, -128, 128);
        var values = raw.Select((v, i) => v * perRow.ScaleAt(i / 4)).ToArray();
        var g2 = new SingleOpModel(BuiltinOperator.EmbeddingLookup)
            .Input("ids", TensorType.Int32, [3])
            .Const("params", TensorType.Int8, [3, 4], values, perRow)
            .Output("y", TensorType.Float32).Build();
        var y = Check(g2, [1, 2, 0])["y"];
        Assert.Equal(raw[4] * 0.5, y[0], 5);
    }

    [Fact]
    public void EmbeddingLookup_hybrid_uint8_reads_bytes_as_int8_like_litert()
    {
        // Legacy hybrid models keep symmetric int8 weights in uint8 tensors: byte 200 means -56.
        var q = QuantizationParams.PerTensor(0.5f, 0);
        var g = new SingleOpModel(BuiltinOperator.EmbeddingLookup)
            .Input("ids", TensorType.Int32, [2])
            .ConstRaw("params", TensorType.Uint8, [2, 2], [200, 10, 255, 127], q)
            .Output("y", TensorType.Float32).Build();
        Assert.Equal([-0.5, 63.5, -28, 5], RunOnly(g, [1, 0]));
        Check(g, [1, 0]);
    }

    [Fact]
    public void EmbeddingLookup_out_of_range_id_throws()
    {
        var g = new SingleOpModel(BuiltinOperator.EmbeddingLookup)
            .Input("ids", TensorType.Int32, [2])
            .Const("params", TensorType.Float32, [2, 2], [1, 2, 3, 4])
            .Output("y", TensorType.Float32).Build();
        var e = Assert.Throws<LiteRtModelException>(() => RunOnly(g, [0, 2]));
        Assert.Contains("out of range", e.Message);
    }
}
