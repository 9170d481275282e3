using System.Reflection;
using System.Security.Cryptography;
using LiteRt.Format.Schema;
using LiteRt.Graph;
using LiteRt.Graph.TfLite;
using LiteRt.Runtime.Cpu;
using LiteRt.Runtime.Execution;
using LiteRt.Runtime.Planning;
using LiteRt.TestSupport;

namespace LiteRt.Runtime.Tests.Planning;

/// <summary>
/// Build-time plans (what generated wrappers pass in): used as given when they match the model and the runtime,
/// replaced by a plan made at load — visibly — when they do not; accelerator fallback is reported.
/// </summary>
public sealed unsafe class PrecomputedPlanTests
{
    /// <summary><c>y = relu(x + c) · c</c> on float32 [2, 3]: three nodes, with intermediate tensors to lay out.</summary>
    private static byte[] ModelBytes()
    {
        var b = new GraphBuilder();
        int x = b.Input("x", TensorType.Float32, [2, 3]);
        int c = b.Const("c", TensorType.Float32, [3], [1, -2, 3]);
        int s = b.Op(BuiltinOperator.Add, [x, c], "sum", TensorType.Float32, OptionsTable.Create(BuiltinOptionsType.AddOptions));
        int r = b.Op(BuiltinOperator.Relu, [s], "relu", TensorType.Float32);
        int y = b.Op(BuiltinOperator.Mul, [r, c], "y", TensorType.Float32, OptionsTable.Create(BuiltinOptionsType.MulOptions));
        b.Output(y);
        return TfLiteModel.Serialize(b.Build());
    }

    /// <summary>What the generator emits, built here from the planner's output and the registry's entry points.</summary>
    private static PrecomputedPlan PlanFor(byte[] bytes, int formatVersion = RuntimeInfo.PlanFormatVersion, string? sha = null)
    {
        var graph = TfLiteModel.Read(bytes);
        var plan = ModelPlanner.Plan(graph, AcceleratorSupport.DefaultOrder);
        Assert.Empty(plan.Problems);
        var accelerators = plan.Accelerators.Select(a => a.UnavailableReason is { } reason
            ? new AcceleratorPlan(a.Accelerator, reason, a.FallbackTo ?? Accelerator.Cpu)
            : new AcceleratorPlan(a.Accelerator, a.Signatures.Select(s => new SignaturePlan(s.Key, s.TensorCount, s.ArenaBytes,
                s.Nodes.Select(n => CpuKernelRegistry.FindById(n.KernelId)!).Select(k => new PlannedKernel(k.Id, k.Prepare, k.Eval)).ToArray(),
                s.Blocks.Select(x => new PlannedAllocation(x.Id, x.Bytes, x.Offset)).ToArray())).ToArray())).ToArray();
        return new PrecomputedPlan(formatVersion, sha ?? Convert.ToHexStringLower(SHA256.HashData(bytes)), bytes.Length, accelerators);
    }

    private static float[] RunOnce(CompiledModel model)
    {
        var sig = model.DefaultSignature;
        sig.Input("x").Write<float>([1, 2, 3, -4, -5, -6]);
        sig.Run();
        return sig.Output("y").ToArray<float>();
    }

    private static readonly float[] Expected = [2, 0, 18, 0, 0, 0];

    [Fact]
    public void A_matching_plan_supplies_the_kernels_and_the_memory_layout()
    {
        byte[] bytes = ModelBytes();
        using var model = CompiledModel.FromBytes(bytes, PlanFor(bytes));
        Assert.Equal(Expected, RunOnce(model));
        var sig = model.DefaultSignature;
        Assert.True(sig.UsesPrecomputedKernels);
        Assert.True(sig.UsesPrecomputedMemoryPlan);
        Assert.Equal(Accelerator.Cpu, model.Accelerator);
        Assert.Contains("fell back from npu: not available: no NPU backend exists in this build; gpu: not available: no GPU backend exists in this build", model.PlacementReport);
        Assert.All(sig.Placement, p => Assert.Equal(Accelerator.Cpu, p.Accelerator));
        using var planned = CompiledModel.FromBytes(bytes);
        Assert.Equal(planned.DefaultSignature.ArenaBytes, sig.ArenaBytes);
        Assert.Equal(planned.DefaultSignature.Placement.Select(p => p.Kernel), sig.Placement.Select(p => p.Kernel));
    }

    [Fact]
    public void A_plan_for_other_bytes_is_replaced_by_a_plan_made_at_load_and_the_report_says_so()
    {
        byte[] bytes = ModelBytes();
        using var model = CompiledModel.FromBytes(bytes, PlanFor(bytes, sha: new string('0', 64)));
        Assert.Equal(Expected, RunOnce(model));
        Assert.False(model.DefaultSignature.UsesPrecomputedKernels);
        Assert.Contains("build-time plan not used: the model bytes (SHA-256", model.PlacementReport);
    }

    [Fact]
    public void A_plan_of_another_format_version_is_not_used()
    {
        byte[] bytes = ModelBytes();
        using var model = CompiledModel.FromBytes(bytes, PlanFor(bytes, formatVersion: RuntimeInfo.PlanFormatVersion + 1));
        Assert.Equal(Expected, RunOnce(model));
        Assert.Contains($"carries plan format {RuntimeInfo.PlanFormatVersion + 1}; this LiteRt.Runtime reads format {RuntimeInfo.PlanFormatVersion}", model.PlacementReport);
    }

    [Fact]
    public void RequirePrecomputedPlan_turns_a_mismatch_into_an_error()
    {
        byte[] bytes = ModelBytes();
        var options = new RuntimeOptions { RequirePrecomputedPlan = true };
        var e = Assert.Throws<LiteRtModelException>(() => CompiledModel.FromBytes(bytes, PlanFor(bytes, sha: new string('f', 64)), options));
        Assert.Contains("build-time plan rejected", e.Message);
    }

    [Fact]
    public void A_file_plan_is_checked_against_the_file()
    {
        byte[] bytes = ModelBytes();
        string path = Path.Combine(Path.GetTempPath(), $"litert-plan-{Guid.NewGuid():N}.tflite");
        File.WriteAllBytes(path, bytes);
        try
        {
            using (var model = CompiledModel.Load(path, PlanFor(bytes)))
            {
                Assert.True(model.DefaultSignature.UsesPrecomputedMemoryPlan);
                Assert.Equal(Expected, RunOnce(model));
            }
            File.AppendAllText(path, "x"); // another model now (one byte longer)
            using var changed = CompiledModel.Load(path, PlanFor(bytes));
            Assert.Contains("build-time plan not used: the plan is for a", changed.PlacementReport);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Accelerator_preferences_fall_back_to_cpu_visibly_or_fail_in_strict_mode()
    {
        byte[] bytes = ModelBytes();
        using (var gpuOnly = CompiledModel.FromBytes(bytes, new RuntimeOptions { Accelerators = [Accelerator.Gpu] }))
        {
            Assert.Equal(Accelerator.Cpu, gpuOnly.Accelerator);
            Assert.Contains("cpu was not in the requested list but is the last resort", gpuOnly.DefaultSignature.Fallback);
            Assert.Equal(Expected, RunOnce(gpuOnly));
        }
        using (var cpu = CompiledModel.FromBytes(bytes, new RuntimeOptions { Accelerators = [Accelerator.Cpu] }))
            Assert.Null(cpu.DefaultSignature.Fallback);
        var e = Assert.Throws<NotSupportedException>(() =>
            CompiledModel.FromBytes(bytes, new RuntimeOptions { Accelerators = [Accelerator.Npu, Accelerator.Cpu], StrictAccelerators = true }));
        Assert.Contains("npu", e.Message);
    }

    [Fact]
    public void Every_kernel_names_a_public_entry_type_whose_Prepare_and_Eval_are_its_pointers()
    {
        var problems = new List<string>();
        foreach (var k in CpuKernelRegistry.All)
        {
            if (k.EntryType is not { } t) { problems.Add($"{k.Id}: no entry type"); continue; }
            if (!t.IsVisible) problems.Add($"{k.Id}: {t} is not public");
            foreach (var (name, pointer) in new[] { ("Prepare", (nint)k.Prepare), ("Eval", (nint)k.Eval) })
            {
                var m = t.GetMethod(name, BindingFlags.Public | BindingFlags.Static, [typeof(PreparedNode)]);
                if (m is null || m.ReturnType != typeof(void)) problems.Add($"{k.Id}: {t}.{name}(PreparedNode) is missing");
                else if (m.MethodHandle.GetFunctionPointer() != pointer) problems.Add($"{k.Id}: {t}.{name} is not the registered {name}");
            }
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void The_planner_writes_csharp_names_the_generator_can_take_addresses_of()
    {
        Assert.Equal("global::LiteRt.Runtime.Cpu.Kernels.UnaryKernel<float, global::LiteRt.Runtime.Cpu.Kernels.AbsOp<float>>",
            ModelPlanner.CSharpName(typeof(LiteRt.Runtime.Cpu.Kernels.UnaryKernel<float, LiteRt.Runtime.Cpu.Kernels.AbsOp<float>>)));
        Assert.Equal("global::LiteRt.Runtime.Cpu.Kernels.NeuralNet.Conv2DFloatKernel",
            ModelPlanner.CSharpName(typeof(LiteRt.Runtime.Cpu.Kernels.NeuralNet.Conv2DFloatKernel)));
    }
}
