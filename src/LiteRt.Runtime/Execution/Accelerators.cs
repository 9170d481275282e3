namespace LiteRt.Runtime;

/// <summary>Where a model's ops can run. Only <see cref="Cpu"/> has a backend in this build.</summary>
public enum Accelerator
{
    Npu,
    Gpu,
    Cpu,
}

/// <summary>Which accelerators this build can use, and names for them in options, manifests and reports.</summary>
public static class AcceleratorSupport
{
    /// <summary>The default preference order: NPU, then GPU, then CPU.</summary>
    public static IReadOnlyList<Accelerator> DefaultOrder { get; } = [Accelerator.Npu, Accelerator.Gpu, Accelerator.Cpu];

    /// <summary>True when a backend for <paramref name="accelerator"/> exists in this build (today: CPU only).</summary>
    public static bool IsAvailable(Accelerator accelerator) => accelerator == Accelerator.Cpu;

    /// <summary>Why an accelerator cannot be used, or null when it can.</summary>
    public static string? UnavailableReason(Accelerator accelerator) => accelerator switch
    {
        Accelerator.Cpu => null,
        Accelerator.Gpu => "not available: no GPU backend exists in this build",
        Accelerator.Npu => "not available: no NPU backend exists in this build",
        _ => "not available: unknown accelerator",
    };

    /// <summary><c>npu</c>, <c>gpu</c>, <c>cpu</c>.</summary>
    public static string Name(this Accelerator accelerator) => accelerator switch
    {
        Accelerator.Npu => "npu",
        Accelerator.Gpu => "gpu",
        Accelerator.Cpu => "cpu",
        _ => accelerator.ToString().ToLowerInvariant(),
    };

    public static bool TryParse(string? name, out Accelerator accelerator)
    {
        switch (name?.Trim().ToLowerInvariant())
        {
            case "npu": accelerator = Accelerator.Npu; return true;
            case "gpu": accelerator = Accelerator.Gpu; return true;
            case "cpu": accelerator = Accelerator.Cpu; return true;
            default: accelerator = default; return false;
        }
    }

    /// <summary>
    /// Chooses the accelerator for a model given the preference order: the first available one. When none is
    /// available (a list without <c>cpu</c>), the CPU still runs the model unless <paramref name="strict"/> is set.
    /// <paramref name="fallback"/> says which preferred accelerators were skipped and why (null when the first one ran).
    /// </summary>
    public static Accelerator Choose(IReadOnlyList<Accelerator> preference, bool strict, out string? fallback)
    {
        var skipped = new List<string>();
        foreach (var a in preference)
        {
            if (IsAvailable(a))
            {
                fallback = skipped.Count == 0 ? null : "fell back from " + string.Join("; ", skipped);
                return a;
            }
            skipped.Add($"{a.Name()}: {UnavailableReason(a)}");
            if (strict)
                throw new NotSupportedException($"accelerator {a.Name()} is {UnavailableReason(a)} (RuntimeOptions.StrictAccelerators is set, so falling back is an error)");
        }
        if (preference.Count == 0 && strict)
            throw new NotSupportedException("no accelerator was requested (RuntimeOptions.Accelerators is empty)");
        skipped.Add("cpu was not in the requested list but is the last resort");
        fallback = "fell back from " + string.Join("; ", skipped);
        return Accelerator.Cpu;
    }
}

/// <summary>Where one node ran: the kernel, the accelerator, and why it is not the first preferred one.</summary>
public sealed record NodePlacement(string Node, string Kernel, Accelerator Accelerator, string? Fallback)
{
    /// <summary>Keeps <c>foreach (var (node, kernel) in runner.Placement)</c> working.</summary>
    public void Deconstruct(out string node, out string kernel)
    {
        node = Node;
        kernel = Kernel;
    }

    public override string ToString() => $"{Node}: {Kernel} ran on {Accelerator.Name()}" + (Fallback is null ? "" : $", {Fallback}");
}
