using LiteRt.Format.Schema;
using LiteRt.Graph;
using LiteRt.Runtime;
using LiteRt.TestSupport;

namespace LiteRt.Runtime.Tests.Kernels.DataMovement;

/// <summary>Options tables, typed random data and run helpers for the data-movement kernel tests.</summary>
internal static class Dm
{
    /// <summary>The element types every layout op must handle.</summary>
    public static readonly TensorType[] LayoutTypes =
        [TensorType.Float32, TensorType.Int32, TensorType.Int64, TensorType.Uint8, TensorType.Int8, TensorType.Int16, TensorType.Bool];

    public static TheoryData<TensorType> LayoutTypeData()
    {
        var d = new TheoryData<TensorType>();
        foreach (var t in LayoutTypes) d.Add(t);
        return d;
    }

    /// <summary>uint8/int8 get per-tensor quantization (the usual quantized-model case); other types none.</summary>
    public static QuantizationParams? QuantFor(TensorType t) => t switch
    {
        TensorType.Uint8 => QuantizationParams.PerTensor(0.05f, 128),
        TensorType.Int8 => QuantizationParams.PerTensor(0.04f, -5),
        _ => null,
    };

    /// <summary>Random real values that the type (and quantization) can hold.</summary>
    public static double[] Values(Random rng, TensorType t, long count, QuantizationParams? q = null)
    {
        if (q is not null)
        {
            var (min, max) = t.IntegerRange();
            double s = q.ScaleAt(0);
            long zp = q.ZeroPointAt(0);
            return TestData.Integers(rng, count, (int)min, (int)max + 1).Select(v => s * (v - zp)).ToArray();
        }
        return t switch
        {
            TensorType.Float32 => TestData.Uniform(rng, count, -10, 10),
            TensorType.Bool => TestData.Integers(rng, count, 0, 2),
            TensorType.Uint8 => TestData.Integers(rng, count, 0, 256),
            TensorType.Int8 => TestData.Integers(rng, count, -128, 128),
            TensorType.Int16 => TestData.Integers(rng, count, -32768, 32768),
            _ => TestData.Integers(rng, count, -1_000_000, 1_000_000),
        };
    }

    public static int[] RandomShape(Random rng, int rank, int maxDim = 5, int minDim = 1)
    {
        var s = new int[rank];
        for (int i = 0; i < rank; i++) s[i] = rng.Next(minDim, maxDim + 1);
        return s;
    }

    public static double[] Doubles(params int[] values) => values.Select(v => (double)v).ToArray();

    /// <summary>Runs against the reference with inputs named x, x1, x2… given in order.</summary>
    public static Dictionary<string, double[]> Check(ModelGraph graph, params double[][] inputs)
    {
        var sig = graph.SignaturesOrDefault()[0];
        var map = new Dictionary<string, double[]>();
        for (int i = 0; i < inputs.Length; i++) map[sig.Inputs[i].Name] = inputs[i];
        return OpCheck.AgainstReference(graph, map);
    }

    /// <summary>Compiles and runs the graph on the runtime only (for error cases); returns the first output.</summary>
    public static double[] RunOnly(ModelGraph graph, params double[][] inputs)
    {
        using var model = CompiledModel.FromGraph(graph);
        var runner = model.DefaultSignature;
        var sig = graph.SignaturesOrDefault()[0];
        var sg = graph.Main;
        for (int i = 0; i < inputs.Length; i++)
        {
            var t = sg.Tensors[sig.Inputs[i].TensorIndex];
            TensorData.Encode(t.Type, inputs[i], t.Shape, t.Quantization).CopyTo(runner.Input(sig.Inputs[i].Name).Bytes);
        }
        runner.Run();
        var o = sg.Tensors[sig.Outputs[0].TensorIndex];
        var buffer = runner.Output(sig.Outputs[0].Name);
        return TensorData.Decode(o.Type, buffer.Bytes, [.. buffer.Shape], o.Quantization);
    }

    /// <summary>The shape the runtime gives the first output.</summary>
    public static int[] OutputShape(ModelGraph graph)
    {
        using var model = CompiledModel.FromGraph(graph);
        return [.. model.DefaultSignature.Outputs[0].Shape];
    }

    /// <summary>An options table with the given fields set.</summary>
    public static OptionsTable Options(BuiltinOptionsType type, params (string Name, object Value)[] fields)
    {
        var table = OptionsTable.Create(type);
        foreach (var (name, value) in fields) table.Set(name, value);
        return table;
    }
}
