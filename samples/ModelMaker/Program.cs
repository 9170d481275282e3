// Writes the samples' models: dotnet run --project samples/ModelMaker -- [output folder]
// (default: samples/QuickStart/Models). Run it after changing SampleModels; the files are committed.
using LiteRt.Samples.ModelMaker;

string dir = args.Length > 0 ? args[0] : Path.Combine(AppContext.BaseDirectory, "../../../../QuickStart/Models");
if (args.Length == 0)
{
    // Find samples/QuickStart/Models from the repository whatever the build output layout.
    for (var d = new DirectoryInfo(Environment.CurrentDirectory); d is not null; d = d.Parent)
    {
        string candidate = Path.Combine(d.FullName, "samples", "QuickStart", "Models");
        if (Directory.Exists(Path.Combine(d.FullName, "samples", "QuickStart"))) { dir = candidate; break; }
    }
}
Directory.CreateDirectory(dir);
foreach (var (file, build) in SampleModels.All)
{
    string path = Path.Combine(dir, file);
    byte[] bytes = SampleModels.Serialize(build());
    File.WriteAllBytes(path, bytes);
    Console.WriteLine($"wrote {Path.GetFullPath(path)} ({bytes.Length} bytes)");
}
