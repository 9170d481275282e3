using Microsoft.CodeAnalysis;

namespace LiteRt.Build.Generator;

/// <summary>The generator's diagnostics (LRT5xxx; docs/error-codes.md).</summary>
internal static class Diagnostics
{
    private const string Category = "LiteRt.Build";
    private const string Help = "https://github.com/litert-build/litert-build/blob/main/docs/error-codes.md";

    public static readonly DiagnosticDescriptor MalformedManifest = new("LRT5001", "Malformed LiteRt manifest",
        "The LiteRt manifest '{0}' is malformed: {1}", Category, DiagnosticSeverity.Error, true, helpLinkUri: Help);

    public static readonly DiagnosticDescriptor UnknownFormatVersion = new("LRT5002", "Unknown LiteRt manifest format version",
        "The LiteRt manifest '{0}' has format version {1}; this LiteRt.Build generator reads version {2} (use the same LiteRt.Build package for the tool and the generator)",
        Category, DiagnosticSeverity.Error, true, helpLinkUri: Help);

    public static readonly DiagnosticDescriptor MissingRuntime = new("LRT5003", "LiteRt.Runtime is not referenced",
        "The model '{0}' needs LiteRt.Runtime: add <PackageReference Include=\"LiteRt.Runtime\" /> to the project",
        Category, DiagnosticSeverity.Error, true, helpLinkUri: Help);

    public static readonly DiagnosticDescriptor RuntimeFormatMismatch = new("LRT5004", "LiteRt.Runtime reads another plan format",
        "The referenced LiteRt.Runtime reads plan format {0}, but the manifest for '{1}' has format {2}; use matching LiteRt.Build and LiteRt.Runtime versions",
        Category, DiagnosticSeverity.Error, true, helpLinkUri: Help);

    public static readonly DiagnosticDescriptor ClassCollision = new("LRT5005", "Two models generate the same class",
        "The models '{0}' and '{1}' both generate the class '{2}'; set ClassName or Namespace on one of their <LiteRtModel> items",
        Category, DiagnosticSeverity.Error, true, helpLinkUri: Help);

    public static readonly DiagnosticDescriptor InvalidIdentifier = new("LRT5006", "Not a C# identifier",
        "The model '{0}': {1} '{2}' is not a valid C# identifier",
        Category, DiagnosticSeverity.Error, true, helpLinkUri: Help);

    public static readonly DiagnosticDescriptor MemberCollision = new("LRT5007", "Generated member names collide",
        "The model '{0}': '{1}' would be declared twice in {2} ({3}); rename the tensor or signature in the model",
        Category, DiagnosticSeverity.Error, true, helpLinkUri: Help);

    public static readonly DiagnosticDescriptor UnsafeNotAllowed = new("LRT5008", "Unsafe code is not allowed",
        "The model '{0}' needs unsafe code for its kernel dispatch table (function pointers); remove <AllowUnsafeBlocks>false</AllowUnsafeBlocks> or set it to true",
        Category, DiagnosticSeverity.Error, true, helpLinkUri: Help);

    public static readonly DiagnosticDescriptor NoEntryPoint = new("LRT5009", "Kernel without an entry point",
        "The model '{0}': kernel '{1}' ({2}) has no entry point in the manifest, so signature '{3}' on {4} chooses its kernels at load instead of from the build-time table",
        Category, DiagnosticSeverity.Warning, true, helpLinkUri: Help);

    public static readonly DiagnosticDescriptor InvalidOptions = new("LRT5010", "Invalid <LiteRtModel> metadata",
        "The model '{0}': {1}", Category, DiagnosticSeverity.Error, true, helpLinkUri: Help);

    public static readonly DiagnosticDescriptor MissingLm = new("LRT5011", "LiteRt.Lm is not referenced",
        "The model '{0}' is a decoder bundle (.litertlm) and needs LiteRt.Lm: add <PackageReference Include=\"LiteRt.Lm\" /> to the project",
        Category, DiagnosticSeverity.Error, true, helpLinkUri: Help);

    public static DiagnosticDescriptor ById(string id) => id switch
    {
        "LRT5001" => MalformedManifest,
        "LRT5002" => UnknownFormatVersion,
        "LRT5003" => MissingRuntime,
        "LRT5004" => RuntimeFormatMismatch,
        "LRT5005" => ClassCollision,
        "LRT5006" => InvalidIdentifier,
        "LRT5007" => MemberCollision,
        "LRT5008" => UnsafeNotAllowed,
        "LRT5009" => NoEntryPoint,
        "LRT5011" => MissingLm,
        _ => InvalidOptions,
    };
}
