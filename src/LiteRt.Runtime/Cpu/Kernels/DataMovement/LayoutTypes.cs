using LiteRt.Format.Schema;
using LiteRt.Graph;
using LiteRt.Runtime.Execution;

namespace LiteRt.Runtime.Cpu.Kernels.DataMovement;

/// <summary>Which tensor types the byte-moving kernels handle, and reading constant integer inputs at Prepare.</summary>
internal static class LayoutTypes
{
    /// <summary>Types with whole-byte elements of 1, 2, 4 or 8 bytes (float32, int32, int64, uint8, int8, int16, bool, float16…).</summary>
    public static bool IsByteAddressable(TensorType t) => t.BitsPerElement() is 8 or 16 or 32 or 64;

    public static int ElementSize(TensorType t) => t.BitsPerElement() / 8;

    /// <summary>Validates that the output has the input's type; returns the element size.</summary>
    public static int RequireSameType(PreparedNode node, RuntimeTensor input, RuntimeTensor output)
    {
        if (input.Type != output.Type)
            throw node.Error($"output {output} must have the type of input {input}");
        if (!IsByteAddressable(input.Type))
            throw node.Error($"type {input.Type.Name()} is not supported");
        return ElementSize(input.Type);
    }

    /// <summary>Values of a constant integer input (int16/int32/int64), read at Prepare.</summary>
    public static unsafe int[] ConstantInts(PreparedNode node, int input, string what)
    {
        var t = node.Input(input);
        if (t.ElementCount == 0) return []; // an empty list needs no data
        if (!t.IsConstant) throw node.Error($"{what} (input {input}) must be a constant tensor");
        long n = t.ElementCount;
        var r = new int[n];
        for (int i = 0; i < n; i++)
        {
            long v = t.Type switch
            {
                TensorType.Int32 => ((int*)t.Data)[i],
                TensorType.Int64 => ((long*)t.Data)[i],
                TensorType.Int16 => ((short*)t.Data)[i],
                _ => throw node.Error($"{what} must be an int32 or int64 tensor, not {t.Type.Name()}"),
            };
            r[i] = checked((int)v);
        }
        return r;
    }

    /// <summary>Product of dims[from..to).</summary>
    public static long Product(ReadOnlySpan<int> dims, int from, int to)
    {
        long n = 1;
        for (int i = from; i < to; i++) n *= dims[i];
        return n;
    }
}
