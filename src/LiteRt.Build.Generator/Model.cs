using System;
using System.Collections;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace LiteRt.Build.Generator;

// The generator's models. Rule (it keeps the incremental pipeline cacheable and frees old compilations): every
// model is immutable with structural equality, and holds no ISymbol, SyntaxNode, Location or Compilation — only
// strings, numbers and EquatableArray. A test walks these types to check it.

/// <summary>An immutable array with structural equality (ImmutableArray compares by reference).</summary>
internal readonly struct EquatableArray<T> : IEquatable<EquatableArray<T>>, IEnumerable<T> where T : IEquatable<T>
{
    private readonly T[]? _items;

    public EquatableArray(IEnumerable<T> items) => _items = items.ToArray();

    public static EquatableArray<T> Empty => new(Array.Empty<T>());

    public int Count => _items?.Length ?? 0;
    public T this[int i] => _items![i];

    public bool Equals(EquatableArray<T> other)
    {
        var a = _items ?? Array.Empty<T>();
        var b = other._items ?? Array.Empty<T>();
        if (a.Length != b.Length) return false;
        for (int i = 0; i < a.Length; i++)
            if (!EqualityComparer<T>.Default.Equals(a[i], b[i])) return false;
        return true;
    }

    public override bool Equals(object? obj) => obj is EquatableArray<T> other && Equals(other);

    public override int GetHashCode()
    {
        int h = 17;
        foreach (var item in _items ?? Array.Empty<T>()) h = unchecked(h * 31 + (item?.GetHashCode() ?? 0));
        return h;
    }

    public IEnumerator<T> GetEnumerator() => ((IEnumerable<T>)(_items ?? Array.Empty<T>())).GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

internal static class EquatableArray
{
    public static EquatableArray<T> ToEquatable<T>(this IEnumerable<T> items) where T : IEquatable<T> => new(items);
}

/// <summary>The item metadata the build passes for a manifest (build_metadata.AdditionalFiles.LiteRt*).</summary>
internal sealed record ItemOptions(string? ClassName, string? Namespace, string? Access, bool Embed, string? FileName, string? ResourceName, string? Source);

/// <summary>A manifest file's text and options: the first, cheap step of the pipeline.</summary>
internal sealed record ManifestInput(string Path, string Text, ItemOptions Options);

/// <summary>A diagnostic without Location (which would root syntax trees): file, span and line span are enough.</summary>
internal sealed record DiagnosticInfo(string Id, string? File, int Start, int Length, int Line, int Column, EquatableArray<string> Args)
{
    public static DiagnosticInfo Create(string id, string? file, int line, int column, int offset, params string[] args) =>
        new(id, file, offset, 0, line, column, args.ToEquatable());

    public static DiagnosticInfo Create(string id, params string[] args) => new(id, null, 0, 0, 0, 0, args.ToEquatable());

    public Diagnostic ToDiagnostic()
    {
        var location = File is null ? Location.None
            : Location.Create(File, new TextSpan(Start, Length), new LinePositionSpan(
                new LinePosition(Math.Max(Line - 1, 0), Math.Max(Column - 1, 0)), new LinePosition(Math.Max(Line - 1, 0), Math.Max(Column - 1, 0))));
        return Diagnostic.Create(Diagnostics.ById(Id), location, Args.Cast<object>().ToArray());
    }
}

internal sealed record QuantizationSpec(EquatableArray<double> Scale, EquatableArray<long> ZeroPoint, int QuantizedDimension);

internal sealed record TensorSpec(string Name, string Identifier, string DType, EquatableArray<int> Shape, EquatableArray<int> ShapeSignature,
    bool Dynamic, QuantizationSpec? Quantization);

internal sealed record SignatureSpec(string Key, string Identifier, EquatableArray<TensorSpec> Inputs, EquatableArray<TensorSpec> Outputs);

internal sealed record AcceleratorSpec(string Name, bool Available, string? Reason, string? Fallback, bool Implicit);

internal sealed record NodeSpec(int Index, string Op, string Kernel, string? EntryType, string Description);

internal sealed record BlockSpec(int Id, string Name, long Bytes, long Offset);

internal sealed record SignaturePlanSpec(string Key, int TensorCount, long ArenaBytes, EquatableArray<NodeSpec> Nodes, EquatableArray<BlockSpec> Blocks);

internal sealed record PlanSpec(string Accelerator, EquatableArray<SignaturePlanSpec> Signatures);

/// <summary>A decoder's generation settings, as the bundle's metadata gives them (null: not stated by the checkpoint).</summary>
internal sealed record LlmSpec(
    EquatableArray<int> StartTokenIds,
    EquatableArray<EquatableArray<int>> StopTokenSequences,
    bool DoSample,
    double? Temperature,
    int? TopK,
    double? TopP,
    double? RepetitionPenalty,
    int MaxNumTokens,
    int MaxContext,
    EquatableArray<int> PrefillLengths,
    bool ChatTemplate);

/// <summary>Everything the emitter needs for one model.</summary>
internal sealed record ModelSpec(
    string ManifestPath,
    int FormatVersion,
    string Tool,
    string Name,
    string Source,
    bool DescribeOnly,
    string FileName,
    long ModelBytes,
    string Sha256,
    string? Description,
    string ClassName,
    string Namespace,
    string Access,
    bool Embed,
    string ResourceName,
    EquatableArray<SignatureSpec> Signatures,
    EquatableArray<AcceleratorSpec> Accelerators,
    EquatableArray<PlanSpec> Plans,
    LlmSpec? Llm = null)
{
    /// <summary>A decoder in a .litertlm bundle (checkpoint models): loaded through LiteRt.Lm.</summary>
    public bool IsBundle => Llm is not null;

    public string FullName => Namespace.Length == 0 ? ClassName : Namespace + "." + ClassName;
}

/// <summary>A parsed manifest: the spec when it is usable, and what went wrong or deserves a warning.</summary>
internal sealed record ManifestResult(ModelSpec? Spec, EquatableArray<DiagnosticInfo> Diagnostics);

/// <summary>What the compilation says about LiteRt.Runtime and unsafe code (an equatable summary, not the compilation).</summary>
internal sealed record CompilationFacts(bool RuntimeReferenced, int? RuntimePlanFormat, bool AllowUnsafe, bool LmReferenced = false);
