using LiteRt.Graph;

namespace LiteRt.Compiler.Ir;

/// <summary>Producer and consumers of every tensor of a subgraph (a snapshot: rebuild after edits).</summary>
public sealed class GraphIndex
{
    private readonly Operation?[] _producer;
    private readonly List<Operation>[] _consumers;
    private readonly HashSet<int> _outputs;

    public GraphIndex(Subgraph sg)
    {
        Sg = sg;
        _producer = new Operation?[sg.Tensors.Count];
        _consumers = new List<Operation>[sg.Tensors.Count];
        for (int i = 0; i < _consumers.Length; i++) _consumers[i] = [];
        foreach (var op in sg.Operations)
        {
            foreach (int o in op.Outputs) _producer[o] = op;
            foreach (int i in op.Inputs)
                if (i >= 0 && !_consumers[i].Contains(op)) _consumers[i].Add(op);
        }
        _outputs = [.. sg.Outputs];
    }

    public Subgraph Sg { get; }

    public Operation? Producer(int t) => t >= 0 && t < _producer.Length ? _producer[t] : null;
    public IReadOnlyList<Operation> Consumers(int t) => t >= 0 && t < _consumers.Length ? _consumers[t] : [];
    public bool IsGraphOutput(int t) => _outputs.Contains(t);

    /// <summary>True when only <paramref name="op"/> reads <paramref name="t"/> and it is not a graph output.</summary>
    public bool OnlyUsedBy(int t, Operation op) => !IsGraphOutput(t) && Consumers(t).Count == 1 && Consumers(t)[0] == op;
}

/// <summary>Whole-graph housekeeping shared by the passes.</summary>
public static class GraphEditing
{
    /// <summary>Makes every consumer of <paramref name="from"/> read <paramref name="to"/> instead (graph outputs too).</summary>
    public static void ReplaceUses(Subgraph sg, int from, int to)
    {
        foreach (var op in sg.Operations)
            for (int k = 0; k < op.Inputs.Length; k++)
                if (op.Inputs[k] == from) op.Inputs[k] = to;
        for (int k = 0; k < sg.Outputs.Count; k++)
            if (sg.Outputs[k] == from) sg.Outputs[k] = to;
    }

    /// <summary>Removes operations whose outputs nothing reads (iteratively). Returns true when something was removed.</summary>
    public static bool RemoveDeadOperations(Subgraph sg)
    {
        bool any = false;
        while (true)
        {
            var used = new HashSet<int>(sg.Outputs);
            foreach (var op in sg.Operations)
                foreach (int i in op.Inputs)
                    if (i >= 0) used.Add(i);
            int removed = sg.Operations.RemoveAll(op => op.Outputs.All(o => !used.Contains(o)));
            if (removed == 0) return any;
            any = true;
        }
    }

    /// <summary>Orders operations so every input is produced before it is read (stable for already-ordered graphs).</summary>
    public static void TopologicalSort(Subgraph sg)
    {
        var producer = new Dictionary<int, Operation>();
        foreach (var op in sg.Operations)
            foreach (int o in op.Outputs) producer[o] = op;
        var state = new Dictionary<Operation, int>(ReferenceEqualityComparer.Instance);
        var order = new List<Operation>(sg.Operations.Count);
        void Visit(Operation op)
        {
            // Iterative DFS to survive deep graphs.
            var stack = new Stack<(Operation Op, int Next)>();
            stack.Push((op, 0));
            state[op] = 1;
            while (stack.Count > 0)
            {
                var (cur, next) = stack.Pop();
                if (next < cur.Inputs.Length)
                {
                    stack.Push((cur, next + 1));
                    int t = cur.Inputs[next];
                    if (t >= 0 && producer.TryGetValue(t, out var p) && !state.ContainsKey(p))
                    {
                        state[p] = 1;
                        stack.Push((p, 0));
                    }
                    continue;
                }
                state[cur] = 2;
                order.Add(cur);
            }
        }
        foreach (var op in sg.Operations)
            if (!state.ContainsKey(op)) Visit(op);
        sg.Operations.Clear();
        sg.Operations.AddRange(order);
    }

    /// <summary>
    /// Drops tensors nothing refers to and renumbers the rest (operations, subgraph inputs/outputs and the
    /// signatures follow), then drops unreferenced buffers.
    /// </summary>
    public static void Compact(ModelGraph g, int subgraphIndex = 0)
    {
        var sg = g.Subgraphs[subgraphIndex];
        var keep = new bool[sg.Tensors.Count];
        foreach (int i in sg.Inputs) keep[i] = true;
        foreach (int i in sg.Outputs) keep[i] = true;
        foreach (var op in sg.Operations)
        {
            foreach (int i in op.Inputs) if (i >= 0) keep[i] = true;
            foreach (int o in op.Outputs) keep[o] = true;
        }
        var map = new int[sg.Tensors.Count];
        var tensors = new List<Tensor>();
        for (int i = 0; i < sg.Tensors.Count; i++)
        {
            map[i] = keep[i] ? tensors.Count : -1;
            if (keep[i]) tensors.Add(sg.Tensors[i]);
        }
        sg.Tensors.Clear();
        sg.Tensors.AddRange(tensors);
        foreach (var op in sg.Operations)
        {
            op.Inputs = op.Inputs.Select(i => i < 0 ? -1 : map[i]).ToArray();
            op.Outputs = op.Outputs.Select(i => map[i]).ToArray();
        }
        for (int k = 0; k < sg.Inputs.Count; k++) sg.Inputs[k] = map[sg.Inputs[k]];
        for (int k = 0; k < sg.Outputs.Count; k++) sg.Outputs[k] = map[sg.Outputs[k]];
        foreach (var sig in g.Signatures.Where(s => s.SubgraphIndex == subgraphIndex))
        {
            for (int k = 0; k < sig.Inputs.Count; k++) sig.Inputs[k] = sig.Inputs[k] with { TensorIndex = map[sig.Inputs[k].TensorIndex] };
            for (int k = 0; k < sig.Outputs.Count; k++) sig.Outputs[k] = sig.Outputs[k] with { TensorIndex = map[sig.Outputs[k].TensorIndex] };
        }

        var usedBuffers = new HashSet<DataBuffer>(ReferenceEqualityComparer.Instance);
        foreach (var s in g.Subgraphs)
            foreach (var t in s.Tensors)
                if (t.Buffer is { } b) usedBuffers.Add(b);
        foreach (var m in g.Metadata) usedBuffers.Add(m.Buffer);
        var sentinel = g.Buffers[0];
        g.Buffers.RemoveAll(b => !ReferenceEquals(b, sentinel) && !usedBuffers.Contains(b));
    }
}
