namespace LiteRt.Lm.Bundle;

/// <summary>One key/value item of a section or of the system metadata. Values are string, bool, sbyte, byte,
/// short, ushort, int, uint, long, ulong, float or double (the header's <c>VData</c> union).</summary>
public sealed record BundleItem(string Key, object Value)
{
    public override string ToString() => $"{Key}={Value}";
}

/// <summary>A section as the header describes it: bytes <c>[Begin, End)</c> of the file.</summary>
public sealed record BundleSection(int Index, SectionDataType DataType, long Begin, long End, IReadOnlyList<BundleItem> Items)
{
    public long Length => End - Begin;

    /// <summary>The item's value, or null.</summary>
    public object? Item(string key) => Items.FirstOrDefault(i => string.Equals(i.Key, key, StringComparison.Ordinal))?.Value;

    public override string ToString() => $"section {Index}: {DataType.Name()} [{Begin}, {End})";
}
