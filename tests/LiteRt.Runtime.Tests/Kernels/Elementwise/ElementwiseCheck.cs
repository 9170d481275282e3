using LiteRt.Format.Schema;
using LiteRt.Graph;
using LiteRt.TestSupport;

namespace LiteRt.Runtime.Tests.Kernels.Elementwise;

/// <summary>A tensor of a test case: storage type, shape, optional quantization, and the real range to draw values from.</summary>
internal sealed record Operand(TensorType Type, int[] Shape, QuantizationParams? Q = null, double Min = -2, double Max = 2, bool Constant = false)
{
    public static Operand Float(int[] shape, double min = -2, double max = 2) => new(TensorType.Float32, shape, null, min, max);

    /// <summary>A per-tensor quantized operand whose values span the whole representable range.</summary>
    public static Operand Quantized(TensorType type, int[] shape, float scale, int zeroPoint)
    {
        var (lo, hi) = type.IntegerRange();
        return new Operand(type, shape, QuantizationParams.PerTensor(scale, zeroPoint), scale * (lo - zeroPoint), scale * (hi - zeroPoint));
    }

    public Operand AsConstant() => this with { Constant = true };
}

/// <summary>Builds single-op models from operands and checks them against the float64 reference.</summary>
internal static class ElementwiseCheck
{
    public static OptionsTable Options(BuiltinOptionsType type, params (string Name, object Value)[] fields)
    {
        var t = OptionsTable.Create(type);
        foreach (var (name, value) in fields) t.Set(name, value);
        return t;
    }

    public static OptionsTable Activation(BuiltinOptionsType type, ActivationFunctionType act) =>
        Options(type, ("fused_activation_function", act));

    /// <summary>Runs op(inputs) → output and compares with the reference; returns the runtime's output (real values).</summary>
    public static double[] Run(BuiltinOperator op, OptionsTable? options, Operand[] inputs, TensorType outputType,
        QuantizationParams? outputQ, Random rng, double tolerance = 1e-5, Func<Operand, long, double[]>? values = null, double quantizedSteps = 1)
    {
        var model = new SingleOpModel(op, options);
        var feeds = new Dictionary<string, double[]>();
        for (int i = 0; i < inputs.Length; i++)
        {
            var x = inputs[i];
            long n = TestData.Count(x.Shape);
            var data = values?.Invoke(x, n) ?? Draw(rng, x, n);
            string name = "in" + i;
            if (x.Constant) model.Const(name, x.Type, x.Shape, data, x.Q);
            else
            {
                model.Input(name, x.Type, x.Shape, x.Q);
                feeds[name] = data;
            }
        }
        model.Output("out", outputType, null, outputQ);
        var result = OpCheck.AgainstReference(model.Build(), feeds, relativeTolerance: tolerance, quantizedSteps: quantizedSteps);
        return result["out"];
    }

    public static double[] Draw(Random rng, Operand x, long n) =>
        x.Type is TensorType.Float32 or TensorType.Float16 || x.Q is not null
            ? TestData.Uniform(rng, n, x.Min, x.Max)
            : TestData.Integers(rng, n, (int)x.Min, (int)x.Max + 1);

    /// <summary>Shape pairs exercising broadcasting: equal, trailing vector, both-sided, scalars, size-1, empty, rank 6, random.</summary>
    public static IEnumerable<(int[] A, int[] B)> BroadcastShapes(int seed, int randomCount = 6)
    {
        yield return ([2, 3, 4, 5], [2, 3, 4, 5]);
        yield return ([1, 3, 4, 5], [5]);
        yield return ([3], [2, 4, 3]);
        yield return ([2, 1, 4, 1], [1, 3, 1, 5]);
        yield return ([], [3, 4]);
        yield return ([4, 5], []);
        yield return ([], []);
        yield return ([3, 1], [1, 1]);
        yield return ([1], [1]);
        yield return ([2, 0, 3], [1, 3]);
        yield return ([0], [0]);
        yield return ([2, 1, 3, 1, 2, 3], [1, 2, 1, 4, 1, 3]);
        yield return ([1, 2, 2, 33], [1, 1, 1, 33]);
        var rng = new Random(seed);
        for (int k = 0; k < randomCount; k++)
        {
            int rank = rng.Next(1, 6);
            var full = new int[rank];
            for (int d = 0; d < rank; d++) full[d] = rng.Next(1, 6);
            int[] a = (int[])full.Clone(), b = (int[])full.Clone();
            for (int d = 0; d < rank; d++)
            {
                int r = rng.Next(4);
                if (r == 0) a[d] = 1;
                else if (r == 1) b[d] = 1;
            }
            // Drop leading dims of one side now and then.
            int drop = rng.Next(0, rank);
            if (rng.Next(2) == 0) a = a[drop..]; else b = b[drop..];
            yield return (a, b);
        }
    }
}
