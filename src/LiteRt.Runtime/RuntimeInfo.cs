namespace LiteRt.Runtime;

/// <summary>Facts about this runtime that build-time tools and generated code check against.</summary>
public static class RuntimeInfo
{
    /// <summary>
    /// The version of the build-time plan format (the <c>.litert.json</c> manifest written by <c>litert compile</c> and
    /// the <see cref="Planning.PrecomputedPlan"/> that generated code passes in) this runtime reads. The source generator
    /// compares it with the manifest's <c>formatVersion</c> at build time (LRT5004), and
    /// <see cref="CompiledModel.Load(string, Planning.PrecomputedPlan, RuntimeOptions?)"/> compares it with the generated
    /// code's at load.
    /// </summary>
    public const int PlanFormatVersion = 1;
}
