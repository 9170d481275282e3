using LiteRt.Format.Schema;

namespace LiteRt.Graph;

/// <summary>
/// The one intermediate representation: a model is a list of subgraphs (0 = main), the signatures that name
/// their inputs and outputs, and the constant data buffers tensors share. Importers produce it; passes, the
/// quantizer, the planner, the emitter and the runtime consume it. It keeps everything a .tflite file holds, so
/// import → export is lossless.
/// </summary>
public sealed class ModelGraph
{
    public List<Subgraph> Subgraphs { get; } = [];
    public List<Signature> Signatures { get; } = [];

    /// <summary>
    /// Constant data in file order. Index 0 is the empty sentinel the .tflite format requires; tensors refer to
    /// entries by object, so passes can add or drop data without renumbering.
    /// </summary>
    public List<DataBuffer> Buffers { get; } = [new DataBuffer(null)];

    public List<MetadataEntry> Metadata { get; } = [];
    public string? Description { get; set; }
    public uint SchemaVersion { get; set; } = 3;

    /// <summary>Operator codes in file order (kept so export reproduces the table); export adds missing ones.</summary>
    public List<TflOperatorCode> OperatorCodes { get; } = [];

    /// <summary>Rarely used .tflite fields kept only for lossless round trips.</summary>
    public int[]? DeprecatedMetadataBuffer { get; set; }
    public List<TflExternalBufferGroup>? ExternalBufferGroups { get; set; }
    public List<TflExternalBuffer>? ExternalBuffers { get; set; }
    /// <summary>The file had a (possibly empty) signature_defs / metadata vector; kept so empty ones round-trip.</summary>
    public bool SignatureDefsPresent { get; set; }
    public bool MetadataPresent { get; set; }

    /// <summary>Where the graph came from (a file path), for error messages.</summary>
    public string? SourcePath { get; set; }

    public Subgraph Main => Subgraphs.Count > 0 ? Subgraphs[0] : throw new LiteRtModelException("the model has no subgraphs");

    public DataBuffer AddBuffer(ReadOnlyMemory<byte> data)
    {
        var b = new DataBuffer(data);
        Buffers.Add(b);
        return b;
    }

    /// <summary>
    /// The model's signatures, or, for a model without SignatureDefs, one default signature per subgraph 0
    /// named <c>serving_default</c> whose inputs and outputs are named after their tensors.
    /// </summary>
    public IReadOnlyList<Signature> SignaturesOrDefault()
    {
        if (Signatures.Count > 0) return Signatures;
        var main = Main;
        var sig = new Signature(Signature.DefaultKey, 0);
        foreach (int t in main.Inputs) sig.Inputs.Add(new SignatureTensor(main.Tensors[t].Name, t));
        foreach (int t in main.Outputs) sig.Outputs.Add(new SignatureTensor(main.Tensors[t].Name, t));
        return [sig];
    }
}

/// <summary>Constant bytes shared by tensors (little-endian, row-major). Null data = an empty .tflite buffer.</summary>
public sealed class DataBuffer(ReadOnlyMemory<byte>? data)
{
    public ReadOnlyMemory<byte>? Data { get; set; } = data;
    public bool HasData => Data is { Length: > 0 };
    public int Length => Data?.Length ?? 0;

    /// <summary>Offset/size form read from a file over 2 GB (export may choose either form again).</summary>
    public bool WasExternal { get; set; }
}

public sealed record MetadataEntry(string? Name, DataBuffer Buffer);

/// <summary>A named entry point: which subgraph, and the public names of its inputs and outputs.</summary>
public sealed class Signature(string key, int subgraphIndex)
{
    public const string DefaultKey = "serving_default";
    public string Key { get; set; } = key;
    public int SubgraphIndex { get; set; } = subgraphIndex;
    public List<SignatureTensor> Inputs { get; } = [];
    public List<SignatureTensor> Outputs { get; } = [];
    /// <summary>Deprecated .tflite field kept for lossless round trips.</summary>
    public string? DeprecatedTag { get; set; }
}

public sealed record SignatureTensor(string Name, int TensorIndex);
