using System;
using System.IO;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace LiteRt.Build.Tasks;

/// <summary>
/// Runs <c>litert compile</c> for one prepared model (out of process: the compiler's dependencies never load into
/// MSBuild or Visual Studio) and turns its <c>file(line,col): error LRTnnnn: message</c> lines into MSBuild errors
/// and warnings with their codes, so the IDE's error list shows them on the model.
/// </summary>
public sealed class LiteRtCompile : ToolTask
{
    private bool _loggedError;

    /// <summary>One item from <c>LiteRtPrepareModels</c> (identity = the model's full path).</summary>
    [Required] public ITaskItem Model { get; set; } = null!;

    /// <summary><c>litert.dll</c> (run with <c>dotnet</c>) or a <c>litert</c> executable.</summary>
    [Required] public string LiteRtToolPath { get; set; } = "";

    /// <summary>The <c>dotnet</c> host; defaults to the one running MSBuild (<c>DOTNET_HOST_PATH</c>).</summary>
    public string? DotnetHostPath { get; set; }

    /// <summary>Design-time build: <c>--describe</c> (manifest only, fast).</summary>
    public bool Describe { get; set; }

    protected override string ToolName => IsAssembly ? "dotnet" : Path.GetFileName(LiteRtToolPath);

    private bool IsAssembly => LiteRtToolPath.EndsWith(".dll", StringComparison.OrdinalIgnoreCase);

    protected override MessageImportance StandardOutputLoggingImportance => MessageImportance.Low;
    protected override MessageImportance StandardErrorLoggingImportance => MessageImportance.Normal;

    protected override string GenerateFullPathToTool()
    {
        if (!IsAssembly) return LiteRtToolPath;
        if (!string.IsNullOrEmpty(DotnetHostPath)) return DotnetHostPath!;
        string? host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        return string.IsNullOrEmpty(host) ? "dotnet" : host!;
    }

    protected override bool ValidateParameters()
    {
        if (!File.Exists(LiteRtToolPath))
        {
            Log.LogError(null, "LRT0014", null, Model.GetMetadata("Source"), 0, 0, 0, 0,
                $"the litert tool was not found at '{LiteRtToolPath}' (set LiteRtToolPath, or restore the LiteRt.Build package)");
            return false;
        }
        return base.ValidateParameters();
    }

    protected override string GenerateCommandLineCommands()
    {
        var b = new CommandLineBuilder();
        if (IsAssembly) b.AppendFileNameIfNotNull(LiteRtToolPath);
        b.AppendSwitch("compile");
        b.AppendFileNameIfNotNull(Model.ItemSpec);
        b.AppendSwitchIfNotNull("--out ", Model.GetMetadata("OutputDir").TrimEnd('/', '\\'));
        b.AppendSwitchIfNotNull("--name ", Model.GetMetadata("Name"));
        b.AppendSwitchIfNotNull("--source ", Model.GetMetadata("Source"));
        b.AppendSwitchIfNotNull("--accelerators ", Model.GetMetadata("Accelerators"));
        b.AppendSwitchIfNotNull("--quantize ", Model.GetMetadata("Quantize"));
        foreach (string c in Split(Model.GetMetadata("Calibration"))) b.AppendSwitchIfNotNull("--calibration ", c);
        foreach (string x in Split(Model.GetMetadata("ExternalData"))) b.AppendSwitchIfNotNull("--external-data ", x);
        if (Model.GetMetadata("InputShapes") is { Length: > 0 } shapes) b.AppendSwitchIfNotNull("--input-shapes ", shapes);
        if (Model.GetMetadata("FidelityThreshold") is { Length: > 0 } threshold) b.AppendSwitchIfNotNull("--fidelity-threshold ", threshold);
        if (Model.GetMetadata("CalibrationImages") is { Length: > 0 } images) b.AppendSwitchIfNotNull("--image-preprocessing ", images);
        if (Model.GetMetadata("MaxContext") is { Length: > 0 } maxContext) b.AppendSwitchIfNotNull("--max-context ", maxContext);
        if (Model.GetMetadata("PrefillLengths") is { Length: > 0 } prefill) b.AppendSwitchIfNotNull("--prefill-lengths ", prefill);
        if (Describe) b.AppendSwitch("--describe");
        return b.ToString();
    }

    protected override void LogEventsFromTextOutput(string singleLine, MessageImportance messageImportance)
    {
        if (CanonicalLine.TryParse(singleLine, out var d))
        {
            string file = d.File is null || d.File == "litert" ? Model.GetMetadata("Source") : d.File;
            if (d.IsError)
            {
                _loggedError = true;
                Log.LogError(null, d.Code, null, file, d.Line, d.Column, 0, 0, d.Message);
            }
            else
            {
                Log.LogWarning(null, d.Code, null, file, d.Line, d.Column, 0, 0, d.Message);
            }
            return;
        }
        // The one summary line per model is worth showing in a normal build; the rest is detail.
        Log.LogMessage(singleLine.StartsWith("litert: ", StringComparison.Ordinal) ? MessageImportance.High : messageImportance, singleLine);
    }

    protected override int ExecuteTool(string pathToTool, string responseFileCommands, string commandLineCommands)
    {
        int exit = base.ExecuteTool(pathToTool, responseFileCommands, commandLineCommands);
        if (exit != 0 && !_loggedError && !Log.HasLoggedErrors)
            Log.LogError(null, "LRT0001", null, Model.GetMetadata("Source"), 0, 0, 0, 0, $"litert compile exited with code {exit} without reporting why");
        return exit;
    }

    private static string[] Split(string value) => value.Split(new[] { ';' }, StringSplitOptions.RemoveEmptyEntries);
}
