using System.Text;
using LiteRt.Compiler.Import.Onnx;
using LiteRt.Compiler.Import.Onnx.Proto;
using LiteRt.Format.Schema;
using LiteRt.Graph;
using LiteRt.Runtime;

namespace LiteRt.Compiler.Tests.Onnx.Conformance;

/// <summary>How a conformance case ended.</summary>
public enum CaseOutcome
{
    Passed,
    /// <summary>Passed once the inputs that decide shapes (a Reshape target, Slice bounds…) were bound as constants.</summary>
    PassedWithConstantInputs,
    UnsupportedOp,
    UnsupportedDataType,
    UnsupportedAttribute,
    NeedsConstant,
    DynamicShape,
    /// <summary>The expected data follows a convention we deliberately differ from (listed with the reason).</summary>
    ExpectedDataDiffers,
    /// <summary>A bug: the converted model ran and gave a different result.</summary>
    WrongResult,
    /// <summary>A bug: conversion or execution failed in a way that is not a reported limitation.</summary>
    Error,
}

public sealed record CaseResult(string Category, string Name, string Op, CaseOutcome Outcome, string Reason, double Millis)
{
    public bool Passed => Outcome is CaseOutcome.Passed or CaseOutcome.PassedWithConstantInputs;

    /// <summary>Outcomes that are bugs to fix rather than reported limitations.</summary>
    public bool IsBug => Outcome is CaseOutcome.WrongResult or CaseOutcome.Error;
}

/// <summary>
/// Runs ONNX's backend test cases (Debian's libonnx-testdata: model.onnx + test_data_set_N/{input,output}_K.pb):
/// convert with <see cref="ModelConverter"/>, run with the CPU runtime, compare with ONNX's tolerances
/// (|got − expected| ≤ 1e-7 + 1e-3·|expected|, NaN = NaN, integers and bools exact).
/// </summary>
public static class OnnxConformance
{
    public const string DataRoot = "/usr/share/libonnx-testdata/data";
    public static readonly string[] Categories = ["node", "pytorch-converted", "pytorch-operator", "simple"];

    public const double Rtol = 1e-3, Atol = 1e-7;

    public static bool IsAvailable => Directory.Exists(Path.Combine(DataRoot, "node"));

    public static IEnumerable<(string Category, string Dir)> Cases(string? filter = null)
    {
        foreach (var cat in Categories)
        {
            string root = Path.Combine(DataRoot, cat);
            if (!Directory.Exists(root)) continue;
            foreach (var dir in Directory.GetDirectories(root).OrderBy(d => d, StringComparer.Ordinal))
                if (filter is null || Path.GetFileName(dir).Contains(filter, StringComparison.Ordinal)) yield return (cat, dir);
        }
    }

    public static CaseResult Run(string category, string dir)
    {
        string name = Path.GetFileName(dir);
        var sw = System.Diagnostics.Stopwatch.StartNew();
        string op = "?";
        try
        {
            string modelPath = Path.Combine(dir, "model.onnx");
            var bytes = File.ReadAllBytes(modelPath);
            var proto = OnnxProtoParser.ParseModel(bytes, modelPath);
            op = PrimaryOp(name, proto);
            var (outcome, reason) = RunCase(bytes, proto, modelPath, dir);
            return new CaseResult(category, name, op, outcome, reason, sw.Elapsed.TotalMilliseconds);
        }
        catch (LiteRtCompileException e)
        {
            return new CaseResult(category, name, op, Classify(e), e.Message, sw.Elapsed.TotalMilliseconds);
        }
        catch (Exception e)
        {
            return new CaseResult(category, name, op, CaseOutcome.Error, $"{e.GetType().Name}: {e.Message}", sw.Elapsed.TotalMilliseconds);
        }
    }

    private static CaseOutcome Classify(LiteRtCompileException e) => e.Code switch
    {
        ErrorCodes.UnsupportedOp or ErrorCodes.UnsupportedOpset => CaseOutcome.UnsupportedOp,
        ErrorCodes.UnsupportedDataType => CaseOutcome.UnsupportedDataType,
        ErrorCodes.UnsupportedAttribute => CaseOutcome.UnsupportedAttribute,
        ErrorCodes.NeedsConstant => CaseOutcome.NeedsConstant,
        ErrorCodes.DynamicShape => CaseOutcome.DynamicShape,
        _ => CaseOutcome.Error,
    };

    /// <summary>
    /// Cases whose expected data follows a convention we deliberately do not: each with the reason. The case is
    /// reported as not passing (never as passed), but it is not a conversion bug.
    /// </summary>
    private const string Bfloat16Truncation = "ONNX 1.12's generator truncates float32 to bfloat16 (drops the low 16 bits); "
        + "we round to nearest even, as IEEE, TFLite and PyTorch do";

    private static readonly Dictionary<string, string> KnownDiscrepancies = new()
    {
        ["test_cast_FLOAT_to_BFLOAT16"] = Bfloat16Truncation,
        ["test_castlike_FLOAT_to_BFLOAT16"] = Bfloat16Truncation,
        ["test_castlike_FLOAT_to_BFLOAT16_expanded"] = Bfloat16Truncation,
    };

    private sealed record DataSet(List<OnnxTensorValue?> Inputs, List<OnnxTensorValue?> Outputs, string? Problem);

    private static (CaseOutcome, string) RunCase(byte[] bytes, OnnxModelProto proto, string modelPath, string dir)
    {
        var g = proto.Graph!;
        if (g.Inputs.Concat(g.Outputs).FirstOrDefault(v => v.Kind != "tensor") is { } nonTensor)
            return (CaseOutcome.UnsupportedDataType, $"graph value '{nonTensor.Name}' is a {nonTensor.Kind} (only tensors are supported)");
        var inits = new HashSet<string>(g.Initializers.Select(i => i.Name));
        var inputNames = g.Inputs.Where(i => !inits.Contains(i.Name)).Select(i => i.Name).ToList();
        var sets = Directory.GetDirectories(dir, "test_data_set_*").OrderBy(d => d, StringComparer.Ordinal).Select(d => ReadSet(d, g)).ToList();
        if (sets.Count == 0) return (CaseOutcome.Error, "the case has no test data");
        if (sets.FirstOrDefault(s => s.Problem is not null) is { } bad) return (CaseOutcome.UnsupportedDataType, bad.Problem!);

        // Convert; when a lowering needs an input to be constant (LRT1005) and that input is a graph input, bind it
        // to the test's value and convert again (the value is the same in every data set, or the case is skipped).
        var constants = new Dictionary<string, ConstantInput>();
        ModelGraph graph;
        while (true)
        {
            try
            {
                graph = ModelConverter.ConvertOnnx(bytes, new ConvertOptions { ConstantInputs = constants }, modelPath, dir);
                break;
            }
            catch (LiteRtCompileException e) when (e.Code == ErrorCodes.NeedsConstant)
            {
                var candidate = inputNames.FirstOrDefault(n => !constants.ContainsKey(n) && e.Reason.Contains($"'{n}'", StringComparison.Ordinal));
                if (candidate is null) throw;
                int k = inputNames.IndexOf(candidate);
                var v = sets[0].Inputs[k]!;
                if (sets.Skip(1).Any(s => !s.Inputs[k]!.Data.Span.SequenceEqual(v.Data.Span)))
                    throw new LiteRtCompileException(ErrorCodes.NeedsConstant, $"input '{candidate}' decides shapes and differs between data sets", e.Node, e.File);
                constants[candidate] = new ConstantInput(v.Type, v.Shape, v.Data);
            }
        }

        using var model = CompiledModel.FromGraph(graph);
        var runner = model.DefaultSignature;
        for (int s = 0; s < sets.Count; s++)
        {
            var set = sets[s];
            // Feed the inputs that remain graph inputs, by name (resizing dynamic ones first).
            var feed = new List<(string Name, OnnxTensorValue Value)>();
            for (int k = 0; k < inputNames.Count; k++)
            {
                if (constants.ContainsKey(inputNames[k])) continue;
                if (k >= set.Inputs.Count || set.Inputs[k] is not { } v) return (CaseOutcome.Error, $"data set {s} lacks input {k}");
                feed.Add((inputNames[k], v));
            }
            // An input the converted model never reads (CastLike's 'like') may come with any shape.
            var read = new HashSet<int>(graph.Main.Operations.SelectMany(o => o.Inputs));
            feed.RemoveAll(f => !read.Contains(graph.Signatures[0].Inputs.First(i => i.Name == f.Name).TensorIndex));
            foreach (var (n, v) in feed)
            {
                var buf = runner.Input(n);
                if (buf.Type != v.Type) return (CaseOutcome.Error, $"input '{n}' is {buf.Type.Name()} in the converted model, {v.Type.Name()} in the test");
                if (!buf.Shape.SequenceEqual(v.Shape)) runner.ResizeInput(n, v.Shape);
            }
            foreach (var (n, v) in feed) v.Data.Span.CopyTo(runner.Input(n).Bytes);
            runner.Run();
            for (int k = 0; k < set.Outputs.Count; k++)
            {
                if (set.Outputs[k] is not { } want) continue;
                var buf = runner.Outputs[k];
                string what = $"output '{buf.Name}' (data set {s})";
                if (buf.Type != want.Type) return (CaseOutcome.WrongResult, $"{what} is {buf.Type.Name()}, expected {want.Type.Name()}");
                if (!buf.Shape.SequenceEqual(want.Shape))
                    return (CaseOutcome.WrongResult, $"{what} has shape {Shapes.Format([.. buf.Shape])}, expected {Shapes.Format(want.Shape)}");
                if (Compare(buf.Type, buf.Bytes, want) is { } diff)
                    return KnownDiscrepancies.TryGetValue(Path.GetFileName(dir), out var why)
                        ? (CaseOutcome.ExpectedDataDiffers, $"{what}: {diff} — {why}")
                        : (CaseOutcome.WrongResult, $"{what}: {diff}");
            }
        }
        return constants.Count > 0
            ? (CaseOutcome.PassedWithConstantInputs, $"bound as constants: {string.Join(", ", constants.Keys)}")
            : (CaseOutcome.Passed, "");
    }

    private static DataSet ReadSet(string setDir, OnnxGraphProto g)
    {
        var inputs = new List<OnnxTensorValue?>();
        var outputs = new List<OnnxTensorValue?>();
        string? problem = null;
        foreach (var (prefix, list) in new[] { ("input_", inputs), ("output_", outputs) })
        {
            var files = Directory.GetFiles(setDir, prefix + "*.pb").OrderBy(f => int.Parse(Path.GetFileNameWithoutExtension(f)[prefix.Length..])).ToList();
            foreach (var f in files)
            {
                try
                {
                    var t = OnnxProtoParser.ParseTensor(File.ReadAllBytes(f), f);
                    if (t.DataType == 0) { problem ??= $"{Path.GetFileName(f)} is not a tensor (a sequence, map or optional value)"; list.Add(null); continue; }
                    var v = OnnxTensors.Decode(t, setDir, f);
                    var declared = (prefix == "input_" ? g.Inputs.Where(i => g.Initializers.All(x => x.Name != i.Name)).ToList() : g.Outputs)
                        .ElementAtOrDefault(list.Count);
                    if (v.Type == TensorType.Uint16 && declared?.ElemType == OnnxDataType.Bfloat16) v = v with { Type = TensorType.Bfloat16 };
                    list.Add(v);
                }
                catch (Exception e) when (e is LiteRtCompileException or OverflowException or ArgumentException)
                {
                    problem ??= $"{Path.GetFileName(f)}: {(e is LiteRtCompileException c ? c.Reason : e.Message)}";
                    list.Add(null);
                }
            }
        }
        return new DataSet(inputs, outputs, problem);
    }

    /// <summary>Null when equal within ONNX's tolerances, else a description of the first mismatch.</summary>
    public static string? Compare(TensorType type, ReadOnlySpan<byte> got, OnnxTensorValue want)
    {
        if (type == TensorType.String)
            return got.SequenceEqual(want.Data.Span) ? null : "strings differ";
        var g = TensorData.Decode(type, got, want.Shape, null);
        var w = TensorData.Decode(want.Type, want.Data.Span, want.Shape, null);
        bool exact = !type.IsFloat();
        int bad = 0;
        string? first = null;
        for (int i = 0; i < w.Length; i++)
        {
            double a = g[i], e = w[i];
            bool ok = exact ? a == e
                : double.IsNaN(e) ? double.IsNaN(a)
                : double.IsInfinity(e) ? a == e
                : Math.Abs(a - e) <= Atol + Rtol * Math.Abs(e);
            if (ok) continue;
            bad++;
            first ??= $"element {i}: got {a:G7}, expected {e:G7}";
        }
        return bad == 0 ? null : $"{bad} of {w.Length} elements differ; {first}";
    }

    /// <summary>The op a case exercises: the single op of the model, or the op type the test name starts with.</summary>
    public static string PrimaryOp(string caseName, OnnxModelProto proto)
    {
        var ops = proto.Graph?.Nodes.Select(n => n.OpType).Where(o => o != "Constant").Distinct().ToList() ?? [];
        string n = caseName.StartsWith("test_", StringComparison.Ordinal) ? caseName[5..] : caseName;
        n = n.Replace("operator_", "");
        foreach (var (prefix, op) in Aliases)
            if (n.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)) return op;
        string norm = n.Replace("_", "").ToLowerInvariant();
        var candidates = ops.Concat(OnnxOpRegistry.OpTypes).Distinct()
            .Where(o => norm.StartsWith(o.ToLowerInvariant(), StringComparison.Ordinal)).OrderByDescending(o => o.Length).ToList();
        if (candidates.Count > 0) return candidates[0];
        if (ops.Count == 1) return ops[0];
        return ops.Count > 0 ? ops[^1] : "Constant";
    }

    private static readonly (string Prefix, string Op)[] Aliases =
    [
        ("sce_", "SoftmaxCrossEntropyLoss"), ("nllloss", "NegativeLogLikelihoodLoss"), ("basic_conv", "Conv"), ("conv_with", "Conv"),
        ("convinteger", "ConvInteger"), ("basic_convinteger", "ConvInteger"), ("reduce_log_sum_exp", "ReduceLogSumExp"),
        ("reduce_log_sum", "ReduceLogSum"), ("reduce_sum_square", "ReduceSumSquare"), ("reduce_", "Reduce"), ("logsoftmax", "LogSoftmax"),
        ("layer_normalization", "LayerNormalization"), ("batchnorm", "BatchNormalization"), ("instancenorm", "InstanceNormalization"),
        ("globalaveragepool", "GlobalAveragePool"), ("globalmaxpool", "GlobalMaxPool"), ("averagepool", "AveragePool"), ("maxpool", "MaxPool"),
        ("training_dropout", "Dropout"), ("simple_rnn", "RNN"), ("gathernd", "GatherND"), ("gather_elements", "GatherElements"),
        ("scatter_elements", "ScatterElements"), ("scatternd", "ScatterND"), ("top_k", "TopK"), ("strnorm", "StringNormalizer"),
        ("castlike", "CastLike"), ("cast_", "Cast"), ("constantofshape", "ConstantOfShape"), ("constant_pad", "Pad"), ("edge_pad", "Pad"),
        ("reflect_pad", "Pad"), ("depthtospace", "DepthToSpace"), ("spacetodepth", "SpaceToDepth"), ("reversesequence", "ReverseSequence"),
        ("roialign", "RoiAlign"), ("nesterov", "Momentum"), ("mvn", "MeanVarianceNormalization"), ("tril", "Trilu"), ("triu", "Trilu"),
        ("dynamicquantizelinear", "DynamicQuantizeLinear"), ("quantizelinear", "QuantizeLinear"), ("dequantizelinear", "DequantizeLinear"),
        ("maxunpool", "MaxUnpool"), ("matmulinteger", "MatMulInteger"), ("qlinear", "QLinear*"), ("sequence_", "Sequence*"), ("loop", "Loop"),
        ("if", "If"), ("scan", "Scan"), ("optional", "Optional*"), ("identity_", "Identity"), ("unique", "Unique"), ("eyelike", "EyeLike"),
        ("isinf", "IsInf"), ("isnan", "IsNaN"), ("blackmanwindow", "BlackmanWindow"), ("hannwindow", "HannWindow"), ("hammingwindow", "HammingWindow"),
        ("melweightmatrix", "MelWeightMatrix"), ("tfidfvectorizer", "TfIdfVectorizer"), ("split_to_sequence", "SplitToSequence"),
        ("lstm", "LSTM"), ("gru", "GRU"), ("rnn", "RNN"), ("lrn", "LRN"), ("prelu", "PRelu"), ("selu", "Selu"), ("elu", "Elu"), ("celu", "Celu"),
        ("relu", "Relu"), ("bitshift", "BitShift"), ("einsum", "Einsum"), ("gemm", "Gemm"), ("shrink", "Shrink"), ("sign", "Sign"),
        ("expand", "Expand"), ("gradient", "Gradient"), ("single_relu", "Relu"),
    ];

    /// <summary>Per-category pass counts and a markdown report (tables per op, every failing case with its reason).</summary>
    public static string Report(IReadOnlyList<CaseResult> results)
    {
        var sb = new StringBuilder();
        sb.AppendLine("# ONNX conformance");
        sb.AppendLine();
        sb.AppendLine("Generated by `OnnxConformanceTests` (tests/LiteRt.Compiler.Tests) from Debian's `libonnx-testdata` (ONNX 1.12 backend");
        sb.AppendLine("test data): each case's `model.onnx` is converted with `ModelConverter`, run with the LiteRt.Build CPU runtime, and");
        sb.AppendLine($"compared with the expected outputs at ONNX's tolerances (|got − expected| ≤ {Atol:G} + {Rtol:G}·|expected|; integers and bools exact).");
        sb.AppendLine();
        sb.AppendLine("A case that needs shape-deciding inputs as constants (a Reshape target, Slice bounds, pads, a window size…) is");
        sb.AppendLine("converted a second time with those graph inputs bound to the test's values (`ConvertOptions.ConstantInputs`),");
        sb.AppendLine("because LiteRT fixes shapes at conversion time; such passes are counted and marked *(constant inputs)*.");
        sb.AppendLine("Every other failing case is listed with its reason: an unsupported op, data type or attribute (an LRT error).");
        sb.AppendLine("A wrong result or an unexpected error would be a bug and is listed as such.");
        sb.AppendLine();
        sb.AppendLine("| category | cases | passed | of which with constant inputs | pass rate | wrong results / errors |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|");
        foreach (var cat in Categories)
        {
            var r = results.Where(x => x.Category == cat).ToList();
            if (r.Count == 0) continue;
            int pass = r.Count(x => x.Passed);
            sb.AppendLine($"| {cat} | {r.Count} | {pass} | {r.Count(x => x.Outcome == CaseOutcome.PassedWithConstantInputs)} | {100.0 * pass / r.Count:F1}% | {r.Count(x => x.IsBug)} |");
        }
        sb.AppendLine();
        foreach (var cat in Categories)
        {
            var r = results.Where(x => x.Category == cat).ToList();
            if (r.Count == 0) continue;
            sb.AppendLine($"## {cat}");
            sb.AppendLine();
            sb.AppendLine("| op | cases | passed | not passing (reason) |");
            sb.AppendLine("|---|---:|---:|---|");
            foreach (var g in r.GroupBy(x => x.Op).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                var failing = g.Where(x => !x.Passed).Select(x => $"`{x.Name}` ({Short(x)})");
                var constant = g.Where(x => x.Outcome == CaseOutcome.PassedWithConstantInputs).Select(x => $"`{x.Name}` *(constant inputs)*");
                string notes = string.Join("; ", failing.Concat(constant));
                sb.AppendLine($"| {g.Key} | {g.Count()} | {g.Count(x => x.Passed)} | {notes.Replace("|", "\\|")} |");
            }
            sb.AppendLine();
        }
        return sb.ToString();
    }

    private static string Short(CaseResult r)
    {
        string reason = r.Reason;
        int i = reason.IndexOf("error LRT", StringComparison.Ordinal);
        if (i >= 0) reason = reason[(i + 6)..];
        if (reason.Length > 160) reason = reason[..160] + "…";
        string kind = r.Outcome switch
        {
            CaseOutcome.UnsupportedOp => "unsupported op",
            CaseOutcome.UnsupportedDataType => "unsupported data type",
            CaseOutcome.UnsupportedAttribute => "unsupported attribute",
            CaseOutcome.NeedsConstant => "needs constant",
            CaseOutcome.DynamicShape => "dynamic shape",
            CaseOutcome.ExpectedDataDiffers => "expected data differs by convention",
            CaseOutcome.WrongResult => "**wrong result (bug)**",
            _ => "**error (bug)**",
        };
        return $"{kind}: {reason.ReplaceLineEndings(" ")}";
    }
}
