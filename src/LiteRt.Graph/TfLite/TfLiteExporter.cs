using LiteRt.Format.Schema;

namespace LiteRt.Graph.TfLite;

/// <summary>IR → .tflite object model (the Format library then serialises it).</summary>
public static class TfLiteExporter
{
    public static TflModel Export(ModelGraph g)
    {
        var buffers = new List<DataBuffer>(g.Buffers);
        if (buffers.Count == 0 || buffers[0].HasData) buffers.Insert(0, new DataBuffer(null));
        var bufferIndex = new Dictionary<DataBuffer, int>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < buffers.Count; i++) bufferIndex.TryAdd(buffers[i], i);
        uint IndexOf(DataBuffer? b)
        {
            if (b is null) return 0;
            if (!bufferIndex.TryGetValue(b, out int i))
            {
                i = buffers.Count;
                buffers.Add(b);
                bufferIndex[b] = i;
            }
            return (uint)i;
        }

        var codes = new List<TflOperatorCode>(g.OperatorCodes);
        uint CodeFor(Operation op)
        {
            static bool Matches(TflOperatorCode c, Operation op) =>
                c.EffectiveCode == op.Op && c.Version == op.Version && c.CustomCode == op.CustomCode;
            if (op.SourceOpcodeIndex is int s && s < codes.Count && Matches(codes[s], op)) return (uint)s;
            int found = codes.FindIndex(c => Matches(c, op));
            if (found >= 0) return (uint)found;
            var code = TflOperatorCode.ForBuiltin(op.Op, op.Version);
            code.CustomCode = op.CustomCode;
            codes.Add(code);
            return (uint)(codes.Count - 1);
        }

        var model = new TflModel
        {
            Version = g.SchemaVersion,
            Description = g.Description,
            MetadataBuffer = g.DeprecatedMetadataBuffer,
            ExternalBufferGroups = g.ExternalBufferGroups,
            ExternalBuffers = g.ExternalBuffers,
            Subgraphs = [],
        };

        foreach (var sg in g.Subgraphs)
        {
            var tsg = new TflSubGraph
            {
                Name = sg.Name,
                DebugMetadataIndex = sg.DebugMetadataIndex,
                Inputs = sg.InputsWereAbsent && sg.Inputs.Count == 0 ? null : [.. sg.Inputs],
                Outputs = sg.OutputsWereAbsent && sg.Outputs.Count == 0 ? null : [.. sg.Outputs],
                Tensors = [],
                Operators = [],
            };
            foreach (var t in sg.Tensors)
            {
                tsg.Tensors.Add(new TflTensor
                {
                    Shape = t.ShapeWasAbsent && t.Shape.Length == 0 ? null : t.Shape,
                    Type = t.Type,
                    Buffer = IndexOf(t.Buffer),
                    Name = t.Name,
                    Quantization = ExportQuantization(t.Quantization),
                    IsVariable = t.IsVariable,
                    Sparsity = t.Sparsity,
                    ShapeSignature = t.ShapeSignature,
                    HasRank = t.HasRank,
                    VariantTensors = t.VariantTensors,
                    ExternalBuffer = t.ExternalBuffer,
                });
            }
            foreach (var op in sg.Operations)
            {
                tsg.Operators.Add(new TflOperator
                {
                    OpcodeIndex = CodeFor(op),
                    Inputs = op.InputsWereAbsent && op.Inputs.Length == 0 ? null : op.Inputs,
                    Outputs = op.OutputsWereAbsent && op.Outputs.Length == 0 ? null : op.Outputs,
                    BuiltinOptions = op.Options,
                    BuiltinOptions2 = op.Options2,
                    CustomOptions = op.CustomOptions,
                    CustomOptionsFormat = op.CustomOptionsFormat,
                    MutatingVariableInputs = op.MutatingVariableInputs,
                    Intermediates = op.Intermediates,
                    DebugMetadataIndex = op.DebugMetadataIndex,
                    LargeCustomOptionsOffset = op.LargeCustomOptionsOffset,
                    LargeCustomOptionsSize = op.LargeCustomOptionsSize,
                });
            }
            model.Subgraphs.Add(tsg);
        }

        if (g.Metadata.Count > 0 || g.MetadataPresent)
            model.Metadata = g.Metadata.Select(m => new TflMetadata { Name = m.Name, Buffer = IndexOf(m.Buffer) }).ToList();

        if (g.Signatures.Count > 0 || g.SignatureDefsPresent)
        {
            model.SignatureDefs = g.Signatures.Select(s => new TflSignatureDef
            {
                SignatureKey = s.Key,
                SubgraphIndex = (uint)s.SubgraphIndex,
                DeprecatedTag = s.DeprecatedTag,
                Inputs = s.Inputs.Select(i => new TflTensorMap { Name = i.Name, TensorIndex = (uint)i.TensorIndex }).ToList(),
                Outputs = s.Outputs.Select(o => new TflTensorMap { Name = o.Name, TensorIndex = (uint)o.TensorIndex }).ToList(),
            }).ToList();
        }

        model.OperatorCodes = codes;
        model.Buffers = buffers.Select(b => new TflBuffer { Data = b.Data }).ToList();
        return model;
    }

    private static TflQuantizationParameters? ExportQuantization(QuantizationParams? q) => q is null ? null : new TflQuantizationParameters
    {
        Min = q.Min,
        Max = q.Max,
        Scale = q.Scale,
        ZeroPoint = q.ZeroPoint,
        QuantizedDimension = q.QuantizedDimension,
        DetailsType = q.DetailsType,
        BlockwiseDetails = q.Blockwise,
        MultiAxisDetails = q.MultiAxis,
        CustomDetails = q.Custom,
    };
}
