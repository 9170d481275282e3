using LiteRt.Format.Schema;
using LiteRt.Graph;
using LiteRt.Quantization.Editing;

namespace LiteRt.Quantization.Transforms;

/// <summary>
/// Full-integer quantization of a set of ops, as Google's converter writes it: activations int8 per-tensor
/// asymmetric (or int16 symmetric), weights int8 symmetric per channel, bias int32 (int64 for 16x8) with scale
/// in_scale · w_scale[c]; a QUANTIZE where a float tensor enters a quantized op, a DEQUANTIZE where a quantized
/// tensor leaves for a float op or a float model output. Parameters come from calibrated ranges, except for ops
/// whose output keeps the input's (pooling, reshapes, resizes) or has fixed parameters (softmax, logistic, tanh).
/// </summary>
internal sealed class StaticTransform
{
    private readonly ModelGraph _g;
    private readonly Subgraph _sg;
    private readonly IReadOnlyDictionary<int, (double Min, double Max)> _ranges;
    private readonly Dictionary<int, TensorType> _stored = [];
    private readonly Dictionary<(int, TensorType), int> _quantized = [];
    private readonly Dictionary<int, int> _dequantized = [];
    private readonly Dictionary<Operation, List<Operation>> _before = new(ReferenceEqualityComparer.Instance);
    private readonly List<Operation> _atEnd = [];
    private readonly List<string> _notes = [];

    public StaticTransform(ModelGraph g, Subgraph sg, IReadOnlyDictionary<int, (double Min, double Max)> ranges)
    {
        _g = g;
        _sg = sg;
        _ranges = ranges;
    }

    /// <summary>Why ops asked for were left float.</summary>
    public IReadOnlyList<string> Notes => _notes;

    /// <summary>Checks that an op can run full-integer here; null if so, else the reason.</summary>
    public static string? CannotQuantize(Subgraph sg, Operation op, bool int16, IReadOnlyDictionary<int, (double, double)> ranges)
    {
        if (StaticOps.Find(op.Op, int16) is not { } info)
            return $"{op.OpName} has no {(int16 ? "16x8" : "int8")} kernel";
        foreach (int o in op.Outputs)
        {
            var t = sg.Tensors[o];
            if (t.Type != TensorType.Float32 || t.IsConstant) return "its output is not a float32 activation";
            if (!ranges.ContainsKey(o) && info.Kind is StaticKind.Free or StaticKind.Weighted or StaticKind.Shared) return $"no calibrated range for '{t.Name}'";
        }
        for (int k = 0; k < op.Inputs.Length; k++)
        {
            if (op.Inputs[k] < 0) continue;
            var t = sg.Tensors[op.Inputs[k]];
            if (t.IsConstant)
            {
                if (t.Type is not (TensorType.Float32 or TensorType.Int32 or TensorType.Int64)) return $"constant input '{t.Name}' is {t.Type.Name()}";
                continue;
            }
            if (t.Type is TensorType.Int32 or TensorType.Int64 && (op.Op == BuiltinOperator.Gather && k == 1)) continue;
            if (t.Type != TensorType.Float32) return $"input '{t.Name}' is {t.Type.Name()}";
            if (!ranges.ContainsKey(op.Inputs[k])) return $"no calibrated range for '{t.Name}'";
        }
        if (info.Kind == StaticKind.Weighted && op.Op != BuiltinOperator.BatchMatmul && WeightedOps.Find(sg, op) is null)
            return "its weights are not constant float32";
        return null;
    }

    /// <summary>Quantizes <paramref name="ops"/> (in execution order) with their activation type (INT8 or INT16).</summary>
    public void Apply(IReadOnlyList<(Operation Op, TensorType Act)> ops, bool quantizedIo, IEnumerable<Signature> signatures)
    {
        var qset = new Dictionary<Operation, TensorType>(ReferenceEqualityComparer.Instance);
        foreach (var (op, act) in ops) qset[op] = act;
        foreach (var (op, act) in ops)
            foreach (int o in op.Outputs) _stored[o] = act;

        // Graph inputs read only by quantized ops of one type become quantized inputs when asked to.
        var consumers = GraphEdit.Consumers(_sg);
        ShareConcatenationRanges(qset, consumers);
        if (quantizedIo)
        {
            foreach (int i in _sg.Inputs)
            {
                var c = consumers[i];
                if (c.Count == 0 || !_ranges.ContainsKey(i) || _sg.Tensors[i].Type != TensorType.Float32) continue;
                if (c.All(x => qset.TryGetValue(x.Op, out var a) && a == qset[c[0].Op]))
                {
                    var act = qset[c[0].Op];
                    var t = _sg.Tensors[i];
                    t.Type = act;
                    t.Quantization = ParamsFor(_ranges[i], act);
                    _stored[i] = act;
                }
            }
        }

        foreach (var op in _sg.Operations.ToList())
        {
            if (qset.TryGetValue(op, out var act)) QuantizeOp(op, act);
            else
            {
                for (int k = 0; k < op.Inputs.Length; k++)
                    if (op.Inputs[k] >= 0 && _stored.ContainsKey(op.Inputs[k])) op.Inputs[k] = Dequantized(op.Inputs[k], op);
            }
        }

        // Float model outputs: a DEQUANTIZE at the end; the float tensor keeps the original name.
        if (!quantizedIo)
        {
            for (int k = 0; k < _sg.Outputs.Count; k++)
            {
                int q = _sg.Outputs[k];
                if (!_stored.ContainsKey(q)) continue;
                var qt = _sg.Tensors[q];
                string name = qt.Name;
                qt.Name = GraphEdit.UniqueName(_sg, name + "_quantized");
                int f = GraphEdit.AddActivation(_sg, name, TensorType.Float32, qt);
                _atEnd.Add(new Operation(BuiltinOperator.Dequantize, [q], [f]));
                _sg.Outputs[k] = f;
                foreach (var sig in signatures)
                    for (int j = 0; j < sig.Outputs.Count; j++)
                        if (sig.Outputs[j].TensorIndex == q) sig.Outputs[j] = sig.Outputs[j] with { TensorIndex = f };
            }
        }

        var list = new List<Operation>();
        foreach (var op in _sg.Operations)
        {
            if (_before.TryGetValue(op, out var pre)) list.AddRange(pre);
            list.Add(op);
        }
        list.AddRange(_atEnd);
        _sg.Operations.Clear();
        _sg.Operations.AddRange(list);
    }

    /// <summary>
    /// CONCATENATION inputs and output share one range (the union): producers that feed only the concatenation are
    /// calibrated to it directly; other inputs are requantized in front of it.
    /// </summary>
    private void ShareConcatenationRanges(Dictionary<Operation, TensorType> qset, List<(Operation Op, int Slot)>[] consumers)
    {
        if (_ranges is not Dictionary<int, (double Min, double Max)> ranges) return;
        var producers = GraphEdit.Producers(_sg);
        foreach (var (op, act) in qset)
        {
            if (StaticOps.Find(op.Op, act == TensorType.Int16) is not { Kind: StaticKind.Shared }) continue;
            double min = 0, max = 0;
            foreach (int t in op.Inputs.Concat(op.Outputs))
                if (t >= 0 && ranges.TryGetValue(t, out var r)) { min = Math.Min(min, r.Min); max = Math.Max(max, r.Max); }
            foreach (int o in op.Outputs) ranges[o] = (min, max);
            foreach (int t in op.Inputs)
            {
                if (t < 0 || _sg.Tensors[t].IsConstant || consumers[t].Count != 1 || _sg.Outputs.Contains(t)) continue;
                if (producers[t] is { } p && qset.TryGetValue(p, out var pa) && pa == act
                    && StaticOps.Find(p.Op, act == TensorType.Int16) is { Kind: StaticKind.Free or StaticKind.Weighted })
                    ranges[t] = (min, max);
            }
        }
    }

    private void QuantizeOp(Operation op, TensorType act)
    {
        var info = StaticOps.Find(op.Op, act == TensorType.Int16)!.Value;
        var weights = info.Kind == StaticKind.Weighted ? WeightedOps.Find(_sg, op) : null;
        int dataInput = op.Op == BuiltinOperator.TransposeConv ? 2 : 0;
        for (int k = 0; k < op.Inputs.Length; k++)
        {
            int idx = op.Inputs[k];
            if (idx < 0) continue;
            var t = _sg.Tensors[idx];
            if (t.IsConstant)
            {
                if (weights is { } w && (k == w.Input || k == w.Bias)) continue;
                if (op.Op == BuiltinOperator.Padv2 && k == 2 && t.Type == TensorType.Float32) op.Inputs[k] = QuantizedLike(idx, act, InputParams(op, 0));
                else if (t.Type == TensorType.Float32) op.Inputs[k] = QuantizedConstant(idx, act);
                continue;
            }
            if (t.Type is TensorType.Int32 or TensorType.Int64 && !_stored.ContainsKey(idx)) continue;
            if (_stored.TryGetValue(idx, out var storedAs))
            {
                if (storedAs == act) continue;
                idx = Dequantized(idx, op);
            }
            op.Inputs[k] = Quantized(idx, act, op);
        }

        if (weights is { } ws) QuantizeWeights(op, ws, act, InputParams(op, dataInput));
        else if (op.Op == BuiltinOperator.BatchMatmul && op.HasInput(1) && _sg.Tensors[op.Inputs[1]] is { IsConstant: true } rhs && rhs.Type == TensorType.Float32)
            op.Inputs[1] = QuantizedConstant(op.Inputs[1], act, symmetric: true);

        if (info.Kind == StaticKind.Shared)
        {
            var shared = ParamsFor(_ranges[op.Outputs[0]], act);
            for (int k = 0; k < op.Inputs.Length; k++)
            {
                if (op.Inputs[k] < 0) continue;
                var q = _sg.Tensors[op.Inputs[k]].Quantization!;
                if (q.Scale![0] == shared.Scale![0] && q.ZeroPointAt(0) == shared.ZeroPointAt(0)) continue;
                var src = _sg.Tensors[op.Inputs[k]];
                int requantized = GraphEdit.AddActivation(_sg, src.Name + "_requantized", act, src, Copy(shared));
                Before(op).Add(new Operation(BuiltinOperator.Quantize, [op.Inputs[k]], [requantized]));
                op.Inputs[k] = requantized;
            }
        }

        foreach (int o in op.Outputs)
        {
            var t = _sg.Tensors[o];
            t.Type = act;
            t.Quantization = info.Kind switch
            {
                StaticKind.Fixed => act == TensorType.Int16
                    ? QuantizationParams.PerTensor((float)info.FixedScale16, 0)
                    : QuantizationParams.PerTensor((float)info.FixedScale8, info.FixedZero8),
                StaticKind.SameAsInput => Copy(InputParams(op, dataInput)),
                _ => ParamsFor(_ranges[o], act),
            };
        }
        if (act == TensorType.Int16 && op.Op is BuiltinOperator.Add or BuiltinOperator.Sub)
        {
            op.Options ??= OptionsTable.Create(op.Op == BuiltinOperator.Add ? BuiltinOptionsType.AddOptions : BuiltinOptionsType.SubOptions);
            op.Options.Set("pot_scale_int16", false);
        }
    }

    private QuantizationParams InputParams(Operation op, int slot) =>
        _sg.Tensors[op.Inputs[slot]].Quantization ?? throw new InvalidOperationException($"input {slot} of {op.OpName} is not quantized");

    private static QuantizationParams Copy(QuantizationParams q) => QuantizationParams.PerTensor(q.Scale![0], q.ZeroPointAt(0));

    /// <summary>int8: asymmetric over [min(min, 0), max(max, 0)]; int16: symmetric, zero point 0.</summary>
    public static QuantizationParams ParamsFor((double Min, double Max) range, TensorType act)
    {
        double min = Math.Min(range.Min, 0), max = Math.Max(range.Max, 0);
        if (act == TensorType.Int16)
        {
            double m = Math.Max(Math.Max(-min, max), 1e-8);
            return QuantizationParams.PerTensor((float)(m / 32767), 0);
        }
        if (max - min < 1e-8) max = min + 1e-8;
        float scale = (float)((max - min) / 255);
        long zp = (long)Math.Clamp(Math.Round(-128 - min / scale), -128, 127);
        return QuantizationParams.PerTensor(scale, zp);
    }

    /// <summary>A QUANTIZE of float tensor <paramref name="idx"/> inserted before <paramref name="consumer"/> (shared).</summary>
    private int Quantized(int idx, TensorType act, Operation consumer)
    {
        if (_quantized.TryGetValue((idx, act), out int q)) return q;
        var t = _sg.Tensors[idx];
        var range = _ranges.TryGetValue(idx, out var r) ? r : throw new InvalidOperationException($"no range for '{t.Name}'");
        q = GraphEdit.AddActivation(_sg, t.Name + "_quantized", act, t, ParamsFor(range, act));
        Before(consumer).Add(new Operation(BuiltinOperator.Quantize, [idx], [q]));
        _quantized[(idx, act)] = q;
        return q;
    }

    /// <summary>A DEQUANTIZE of quantized tensor <paramref name="idx"/> inserted before <paramref name="consumer"/> (shared).</summary>
    private int Dequantized(int idx, Operation consumer)
    {
        if (_dequantized.TryGetValue(idx, out int f)) return f;
        var t = _sg.Tensors[idx];
        f = GraphEdit.AddActivation(_sg, t.Name + "_dequantized", TensorType.Float32, t);
        Before(consumer).Add(new Operation(BuiltinOperator.Dequantize, [idx], [f]));
        _dequantized[idx] = f;
        // Float tensors derived from it later keep the original range.
        if (_ranges is Dictionary<int, (double, double)> d && d.TryGetValue(idx, out var r)) d[f] = r;
        return f;
    }

    private List<Operation> Before(Operation op)
    {
        if (!_before.TryGetValue(op, out var list)) _before[op] = list = [];
        return list;
    }

    /// <summary>A constant float operand (not weights) quantized per tensor over its own range.</summary>
    private int QuantizedConstant(int idx, TensorType act, bool symmetric = false)
    {
        var t = _sg.Tensors[idx];
        var values = TensorData.Decode(t);
        double min = values.Length == 0 ? 0 : values.Min(), max = values.Length == 0 ? 0 : values.Max();
        QuantizationParams q;
        if (symmetric && act == TensorType.Int8)
        {
            double m = Math.Max(Math.Max(-min, max), 1e-8);
            q = QuantizationParams.PerTensor((float)(m / 127), 0);
        }
        else q = ParamsFor((min, max), act);
        return GraphEdit.AddConstant(_g, _sg, t.Name, act, (int[])t.Shape.Clone(), TensorData.Encode(act, values, t.Shape, q), q);
    }

    /// <summary>A constant float operand stored with given parameters, each value clamped to the type's range (−∞ → lowest level).</summary>
    private int QuantizedLike(int idx, TensorType act, QuantizationParams like)
    {
        var t = _sg.Tensors[idx];
        var q = Copy(like);
        var bytes = TensorData.Encode(act, TensorData.Decode(t), t.Shape, q); // rounds and clamps (−∞ → lowest level)
        return GraphEdit.AddConstant(_g, _sg, t.Name, act, (int[])t.Shape.Clone(), bytes, q);
    }

    /// <summary>Weights int8 symmetric per channel; bias int32 (int64 for 16x8) with scale in_scale · w_scale[c].</summary>
    private void QuantizeWeights(Operation op, WeightSlot slot, TensorType act, QuantizationParams input)
    {
        var w = _sg.Tensors[op.Inputs[slot.Input]];
        var values = TensorData.Decode(w);
        var (q, scales) = WeightMath.Symmetric(values, w.Shape, slot.ChannelAxis, 8);
        double inScale = input.Scale![0];
        double[]? bias = null;
        Tensor? b = null;
        if (slot.Bias >= 0 && op.HasInput(slot.Bias))
        {
            b = _sg.Tensors[op.Inputs[slot.Bias]];
            if (b.IsConstant && b.Type == TensorType.Float32 && Shapes.ElementCount(b.Shape) == scales.Length) bias = TensorData.Decode(b);
            else b = null;
        }
        if (bias is not null && act == TensorType.Int8)
        {
            // int32 bias must fit: widen a channel's weight scale where bias / (in · w) would overflow.
            bool changed = false;
            for (int c = 0; c < scales.Length; c++)
            {
                double limit = Math.Abs(bias[c]) / (inScale * scales[c]);
                if (limit <= int.MaxValue * 0.99) continue;
                scales[c] = (float)(Math.Abs(bias[c]) / (inScale * int.MaxValue * 0.9));
                changed = true;
            }
            if (changed) q = Requantize(values, w.Shape, slot.ChannelAxis, scales);
        }
        var wq = QuantizationParams.PerAxis(scales, new long[scales.Length], slot.ChannelAxis);
        op.Inputs[slot.Input] = GraphEdit.AddConstant(_g, _sg, w.Name, TensorType.Int8, (int[])w.Shape.Clone(), WeightMath.Encode(TensorType.Int8, q, w.Shape), wq);
        if (bias is not null && b is not null)
        {
            var biasType = act == TensorType.Int16 ? TensorType.Int64 : TensorType.Int32;
            var bScales = scales.Select(s => (float)(inScale * s)).ToArray();
            var bq = QuantizationParams.PerAxis(bScales, new long[bScales.Length], 0);
            var raw = new double[bias.Length];
            var (lo, hi) = biasType.IntegerRange();
            for (int c = 0; c < bias.Length; c++) raw[c] = Math.Clamp(Math.Round(bias[c] / bScales[c], MidpointRounding.AwayFromZero), lo, hi);
            op.Inputs[slot.Bias] = GraphEdit.AddConstant(_g, _sg, b.Name, biasType, (int[])b.Shape.Clone(), WeightMath.Encode(biasType, raw, b.Shape), bq);
        }
    }

    private static double[] Requantize(double[] values, int[] shape, int axis, float[] scales)
    {
        long inner = 1;
        for (int k = axis + 1; k < shape.Length; k++) inner *= shape[k];
        var q = new double[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            int c = (int)(i / inner % scales.Length);
            q[i] = Math.Clamp(Math.Round(values[i] / scales[c], MidpointRounding.AwayFromZero), -127, 127);
        }
        return q;
    }
}
