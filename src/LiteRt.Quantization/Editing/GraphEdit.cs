using LiteRt.Format.Schema;
using LiteRt.Graph;
using LiteRt.Graph.TfLite;

namespace LiteRt.Quantization.Editing;

/// <summary>Graph surgery for the quantizer: deep copies, new tensors and ops, rewiring, and dropping what is unused.</summary>
internal static class GraphEdit
{
    /// <summary>An independent copy (through the .tflite writer and reader, so nothing is shared).</summary>
    public static ModelGraph Clone(ModelGraph g)
    {
        var copy = TfLiteModel.Read(TfLiteModel.Serialize(g), g.SourcePath);
        return copy;
    }

    /// <summary>A new constant; its name is kept as given (a quantized copy of a weight keeps the weight's name).</summary>
    public static int AddConstant(ModelGraph g, Subgraph sg, string name, TensorType type, int[] shape, byte[] data, QuantizationParams? q = null)
    {
        var t = new Tensor(name, type, shape) { Buffer = g.AddBuffer(data), Quantization = q };
        return sg.AddTensor(t);
    }

    /// <summary>A non-constant tensor like <paramref name="like"/> (shape and shape signature) with another type.</summary>
    public static int AddActivation(Subgraph sg, string name, TensorType type, Tensor like, QuantizationParams? q = null)
    {
        var t = new Tensor(UniqueName(sg, name), type, (int[])like.Shape.Clone())
        {
            ShapeSignature = like.ShapeSignature is { } s ? (int[])s.Clone() : null,
            Quantization = q,
            HasRank = like.HasRank,
        };
        return sg.AddTensor(t);
    }

    public static string UniqueName(Subgraph sg, string name)
    {
        if (!sg.Tensors.Any(t => t.Name == name)) return name;
        for (int i = 1; ; i++)
        {
            string n = $"{name}_{i}";
            if (!sg.Tensors.Any(t => t.Name == n)) return n;
        }
    }

    /// <summary>For each tensor: the ops reading it, as (op, input slot).</summary>
    public static List<(Operation Op, int Slot)>[] Consumers(Subgraph sg)
    {
        var r = new List<(Operation, int)>[sg.Tensors.Count];
        for (int i = 0; i < r.Length; i++) r[i] = [];
        foreach (var op in sg.Operations)
            for (int k = 0; k < op.Inputs.Length; k++)
                if (op.Inputs[k] >= 0 && op.Inputs[k] < r.Length) r[op.Inputs[k]].Add((op, k));
        return r;
    }

    /// <summary>For each tensor: the op writing it, or null (inputs, constants).</summary>
    public static Operation?[] Producers(Subgraph sg)
    {
        var r = new Operation?[sg.Tensors.Count];
        foreach (var op in sg.Operations)
            foreach (int o in op.Outputs)
                if (o >= 0 && o < r.Length) r[o] = op;
        return r;
    }

    /// <summary>
    /// Drops tensors nothing refers to (ops, subgraph inputs/outputs, signatures, blockwise scale tensors) and
    /// buffers no tensor or metadata uses, renumbering every reference.
    /// </summary>
    public static void Compact(ModelGraph g)
    {
        for (int s = 0; s < g.Subgraphs.Count; s++)
        {
            var sg = g.Subgraphs[s];
            var used = new bool[sg.Tensors.Count];
            void Use(int i) { if (i >= 0 && i < used.Length) used[i] = true; }
            foreach (var op in sg.Operations)
            {
                foreach (int i in op.Inputs) Use(i);
                foreach (int i in op.Outputs) Use(i);
                if (op.Intermediates is { } im) foreach (int i in im) Use(i);
            }
            foreach (int i in sg.Inputs) Use(i);
            foreach (int i in sg.Outputs) Use(i);
            foreach (var sig in g.Signatures.Where(x => x.SubgraphIndex == s))
            {
                foreach (var t in sig.Inputs) Use(t.TensorIndex);
                foreach (var t in sig.Outputs) Use(t.TensorIndex);
            }
            // Blockwise scale / zero-point tensors are referenced from quantization details of used tensors.
            for (int i = 0; i < used.Length; i++)
            {
                if (!used[i]) continue;
                if (sg.Tensors[i].Quantization?.Blockwise is { } bw) { Use(bw.Scales); Use(bw.ZeroPoints); }
            }
            if (used.All(u => u)) continue;
            var map = new int[used.Length];
            var kept = new List<Tensor>();
            for (int i = 0; i < used.Length; i++)
            {
                if (used[i]) { map[i] = kept.Count; kept.Add(sg.Tensors[i]); }
                else map[i] = -1;
            }
            int M(int i) => i < 0 ? i : map[i];
            foreach (var op in sg.Operations)
            {
                op.Inputs = op.Inputs.Select(M).ToArray();
                op.Outputs = op.Outputs.Select(M).ToArray();
                if (op.Intermediates is { } im) op.Intermediates = im.Select(M).ToArray();
            }
            for (int k = 0; k < sg.Inputs.Count; k++) sg.Inputs[k] = M(sg.Inputs[k]);
            for (int k = 0; k < sg.Outputs.Count; k++) sg.Outputs[k] = M(sg.Outputs[k]);
            foreach (var sig in g.Signatures.Where(x => x.SubgraphIndex == s))
            {
                for (int k = 0; k < sig.Inputs.Count; k++) sig.Inputs[k] = sig.Inputs[k] with { TensorIndex = M(sig.Inputs[k].TensorIndex) };
                for (int k = 0; k < sig.Outputs.Count; k++) sig.Outputs[k] = sig.Outputs[k] with { TensorIndex = M(sig.Outputs[k].TensorIndex) };
            }
            foreach (var t in kept)
            {
                if (t.Quantization?.Blockwise is { } bw)
                    t.Quantization.Blockwise = new TflBlockwiseQuantization { Scales = M(bw.Scales), ZeroPoints = bw.ZeroPoints < 0 ? bw.ZeroPoints : M(bw.ZeroPoints), BlockSize = bw.BlockSize };
            }
            sg.Tensors.Clear();
            sg.Tensors.AddRange(kept);
        }

        var usedBuffers = new HashSet<DataBuffer>(ReferenceEqualityComparer.Instance);
        foreach (var sg in g.Subgraphs)
            foreach (var t in sg.Tensors)
                if (t.Buffer is { } b) usedBuffers.Add(b);
        foreach (var m in g.Metadata) usedBuffers.Add(m.Buffer);
        for (int i = g.Buffers.Count - 1; i >= 1; i--)
            if (!usedBuffers.Contains(g.Buffers[i])) g.Buffers.RemoveAt(i);
    }

    /// <summary>
    /// A copy of <paramref name="g"/> whose first signature also outputs every tensor an op of its subgraph produces
    /// (named after the tensor), so one run yields every intermediate value.
    /// </summary>
    public static ModelGraph ExposeIntermediates(ModelGraph g, out Signature signature)
    {
        var copy = Clone(g);
        var sig = copy.SignaturesOrDefault()[0];
        if (copy.Signatures.Count == 0) copy.Signatures.Add(sig);
        var sg = copy.Subgraphs[sig.SubgraphIndex];
        var names = new HashSet<string>(sig.Outputs.Select(o => o.Name), StringComparer.Ordinal);
        var outputs = new HashSet<int>(sig.Outputs.Select(o => o.TensorIndex));
        foreach (var op in sg.Operations)
        {
            foreach (int o in op.Outputs)
            {
                if (o < 0 || outputs.Contains(o)) continue;
                var t = sg.Tensors[o];
                if (!t.Type.HasFixedSize()) continue;
                string name = t.Name;
                while (!names.Add(name)) name += "'";
                sig.Outputs.Add(new SignatureTensor(name, o));
                outputs.Add(o);
                if (!sg.Outputs.Contains(o)) sg.Outputs.Add(o);
            }
        }
        signature = sig;
        return copy;
    }
}
