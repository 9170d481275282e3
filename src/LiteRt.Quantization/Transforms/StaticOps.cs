using LiteRt.Format.Schema;

namespace LiteRt.Quantization.Transforms;

/// <summary>How a full-integer op relates its output quantization to its inputs (TFLite's quantization spec).</summary>
internal enum StaticKind
{
    /// <summary>Output parameters from the calibrated range.</summary>
    Free,
    /// <summary>Weights int8 per channel, bias int32 (int64 for 16x8), output from the calibrated range.</summary>
    Weighted,
    /// <summary>Moves or pools values without rescaling: the output keeps input 0's parameters.</summary>
    SameAsInput,
    /// <summary>Fixed output parameters (softmax, logistic, tanh, …).</summary>
    Fixed,
    /// <summary>All inputs and the output share one set of parameters (CONCATENATION, as XNNPack requires).</summary>
    Shared,
}

internal readonly record struct StaticOp(StaticKind Kind, bool Int16, double FixedScale8 = 0, long FixedZero8 = 0, double FixedScale16 = 0);

/// <summary>The ops both LiteRT and our CPU runtime run in int8 (and which also in 16x8), with their output rule.</summary>
internal static class StaticOps
{
    private static readonly Dictionary<BuiltinOperator, StaticOp> Table = new()
    {
        [BuiltinOperator.FullyConnected] = new(StaticKind.Weighted, true),
        [BuiltinOperator.Conv2d] = new(StaticKind.Weighted, true),
        [BuiltinOperator.DepthwiseConv2d] = new(StaticKind.Weighted, true),
        [BuiltinOperator.TransposeConv] = new(StaticKind.Weighted, false),
        [BuiltinOperator.BatchMatmul] = new(StaticKind.Weighted, false),
        [BuiltinOperator.Add] = new(StaticKind.Free, true),
        [BuiltinOperator.Sub] = new(StaticKind.Free, true),
        [BuiltinOperator.Mul] = new(StaticKind.Free, true),
        [BuiltinOperator.Concatenation] = new(StaticKind.Shared, false),
        [BuiltinOperator.Mean] = new(StaticKind.Free, true),
        [BuiltinOperator.Relu] = new(StaticKind.Free, true),
        [BuiltinOperator.Relu6] = new(StaticKind.Free, true),
        [BuiltinOperator.LeakyRelu] = new(StaticKind.Free, true),
        [BuiltinOperator.HardSwish] = new(StaticKind.Free, true),
        [BuiltinOperator.AveragePool2d] = new(StaticKind.SameAsInput, false),
        [BuiltinOperator.MaxPool2d] = new(StaticKind.SameAsInput, false),
        [BuiltinOperator.Reshape] = new(StaticKind.SameAsInput, true),
        [BuiltinOperator.Squeeze] = new(StaticKind.SameAsInput, true),
        [BuiltinOperator.ExpandDims] = new(StaticKind.SameAsInput, true),
        [BuiltinOperator.Transpose] = new(StaticKind.SameAsInput, true),
        [BuiltinOperator.Slice] = new(StaticKind.SameAsInput, true),
        [BuiltinOperator.StridedSlice] = new(StaticKind.SameAsInput, true),
        [BuiltinOperator.Pad] = new(StaticKind.SameAsInput, true),
        // The constant value is stored with the input's parameters, clamped: a max pool's −∞/−FLT_MAX padding becomes
        // the lowest level (ONNX MaxPool pads imported as PADV2 + MAX_POOL_2D).
        [BuiltinOperator.Padv2] = new(StaticKind.SameAsInput, false),
        [BuiltinOperator.ResizeBilinear] = new(StaticKind.SameAsInput, false),
        [BuiltinOperator.ResizeNearestNeighbor] = new(StaticKind.SameAsInput, false),
        [BuiltinOperator.Gather] = new(StaticKind.SameAsInput, false),
        [BuiltinOperator.Softmax] = new(StaticKind.Fixed, false, 1.0 / 256, -128),
        [BuiltinOperator.Logistic] = new(StaticKind.Fixed, true, 1.0 / 256, -128, 1.0 / 32768),
        [BuiltinOperator.Tanh] = new(StaticKind.Fixed, true, 1.0 / 128, 0, 1.0 / 32768),
    };

    public static StaticOp? Find(BuiltinOperator op, bool int16) =>
        Table.TryGetValue(op, out var s) && (!int16 || s.Int16) ? s : null;
}
