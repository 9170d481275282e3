using System.Text;
using LiteRt.Compiler.Import.Onnx.Proto;

namespace LiteRt.Compiler.Import.Onnx;

/// <summary>An ONNX node as a lowering sees it: op type, the opset in force, inputs/outputs and typed attribute access.</summary>
public sealed class OnnxNode
{
    private readonly Dictionary<string, OnnxAttributeProto> _attributes;

    public OnnxNode(OnnxNodeProto proto, int opset, int index)
    {
        Proto = proto;
        Opset = opset;
        Index = index;
        _attributes = new Dictionary<string, OnnxAttributeProto>(StringComparer.Ordinal);
        foreach (var a in proto.Attributes) _attributes[a.Name] = a;
    }

    public OnnxNodeProto Proto { get; }
    public string OpType => Proto.OpType;
    public string Name => Proto.Name;
    public string Domain => Proto.Domain;
    /// <summary>The ai.onnx opset version the model imports.</summary>
    public int Opset { get; }
    /// <summary>Position in the graph (for names of unnamed nodes).</summary>
    public int Index { get; }

    /// <summary>"Conv node 'conv1' (opset 13)": how errors name the node.</summary>
    public string Description => $"{OpType} node '{(Name.Length > 0 ? Name : $"#{Index}")}' (opset {Opset})";

    /// <summary>A readable base name for tensors this node creates.</summary>
    public string BaseName => Name.Length > 0 ? Name : Proto.Outputs.FirstOrDefault(o => o.Length > 0) ?? $"{OpType}_{Index}";

    public int InputCount => Proto.Inputs.Count;
    public int OutputCount => Proto.Outputs.Count;
    /// <summary>An input is present when listed with a non-empty name.</summary>
    public bool HasInput(int i) => i < Proto.Inputs.Count && Proto.Inputs[i].Length > 0;
    public bool HasOutput(int i) => i < Proto.Outputs.Count && Proto.Outputs[i].Length > 0;

    public bool Has(string name) => _attributes.ContainsKey(name);
    public OnnxAttributeProto? Attribute(string name) => _attributes.GetValueOrDefault(name);
    public IEnumerable<string> AttributeNames => _attributes.Keys;

    public long Int(string name, long fallback) => _attributes.TryGetValue(name, out var a) ? a.I : fallback;
    public int Int32(string name, int fallback) => checked((int)Int(name, fallback));
    public float Float(string name, float fallback) => _attributes.TryGetValue(name, out var a) ? a.F : fallback;
    public string String(string name, string fallback) =>
        _attributes.TryGetValue(name, out var a) ? Encoding.UTF8.GetString(a.S.Span) : fallback;
    public long[]? Ints(string name) => _attributes.TryGetValue(name, out var a) ? [.. a.Ints] : null;
    public float[]? Floats(string name) => _attributes.TryGetValue(name, out var a) ? [.. a.Floats] : null;
    public OnnxTensorProto? Tensor(string name) => _attributes.TryGetValue(name, out var a) ? a.T : null;

    public LiteRtCompileException Error(string code, string reason) => new(code, reason, Description);

    public LiteRtCompileException Unsupported(string reason) => Error(ErrorCodes.UnsupportedAttribute, reason);
}
