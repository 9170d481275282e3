using System.Text;

namespace LiteRt.Cli.Compile;

/// <summary>
/// C#-safe names for tensors and signatures, written into the manifest so that every tool names things alike:
/// PascalCase of the name's letter/digit runs (<c>serving_default_input_1:0</c> → <c>ServingDefaultInput1_0</c>),
/// made unique within their scope and kept clear of the members generated wrappers declare.
/// </summary>
internal static class Identifiers
{
    /// <summary>Names a tensor member may not take inside the generated Inputs/Outputs classes.</summary>
    private static readonly HashSet<string> ReservedTensorNames = new(StringComparer.Ordinal)
    {
        "Inputs", "Outputs", "Equals", "GetHashCode", "GetType", "ToString", "MemberwiseClone", "Finalize", "ReferenceEquals",
    };

    /// <summary>Names a signature may not take (its methods sit beside these on the generated class).</summary>
    private static readonly HashSet<string> ReservedSignatureNames = new(StringComparer.Ordinal)
    {
        "Create", "Load", "Run", "RunAsync", "Dispose", "Model", "Placement", "CreateInputs", "Inputs", "Outputs",
        "FileName", "ResourceName", "ModelSha256", "Equals", "GetHashCode", "GetType", "ToString", "MemberwiseClone", "Finalize", "ReferenceEquals",
    };

    public static string Pascal(string name, string fallback)
    {
        var sb = new StringBuilder();
        var part = new StringBuilder();
        void Flush()
        {
            if (part.Length == 0) return;
            if (sb.Length > 0 && char.IsDigit(sb[^1]) && char.IsDigit(part[0])) sb.Append('_');
            sb.Append(char.ToUpperInvariant(part[0])).Append(part, 1, part.Length - 1);
            part.Clear();
        }
        foreach (char c in name)
        {
            if (char.IsLetterOrDigit(c)) part.Append(c);
            else Flush();
        }
        Flush();
        if (sb.Length == 0) return fallback;
        if (char.IsDigit(sb[0])) sb.Insert(0, '_');
        return sb.ToString();
    }

    /// <summary>Identifiers for a list of names: unique (suffixes 2, 3, …) and not reserved.</summary>
    public static string[] ForTensors(IEnumerable<string> names) => Unique(names, "Tensor", ReservedTensorNames);

    public static string[] ForSignatures(IEnumerable<string> keys) => Unique(keys, "Signature", ReservedSignatureNames);

    private static string[] Unique(IEnumerable<string> names, string suffix, HashSet<string> reserved)
    {
        var used = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<string>();
        foreach (string name in names)
        {
            string id = Pascal(name, suffix);
            if (reserved.Contains(id)) id += suffix;
            string candidate = id;
            for (int n = 2; !used.Add(candidate); n++) candidate = id + n.ToString(System.Globalization.CultureInfo.InvariantCulture);
            result.Add(candidate);
        }
        return [.. result];
    }
}
