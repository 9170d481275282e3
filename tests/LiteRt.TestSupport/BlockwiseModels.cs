using LiteRt.Format.Schema;
using LiteRt.Graph;

namespace LiteRt.TestSupport;

/// <summary>Single-op graphs with blockwise INT4 weights, built by hand (no quantizer involved), for kernel tests.</summary>
public static class BlockwiseModels
{
    /// <summary>
    /// One FULLY_CONNECTED: float input [rows, depth], INT4 weights [units, depth] in blocks of <paramref name="block"/>
    /// with FLOAT16 scales, optional float bias. Returns the weights dequantized as float64 and the bias as stored
    /// (float32 values; zeros without a bias).
    /// </summary>
    public static (ModelGraph Graph, double[] Dequantized, double[] Bias) FullyConnected(Random rng, int rows, int depth, int units, int block, bool bias)
    {
        var g = new ModelGraph();
        var sg = new Subgraph { Name = "main" };
        g.Subgraphs.Add(sg);
        int x = sg.AddTensor(new Tensor("x", TensorType.Float32, [rows, depth]));
        var q = TestData.Integers(rng, (long)units * depth, -8, 8);
        var scales = new Half[units * (depth / block)];
        var scaleBytes = new byte[scales.Length * 2];
        for (int i = 0; i < scales.Length; i++)
        {
            scales[i] = (Half)(0.005 + rng.NextDouble() * 0.05);
            System.Buffers.Binary.BinaryPrimitives.WriteHalfLittleEndian(scaleBytes.AsSpan(i * 2), scales[i]);
        }
        int s = sg.AddTensor(new Tensor("w_scale", TensorType.Float16, [units, depth / block]) { Buffer = g.AddBuffer(scaleBytes) });
        var qp = new QuantizationParams
        {
            DetailsType = QuantizationDetailsType.BlockwiseQuantization,
            Blockwise = new TflBlockwiseQuantization { Scales = s, ZeroPoints = -1, BlockSize = block },
        };
        int w = sg.AddTensor(new Tensor("w", TensorType.Int4, [units, depth]) { Quantization = qp, Buffer = g.AddBuffer(TensorData.Encode(TensorType.Int4, q, [units, depth], null)) });
        var biasValues = bias ? TestData.Uniform(rng, units) : new double[units];
        int bt = bias ? sg.AddTensor(new Tensor("b", TensorType.Float32, [units]) { Buffer = g.AddBuffer(TensorData.Encode(TensorType.Float32, biasValues, [units], null)) }) : -1;
        if (bias) biasValues = biasValues.Select(v => (double)(float)v).ToArray();
        int y = sg.AddTensor(new Tensor("y", TensorType.Float32, [rows, units]));
        sg.Inputs.Add(x);
        sg.Outputs.Add(y);
        sg.Operations.Add(new Operation(BuiltinOperator.FullyConnected, [x, w, bt], [y], OptionsTable.Create(BuiltinOptionsType.FullyConnectedOptions)));
        var deq = new double[q.Length];
        for (int u = 0; u < units; u++)
            for (int k = 0; k < depth; k++) deq[u * depth + k] = q[u * depth + k] * (double)scales[u * (depth / block) + k / block];
        return (g, deq, biasValues);
    }
}
