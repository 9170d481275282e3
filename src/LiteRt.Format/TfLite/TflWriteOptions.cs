namespace LiteRt.Format.TfLite;

/// <summary>Options for <see cref="TflModelWriter"/>.</summary>
public sealed class TflWriteOptions
{
    /// <summary>Total buffer data above which the &gt;2 GB layout is used automatically (2 GB − 512 MB).</summary>
    public const long DefaultExternalBuffersThreshold = (2L << 30) - (512L << 20);

    /// <summary>
    /// Force the &gt;2 GB layout: buffers carry offset/size and their bytes follow the FlatBuffer, 16-byte aligned.
    /// </summary>
    public bool ExternalBuffers { get; init; }

    /// <summary>Total data size (buffers and large custom options) above which external buffers are used anyway.</summary>
    public long ExternalBuffersThreshold { get; init; } = DefaultExternalBuffersThreshold;
}
