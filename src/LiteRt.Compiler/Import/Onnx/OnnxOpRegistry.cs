using LiteRt.Compiler.Import.Onnx.OnnxOpLowering;

namespace LiteRt.Compiler.Import.Onnx;

/// <summary>Lowers the current node of <see cref="LoweringContext"/> (its inputs are bound; it binds the outputs).</summary>
public delegate void OnnxLowering(LoweringContext ctx);

/// <summary>Every ONNX op type (ai.onnx domain) with a lowering to LiteRT builtin ops. Op groups register from their own files.</summary>
public static class OnnxOpRegistry
{
    private static readonly Dictionary<string, OnnxLowering> Lowerings = Build();

    public static OnnxLowering? Find(string opType) => Lowerings.GetValueOrDefault(opType);

    /// <summary>The supported op types, sorted.</summary>
    public static IEnumerable<string> OpTypes => Lowerings.Keys.OrderBy(k => k, StringComparer.Ordinal);

    private static Dictionary<string, OnnxLowering> Build()
    {
        var d = new Dictionary<string, OnnxLowering>(StringComparer.Ordinal);
        void Add(string opType, OnnxLowering lowering)
        {
            if (!d.TryAdd(opType, lowering)) throw new InvalidOperationException($"{opType} has two lowerings");
        }
        ElementwiseLowering.Register(Add);
        ActivationLowering.Register(Add);
        ComparisonLowering.Register(Add);
        ConvLowering.Register(Add);
        PoolLowering.Register(Add);
        MatMulLowering.Register(Add);
        NormalizationLowering.Register(Add);
        ShapeLowering.Register(Add);
        IndexingLowering.Register(Add);
        ReductionLowering.Register(Add);
        ResizeLowering.Register(Add);
        LossLowering.Register(Add);
        QuantizationLowering.Register(Add);
        SignalLowering.Register(Add);
        return d;
    }
}
