namespace LiteRt.Format.Schema;

/// <summary>
/// Descriptors of every builtin options table (both unions), written from the schema's field lists.
/// TODO(format helper): fill in all tables.
/// </summary>
public static partial class OptionsSchema
{
    public static OptionsTableDescriptor Get(BuiltinOptionsType type) => throw new NotImplementedException();
    public static OptionsTableDescriptor Get(BuiltinOptions2Type type) => throw new NotImplementedException();
}
