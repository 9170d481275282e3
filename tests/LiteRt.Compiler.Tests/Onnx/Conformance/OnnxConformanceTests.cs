using LiteRt.TestSupport;
using Xunit.Abstractions;

namespace LiteRt.Compiler.Tests.Onnx.Conformance;

/// <summary>
/// ONNX's own backend test suite (Debian's libonnx-testdata) through the converter and the runtime. Prints the pass
/// count per category, writes docs/onnx-conformance.md, and fails on any wrong result or unexpected error (a bug),
/// or when the pass rates drop below the targets (node ≥ 80%, pytorch-converted and pytorch-operator ≥ 95%).
/// </summary>
public sealed class OnnxConformanceTests(ITestOutputHelper output)
{
    [Fact]
    public void Libonnx_testdata_converts_runs_and_matches()
    {
        if (!OnnxConformance.IsAvailable)
        {
            output.WriteLine("SKIPPED: /usr/share/libonnx-testdata not found (apt-get install libonnx-testdata)");
            return;
        }
        var results = OnnxConformance.Cases().Select(c => OnnxConformance.Run(c.Category, c.Dir)).ToList();
        foreach (var cat in OnnxConformance.Categories)
        {
            var r = results.Where(x => x.Category == cat).ToList();
            if (r.Count == 0) continue;
            string line = $"ONNX conformance {cat}: {r.Count(x => x.Passed)}/{r.Count} passed " +
                $"({100.0 * r.Count(x => x.Passed) / r.Count:F1}%, {r.Count(x => x.Outcome == CaseOutcome.PassedWithConstantInputs)} with constant inputs)";
            output.WriteLine(line);
            Console.WriteLine(line);
        }
        string report = OnnxConformance.Report(results);
        if (SharedData.RepoRoot is { } root)
        {
            string path = Path.Combine(root, "docs", "onnx-conformance.md");
            if (!File.Exists(path) || File.ReadAllText(path) != report) File.WriteAllText(path, report);
        }
        var bugs = results.Where(r => r.IsBug).ToList();
        foreach (var b in bugs) output.WriteLine($"BUG {b.Category}/{b.Name}: {b.Outcome}: {b.Reason}");
        Assert.True(bugs.Count == 0, $"{bugs.Count} cases give a wrong result or an unexpected error: {string.Join(", ", bugs.Select(b => b.Name))}");
        double Rate(string cat) => results.Where(x => x.Category == cat).Average(x => x.Passed ? 1.0 : 0.0);
        Assert.True(Rate("node") >= 0.80, $"node pass rate {Rate("node"):P1} < 80%");
        Assert.True(Rate("pytorch-converted") >= 0.95, $"pytorch-converted pass rate {Rate("pytorch-converted"):P1} < 95%");
        Assert.True(Rate("pytorch-operator") >= 0.95, $"pytorch-operator pass rate {Rate("pytorch-operator"):P1} < 95%");
    }
}
