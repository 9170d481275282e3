namespace LiteRt.Graph.Catalog;

/// <summary>Batch-dim broadcasting of batched matrix products (BATCH_MATMUL), shared by the reference and CPU kernels.</summary>
public static class MatMulBroadcast
{
    /// <summary>
    /// For each flat index over the (broadcast) output batch dims, the element offset of the matching matrix in an
    /// operand whose batch dims are <paramref name="operandBatch"/> (right-aligned; size-1 dims broadcast).
    /// </summary>
    public static long[] Offsets(int[] operandBatch, int[] outBatch, long matrixSize)
    {
        long count = Shapes.ElementCount(outBatch);
        var offsets = new long[count];
        int rank = outBatch.Length, shift = rank - operandBatch.Length;
        var strides = new long[rank];
        long acc = matrixSize;
        for (int d = rank - 1; d >= shift; d--)
        {
            int dim = operandBatch[d - shift];
            strides[d] = dim == 1 ? 0 : acc;
            acc *= dim;
        }
        var index = new int[rank];
        for (long i = 0; i < count; i++)
        {
            long off = 0;
            for (int d = 0; d < rank; d++) off += index[d] * strides[d];
            offsets[i] = off;
            for (int d = rank - 1; d >= 0; d--)
            {
                if (++index[d] < outBatch[d]) break;
                index[d] = 0;
            }
        }
        return offsets;
    }
}
