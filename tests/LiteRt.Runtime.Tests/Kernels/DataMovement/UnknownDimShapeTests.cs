using LiteRt.Format.Schema;
using LiteRt.Graph;
using LiteRt.TestSupport;
using static LiteRt.Runtime.Tests.Kernels.DataMovement.Dm;

namespace LiteRt.Runtime.Tests.Kernels.DataMovement;

/// <summary>During compilation a dynamic batch (-1) propagates through the data-movement shape functions.</summary>
public class UnknownDimShapeTests
{
    private static int[] Infer(SingleOpModel model)
    {
        var g = model.Build();
        var sg = g.Main;
        var x = sg.Tensors[sg.Inputs[0]];
        x.ShapeSignature = [-1, .. x.Shape[1..]];
        return ShapeInference.Infer(sg)[sg.Outputs[0]]!;
    }

    private static SingleOpModel X(BuiltinOperator op, OptionsTable? o = null) =>
        new SingleOpModel(op, o).Input("x", TensorType.Float32, [1, 4, 6]);

    [Fact]
    public void Dynamic_batch_propagates()
    {
        Assert.Equal([-1, 24], Infer(X(BuiltinOperator.Reshape).Const("s", TensorType.Int32, [2], Doubles(-1, 24)).Output("y", TensorType.Float32)));
        Assert.Equal([-1, 2, 12], Infer(X(BuiltinOperator.Reshape).Const("s", TensorType.Int32, [3], Doubles(-1, 2, 12)).Output("y", TensorType.Float32)));
        Assert.Equal([6, -1, 4], Infer(X(BuiltinOperator.Transpose).Const("p", TensorType.Int32, [3], Doubles(2, 0, 1)).Output("y", TensorType.Float32)));
        Assert.Equal([-1, 4, 1, 6], Infer(X(BuiltinOperator.ExpandDims).Const("a", TensorType.Int32, [], [2]).Output("y", TensorType.Float32)));
        Assert.Equal([-1, 4, 3], Infer(X(BuiltinOperator.Slice).Const("b", TensorType.Int32, [3], Doubles(0, 0, 1))
            .Const("s", TensorType.Int32, [3], Doubles(-1, -1, 3)).Output("y", TensorType.Float32)));
        Assert.Equal([-1, 2], Infer(X(BuiltinOperator.StridedSlice, Options(BuiltinOptionsType.StridedSliceOptions, ("shrink_axis_mask", 2)))
            .Const("b", TensorType.Int32, [3], Doubles(0, 1, 0)).Const("e", TensorType.Int32, [3], Doubles(0, 2, 6))
            .Const("s", TensorType.Int32, [3], Doubles(1, 1, 3)).Output("y", TensorType.Float32)));
        Assert.Equal([-1, 6, 6], Infer(X(BuiltinOperator.Pad).Const("p", TensorType.Int32, [3, 2], Doubles(1, 1, 1, 1, 0, 0)).Output("y", TensorType.Float32)));
        Assert.Equal([-1, 6], Infer(X(BuiltinOperator.Mean, Options(BuiltinOptionsType.ReducerOptions, ("keep_dims", false)))
            .Const("a", TensorType.Int32, [1], [1]).Output("y", TensorType.Float32)));
        Assert.Equal([-1, 4], Infer(X(BuiltinOperator.ArgMax, Options(BuiltinOptionsType.ArgMaxOptions, ("output_type", TensorType.Int32)))
            .Const("a", TensorType.Int32, [], [2]).Output("y", TensorType.Int32)));
        Assert.Equal([-1, 2, 6], Infer(X(BuiltinOperator.Gather, Options(BuiltinOptionsType.GatherOptions, ("axis", 1)))
            .Const("i", TensorType.Int32, [2], Doubles(0, 3)).Output("y", TensorType.Float32)));
        // The second input is static: its batch of 1 settles the unknown one.
        Assert.Equal([1, 8, 6], Infer(X(BuiltinOperator.Concatenation, Options(BuiltinOptionsType.ConcatenationOptions, ("axis", 1)))
            .Input("x2", TensorType.Float32, [1, 4, 6]).Output("y", TensorType.Float32)));
        Assert.Equal([-1, 4, 2], Infer(new SingleOpModel(BuiltinOperator.SplitV, Options(BuiltinOptionsType.SplitVOptions, ("num_splits", 2)))
            .Input("x", TensorType.Float32, [1, 4, 6]).Const("s", TensorType.Int32, [2], Doubles(2, -1)).Const("a", TensorType.Int32, [], [2])
            .Output("y", TensorType.Float32).Output("z", TensorType.Float32)));
    }
}
