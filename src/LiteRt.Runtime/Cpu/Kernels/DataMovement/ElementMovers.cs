namespace LiteRt.Runtime.Cpu.Kernels.DataMovement;

/// <summary>
/// How elements travel from source to destination in the layout kernels: a plain copy, or (for 8-bit quantized
/// tensors whose input and output quantization differ) a 256-entry requantization table. Structs, so the generic
/// copy loops are specialised per mover and nothing is allocated.
/// </summary>
internal interface IElementMover<T> where T : unmanaged
{
    void Move(ReadOnlySpan<T> src, Span<T> dst);
    T One(T value);
}

internal readonly struct CopyMover<T> : IElementMover<T> where T : unmanaged
{
    public void Move(ReadOnlySpan<T> src, Span<T> dst) => src.CopyTo(dst);
    public T One(T value) => value;
}

internal readonly struct ByteTableMover(byte[] table) : IElementMover<byte>
{
    public void Move(ReadOnlySpan<byte> src, Span<byte> dst)
    {
        var t = table;
        for (int i = 0; i < src.Length; i++) dst[i] = t[src[i]];
    }

    public byte One(byte value) => table[value];
}

/// <summary>Byte-level moves of contiguous runs (concat, split, gather, reshape): a copy, or a table lookup.</summary>
internal static class ByteMoves
{
    public static void Move(ReadOnlySpan<byte> src, Span<byte> dst, byte[]? table)
    {
        if (table is null) src.CopyTo(dst);
        else new ByteTableMover(table).Move(src, dst);
    }
}
