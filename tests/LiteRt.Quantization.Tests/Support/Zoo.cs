using LiteRt.Format.Schema;
using LiteRt.Graph;
using LiteRt.Graph.IO;
using LiteRt.TestSupport;

namespace LiteRt.Quantization.Tests.Support;

/// <summary>Small float models covering the ops each scheme touches, and inputs for them.</summary>
public static class Zoo
{
    public static OptionsTable Opt(BuiltinOptionsType t, params (string, object)[] fields)
    {
        var o = OptionsTable.Create(t);
        foreach (var (k, v) in fields) o.Set(k, v);
        return o;
    }

    public static NpyArray Floats(int[] shape, double[] values) =>
        new(TensorType.Float32, shape, TensorData.Encode(TensorType.Float32, values, shape, null));

    /// <summary>
    /// Weighted ops: image [1,8,8,4] → CONV_2D → DEPTHWISE_CONV_2D → RESHAPE → FULLY_CONNECTED (1024→64) →
    /// FULLY_CONNECTED (64→32) → RESHAPE [2,16] → BATCH_MATMUL (const [16,24]); ids [3] → EMBEDDING_LOOKUP ([10,64]).
    /// </summary>
    public static ModelGraph Weighted(int seed = 1)
    {
        var rng = new Random(seed);
        var f = TensorType.Float32;
        var b = new GraphBuilder();
        int x = b.Input("image", f, [1, 8, 8, 4]);
        int ids = b.Input("ids", TensorType.Int32, [3]);
        int conv = b.Op(BuiltinOperator.Conv2d, [x, b.Const("conv/w", f, [16, 3, 3, 4], TestData.Uniform(rng, 576, -0.3, 0.3)), b.Const("conv/b", f, [16], TestData.Uniform(rng, 16, -0.1, 0.1))],
            "conv", f, Opt(BuiltinOptionsType.Conv2DOptions, ("padding", Padding.Same), ("stride_w", 1), ("stride_h", 1), ("fused_activation_function", ActivationFunctionType.Relu)));
        int dw = b.Op(BuiltinOperator.DepthwiseConv2d, [conv, b.Const("dw/w", f, [1, 3, 3, 16], TestData.Uniform(rng, 144, -0.5, 0.5)), b.Const("dw/b", f, [16], TestData.Uniform(rng, 16, -0.1, 0.1))],
            "dw", f, Opt(BuiltinOptionsType.DepthwiseConv2DOptions, ("padding", Padding.Same), ("stride_w", 1), ("stride_h", 1), ("depth_multiplier", 1)));
        int flat = b.Op(BuiltinOperator.Reshape, [dw, b.Ints("flat_shape", 1, 1024)], "flat", f);
        int fc1 = b.Op(BuiltinOperator.FullyConnected, [flat, b.Const("fc1/w", f, [64, 1024], TestData.Uniform(rng, 65536, -0.05, 0.05)), b.Const("fc1/b", f, [64], TestData.Uniform(rng, 64, -0.1, 0.1))],
            "fc1", f, Opt(BuiltinOptionsType.FullyConnectedOptions, ("fused_activation_function", ActivationFunctionType.Relu)));
        int fc2 = b.Op(BuiltinOperator.FullyConnected, [fc1, b.Const("fc2/w", f, [32, 64], TestData.Uniform(rng, 2048, -0.3, 0.3)), -1], "fc2", f, Opt(BuiltinOptionsType.FullyConnectedOptions));
        int r2 = b.Op(BuiltinOperator.Reshape, [fc2, b.Ints("bmm_shape", 2, 16)], "bmm_in", f);
        int bmm = b.Op(BuiltinOperator.BatchMatmul, [r2, b.Const("bmm/w", f, [16, 24], TestData.Uniform(rng, 384, -0.5, 0.5))], "bmm", f, Opt(BuiltinOptionsType.BatchMatMulOptions));
        int emb = b.Op(BuiltinOperator.EmbeddingLookup, [ids, b.Const("emb/table", f, [10, 64], TestData.Uniform(rng, 640, -1, 1))], "emb", f);
        b.Output(bmm);
        b.Output(emb);
        return b.Build();
    }

    public static IReadOnlyList<NpyArray> WeightedInputs(int seed) =>
        [Floats([1, 8, 8, 4], TestData.Uniform(new Random(seed), 256, -1, 2)), new NpyArray(TensorType.Int32, [3], TensorData.Encode(TensorType.Int32, [7, 0, 3], [3], null))];

    /// <summary>
    /// Activations: image [1,8,8,3] → CONV_2D(relu6) → DEPTHWISE_CONV_2D → ADD (residual) → AVERAGE_POOL → CONCATENATION
    /// with a MAX_POOL branch → RESIZE_BILINEAR → MEAN → RESHAPE → FULLY_CONNECTED → SOFTMAX, plus a LOGISTIC and an
    /// EXP (no integer kernel: stays float between DEQUANTIZE and QUANTIZE) feeding a MUL.
    /// </summary>
    public static ModelGraph Activations(int seed = 2)
    {
        var rng = new Random(seed);
        var f = TensorType.Float32;
        var b = new GraphBuilder();
        int x = b.Input("image", f, [1, 8, 8, 3]);
        int conv = b.Op(BuiltinOperator.Conv2d, [x, b.Const("conv/w", f, [8, 3, 3, 3], TestData.Uniform(rng, 216, -0.4, 0.4)), b.Const("conv/b", f, [8], TestData.Uniform(rng, 8, -0.2, 0.2))],
            "conv", f, Opt(BuiltinOptionsType.Conv2DOptions, ("padding", Padding.Same), ("stride_w", 1), ("stride_h", 1), ("fused_activation_function", ActivationFunctionType.Relu6)));
        int dw = b.Op(BuiltinOperator.DepthwiseConv2d, [conv, b.Const("dw/w", f, [1, 3, 3, 8], TestData.Uniform(rng, 72, -0.5, 0.5)), b.Const("dw/b", f, [8], TestData.Uniform(rng, 8, -0.1, 0.1))],
            "dw", f, Opt(BuiltinOptionsType.DepthwiseConv2DOptions, ("padding", Padding.Same), ("stride_w", 1), ("stride_h", 1), ("depth_multiplier", 1)));
        int add = b.Op(BuiltinOperator.Add, [dw, conv], "add", f, Opt(BuiltinOptionsType.AddOptions));
        int avg = b.Op(BuiltinOperator.AveragePool2d, [add], "avg", f,
            Opt(BuiltinOptionsType.Pool2DOptions, ("padding", Padding.Valid), ("stride_w", 2), ("stride_h", 2), ("filter_width", 2), ("filter_height", 2)));
        int max = b.Op(BuiltinOperator.MaxPool2d, [conv], "max", f,
            Opt(BuiltinOptionsType.Pool2DOptions, ("padding", Padding.Valid), ("stride_w", 2), ("stride_h", 2), ("filter_width", 2), ("filter_height", 2)));
        int cat = b.Op(BuiltinOperator.Concatenation, [avg, max], "concat", f, Opt(BuiltinOptionsType.ConcatenationOptions, ("axis", 3)));
        int up = b.Op(BuiltinOperator.ResizeBilinear, [cat, b.Ints("size", 6, 6)], "resize", f, Opt(BuiltinOptionsType.ResizeBilinearOptions));
        int mean = b.Op(BuiltinOperator.Mean, [up, b.Ints("axes", 1, 2)], "mean", f, Opt(BuiltinOptionsType.ReducerOptions, ("keep_dims", false)));
        int fc = b.Op(BuiltinOperator.FullyConnected, [mean, b.Const("fc/w", f, [10, 16], TestData.Uniform(rng, 160, -1, 1)), b.Const("fc/b", f, [10], TestData.Uniform(rng, 10, -0.2, 0.2))],
            "logits", f, Opt(BuiltinOptionsType.FullyConnectedOptions));
        int soft = b.Op(BuiltinOperator.Softmax, [fc], "probs", f, Opt(BuiltinOptionsType.SoftmaxOptions, ("beta", 1.0)));
        int sig = b.Op(BuiltinOperator.Logistic, [fc], "gate", f);
        int exp = b.Op(BuiltinOperator.Exp, [mean], "exp", f);
        int mul = b.Op(BuiltinOperator.Mul, [exp, b.Const("mul/k", f, [16], TestData.Uniform(rng, 16, 0.5, 1.5))], "scaled", f, Opt(BuiltinOptionsType.MulOptions));
        b.Output(soft);
        b.Output(sig);
        b.Output(mul);
        return b.Build();
    }

    public static NpyArray ActivationsInput(int seed) => Floats([1, 8, 8, 3], TestData.Uniform(new Random(seed), 192, -1, 1));

    public static CalibrationSet ActivationsCalibration(int count, int seed) =>
        CalibrationSet.FromSamples(Enumerable.Range(0, count).Select(i =>
            (IReadOnlyDictionary<string, NpyArray>)new Dictionary<string, NpyArray> { ["image"] = ActivationsInput(seed + i) }), "random images");
}
