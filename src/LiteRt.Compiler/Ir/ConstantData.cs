using LiteRt.Format.Schema;
using LiteRt.Graph;

namespace LiteRt.Compiler.Ir;

/// <summary>Byte-level transforms of constant tensor data (any fixed-size element type).</summary>
public static class ConstantData
{
    /// <summary>Row-major data of <paramref name="shape"/> permuted so that output dim i is input dim perm[i].</summary>
    public static byte[] Permute(ReadOnlySpan<byte> data, TensorType type, int[] shape, int[] perm)
    {
        int rank = shape.Length;
        long count = Shapes.ElementCount(shape);
        int size = type.BitsPerElement() / 8;
        if (type.BitsPerElement() % 8 != 0) throw new NotSupportedException($"cannot permute packed {type.Name()} data");
        var result = new byte[count * size];
        if (count == 0) return result;
        var inStrides = Shapes.Strides(shape);
        var outShape = new int[rank];
        for (int i = 0; i < rank; i++) outShape[i] = shape[perm[i]];
        var index = new int[rank];
        for (long o = 0; o < count; o++)
        {
            long src = 0;
            for (int i = 0; i < rank; i++) src += index[i] * inStrides[perm[i]];
            data.Slice((int)(src * size), size).CopyTo(result.AsSpan((int)(o * size), size));
            for (int i = rank - 1; i >= 0; i--)
            {
                if (++index[i] < outShape[i]) break;
                index[i] = 0;
            }
        }
        return result;
    }

    /// <summary>Float32 data as an array.</summary>
    public static float[] Floats(Tensor t)
    {
        if (t.Type != TensorType.Float32) return TensorData.Decode(t).Select(v => (float)v).ToArray();
        return System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(t.DataBytes).ToArray();
    }

    public static byte[] Bytes(ReadOnlySpan<float> values) =>
        System.Runtime.InteropServices.MemoryMarshal.AsBytes(values).ToArray();
}
