using LiteRt.Format.Schema;
using LiteRt.Graph;
using LiteRt.Quantization.Editing;

namespace LiteRt.Quantization.Transforms;

/// <summary>
/// The weight-only schemes, written the way Google's converter and AI Edge Quantizer write them so LiteRT runs them:
/// dynamic range = int8 per-channel weights read directly by the float op (LiteRT's hybrid kernels);
/// weight-only int8/int4 and fp16 = quantized constant + DEQUANTIZE feeding the float op;
/// blockwise int4 = INT4 weights with BlockwiseQuantization details (FLOAT16 scale tensor, no zero points).
/// </summary>
internal sealed class WeightTransforms(ModelGraph graph)
{
    // One quantized copy per (source tensor, encoding), shared by every op that asks for the same thing.
    private readonly Dictionary<(Subgraph, int, string), int> _cache = [];
    // DEQUANTIZE ops to insert before a given op.
    private readonly Dictionary<Operation, List<Operation>> _before = new(ReferenceEqualityComparer.Instance);

    public void Apply(Subgraph sg, Operation op, OpPlan plan)
    {
        if (WeightedOps.Find(sg, op) is not { } slot) return;
        switch (plan.Scheme)
        {
            case QuantizationScheme.DynamicInt8:
            {
                bool perChannel = plan.PerChannel && op.Op != BuiltinOperator.BatchMatmul;
                op.Inputs[slot.Input] = Integer(sg, op.Inputs[slot.Input], TensorType.Int8, perChannel ? slot.ChannelAxis : -1);
                if (op.Op is BuiltinOperator.FullyConnected or BuiltinOperator.BatchMatmul)
                {
                    var type = op.Op == BuiltinOperator.FullyConnected ? BuiltinOptionsType.FullyConnectedOptions : BuiltinOptionsType.BatchMatMulOptions;
                    op.Options ??= OptionsTable.Create(type);
                    if (plan.AsymmetricInputs) op.Options.Set("asymmetric_quantize_inputs", true);
                    else op.Options.Clear("asymmetric_quantize_inputs");
                }
                break;
            }
            case QuantizationScheme.WeightOnlyInt8:
            case QuantizationScheme.WeightOnlyInt4:
            {
                var type = plan.Scheme == QuantizationScheme.WeightOnlyInt8 ? TensorType.Int8 : TensorType.Int4;
                int q = Integer(sg, op.Inputs[slot.Input], type, plan.PerChannel ? slot.ChannelAxis : -1);
                op.Inputs[slot.Input] = Dequantized(sg, op, q, op.Inputs[slot.Input]);
                break;
            }
            case QuantizationScheme.Float16:
            {
                foreach (int input in new[] { slot.Input, slot.Bias })
                {
                    if (input < 0 || !op.HasInput(input)) continue;
                    var t = sg.Tensors[op.Inputs[input]];
                    if (!t.IsConstant || t.Type != TensorType.Float32 || t.IsQuantized) continue;
                    int h = Half16(sg, op.Inputs[input]);
                    op.Inputs[input] = Dequantized(sg, op, h, op.Inputs[input]);
                }
                break;
            }
            case QuantizationScheme.BlockwiseInt4:
                op.Inputs[slot.Input] = Blockwise(sg, op.Inputs[slot.Input], plan.BlockSize);
                break;
        }
    }

    /// <summary>Inserts the DEQUANTIZE ops collected so far right before their consumers.</summary>
    public void Finish()
    {
        foreach (var sg in graph.Subgraphs)
        {
            if (!sg.Operations.Any(_before.ContainsKey)) continue;
            var ops = new List<Operation>();
            foreach (var op in sg.Operations)
            {
                if (_before.TryGetValue(op, out var pre)) ops.AddRange(pre);
                ops.Add(op);
            }
            sg.Operations.Clear();
            sg.Operations.AddRange(ops);
        }
        _before.Clear();
    }

    private int Integer(Subgraph sg, int source, TensorType type, int axis)
    {
        string key = $"{type}/{axis}";
        if (_cache.TryGetValue((sg, source, key), out int cached)) return cached;
        var w = sg.Tensors[source];
        var values = TensorData.Decode(w);
        var (q, scales) = WeightMath.Symmetric(values, w.Shape, axis, type == TensorType.Int4 ? 4 : 8);
        var qp = axis < 0 ? QuantizationParams.PerTensor(scales[0], 0)
            : QuantizationParams.PerAxis(scales, new long[scales.Length], axis);
        int index = GraphEdit.AddConstant(graph, sg, w.Name, type, (int[])w.Shape.Clone(), WeightMath.Encode(type, q, w.Shape), qp);
        _cache[(sg, source, key)] = index;
        return index;
    }

    private int Half16(Subgraph sg, int source)
    {
        if (_cache.TryGetValue((sg, source, "f16"), out int cached)) return cached;
        var w = sg.Tensors[source];
        var values = TensorData.Decode(w);
        int index = GraphEdit.AddConstant(graph, sg, w.Name, TensorType.Float16, (int[])w.Shape.Clone(), TensorData.Encode(TensorType.Float16, values, w.Shape, null));
        _cache[(sg, source, "f16")] = index;
        return index;
    }

    private int Blockwise(Subgraph sg, int source, int block)
    {
        string key = $"bw{block}";
        if (_cache.TryGetValue((sg, source, key), out int cached)) return cached;
        var w = sg.Tensors[source];
        int rows = w.Shape[0], cols = checked((int)(Shapes.ElementCount(w.Shape) / Math.Max(rows, 1)));
        var (q, scales) = WeightMath.Blockwise(TensorData.Decode(w), rows, cols, block);
        var scaleBytes = new byte[scales.Length * 2];
        for (int i = 0; i < scales.Length; i++) System.Buffers.Binary.BinaryPrimitives.WriteHalfLittleEndian(scaleBytes.AsSpan(i * 2), scales[i]);
        int scaleIndex = GraphEdit.AddConstant(graph, sg, w.Name + "_scale", TensorType.Float16, [rows, cols / block], scaleBytes);
        var qp = new QuantizationParams
        {
            DetailsType = QuantizationDetailsType.BlockwiseQuantization,
            Blockwise = new TflBlockwiseQuantization { Scales = scaleIndex, ZeroPoints = -1, BlockSize = block },
        };
        int index = GraphEdit.AddConstant(graph, sg, w.Name, TensorType.Int4, (int[])w.Shape.Clone(), WeightMath.Encode(TensorType.Int4, q, w.Shape), qp);
        _cache[(sg, source, key)] = index;
        return index;
    }

    /// <summary>A DEQUANTIZE of <paramref name="quantized"/> into a new float32 tensor, inserted before <paramref name="consumer"/>.</summary>
    private int Dequantized(Subgraph sg, Operation consumer, int quantized, int original)
    {
        string key = $"dq{quantized}";
        if (_cache.TryGetValue((sg, original, key), out int cached)) return cached;
        var src = sg.Tensors[original];
        int output = sg.AddTensor(new Tensor(GraphEdit.UniqueName(sg, src.Name + "_dequantized"), TensorType.Float32, (int[])src.Shape.Clone()));
        if (!_before.TryGetValue(consumer, out var list)) _before[consumer] = list = [];
        list.Add(new Operation(BuiltinOperator.Dequantize, [quantized], [output]));
        _cache[(sg, original, key)] = output;
        return output;
    }
}
