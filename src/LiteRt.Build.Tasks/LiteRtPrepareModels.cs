using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace LiteRt.Build.Tasks;

/// <summary>
/// Resolves every <c>&lt;LiteRtModel&gt;</c> item into what the rest of the build needs: defaults for the metadata
/// (ClassName from the file name, Namespace from RootNamespace, …), the output paths, the files the compile depends
/// on (calibration globs expanded, ONNX external data), and an options stamp per model written only when its text
/// changes (so editing Accelerators or Quantize reruns that model's compile and nothing else). It also deletes
/// outputs of models that are no longer in the project, and rejects two models that would write the same files.
/// Runs on every build, so it only reads and compares small files.
/// </summary>
public sealed class LiteRtPrepareModels : Task
{
    /// <summary>The <c>@(LiteRtModel)</c> items.</summary>
    [Required] public ITaskItem[] Models { get; set; } = Array.Empty<ITaskItem>();

    [Required] public string ProjectDirectory { get; set; } = "";

    /// <summary>Where outputs go unless an item sets <c>OutputDir</c> (<c>$(IntermediateOutputPath)litert/</c>).</summary>
    [Required] public string DefaultOutputDir { get; set; } = "";

    public string? RootNamespace { get; set; }

    /// <summary>The list of outputs the last build produced (to delete those of removed models).</summary>
    [Required] public string OutputListFile { get; set; } = "";

    /// <summary>Folded into every stamp: the manifest format, so a format change recompiles everything.</summary>
    public string? StampSalt { get; set; }

    /// <summary>One item per model, identity = the model's full path, with the resolved metadata (see the targets file).</summary>
    [Output] public ITaskItem[] PreparedModels { get; private set; } = Array.Empty<ITaskItem>();

    /// <summary>Outputs and stamps of all models (for FileWrites).</summary>
    [Output] public ITaskItem[] AllOutputs { get; private set; } = Array.Empty<ITaskItem>();

    public override bool Execute()
    {
        var prepared = new List<ITaskItem>();
        var outputs = new List<string>();
        var owners = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var item in Models)
        {
            var p = Prepare(item);
            if (p is null) continue;
            string compiled = p.GetMetadata("CompiledModelPath");
            if (owners.TryGetValue(compiled, out string? other))
            {
                LogError(item, "LRT0012", $"models '{other}' and '{item.ItemSpec}' would both write {compiled}; give one of them another ClassName or OutputDir");
                continue;
            }
            owners[compiled] = item.ItemSpec;
            prepared.Add(p);
            outputs.Add(compiled);
            outputs.Add(p.GetMetadata("ManifestPath"));
            outputs.Add(p.GetMetadata("StampPath"));
            outputs.Add(p.GetMetadata("DonePath"));
            outputs.Add(p.GetMetadata("DescribedPath"));
            outputs.Add(p.GetMetadata("QuantReportPath"));
            outputs.Add(Path.ChangeExtension(p.GetMetadata("QuantReportPath"), ".html"));
        }
        if (Log.HasLoggedErrors) return false;

        RemoveStaleOutputs(outputs);
        PreparedModels = prepared.ToArray();
        AllOutputs = outputs.Select(o => (ITaskItem)new TaskItem(o)).ToArray();
        return !Log.HasLoggedErrors;
    }

    private TaskItem? Prepare(ITaskItem item)
    {
        string modelPath = Path.GetFullPath(Path.Combine(ProjectDirectory, item.ItemSpec));
        string stem = Path.GetFileNameWithoutExtension(modelPath);
        // A Hugging Face decoder checkpoint: a folder holding config.json (or that config.json). Its identity is the
        // config.json, so MSBuild compares file timestamps; every file of the folder is a dependency.
        string? checkpointDir = Directory.Exists(modelPath) ? modelPath.TrimEnd('/', '\\')
            : string.Equals(Path.GetFileName(modelPath), "config.json", StringComparison.OrdinalIgnoreCase) ? Path.GetDirectoryName(modelPath) : null;
        if (checkpointDir is not null)
        {
            modelPath = Path.Combine(checkpointDir, "config.json");
            stem = Path.GetFileName(checkpointDir);
        }

        string className = Meta(item, "ClassName") ?? Names.Pascal(stem, "Model");
        if (!Names.IsIdentifier(className))
        {
            LogError(item, "LRT0010", $"ClassName '{className}' is not a C# identifier");
            return null;
        }
        string ns = Meta(item, "Namespace") ?? (string.IsNullOrWhiteSpace(RootNamespace) ? "" : RootNamespace!.Trim());
        if (ns.Length > 0 && !Names.IsNamespace(ns))
        {
            LogError(item, "LRT0010", $"Namespace '{ns}' is not a C# namespace name");
            return null;
        }
        string access = (Meta(item, "Access") ?? "public").ToLowerInvariant();
        if (access != "public" && access != "internal")
        {
            LogError(item, "LRT0011", $"Access='{Meta(item, "Access")}' must be public or internal");
            return null;
        }
        string embedText = (Meta(item, "Embed") ?? "false").ToLowerInvariant();
        if (embedText != "true" && embedText != "false")
        {
            LogError(item, "LRT0011", $"Embed='{Meta(item, "Embed")}' must be true (embedded resource) or false (copied to the output folder)");
            return null;
        }
        if (checkpointDir is not null && embedText == "true")
        {
            LogError(item, "LRT0011", "Embed='true' is not supported for a decoder checkpoint: its .litertlm bundle is memory-mapped from the output folder");
            return null;
        }
        string maxContext = Meta(item, "MaxContext") ?? "";
        string prefillLengths = Meta(item, "PrefillLengths") ?? "";
        string accelerators = Meta(item, "Accelerators") ?? "npu;gpu;cpu";
        string quantize = Meta(item, "Quantize") ?? "none";
        // A recipe file is an input of the compile like the model: resolve it against the project.
        if (quantize.EndsWith(".json", StringComparison.OrdinalIgnoreCase)) quantize = Path.GetFullPath(Path.Combine(ProjectDirectory, quantize));
        string fidelityThreshold = Meta(item, "FidelityThreshold") ?? "";
        string imagePreprocessing = Meta(item, "CalibrationImages") ?? "";
        string outputDir = Path.GetFullPath(Path.Combine(ProjectDirectory, Meta(item, "OutputDir") ?? DefaultOutputDir));

        var calibration = ExpandFiles(Meta(item, "Calibration"));
        var externalData = ExpandFiles(Meta(item, "ExternalData"));
        if (Meta(item, "ExternalData") is null && string.Equals(Path.GetExtension(modelPath), ".onnx", StringComparison.OrdinalIgnoreCase))
        {
            // ONNX keeps large weights beside the model (model.onnx.data / model.onnx_data by convention).
            foreach (string candidate in new[] { modelPath + ".data", Path.Combine(Path.GetDirectoryName(modelPath)!, stem + ".onnx_data") })
                if (File.Exists(candidate)) externalData.Add(candidate);
        }

        string name = className;
        var result = new TaskItem(modelPath);
        result.SetMetadata("Source", item.ItemSpec);
        result.SetMetadata("ClassName", className);
        result.SetMetadata("Namespace", ns);
        result.SetMetadata("Access", access);
        result.SetMetadata("Embed", embedText);
        result.SetMetadata("Accelerators", accelerators);
        result.SetMetadata("Quantize", quantize);
        result.SetMetadata("Calibration", string.Join(";", calibration));
        result.SetMetadata("ExternalData", string.Join(";", externalData));
        string inputShapes = Meta(item, "InputShapes") ?? "";
        result.SetMetadata("InputShapes", inputShapes);
        result.SetMetadata("FidelityThreshold", fidelityThreshold);
        result.SetMetadata("CalibrationImages", imagePreprocessing);
        // A calibration folder is passed as a folder; its files are what the compile depends on.
        var dependencies = calibration.Select(c => c.IndexOf('=') is int at && at > 0 && !File.Exists(c) ? c.Substring(at + 1) : c)
            .SelectMany(c => Directory.Exists(c) ? (IEnumerable<string>)Directory.GetFiles(c).OrderBy(f => f, StringComparer.Ordinal) : new[] { c })
            .Concat(externalData).ToList();
        if (checkpointDir is not null && Directory.Exists(checkpointDir))
            dependencies.AddRange(Directory.GetFiles(checkpointDir).Where(f => !string.Equals(f, modelPath, StringComparison.OrdinalIgnoreCase)).OrderBy(f => f, StringComparer.Ordinal));
        if (quantize.EndsWith(".json", StringComparison.OrdinalIgnoreCase)) dependencies.Add(quantize);
        result.SetMetadata("Dependencies", string.Join(";", dependencies));
        result.SetMetadata("OutputDir", EnsureSlash(outputDir));
        result.SetMetadata("Name", name);
        string compiledExtension = checkpointDir is null ? ".tflite" : ".litertlm";
        result.SetMetadata("CompiledModelPath", Path.Combine(outputDir, name + compiledExtension));
        result.SetMetadata("MaxContext", maxContext);
        result.SetMetadata("PrefillLengths", prefillLengths);
        result.SetMetadata("ManifestPath", Path.Combine(outputDir, name + ".litert.json"));
        result.SetMetadata("QuantReportPath", Path.Combine(outputDir, name + ".quant.json"));
        string stampPath = Path.Combine(outputDir, name + ".litert.stamp");
        result.SetMetadata("StampPath", stampPath);
        result.SetMetadata("DonePath", Path.Combine(outputDir, name + ".litert.done"));
        result.SetMetadata("DescribedPath", Path.Combine(outputDir, name + ".litert.described"));
        // What the source generator sees (CompilerVisibleItemMetadata on the manifest's AdditionalFiles item).
        result.SetMetadata("LiteRtManifest", "true");
        result.SetMetadata("LiteRtClassName", className);
        result.SetMetadata("LiteRtNamespace", ns);
        result.SetMetadata("LiteRtAccess", access);
        result.SetMetadata("LiteRtEmbed", embedText);
        result.SetMetadata("LiteRtFileName", name + compiledExtension);
        result.SetMetadata("LiteRtResourceName", "LiteRt/" + name + compiledExtension);
        result.SetMetadata("LiteRtAccelerators", accelerators);
        result.SetMetadata("LiteRtSource", item.ItemSpec);

        // A compile is recorded by touching DonePath (outputs keep their timestamps when their bytes do not change,
        // so they cannot serve as the target's Outputs). If an output has gone missing, forget the compile.
        if (!File.Exists(result.GetMetadata("CompiledModelPath")) || !File.Exists(result.GetMetadata("ManifestPath")))
        {
            try { File.Delete(result.GetMetadata("DonePath")); }
            catch (IOException) { }
        }

        // The stamp holds every option that changes what `litert compile` writes. ClassName, Namespace, Access and
        // Embed only change the generated C# (the generator reads them directly), so they are not in it.
        var stamp = new StringBuilder();
        stamp.Append("salt=").Append(StampSalt ?? "").Append('\n');
        stamp.Append("source=").Append(item.ItemSpec).Append('\n');
        stamp.Append("accelerators=").Append(accelerators).Append('\n');
        stamp.Append("quantize=").Append(quantize).Append('\n');
        foreach (string c in calibration) stamp.Append("calibration=").Append(c).Append('\n');
        foreach (string x in externalData) stamp.Append("external=").Append(x).Append('\n');
        if (inputShapes.Length > 0) stamp.Append("inputShapes=").Append(inputShapes).Append('\n');
        if (fidelityThreshold.Length > 0) stamp.Append("fidelityThreshold=").Append(fidelityThreshold).Append('\n');
        if (imagePreprocessing.Length > 0) stamp.Append("calibrationImages=").Append(imagePreprocessing).Append('\n');
        if (maxContext.Length > 0) stamp.Append("maxContext=").Append(maxContext).Append('\n');
        if (prefillLengths.Length > 0) stamp.Append("prefillLengths=").Append(prefillLengths).Append('\n');
        try
        {
            Directory.CreateDirectory(outputDir);
            WriteIfChanged(stampPath, stamp.ToString());
        }
        catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
        {
            LogError(item, "LRT0007", $"cannot write {stampPath}: {e.Message}");
            return null;
        }
        return result;
    }

    /// <summary>Semicolon-separated paths relative to the project; wildcards are expanded (sorted, for determinism).</summary>
    private List<string> ExpandFiles(string? spec)
    {
        var files = new List<string>();
        if (string.IsNullOrWhiteSpace(spec)) return files;
        foreach (string raw in spec!.Split(new[] { ';' }, StringSplitOptions.RemoveEmptyEntries))
        {
            string entry = raw.Trim();
            if (entry.Length == 0) continue;
            // NAME=PATH (calibration data for one named input): the path is resolved, the name kept.
            string prefix = "";
            int eq = entry.IndexOf('=');
            if (eq > 0 && entry.IndexOfAny(new[] { '/', '\\' }, 0, eq) < 0 && !File.Exists(Path.Combine(ProjectDirectory, entry)))
            {
                prefix = entry.Substring(0, eq + 1);
                entry = entry.Substring(eq + 1);
            }
            string full = Path.GetFullPath(Path.Combine(ProjectDirectory, entry));
            string fileName = Path.GetFileName(full);
            if (fileName.IndexOfAny(new[] { '*', '?' }) >= 0)
            {
                string dir = Path.GetDirectoryName(full)!;
                if (Directory.Exists(dir))
                    files.AddRange(Directory.GetFiles(dir, fileName).Select(Path.GetFullPath).OrderBy(f => f, StringComparer.Ordinal).Select(f => prefix + f));
            }
            else
            {
                // A missing file is passed on: `litert compile` reports it (LRT0006) with the model's name.
                files.Add(prefix + full);
            }
        }
        return files;
    }

    private void RemoveStaleOutputs(List<string> current)
    {
        var keep = new HashSet<string>(current, StringComparer.OrdinalIgnoreCase);
        try
        {
            if (File.Exists(OutputListFile))
            {
                foreach (string line in File.ReadAllLines(OutputListFile))
                {
                    string old = line.Trim();
                    if (old.Length == 0 || keep.Contains(old) || !File.Exists(old)) continue;
                    File.Delete(old);
                    Log.LogMessage(MessageImportance.Normal, $"LiteRt: deleted {old} (its model is no longer in the project)");
                }
            }
            var text = new StringBuilder();
            foreach (string o in current) text.Append(o).Append('\n');
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(OutputListFile))!);
            WriteIfChanged(OutputListFile, text.ToString());
        }
        catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
        {
            Log.LogWarning(null, "LRT0013", null, OutputListFile, 0, 0, 0, 0, $"could not clean up outputs of removed models: {e.Message}");
        }
    }

    internal static bool WriteIfChanged(string path, string text)
    {
        if (File.Exists(path) && File.ReadAllText(path) == text) return false;
        File.WriteAllText(path, text, new UTF8Encoding(false));
        return true;
    }

    private static string? Meta(ITaskItem item, string name)
    {
        string value = item.GetMetadata(name);
        return string.IsNullOrWhiteSpace(value) ? null : value.Trim();
    }

    private static string EnsureSlash(string dir) =>
        dir.EndsWith(Path.DirectorySeparatorChar.ToString(), StringComparison.Ordinal) || dir.EndsWith("/", StringComparison.Ordinal) ? dir : dir + Path.DirectorySeparatorChar;

    private void LogError(ITaskItem item, string code, string message) =>
        Log.LogError(null, code, null, item.GetMetadata("DefiningProjectFullPath") is { Length: > 0 } project ? project : item.ItemSpec, 0, 0, 0, 0,
            $"<LiteRtModel Include=\"{item.ItemSpec}\">: {message}");
}
