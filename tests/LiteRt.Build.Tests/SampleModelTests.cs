using LiteRt.Samples.ModelMaker;
using LiteRt.TestSupport;

namespace LiteRt.Build.Tests;

/// <summary>The samples' committed models are exactly what the repository's own code writes (samples/ModelMaker).</summary>
public sealed class SampleModelTests
{
    [Fact]
    public void Committed_sample_models_are_what_ModelMaker_writes()
    {
        string dir = Path.Combine(SharedData.RepoRoot!, "samples", "QuickStart", "Models");
        foreach (var (file, build) in SampleModels.All)
        {
            byte[] expected = SampleModels.Serialize(build());
            Assert.True(File.ReadAllBytes(Path.Combine(dir, file)).AsSpan().SequenceEqual(expected),
                $"samples/QuickStart/Models/{file} differs from what SampleModels writes; run: dotnet run --project samples/ModelMaker");
        }
        Assert.Equal(SampleModels.All.Keys.Order(), Directory.GetFiles(dir).Select(Path.GetFileName).Order()!);
    }
}
