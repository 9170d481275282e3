namespace LiteRt.Format.Tests;

/// <summary>
/// A fact that is reported as skipped, with the reason, when ../shared (or flatc) is not available: xunit 2 has no
/// dynamic skip, so the condition is evaluated when tests are discovered.
/// </summary>
public sealed class RequiresSharedFactAttribute : FactAttribute
{
    public RequiresSharedFactAttribute(bool flatc = false) => Skip = RequiresShared.Reason(flatc);
}

/// <summary>The theory counterpart of <see cref="RequiresSharedFactAttribute"/>.</summary>
public sealed class RequiresSharedTheoryAttribute : TheoryAttribute
{
    public RequiresSharedTheoryAttribute(bool flatc = false) => Skip = RequiresShared.Reason(flatc);
}

internal static class RequiresShared
{
    public static string? Reason(bool flatc)
    {
        if (TestEnvironment.SharedDir is null) return "../shared (models, reference schema) is absent";
        if (flatc && TestEnvironment.FlatcPath() is null) return "flatc is not installed";
        return null;
    }
}
