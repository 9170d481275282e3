using LiteRt.Format.Schema;
using LiteRt.Graph;
using LiteRt.Graph.Catalog;
using LiteRt.Graph.Reference;

namespace LiteRt.Compiler.Ir;

/// <summary>
/// Appends operations to a subgraph with their output shapes inferred on the spot by the op catalog, and folds an
/// operation whose inputs are all constant into a constant (evaluated with the catalog's float64 reference
/// kernels; RESHAPE, TRANSPOSE and the like by moving bytes). Tensor dims use -1 for unknown sizes. Shared by the
/// importers and the passes: they talk only through the IR it edits.
/// </summary>
public sealed class IrBuilder
{
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private int _nameCounter;

    public IrBuilder(ModelGraph graph, Subgraph subgraph)
    {
        Graph = graph;
        Sg = subgraph;
        foreach (var t in subgraph.Tensors) _names.Add(t.Name);
    }

    public ModelGraph Graph { get; }
    public Subgraph Sg { get; }

    /// <summary>Fold operations whose inputs are all constant (on by default).</summary>
    public bool FoldConstants { get; set; } = true;

    /// <summary>Largest output (elements) folded; bigger results stay operations so the file does not balloon.</summary>
    public long FoldLimit { get; set; } = 1 << 22;

    /// <summary>Called for every operation appended (not folded), e.g. to record the source node.</summary>
    public Action<Operation>? OnAppend { get; set; }

    /// <summary>Where <see cref="Op"/> inserts (null: at the end).</summary>
    public int? InsertAt { get; set; }

    public Tensor T(int index) => Sg.Tensors[index];
    public int[] Dims(int t) => Sg.Tensors[t].Dims;
    public int Rank(int t) => Sg.Tensors[t].Dims.Length;
    public TensorType Type(int t) => Sg.Tensors[t].Type;
    public bool IsConst(int t) => t >= 0 && Sg.Tensors[t].IsConstant;
    public bool IsKnown(int t) => Shapes.IsKnown(Dims(t));

    /// <summary>Values of a constant tensor as doubles.</summary>
    public double[] Values(int t) => TensorData.Decode(Sg.Tensors[t]);

    /// <summary>Values of a constant integer (or bool) tensor.</summary>
    public long[] Ints(int t)
    {
        var tensor = Sg.Tensors[t];
        if (tensor.Type.IsInteger() || tensor.Type == TensorType.Bool) return TensorData.ReadInts(tensor);
        return Values(t).Select(v => (long)v).ToArray();
    }

    /// <summary>A unique tensor name based on <paramref name="name"/>.</summary>
    public string UniqueName(string name)
    {
        if (string.IsNullOrEmpty(name)) name = "t";
        if (_names.Add(name)) return name;
        while (true)
        {
            string n = $"{name}_{++_nameCounter}";
            if (_names.Add(n)) return n;
        }
    }

    /// <summary>Renames a tensor (unique).</summary>
    public void Rename(int t, string name)
    {
        var tensor = Sg.Tensors[t];
        if (tensor.Name == name) return;
        _names.Remove(tensor.Name);
        tensor.Name = UniqueName(name);
    }

    public int AddTensor(string name, TensorType type, int[] dims)
    {
        var t = new Tensor(UniqueName(name), type, []);
        SetDims(t, dims);
        return Sg.AddTensor(t);
    }

    /// <summary>Sets a tensor's dims: Shape gets 1 for unknown dims (the .tflite convention), ShapeSignature the -1s.</summary>
    public static void SetDims(Tensor t, int[] dims)
    {
        bool dynamic = dims.Any(d => d < 0);
        t.Shape = dynamic ? dims.Select(d => d < 0 ? 1 : d).ToArray() : (int[])dims.Clone();
        t.ShapeSignature = dynamic ? (int[])dims.Clone() : null;
    }

    // ---- constants ----

    public int ConstRaw(string name, TensorType type, int[] shape, ReadOnlyMemory<byte> bytes)
    {
        // A zero-element constant still needs a non-empty buffer to count as constant.
        var t = new Tensor(UniqueName(name), type, shape) { Buffer = Graph.AddBuffer(bytes.Length == 0 ? new byte[1] : bytes) };
        return Sg.AddTensor(t);
    }

    public int Const(string name, TensorType type, int[] shape, ReadOnlySpan<double> values) =>
        ConstRaw(name, type, shape, TensorData.Encode(type, values, shape, null));

    public int Int32s(string name, params int[] values) =>
        Const(name, TensorType.Int32, [values.Length], values.Select(v => (double)v).ToArray());

    public int Int32s(string name, IEnumerable<long> values) => Int32s(name, values.Select(v => checked((int)v)).ToArray());

    public int ScalarInt32(string name, int value) => Const(name, TensorType.Int32, [], [value]);

    /// <summary>A scalar of type <paramref name="type"/>.</summary>
    public int Scalar(string name, TensorType type, double value) => Const(name, type, [], [value]);

    /// <summary>A constant with the given dims filled with <paramref name="value"/>.</summary>
    public int Filled(string name, TensorType type, int[] shape, double value)
    {
        var v = new double[Shapes.ElementCount(shape)];
        Array.Fill(v, value);
        return Const(name, type, shape, v);
    }

    // ---- operations ----

    public static OptionsTable Options(BuiltinOptionsType type, params (string Name, object Value)[] fields)
    {
        var o = OptionsTable.Create(type);
        foreach (var (n, v) in fields) o.Set(n, v);
        return o;
    }

    /// <summary>Appends an op with one output of <paramref name="outType"/>; returns the output tensor (a constant when folded).</summary>
    public int Op(BuiltinOperator op, int[] inputs, TensorType outType, OptionsTable? options = null, string? name = null, bool fold = true) =>
        OpN(op, inputs, [outType], options, name, fold)[0];

    /// <summary>Appends an op with several outputs.</summary>
    public int[] OpN(BuiltinOperator op, int[] inputs, TensorType[] outTypes, OptionsTable? options = null, string? name = null, bool fold = true)
    {
        string baseName = name ?? op.Name().ToLowerInvariant();
        var outputs = new int[outTypes.Length];
        for (int k = 0; k < outputs.Length; k++)
            outputs[k] = Sg.AddTensor(new Tensor(UniqueName(outTypes.Length == 1 ? baseName : $"{baseName}:{k}"), outTypes[k], []));
        var operation = new Operation(op, inputs, outputs, options);
        var shapes = InferShapes(operation);
        for (int k = 0; k < outputs.Length; k++) SetDims(Sg.Tensors[outputs[k]], shapes[k]);

        if (fold && FoldConstants && TryFold(operation, shapes)) return outputs;
        if (InsertAt is int at)
        {
            Sg.Operations.Insert(at, operation);
            InsertAt = at + 1;
        }
        else Sg.Operations.Add(operation);
        OnAppend?.Invoke(operation);
        return outputs;
    }

    /// <summary>Output dims of an operation from its inputs' current dims (catalog shape function).</summary>
    public int[][] InferShapes(Operation op)
    {
        var def = OpCatalog.Find(op.Op) ?? throw new InvalidOperationException($"the op catalog has no {op.Op.Name()}");
        string node = $"{op.OpName} '{(op.Outputs.Length > 0 ? Sg.Tensors[op.Outputs[0]].Name : "?")}'";
        var ctx = new ShapeContext(op, node, k => Sg.Tensors[op.Inputs[k]].Dims, k => op.HasInput(k) ? Sg.Tensors[op.Inputs[k]] : null);
        def.InferShapes(ctx);
        var r = new int[op.Outputs.Length][];
        for (int k = 0; k < r.Length; k++)
            r[k] = ctx.OutputShape(k) ?? throw new InvalidOperationException($"{node}: shape function set no shape for output {k}");
        return r;
    }

    /// <summary>Re-infers and stores the output dims of an existing operation.</summary>
    public void Reinfer(Operation op)
    {
        var shapes = InferShapes(op);
        for (int k = 0; k < shapes.Length; k++) SetDims(Sg.Tensors[op.Outputs[k]], shapes[k]);
    }

    /// <summary>
    /// Folds an operation already in the subgraph whose inputs are all constant: its outputs become constants (the
    /// caller removes the operation). False when it cannot be folded.
    /// </summary>
    public bool FoldInPlace(Operation op)
    {
        int[][] shapes;
        try
        {
            shapes = InferShapes(op);
        }
        catch (LiteRtModelException)
        {
            return false;
        }
        return TryFold(op, shapes);
    }

    private bool TryFold(Operation op, int[][] shapes)
    {
        foreach (int i in op.Inputs)
            if (i >= 0 && !IsFoldableInput(i)) return false;
        foreach (var s in shapes)
        {
            long n = Shapes.ElementCount(s);
            if (n < 0 || n > FoldLimit) return false;
        }
        foreach (int o in op.Outputs)
            if (!Sg.Tensors[o].Type.HasFixedSize() || Sg.Tensors[o].Type == TensorType.String) return false;
        foreach (int i in op.Inputs)
            if (i >= 0 && Sg.Tensors[i].Type == TensorType.String) return false;

        // Byte moves: exact for every type, and fast for big weights.
        if (op.Op is BuiltinOperator.Reshape or BuiltinOperator.Squeeze or BuiltinOperator.ExpandDims)
        {
            var src = Sg.Tensors[op.Inputs[0]];
            var dst = Sg.Tensors[op.Outputs[0]];
            dst.Buffer = src.Buffer is { HasData: true } ? src.Buffer : Graph.AddBuffer(Array.Empty<byte>());
            if (!dst.IsConstant) dst.Buffer = Graph.AddBuffer(new byte[1]); // empty tensors: a 1-byte placeholder buffer
            return true;
        }
        if (op.Op == BuiltinOperator.Transpose)
        {
            var src = Sg.Tensors[op.Inputs[0]];
            var perm = Ints(op.Inputs[1]).Select(v => (int)v).ToArray();
            var bytes = ConstantData.Permute(src.DataBytes, src.Type, src.Shape, perm);
            Sg.Tensors[op.Outputs[0]].Buffer = Graph.AddBuffer(bytes.Length == 0 ? new byte[1] : bytes);
            return true;
        }

        var def = OpCatalog.Find(op.Op)!;
        string node = $"{op.OpName} (constant folding)";
        var inputs = new RefTensor?[op.Inputs.Length];
        for (int k = 0; k < inputs.Length; k++)
        {
            if (op.Inputs[k] < 0) continue;
            var t = Sg.Tensors[op.Inputs[k]];
            inputs[k] = new RefTensor(t.Shape, t.IsConstant ? TensorData.Decode(t) : [], t.Type, t.Quantization);
        }
        var outputs = new RefTensor[op.Outputs.Length];
        for (int k = 0; k < outputs.Length; k++)
            outputs[k] = RefTensor.Zeros(shapes[k], Sg.Tensors[op.Outputs[k]].Type);
        def.Reference(new ReferenceContext(op, node, inputs, outputs));
        for (int k = 0; k < outputs.Length; k++)
        {
            var t = Sg.Tensors[op.Outputs[k]];
            var bytes = TensorData.Encode(t.Type, outputs[k].Data, shapes[k], null);
            t.Buffer = Graph.AddBuffer(bytes.Length == 0 ? new byte[1] : bytes);
        }
        return true;
    }

    /// <summary>A constant, or an empty tensor (its value is known without data).</summary>
    private bool IsFoldableInput(int i)
    {
        var t = Sg.Tensors[i];
        if (t.IsConstant) return true;
        return t.Buffer is not null && Shapes.ElementCount(t.Dims) == 0 && !Sg.Inputs.Contains(i);
    }

    // ---- common shortcuts ----

    public int Reshape(int x, int[] shape, string? name = null) =>
        Op(BuiltinOperator.Reshape, [x, Int32s((name ?? "reshape") + "/shape", shape)], Type(x), null, name);

    public int Transpose(int x, int[] perm, string? name = null) =>
        Op(BuiltinOperator.Transpose, [x, Int32s((name ?? "transpose") + "/perm", perm)], Type(x), null, name);

    public int Cast(int x, TensorType to, string? name = null) =>
        Type(x) == to ? x : Op(BuiltinOperator.Cast, [x], to,
            Options(BuiltinOptionsType.CastOptions, ("in_data_type", Type(x)), ("out_data_type", to)), name);

    public int Binary(BuiltinOperator op, int a, int b, string? name = null, ActivationFunctionType act = ActivationFunctionType.None)
    {
        OptionsTable? o = op switch
        {
            BuiltinOperator.Add => Options(BuiltinOptionsType.AddOptions, ("fused_activation_function", act)),
            BuiltinOperator.Sub => Options(BuiltinOptionsType.SubOptions, ("fused_activation_function", act)),
            BuiltinOperator.Mul => Options(BuiltinOptionsType.MulOptions, ("fused_activation_function", act)),
            BuiltinOperator.Div => Options(BuiltinOptionsType.DivOptions, ("fused_activation_function", act)),
            _ => null,
        };
        return Op(op, [a, b], Type(a), o, name);
    }

    public int Unary(BuiltinOperator op, int x, string? name = null) => Op(op, [x], Type(x), null, name);
}
