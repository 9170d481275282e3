using LiteRt.Format.Schema;
using LiteRt.Graph;

namespace LiteRt.Quantization.Transforms;

/// <summary>Resolves a recipe into one <see cref="OpPlan"/> per operation, with fallbacks where a scheme does not apply.</summary>
internal static class Planner
{
    private static readonly HashSet<BuiltinOperator> HybridOps =
        [BuiltinOperator.FullyConnected, BuiltinOperator.Conv2d, BuiltinOperator.DepthwiseConv2d, BuiltinOperator.BatchMatmul, BuiltinOperator.EmbeddingLookup];

    public static List<OpPlan> Plan(ModelGraph g, QuantizationRecipe recipe, bool haveCalibration, int staticSubgraph, List<QuantizationDiagnostic> diagnostics)
    {
        var plans = new List<OpPlan>();
        var matched = new bool[recipe.Rules.Count];
        bool warnedStatic = false;
        var kept = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        for (int s = 0; s < g.Subgraphs.Count; s++)
        {
            var sg = g.Subgraphs[s];
            for (int i = 0; i < sg.Operations.Count; i++)
            {
                var op = sg.Operations[i];
                string output = op.Outputs.Length > 0 && op.Outputs[0] >= 0 ? sg.Tensors[op.Outputs[0]].Name : "";
                var rule = recipe.Resolve(op.Op, output);
                if (rule is null)
                {
                    plans.Add(new OpPlan(s, i, op.Op, output, QuantizationScheme.Float, null));
                    continue;
                }
                matched[recipe.Rules.IndexOf(rule)] = true;
                bool explicitOp = !rule.Ops.Contains("*");
                var scheme = rule.Scheme;
                string? note = null;
                if (scheme.IsStatic() && !haveCalibration)
                {
                    if (!warnedStatic)
                        diagnostics.Add(new QuantizationDiagnostic(QuantizationCodes.StaticWithoutCalibration, DiagnosticSeverity.Warning,
                            $"{scheme.Name()} needs calibration data and none was given: using dynamic_int8 (int8 weights, float activations) instead. " +
                            "Pass calibration samples (--calibration) for full-integer quantization."));
                    warnedStatic = true;
                    scheme = QuantizationScheme.DynamicInt8;
                    note = $"{rule.Scheme.Name()} without calibration data";
                }
                else if (scheme.IsStatic() && s != staticSubgraph)
                {
                    scheme = QuantizationScheme.DynamicInt8;
                    note = "full-integer quantization covers the first signature's subgraph only";
                }
                if (scheme.IsWeightScheme())
                {
                    var (effective, why) = WeightScheme(sg, op, scheme, rule);
                    if (effective != scheme && why is not null)
                    {
                        bool small = rule.MinWeightElements > 0 && effective == QuantizationScheme.Float && why.StartsWith("weights have fewer", StringComparison.Ordinal);
                        if (!small && (effective != QuantizationScheme.Float || explicitOp))
                        {
                            string key = $"{scheme.Name()} → {effective.Name()}: {why}";
                            if (!kept.TryGetValue(key, out var list)) kept[key] = list = [];
                            list.Add($"{op.OpName} '{output}'");
                        }
                        note = why;
                    }
                    scheme = effective;
                }
                plans.Add(new OpPlan(s, i, op.Op, output, scheme, rule, note));
            }
        }
        foreach (var (why, ops) in kept)
            diagnostics.Add(new QuantizationDiagnostic(QuantizationCodes.OpKeptFloat, DiagnosticSeverity.Warning,
                $"{why} ({ops.Count} op(s): {string.Join(", ", ops.Take(5))}{(ops.Count > 5 ? ", …" : "")})"));
        for (int r = 0; r < matched.Length; r++)
            if (!matched[r])
                diagnostics.Add(new QuantizationDiagnostic(QuantizationCodes.RuleMatchedNothing, DiagnosticSeverity.Warning,
                    $"recipe rule {r} ({recipe.Rules[r]}) matched no operation"));
        return plans;
    }

    /// <summary>The weight scheme an op can take, with the reason when it differs from the one asked for.</summary>
    private static (QuantizationScheme, string?) WeightScheme(Subgraph sg, Operation op, QuantizationScheme scheme, RecipeRule rule)
    {
        if (WeightedOps.Find(sg, op) is not { } slot) return (QuantizationScheme.Float, "no constant float32 weights");
        var w = sg.Tensors[op.Inputs[slot.Input]];
        if (rule.MinWeightElements > 0 && Shapes.ElementCount(w.Shape) < rule.MinWeightElements)
            return (QuantizationScheme.Float, $"weights have fewer than {rule.MinWeightElements} elements");
        switch (scheme)
        {
            case QuantizationScheme.DynamicInt8:
                if (HybridOps.Contains(op.Op)) return (scheme, null);
                return (QuantizationScheme.WeightOnlyInt8, "no hybrid (dynamic range) kernel for this op; weights stored int8 with DEQUANTIZE");
            case QuantizationScheme.BlockwiseInt4:
                if (op.Op is BuiltinOperator.FullyConnected or BuiltinOperator.EmbeddingLookup && w.Shape.Length == 2)
                {
                    if (w.Shape[1] % rule.BlockSize == 0) return (scheme, null);
                    return (HybridOps.Contains(op.Op) ? QuantizationScheme.DynamicInt8 : QuantizationScheme.WeightOnlyInt8,
                        $"input size {w.Shape[1]} is not a multiple of block size {rule.BlockSize}");
                }
                return (HybridOps.Contains(op.Op) ? QuantizationScheme.DynamicInt8 : QuantizationScheme.WeightOnlyInt8,
                    "blockwise int4 applies to FULLY_CONNECTED and EMBEDDING_LOOKUP weights (2-D)");
            default:
                return (scheme, null);
        }
    }
}
