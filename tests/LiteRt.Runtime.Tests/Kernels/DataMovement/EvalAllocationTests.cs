using LiteRt.Format.Schema;
using LiteRt.Graph;
using LiteRt.TestSupport;
using static LiteRt.Runtime.Tests.Kernels.DataMovement.Dm;

namespace LiteRt.Runtime.Tests.Kernels.DataMovement;

/// <summary>Every data-movement kernel variant runs without allocating on the managed heap.</summary>
public class EvalAllocationTests
{
    private static IEnumerable<(string Name, ModelGraph Graph)> Graphs()
    {
        var q1 = QuantizationParams.PerTensor(0.1f, 120);
        var q2 = QuantizationParams.PerTensor(0.07f, 100);
        var s1 = QuantizationParams.PerTensor(0.05f, 0);
        yield return ("reshape u8 requant", new SingleOpModel(BuiltinOperator.Reshape).Input("x", TensorType.Uint8, [2, 6], q1)
            .Const("s", TensorType.Int32, [1], [12]).Output("y", TensorType.Uint8, null, q2).Build());
        yield return ("transpose f32", new SingleOpModel(BuiltinOperator.Transpose).Input("x", TensorType.Float32, [2, 3, 4])
            .Const("p", TensorType.Int32, [3], Doubles(2, 0, 1)).Output("y", TensorType.Float32).Build());
        yield return ("concat u8 relu", new SingleOpModel(BuiltinOperator.Concatenation,
                Options(BuiltinOptionsType.ConcatenationOptions, ("axis", 1), ("fused_activation_function", ActivationFunctionType.Relu)))
            .Input("a", TensorType.Uint8, [2, 3], q1).Input("b", TensorType.Uint8, [2, 2], q2).Output("y", TensorType.Uint8, null, q2).Build());
        yield return ("split", new SingleOpModel(BuiltinOperator.Split, Options(BuiltinOptionsType.SplitOptions, ("num_splits", 2)))
            .Const("axis", TensorType.Int32, [], [1]).Input("x", TensorType.Int16, [3, 4]).Output("a", TensorType.Int16).Output("b", TensorType.Int16).Build());
        yield return ("split_v", new SingleOpModel(BuiltinOperator.SplitV, Options(BuiltinOptionsType.SplitVOptions, ("num_splits", 2)))
            .Input("x", TensorType.Int64, [3, 4]).Const("s", TensorType.Int32, [2], Doubles(1, -1)).Const("axis", TensorType.Int32, [], [0])
            .Output("a", TensorType.Int64).Output("b", TensorType.Int64).Build());
        yield return ("slice", new SingleOpModel(BuiltinOperator.Slice).Input("x", TensorType.Bool, [3, 4])
            .Const("b", TensorType.Int32, [2], Doubles(1, 1)).Const("s", TensorType.Int32, [2], Doubles(-1, 2)).Output("y", TensorType.Bool).Build());
        yield return ("strided_slice", new SingleOpModel(BuiltinOperator.StridedSlice, Options(BuiltinOptionsType.StridedSliceOptions, ("end_mask", 1)))
            .Input("x", TensorType.Float32, [6, 4]).Const("b", TensorType.Int32, [2], Doubles(5, 0)).Const("e", TensorType.Int32, [2], Doubles(0, 3))
            .Const("s", TensorType.Int32, [2], Doubles(-2, 2)).Output("y", TensorType.Float32).Build());
        yield return ("pad", new SingleOpModel(BuiltinOperator.Pad).Input("x", TensorType.Int8, [2, 2], s1)
            .Const("p", TensorType.Int32, [2, 2], Doubles(1, 1, 0, 2)).Output("y", TensorType.Int8, null, s1).Build());
        yield return ("padv2", new SingleOpModel(BuiltinOperator.Padv2).Input("x", TensorType.Uint8, [2, 2], q1)
            .Const("p", TensorType.Int32, [2, 2], Doubles(1, 1, 0, 2)).Const("v", TensorType.Uint8, [], [1.0], q2).Output("y", TensorType.Uint8, null, q1).Build());
        yield return ("gather", new SingleOpModel(BuiltinOperator.Gather, Options(BuiltinOptionsType.GatherOptions, ("axis", 1)))
            .Input("x", TensorType.Float32, [2, 3]).Const("i", TensorType.Int64, [2], Doubles(2, 0)).Output("y", TensorType.Float32).Build());
        yield return ("embedding hybrid", new SingleOpModel(BuiltinOperator.EmbeddingLookup).Const("ids", TensorType.Int32, [2], Doubles(1, 0))
            .Input("p", TensorType.Int8, [2, 3], s1).Output("y", TensorType.Float32).Build());
        yield return ("embedding", new SingleOpModel(BuiltinOperator.EmbeddingLookup).Const("ids", TensorType.Int32, [2], Doubles(1, 0))
            .Input("p", TensorType.Float32, [2, 3]).Output("y", TensorType.Float32).Build());
        foreach (var op in new[] { BuiltinOperator.Mean, BuiltinOperator.Sum, BuiltinOperator.ReduceMax })
        {
            foreach (var (type, qi, qo) in new[] { (TensorType.Float32, (QuantizationParams?)null, (QuantizationParams?)null), (TensorType.Uint8, q1, q2), (TensorType.Int32, null, null) })
                yield return ($"{op} {type}", new SingleOpModel(op, Options(BuiltinOptionsType.ReducerOptions, ("keep_dims", false)))
                    .Input("x", type, [2, 3, 4], qi).Const("a", TensorType.Int32, [2], Doubles(0, 2)).Output("y", type, null, qo).Build());
        }
        yield return ("arg_max", new SingleOpModel(BuiltinOperator.ArgMax, Options(BuiltinOptionsType.ArgMaxOptions, ("output_type", TensorType.Int64)))
            .Input("x", TensorType.Int8, [3, 4]).Const("a", TensorType.Int32, [], [0]).Output("y", TensorType.Int64).Build());
    }

    [Fact]
    public void Run_allocates_nothing()
    {
        foreach (var (name, graph) in Graphs())
        {
            using var model = CompiledModel.FromGraph(graph);
            var runner = model.DefaultSignature;
            long allocated = Allocations.SteadyState(runner.Run);
            Assert.True(allocated == 0, $"{name}: Run allocated {allocated} bytes");
        }
    }
}
