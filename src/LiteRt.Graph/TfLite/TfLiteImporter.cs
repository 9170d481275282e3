using LiteRt.Format.Schema;

namespace LiteRt.Graph.TfLite;

/// <summary>
/// .tflite object model → IR. Lossless: everything the file holds lands somewhere in the graph, so
/// <see cref="TfLiteExporter"/> writes it back field for field. Structural errors (indices out of range, a
/// signature naming a missing tensor) are <see cref="LiteRtModelException"/>s naming the place.
/// </summary>
public static class TfLiteImporter
{
    public static ModelGraph Import(TflModel model, string? sourcePath = null)
    {
        try
        {
            return ImportCore(model, sourcePath);
        }
        catch (LiteRtModelException e)
        {
            throw e.WithFile(sourcePath);
        }
    }

    private static ModelGraph ImportCore(TflModel model, string? sourcePath)
    {
        var g = new ModelGraph
        {
            SchemaVersion = model.Version,
            Description = model.Description,
            DeprecatedMetadataBuffer = model.MetadataBuffer,
            ExternalBufferGroups = model.ExternalBufferGroups,
            ExternalBuffers = model.ExternalBuffers,
            SourcePath = sourcePath,
            SignatureDefsPresent = model.SignatureDefs is not null,
            MetadataPresent = model.Metadata is not null,
        };
        g.Buffers.Clear();
        foreach (var b in model.Buffers ?? [])
            g.Buffers.Add(new DataBuffer(b.Data) { WasExternal = b.IsExternal });
        if (g.Buffers.Count == 0) g.Buffers.Add(new DataBuffer(null));

        DataBuffer BufferAt(uint index, string where)
        {
            if (index >= g.Buffers.Count)
                throw new LiteRtModelException($"{where} refers to buffer {index}, but the model has {g.Buffers.Count} buffers");
            return g.Buffers[(int)index];
        }

        g.OperatorCodes.AddRange(model.OperatorCodes ?? []);
        var subgraphs = model.Subgraphs ?? [];
        for (int s = 0; s < subgraphs.Count; s++)
            g.Subgraphs.Add(ImportSubgraph(subgraphs[s], s, g, BufferAt));

        foreach (var m in model.Metadata ?? [])
            g.Metadata.Add(new MetadataEntry(m.Name, BufferAt(m.Buffer, $"metadata '{m.Name}'")));

        foreach (var sd in model.SignatureDefs ?? [])
        {
            string key = sd.SignatureKey ?? "";
            if (sd.SubgraphIndex >= g.Subgraphs.Count)
                throw new LiteRtModelException($"signature '{key}' refers to subgraph {sd.SubgraphIndex}, but the model has {g.Subgraphs.Count}");
            var sg = g.Subgraphs[(int)sd.SubgraphIndex];
            var sig = new Signature(key, (int)sd.SubgraphIndex) { DeprecatedTag = sd.DeprecatedTag };
            foreach (var (maps, list, what) in new[] { (sd.Inputs, sig.Inputs, "input"), (sd.Outputs, sig.Outputs, "output") })
            {
                foreach (var m in maps ?? [])
                {
                    if (m.TensorIndex >= sg.Tensors.Count)
                        throw new LiteRtModelException($"signature '{key}' {what} '{m.Name}' refers to tensor {m.TensorIndex}, but subgraph {sd.SubgraphIndex} has {sg.Tensors.Count}");
                    list.Add(new SignatureTensor(m.Name ?? "", (int)m.TensorIndex));
                }
            }
            g.Signatures.Add(sig);
        }
        return g;
    }

    private static Subgraph ImportSubgraph(TflSubGraph src, int index, ModelGraph g, Func<uint, string, DataBuffer> bufferAt)
    {
        var sg = new Subgraph { Name = src.Name, DebugMetadataIndex = src.DebugMetadataIndex };
        var tensors = src.Tensors ?? [];
        for (int i = 0; i < tensors.Count; i++)
        {
            var t = tensors[i];
            string name = t.Name ?? $"tensor_{i}";
            var tensor = new Tensor(name, t.Type, t.Shape ?? [])
            {
                ShapeSignature = t.ShapeSignature,
                Buffer = t.Buffer == 0 ? null : bufferAt(t.Buffer, $"subgraph {index} tensor {i} '{name}'"),
                Quantization = ImportQuantization(t.Quantization),
                IsVariable = t.IsVariable,
                HasRank = t.HasRank,
                Sparsity = t.Sparsity,
                VariantTensors = t.VariantTensors,
                ExternalBuffer = t.ExternalBuffer,
            };
            tensor.ShapeWasAbsent = t.Shape is null;
            if (tensor.Shape.Any(d => d < 0) && t.ShapeSignature is null)
            {
                // Some writers put -1 straight into shape; treat it as the signature.
                tensor.ShapeSignature = tensor.Shape;
            }
            sg.Tensors.Add(tensor);
        }

        int[] CheckIndices(int[]? list, string where, bool allowAbsent)
        {
            if (list is null) return [];
            foreach (int t in list)
            {
                if (t == -1 && allowAbsent) continue;
                if (t < 0 || t >= sg.Tensors.Count)
                    throw new LiteRtModelException($"{where} refers to tensor {t}, but subgraph {index} has {sg.Tensors.Count} tensors");
            }
            return list;
        }

        sg.Inputs.AddRange(CheckIndices(src.Inputs, $"subgraph {index} inputs", false));
        sg.Outputs.AddRange(CheckIndices(src.Outputs, $"subgraph {index} outputs", false));
        sg.InputsWereAbsent = src.Inputs is null;
        sg.OutputsWereAbsent = src.Outputs is null;

        var ops = src.Operators ?? [];
        for (int i = 0; i < ops.Count; i++)
        {
            var o = ops[i];
            string where = $"subgraph {index} operator #{i}";
            if (o.OpcodeIndex >= g.OperatorCodes.Count)
                throw new LiteRtModelException($"{where} uses operator code {o.OpcodeIndex}, but the model has {g.OperatorCodes.Count}");
            var code = g.OperatorCodes[(int)o.OpcodeIndex];
            var op = new Operation(code.EffectiveCode, CheckIndices(o.Inputs, where + " inputs", true), CheckIndices(o.Outputs, where + " outputs", false), o.BuiltinOptions)
            {
                CustomCode = code.CustomCode,
                Version = code.Version,
                Options2 = o.BuiltinOptions2,
                CustomOptions = o.CustomOptions,
                CustomOptionsFormat = o.CustomOptionsFormat,
                MutatingVariableInputs = o.MutatingVariableInputs,
                Intermediates = o.Intermediates is null ? null : CheckIndices(o.Intermediates, where + " intermediates", true),
                DebugMetadataIndex = o.DebugMetadataIndex,
                SourceOpcodeIndex = (int)o.OpcodeIndex,
                InputsWereAbsent = o.Inputs is null,
                OutputsWereAbsent = o.Outputs is null,
                LargeCustomOptionsOffset = o.LargeCustomOptionsOffset,
                LargeCustomOptionsSize = o.LargeCustomOptionsSize,
            };
            sg.Operations.Add(op);
        }
        return sg;
    }

    private static QuantizationParams? ImportQuantization(TflQuantizationParameters? q)
    {
        if (q is null) return null;
        return new QuantizationParams
        {
            Min = q.Min,
            Max = q.Max,
            Scale = q.Scale,
            ZeroPoint = q.ZeroPoint,
            QuantizedDimension = q.QuantizedDimension,
            DetailsType = q.DetailsType,
            Blockwise = q.BlockwiseDetails,
            MultiAxis = q.MultiAxisDetails,
            Custom = q.CustomDetails,
        };
    }
}
