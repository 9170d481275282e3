using LiteRt.Compiler.Ir;
using LiteRt.Format.Schema;
using LiteRt.Graph;

namespace LiteRt.Compiler.Import.Onnx;

/// <summary>
/// What an op lowering works with: the ONNX value → IR tensor map, the <see cref="IrBuilder"/> that appends LiteRT
/// builtin ops (inferring shapes and folding constants as it goes), and helpers for the conventions every lowering
/// shares (constant inputs, type legalization, axis normalization).
/// </summary>
public sealed class LoweringContext
{
    private readonly Dictionary<string, int> _values;

    internal LoweringContext(IrBuilder builder, Dictionary<string, int> values, ConvertOptions options, string? file)
    {
        B = builder;
        _values = values;
        Options = options;
        File = file;
    }

    public IrBuilder B { get; }
    public ConvertOptions Options { get; }
    public string? File { get; }

    /// <summary>The node being lowered (set by the importer).</summary>
    public OnnxNode Node { get; internal set; } = null!;

    public bool HasValue(string name) => _values.ContainsKey(name);

    /// <summary>The tensor of input <paramref name="i"/>, or -1 when the input is absent.</summary>
    public int Input(int i)
    {
        if (!Node.HasInput(i)) return -1;
        string name = Node.Proto.Inputs[i];
        return _values.TryGetValue(name, out int t) ? t
            : throw Node.Error(ErrorCodes.InvalidGraph, $"input {i} '{name}' is not produced by any earlier node, initializer or graph input");
    }

    /// <summary>Input <paramref name="i"/>, which must be present.</summary>
    public int Required(int i) =>
        Node.HasInput(i) ? Input(i) : throw Node.Error(ErrorCodes.InvalidGraph, $"required input {i} is missing");

    /// <summary>Number of inputs, counting only up to the last present one.</summary>
    public int InputCount
    {
        get
        {
            int n = Node.InputCount;
            while (n > 0 && !Node.HasInput(n - 1)) n--;
            return n;
        }
    }

    /// <summary>Binds output <paramref name="i"/> to a tensor (tensors made for this node take the ONNX name).</summary>
    public void Output(int i, int tensor)
    {
        if (!Node.HasOutput(i)) return;
        string name = Node.Proto.Outputs[i];
        if (tensor >= _firstNewTensor && !_renamed.Contains(tensor))
        {
            B.Rename(tensor, name);
            _renamed.Add(tensor);
        }
        _values[name] = tensor;
    }

    private int _firstNewTensor;
    private readonly HashSet<int> _renamed = [];

    internal void BeginNode(OnnxNode node)
    {
        Node = node;
        _firstNewTensor = B.Sg.Tensors.Count;
        _renamed.Clear();
    }

    /// <summary>A name for a tensor this node creates.</summary>
    public string Name(string suffix) => $"{Node.BaseName}/{suffix}";

    // ---- tensor facts ----

    public int[] Dims(int t) => B.Dims(t);
    public int Rank(int t) => B.Rank(t);
    public TensorType Type(int t) => B.Type(t);
    public bool IsConst(int t) => B.IsConst(t);

    /// <summary>Values of a constant integer input; LRT1005 naming the input when it is computed at run time.</summary>
    public long[] ConstInts(int input, string what)
    {
        int t = Required(input);
        if (!IsConst(t) && !IsEmpty(t)) throw NotConstant(input, t, what);
        return IsEmpty(t) ? [] : B.Ints(t);
    }

    /// <summary>LRT1005 for an input that must be constant, naming the graph inputs its value is computed from.</summary>
    public LiteRtCompileException NotConstant(int input, int t, string what)
    {
        var sources = GraphInputsBehind(t);
        string from = sources.Count == 0 ? "" : $" (it is computed from graph input{(sources.Count > 1 ? "s" : "")} {string.Join(", ", sources.Select(s => $"'{s}'"))})";
        return Node.Error(ErrorCodes.NeedsConstant,
            $"{what} (input {input} '{Node.Proto.Inputs[input]}') must be a constant{from}: LiteRT fixes shapes at conversion time");
    }

    /// <summary>The names of the subgraph inputs that tensor <paramref name="t"/> depends on.</summary>
    public List<string> GraphInputsBehind(int t)
    {
        var sg = B.Sg;
        var producer = new Dictionary<int, Operation>();
        foreach (var op in sg.Operations)
            foreach (int o in op.Outputs) producer[o] = op;
        var seen = new HashSet<int>();
        var stack = new Stack<int>([t]);
        var result = new List<string>();
        while (stack.Count > 0)
        {
            int x = stack.Pop();
            if (x < 0 || !seen.Add(x)) continue;
            if (sg.Inputs.Contains(x)) result.Add(sg.Tensors[x].Name);
            if (producer.TryGetValue(x, out var p))
                foreach (int i in p.Inputs) stack.Push(i);
        }
        return result;
    }

    /// <summary>Values of a constant input as doubles; LRT1005 when computed at run time.</summary>
    public double[] ConstValues(int input, string what)
    {
        int t = Required(input);
        if (!IsConst(t) && !IsEmpty(t)) throw NotConstant(input, t, what);
        return IsEmpty(t) ? [] : B.Values(t);
    }

    /// <summary>A tensor with zero elements (its value is known although it has no data).</summary>
    public bool IsEmpty(int t) => Shapes.ElementCount(Dims(t)) == 0;

    /// <summary>Dims that must be known (LRT1009 otherwise, suggesting --input-shapes).</summary>
    public int[] KnownDims(int t, string what)
    {
        var d = Dims(t);
        if (!Shapes.IsKnown(d))
            throw Node.Error(ErrorCodes.DynamicShape,
                $"{what} has dynamic shape {Shapes.Format(d)}; fix the input shapes (InputShapes metadata or --input-shapes name:1x3x224x224)");
        return d;
    }

    /// <summary>Normalises an ONNX axis (negative counts from the end).</summary>
    public int Axis(long axis, int rank, string what = "axis")
    {
        long a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= Math.Max(rank, 1))
            throw Node.Error(ErrorCodes.InvalidGraph, $"{what} {axis} is out of range for rank {rank}");
        return (int)a;
    }

    // ---- type legalization ----

    /// <summary>
    /// The type a LiteRT kernel computes a value of type <paramref name="t"/> in, given the types the builtin accepts:
    /// the type itself when accepted; float64/float16/bfloat16 → float32; narrow and unsigned integers → int32 or
    /// int64. LRT1004 when there is none.
    /// </summary>
    public TensorType ComputeType(TensorType t, IReadOnlyCollection<TensorType> allowed, string what = "input")
    {
        if (allowed.Contains(t)) return t;
        TensorType[] prefs = t switch
        {
            TensorType.Float64 or TensorType.Float16 or TensorType.Bfloat16 => [TensorType.Float32],
            TensorType.Uint8 or TensorType.Int8 or TensorType.Int16 or TensorType.Uint16 => [TensorType.Int32, TensorType.Int64, TensorType.Float32],
            TensorType.Uint32 => [TensorType.Int64, TensorType.Int32, TensorType.Float32],
            TensorType.Int32 => [TensorType.Int64, TensorType.Float32],
            TensorType.Int64 or TensorType.Uint64 => [TensorType.Int64, TensorType.Int32, TensorType.Float32],
            TensorType.Bool => [TensorType.Int32],
            _ => [],
        };
        foreach (var p in prefs)
            if (allowed.Contains(p)) return p;
        throw Node.Error(ErrorCodes.UnsupportedDataType,
            $"{what} has element type {t.Name()}, which {Node.OpType} cannot compute in LiteRT (supported: {string.Join(", ", allowed.Select(a => a.Name()))})");
    }

    /// <summary>Casts <paramref name="t"/> to <paramref name="to"/> when it differs.</summary>
    public int CastTo(int t, TensorType to) => B.Cast(t, to, Name("cast"));

    /// <summary>
    /// Applies <paramref name="build"/> to inputs cast to a common compute type and casts the result back to
    /// <paramref name="resultType"/> (default: the first input's type).
    /// </summary>
    public int Computed(int[] inputs, IReadOnlyCollection<TensorType> allowed, Func<int[], int> build, TensorType? resultType = null)
    {
        var ct = ComputeType(Type(inputs[0]), allowed);
        var cast = inputs.Select(i => i < 0 ? i : CastTo(i, ct)).ToArray();
        int r = build(cast);
        var want = resultType ?? Type(inputs[0]);
        return Type(r) == want ? r : CastTo(r, want);
    }

    public static readonly TensorType[] Float32Only = [TensorType.Float32];
    public static readonly TensorType[] Numeric = [TensorType.Float32, TensorType.Int32, TensorType.Int64];
}
