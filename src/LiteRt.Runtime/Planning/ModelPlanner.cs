using System.Text;
using LiteRt.Graph;
using LiteRt.Runtime.Execution;

namespace LiteRt.Runtime.Planning;

/// <summary>
/// Plans a model ahead of time with the same code the runtime uses at load (<see cref="ExecutionPlan"/>): for each
/// target accelerator and signature, the kernel of every node in execution order and the arena layout for the
/// declared input shapes (dynamic dims planned as the model's static <c>shape</c>, usually 1; the runtime re-plans
/// when an input is resized). Accelerators without a backend in this build get no plan of their own: they are
/// reported as unavailable and fall back to the CPU plan. <c>litert compile</c> writes the result into the manifest.
/// </summary>
public static class ModelPlanner
{
    public static ModelPlan Plan(ModelGraph graph, IReadOnlyList<Accelerator> targets, RuntimeOptions? options = null)
    {
        options ??= RuntimeOptions.Default;
        var accelerators = new List<AcceleratorPlanInfo>();
        var problems = new List<PlanProblem>();
        List<SignaturePlanInfo>? cpu = null;
        foreach (var target in targets.Distinct())
        {
            if (!AcceleratorSupport.IsAvailable(target))
            {
                accelerators.Add(new AcceleratorPlanInfo(target, AcceleratorSupport.UnavailableReason(target), Accelerator.Cpu, []));
                continue;
            }
            cpu ??= PlanCpu(graph, options, problems);
            accelerators.Add(new AcceleratorPlanInfo(target, null, null, cpu));
        }
        if (!accelerators.Any(a => a.UnavailableReason is null))
        {
            // Nothing requested can run here: the CPU plan is still made, because that is what will run.
            cpu ??= PlanCpu(graph, options, problems);
            accelerators.Add(new AcceleratorPlanInfo(Accelerator.Cpu, null, null, cpu) { Implicit = true });
        }
        return new ModelPlan(accelerators, problems);
    }

    private static List<SignaturePlanInfo> PlanCpu(ModelGraph graph, RuntimeOptions options, List<PlanProblem> problems)
    {
        var result = new List<SignaturePlanInfo>();
        foreach (var signature in graph.SignaturesOrDefault())
        {
            using var plan = new ExecutionPlan(graph, signature, options, precomputed: null, planOnly: true);
            if (plan.Unsupported.Count > 0)
            {
                foreach (var (node, reason) in plan.Unsupported) problems.Add(new PlanProblem(signature.Key, node, reason));
                continue;
            }
            var layout = plan.Layout!;
            var nodes = plan.Nodes.Select(n => new NodePlanInfo(n.Index, n.Op.OpName, n.Description, n.Kernel!.Id,
                n.Kernel.EntryType is { } t ? CSharpName(t) : null)).ToList();
            var blocks = new List<BlockPlanInfo>();
            for (int r = 0; r < layout.Requests.Length; r++)
            {
                var q = layout.Requests[r];
                string name = q.Id >= 0 ? plan.Tensors[q.Id].Name : $"scratch of {plan.Nodes[-1 - q.Id].Description}";
                blocks.Add(new BlockPlanInfo(q.Id, name, q.Bytes, layout.Offsets[r], q.First, q.Last));
            }
            var inputShapes = signature.Inputs.Select(i => plan.Tensors[i.TensorIndex].Shape).ToList();
            result.Add(new SignaturePlanInfo(signature.Key, plan.Tensors.Count, layout.ArenaBytes, layout.VariableBytes, nodes, blocks, inputShapes));
        }
        return result;
    }

    /// <summary>The C# name of a type as generated code writes it: <c>global::</c>-qualified, nested with dots, generic arguments spelled out.</summary>
    public static string CSharpName(Type type)
    {
        if (type.IsGenericParameter) return type.Name;
        string? keyword = Type.GetTypeCode(type) switch
        {
            TypeCode.Boolean => "bool",
            TypeCode.Byte => "byte",
            TypeCode.SByte => "sbyte",
            TypeCode.Int16 => "short",
            TypeCode.UInt16 => "ushort",
            TypeCode.Int32 => "int",
            TypeCode.UInt32 => "uint",
            TypeCode.Int64 => "long",
            TypeCode.UInt64 => "ulong",
            TypeCode.Single => "float",
            TypeCode.Double => "double",
            TypeCode.Char => "char",
            TypeCode.String => "string",
            _ => null,
        };
        if (keyword is not null && !type.IsEnum) return keyword;

        var chain = new List<Type>();
        for (var t = type; t is not null; t = t.DeclaringType) chain.Insert(0, t);
        var args = type.IsGenericType ? type.GetGenericArguments() : [];
        int used = 0;
        var sb = new StringBuilder("global::");
        if (!string.IsNullOrEmpty(chain[0].Namespace)) sb.Append(chain[0].Namespace).Append('.');
        for (int i = 0; i < chain.Count; i++)
        {
            if (i > 0) sb.Append('.');
            string name = chain[i].Name;
            int tick = name.IndexOf('`');
            if (tick < 0)
            {
                sb.Append(name);
                continue;
            }
            int count = int.Parse(name[(tick + 1)..], System.Globalization.CultureInfo.InvariantCulture);
            sb.Append(name, 0, tick).Append('<');
            sb.AppendJoin(", ", args.Skip(used).Take(count).Select(CSharpName));
            sb.Append('>');
            used += count;
        }
        return sb.ToString();
    }
}

/// <summary>The plans for every target accelerator, and the nodes that could not be planned.</summary>
public sealed record ModelPlan(IReadOnlyList<AcceleratorPlanInfo> Accelerators, IReadOnlyList<PlanProblem> Problems);

/// <summary>
/// One target accelerator: available with its own <see cref="Signatures"/>, or unavailable with the reason and the
/// accelerator whose plan runs instead. <see cref="Implicit"/> marks the CPU plan added because no requested
/// accelerator is available.
/// </summary>
public sealed record AcceleratorPlanInfo(Accelerator Accelerator, string? UnavailableReason, Accelerator? FallbackTo, IReadOnlyList<SignaturePlanInfo> Signatures)
{
    public bool Implicit { get; init; }
}

public sealed record SignaturePlanInfo(string Key, int TensorCount, long ArenaBytes, long VariableBytes,
    IReadOnlyList<NodePlanInfo> Nodes, IReadOnlyList<BlockPlanInfo> Blocks, IReadOnlyList<int[]> InputShapes);

/// <summary>A node's kernel; <see cref="EntryType"/> is the C# name of the class declaring its <c>Prepare</c>/<c>Eval</c>.</summary>
public sealed record NodePlanInfo(int Index, string Op, string Description, string KernelId, string? EntryType);

/// <summary>An arena block: a tensor (<see cref="Id"/> ≥ 0) or a node's scratch (<c>-1 - node</c>), live from step First to Last.</summary>
public sealed record BlockPlanInfo(int Id, string Name, long Bytes, long Offset, int First, int Last);

public sealed record PlanProblem(string Signature, string Node, string Reason);
