using LiteRt.Graph.TfLite;
using LiteRt.TestSupport;
using Xunit.Abstractions;

namespace LiteRt.Graph.Tests;

/// <summary>
/// .tflite → IR → .tflite is lossless: for every real model in ../shared/models, flatc decodes the file we write to
/// exactly the JSON it decodes the original to.
/// </summary>
public class IrRoundTripTests(ITestOutputHelper output)
{
    public static TheoryData<string> Models()
    {
        var data = new TheoryData<string>();
        foreach (var dir in SharedData.ModelFolders())
            if (File.Exists(Path.Combine(dir, "model.tflite"))) data.Add(Path.GetFileName(dir));
        if (data.Count == 0) data.Add("(none)");
        return data;
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Import_then_export_decodes_to_the_same_json(string name)
    {
        if (!SharedData.TryGetRoot(out var root, output.WriteLine) || name == "(none)" || !Flatc.IsAvailable(output.WriteLine)) return;
        string original = Path.Combine(root, "models", name, "model.tflite");
        string written = Path.Combine(Directory.CreateTempSubdirectory("roundtrip").FullName, "model.tflite");
        try
        {
            using (var model = TfLiteModel.Open(original))
                File.WriteAllBytes(written, TfLiteModel.Serialize(model.Graph));
            string a = Flatc.ToJson(original), b = Flatc.ToJson(written);
            output.WriteLine($"{name}: {new FileInfo(original).Length} → {new FileInfo(written).Length} bytes, JSON {a.Length} chars");
            Assert.True(a == b, $"{name}: flatc JSON differs at char {FirstDifference(a, b)}: '{Around(a, FirstDifference(a, b))}' vs '{Around(b, FirstDifference(a, b))}'");

            // And the written file imports to the same graph again (byte-identical on a second write: deterministic).
            using var again = TfLiteModel.Open(written);
            Assert.Equal(File.ReadAllBytes(written), TfLiteModel.Serialize(again.Graph));
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(written)!, true);
        }
    }

    private static int FirstDifference(string a, string b)
    {
        int n = Math.Min(a.Length, b.Length);
        for (int i = 0; i < n; i++) if (a[i] != b[i]) return i;
        return n;
    }

    private static string Around(string s, int i) => s.Substring(Math.Max(0, i - 80), Math.Min(160, s.Length - Math.Max(0, i - 80)));
}
