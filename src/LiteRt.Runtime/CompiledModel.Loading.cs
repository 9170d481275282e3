using System.Security.Cryptography;
using LiteRt.Graph;
using LiteRt.Graph.TfLite;
using LiteRt.Runtime.Planning;

namespace LiteRt.Runtime;

public sealed partial class CompiledModel
{
    /// <summary>
    /// Memory-maps a .tflite file and prepares every signature. Weights stay in the mapping (zero-copy).
    /// Throws <see cref="LiteRt.Format.LiteRtFormatException"/> for malformed bytes and
    /// <see cref="LiteRt.Graph.LiteRtModelException"/> for invalid or unsupported models, naming the file.
    /// </summary>
    public static CompiledModel Load(string path, RuntimeOptions? options = null)
    {
        var file = TfLiteModel.Open(path);
        try
        {
            return new CompiledModel(file.Graph, file, options);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>Prepares a model held in memory; <paramref name="bytes"/> must stay unchanged while the model lives.</summary>
    public static CompiledModel FromBytes(ReadOnlyMemory<byte> bytes, RuntimeOptions? options = null) => new(TfLiteModel.Read(bytes), null, options);

    /// <summary>
    /// Loads a .tflite file with a plan made at build time (what generated wrappers call): the kernels and memory
    /// layout come from <paramref name="plan"/>, so nothing is looked up. The plan is checked first — its format
    /// version against this runtime, its size and SHA-256 against the file — and when it does not match, the model is
    /// planned here instead and <see cref="PlacementReport"/> says why; with
    /// <see cref="RuntimeOptions.RequirePrecomputedPlan"/> a mismatch throws <see cref="LiteRtModelException"/> instead.
    /// </summary>
    public static CompiledModel Load(string path, PrecomputedPlan plan, RuntimeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(plan);
        string? rejected = CheckVersion(plan);
        if (rejected is null)
        {
            long length = new FileInfo(path).Length;
            if (length != plan.ModelBytes) rejected = $"the plan is for a {plan.ModelBytes}-byte model; '{path}' has {length} bytes";
            else
            {
                using var stream = File.OpenRead(path);
                rejected = CheckHash(plan, SHA256.HashData(stream), path);
            }
        }
        Reject(rejected, options, path);
        var file = TfLiteModel.Open(path);
        try
        {
            return Create(file.Graph, file, options, plan, rejected);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Prepares a model held in memory with a build-time plan (see <see cref="Load(string, PrecomputedPlan, RuntimeOptions?)"/>);
    /// <paramref name="bytes"/> must stay unchanged while the model lives.
    /// </summary>
    public static CompiledModel FromBytes(ReadOnlyMemory<byte> bytes, PrecomputedPlan plan, RuntimeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(plan);
        string? rejected = CheckVersion(plan);
        if (rejected is null)
        {
            rejected = bytes.Length != plan.ModelBytes
                ? $"the plan is for a {plan.ModelBytes}-byte model; the bytes given hold {bytes.Length}"
                : CheckHash(plan, SHA256.HashData(bytes.Span), "the model bytes");
        }
        Reject(rejected, options, null);
        return Create(TfLiteModel.Read(bytes), null, options, plan, rejected);
    }

    /// <summary>
    /// Prepares a model read elsewhere (e.g. the decoder section of a <c>.litertlm</c> bundle, read in place) with a
    /// build-time plan. The caller hashes the model's serialized bytes (<paramref name="modelBytes"/> long) and passes
    /// the SHA-256; the plan is checked against them as <see cref="Load(string, PrecomputedPlan, RuntimeOptions?)"/> does.
    /// <paramref name="owner"/> (e.g. the mapping the graph's weights live in) is disposed with the model.
    /// </summary>
    public static CompiledModel FromGraph(ModelGraph graph, PrecomputedPlan plan, long modelBytes, ReadOnlySpan<byte> modelSha256,
        RuntimeOptions? options = null, IDisposable? owner = null, string? source = null)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(plan);
        string? rejected = CheckVersion(plan);
        if (rejected is null)
        {
            rejected = modelBytes != plan.ModelBytes
                ? $"the plan is for a {plan.ModelBytes}-byte model; {source ?? "the model given"} has {modelBytes} bytes"
                : CheckHash(plan, modelSha256.ToArray(), source ?? "the model given");
        }
        Reject(rejected, options, source);
        return Create(graph, owner, options, plan, rejected);
    }

    private static CompiledModel Create(ModelGraph graph, IDisposable? owner, RuntimeOptions? options, PrecomputedPlan plan, string? rejected)
    {
        if (rejected is not null) return new CompiledModel(graph, owner, options, null, rejected);
        try
        {
            return new CompiledModel(graph, owner, options, plan);
        }
        catch (LiteRtModelException e) when (options?.RequirePrecomputedPlan != true && e.Reason.StartsWith("the build-time plan", StringComparison.Ordinal))
        {
            // The plan's shape (node or tensor counts) did not fit the graph despite the hash: plan here instead.
            return new CompiledModel(graph, owner, options, null, e.Reason);
        }
    }

    private static string? CheckVersion(PrecomputedPlan plan) => plan.FormatVersion == RuntimeInfo.PlanFormatVersion ? null
        : $"the generated code carries plan format {plan.FormatVersion}; this LiteRt.Runtime reads format {RuntimeInfo.PlanFormatVersion} (rebuild with matching LiteRt.Build and LiteRt.Runtime packages)";

    private static string? CheckHash(PrecomputedPlan plan, byte[] sha256, string what)
    {
        string actual = Convert.ToHexStringLower(sha256);
        return string.Equals(actual, plan.ModelSha256, StringComparison.OrdinalIgnoreCase) ? null
            : $"{what} (SHA-256 {actual[..12]}…) is not the model the plan was made for ({plan.ModelSha256[..Math.Min(12, plan.ModelSha256.Length)]}…)";
    }

    private static void Reject(string? rejected, RuntimeOptions? options, string? path)
    {
        if (rejected is not null && options?.RequirePrecomputedPlan == true)
            throw new LiteRtModelException($"build-time plan rejected: {rejected}", file: path);
    }
}
