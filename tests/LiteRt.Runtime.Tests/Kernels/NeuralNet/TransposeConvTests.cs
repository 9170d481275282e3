using LiteRt.Format.Schema;
using LiteRt.Graph.Catalog;
using LiteRt.TestSupport;

namespace LiteRt.Runtime.Tests.Kernels.NeuralNet;

public sealed class TransposeConvTests
{
    private sealed record Case(int N, int H, int W, int C, int OC, int FH, int FW, Padding Pad, int SH, int SW,
        ActivationFunctionType Act, bool Bias = true, bool ConstWeights = true, int ExtraH = 0, int ExtraW = 0);

    private static void Run(Case c, Variant v, bool perChannel, int seed)
    {
        var rng = new Random(seed);
        var type = Quant.Type(v);
        // The output size whose forward convolution gives the input size (plus the stride slack a caller may pick).
        int outH = c.Pad == Padding.Same ? c.H * c.SH : (c.H - 1) * c.SH + c.FH;
        int outW = c.Pad == Padding.Same ? c.W * c.SW : (c.W - 1) * c.SW + c.FW;
        outH = Math.Max(outH - c.ExtraH, 0);
        outW = Math.Max(outW - c.ExtraW, 0);
        int[] inShape = [c.N, c.H, c.W, c.C], wShape = [c.OC, c.FH, c.FW, c.C];
        var x = TestData.Uniform(rng, TestData.Count(inShape));
        var w = TestData.Uniform(rng, TestData.Count(wShape));
        var b = TestData.Uniform(rng, c.OC);
        var inQ = Quant.Activation(v, -1, 1);
        var wQ = Quant.Weights(v, w, wShape, 0, perChannel);
        double range = Math.Sqrt(c.C * Math.Max(1, c.FH / c.SH) * Math.Max(1, c.FW / c.SW)) * 0.8 + 1;
        var outQ = Quant.Activation(v, -range, range);
        var options = NeuralNetTestOptions.Create(BuiltinOptionsType.TransposeConvOptions,
            ("padding", c.Pad), ("stride_h", c.SH), ("stride_w", c.SW), ("fused_activation_function", c.Act));
        var m = new SingleOpModel(BuiltinOperator.TransposeConv, options)
            .Const("output_shape", TensorType.Int32, [4], [c.N, outH, outW, c.OC]);
        var inputs = new Dictionary<string, double[]> { ["input"] = x };
        if (c.ConstWeights) m.Const("weights", type, wShape, w, wQ);
        else
        {
            m.Input("weights", type, wShape, wQ);
            inputs["weights"] = w;
        }
        m.Input("input", type, inShape, inQ);
        if (c.Bias) m.Const("bias", Quant.BiasType(v), [c.OC], b, Quant.Bias(v, inQ, wQ, c.OC));
        m.Output("output", type, null, outQ);
        try { OpCheck.AgainstReference(m.Build(), inputs); }
        catch (Exception e) when (e is not OutOfMemoryException) { throw new Xunit.Sdk.XunitException($"{c}: {e.Message}"); }
    }

    [Theory]
    [InlineData(Variant.F32, false)]
    [InlineData(Variant.U8, false)]
    [InlineData(Variant.I8, true)]
    public void RandomShapes(Variant v, bool perChannel)
    {
        var rng = new Random(303);
        for (int i = 0; i < 10; i++)
        {
            int sh = rng.Next(1, 4), sw = rng.Next(1, 4);
            var c = new Case(rng.Next(1, 3), rng.Next(1, 6), rng.Next(1, 6), rng.Next(1, 6), rng.Next(1, 6), rng.Next(1, 5), rng.Next(1, 5),
                i % 2 == 0 ? Padding.Same : Padding.Valid, sh, sw, Quant.Activations[i % 4], Bias: i % 3 != 0,
                ExtraH: i % 4 == 1 ? rng.Next(0, sh) : 0, ExtraW: i % 4 == 1 ? rng.Next(0, sw) : 0);
            Run(c, v, perChannel, 3000 + i);
        }
    }

    [Theory]
    [InlineData(Variant.F32)]
    [InlineData(Variant.U8)]
    [InlineData(Variant.I8)]
    public void EdgeCases(Variant v)
    {
        bool pc = v == Variant.I8;
        var none = ActivationFunctionType.None;
        Run(new Case(1, 4, 4, 3, 2, 3, 3, Padding.Same, 2, 2, ActivationFunctionType.Relu6), v, pc, 1);
        Run(new Case(1, 3, 3, 2, 2, 1, 1, Padding.Valid, 1, 1, none, Bias: false), v, pc, 2);
        Run(new Case(0, 3, 3, 2, 2, 2, 2, Padding.Same, 2, 2, none), v, pc, 3);
        Run(new Case(1, 3, 2, 4, 3, 4, 3, Padding.Same, 2, 3, none, ConstWeights: false), v, pc, 4);
        Run(new Case(2, 2, 3, 17, 3, 2, 2, Padding.Valid, 2, 1, ActivationFunctionType.Relu), v, pc, 5);
    }

    [Fact]
    public void PaddingMatchesForwardConvolutionOfTheOutput()
    {
        // TFLite: padding of a transpose conv = padding of the forward conv whose input is the output.
        var w = ConvGeometry.TransposeWindow2D(Padding.Same, 8, 7, 3, 4, 2, 2);
        Assert.Equal((0, 1, 1, 2), (w.PadTop, w.PadLeft, w.PadBottom, w.PadRight));
    }
}
