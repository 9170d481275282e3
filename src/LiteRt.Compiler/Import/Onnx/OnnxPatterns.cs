using LiteRt.Compiler.Import.Onnx.Proto;

namespace LiteRt.Compiler.Import.Onnx;

/// <summary>
/// Recognises multi-node ONNX idioms that LiteRT has one builtin for, before lowering: the exact GELU exporters
/// write as <c>x · ½ · (1 + erf(x / √2))</c> becomes a single <c>Gelu</c> node (→ GELU). The nodes it bypasses
/// are left in place; nothing reads them any more, so dead-code elimination drops them.
/// </summary>
internal static class OnnxPatterns
{
    public static void Apply(OnnxGraphProto g, Func<string, double?> scalarConstant)
    {
        var producer = new Dictionary<string, OnnxNodeProto>();
        foreach (var n in g.Nodes)
            foreach (var o in n.Outputs) producer[o] = n;
        for (int i = 0; i < g.Nodes.Count; i++)
        {
            if (MatchHardSwish(g.Nodes[i], producer) is { } hx)
            {
                var mul = g.Nodes[i];
                var hs = new OnnxNodeProto { Name = mul.Name, OpType = "HardSwish" };
                hs.Inputs.Add(hx);
                hs.Outputs.Add(mul.Outputs[0]);
                g.Nodes[i] = hs;
                continue;
            }
            if (MatchGelu(g.Nodes[i], producer, scalarConstant) is { } x)
            {
                var mul = g.Nodes[i];
                var gelu = new OnnxNodeProto { Name = mul.Name, OpType = "Gelu" };
                gelu.Inputs.Add(x);
                gelu.Outputs.Add(mul.Outputs[0]);
                g.Nodes[i] = gelu;
            }
        }
    }

    /// <summary>x · HardSigmoid(x) with α = 1/6, β = ½ (PyTorch's hardswish before opset 14): the x, or null.</summary>
    private static string? MatchHardSwish(OnnxNodeProto mul, Dictionary<string, OnnxNodeProto> producer)
    {
        if (mul.OpType != "Mul" || mul.Inputs.Count != 2 || mul.Domain is not ("" or "ai.onnx")) return null;
        for (int side = 0; side < 2; side++)
        {
            if (producer.GetValueOrDefault(mul.Inputs[side]) is not { OpType: "HardSigmoid" } hs || hs.Inputs.Count != 1) continue;
            if (hs.Inputs[0] != mul.Inputs[1 - side]) continue;
            float alpha = hs.Attributes.FirstOrDefault(a => a.Name == "alpha")?.F ?? 0.2f;
            float beta = hs.Attributes.FirstOrDefault(a => a.Name == "beta")?.F ?? 0.5f;
            if (Math.Abs(alpha - 1.0 / 6) < 1e-6 && Math.Abs(beta - 0.5) < 1e-6) return hs.Inputs[0];
        }
        return null;
    }

    private static bool Near(double? v, double want) => v is double d && Math.Abs(d - want) <= 1e-6 * Math.Abs(want);

    /// <summary>The x of a GELU ending at <paramref name="mul"/>, or null.</summary>
    private static string? MatchGelu(OnnxNodeProto mul, Dictionary<string, OnnxNodeProto> producer, Func<string, double?> c)
    {
        if (mul.OpType != "Mul" || mul.Inputs.Count != 2 || mul.Domain is not ("" or "ai.onnx")) return null;
        OnnxNodeProto? P(string name) => producer.GetValueOrDefault(name);

        // The erf argument must be x / √2 (or x · 1/√2); returns x.
        string? ErfOf(string addOut)
        {
            if (P(addOut) is not { OpType: "Add" } add || add.Inputs.Count != 2) return null;
            int e = P(add.Inputs[0]) is { OpType: "Erf" } ? 0 : P(add.Inputs[1]) is { OpType: "Erf" } ? 1 : -1;
            if (e < 0 || !Near(c(add.Inputs[1 - e]), 1)) return null;
            var erf = P(add.Inputs[e])!;
            if (P(erf.Inputs[0]) is not { } scale || scale.Inputs.Count != 2) return null;
            if (scale.OpType == "Div" && Near(c(scale.Inputs[1]), Math.Sqrt(2))) return scale.Inputs[0];
            if (scale.OpType == "Mul" && Near(c(scale.Inputs[1]), Math.Sqrt(0.5))) return scale.Inputs[0];
            if (scale.OpType == "Mul" && Near(c(scale.Inputs[0]), Math.Sqrt(0.5))) return scale.Inputs[1];
            return null;
        }

        for (int side = 0; side < 2; side++)
        {
            string a = mul.Inputs[side], other = mul.Inputs[1 - side];
            // (x · (1 + erf)) · ½
            if (Near(c(other), 0.5) && P(a) is { OpType: "Mul" } inner && inner.Inputs.Count == 2)
                for (int k = 0; k < 2; k++)
                    if (ErfOf(inner.Inputs[1 - k]) is { } x && x == inner.Inputs[k]) return x;
            // (x · ½) · (1 + erf)
            if (ErfOf(other) is { } x2 && P(a) is { OpType: "Mul" } half && half.Inputs.Count == 2)
                for (int k = 0; k < 2; k++)
                    if (half.Inputs[k] == x2 && Near(c(half.Inputs[1 - k]), 0.5)) return x2;
            // x · ((1 + erf) · ½)
            if (P(other) is { OpType: "Mul" } scaled && scaled.Inputs.Count == 2)
                for (int k = 0; k < 2; k++)
                    if (Near(c(scaled.Inputs[1 - k]), 0.5) && ErfOf(scaled.Inputs[k]) is { } x3 && x3 == a) return x3;
        }
        return null;
    }
}
