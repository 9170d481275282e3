using LiteRt.Format.Schema;
using LiteRt.TestSupport;

namespace LiteRt.Runtime.Tests.Kernels.NeuralNet;

public sealed class DepthwiseConv2DTests
{
    private sealed record Case(int N, int H, int W, int C, int Mult, int FH, int FW, Padding Pad, int SH, int SW, int DH, int DW,
        ActivationFunctionType Act, bool Bias = true, bool ConstFilter = true);

    private static void Run(Case c, Variant v, bool perChannel, int seed)
    {
        var rng = new Random(seed);
        var type = Quant.Type(v);
        int oc = c.C * c.Mult;
        int[] inShape = [c.N, c.H, c.W, c.C], fShape = [1, c.FH, c.FW, oc];
        var x = TestData.Uniform(rng, TestData.Count(inShape));
        var w = TestData.Uniform(rng, TestData.Count(fShape));
        var b = TestData.Uniform(rng, oc);
        var inQ = Quant.Activation(v, -1, 1);
        var wQ = Quant.Weights(v, w, fShape, 3, perChannel);
        double range = Math.Sqrt(c.FH * c.FW) * 0.8 + 1;
        var outQ = Quant.Activation(v, -range, range);
        var options = NeuralNetTestOptions.Create(BuiltinOptionsType.DepthwiseConv2DOptions,
            ("padding", c.Pad), ("stride_h", c.SH), ("stride_w", c.SW), ("dilation_h_factor", c.DH), ("dilation_w_factor", c.DW),
            ("depth_multiplier", c.Mult), ("fused_activation_function", c.Act));
        var m = new SingleOpModel(BuiltinOperator.DepthwiseConv2d, options).Input("input", type, inShape, inQ);
        var inputs = new Dictionary<string, double[]> { ["input"] = x };
        if (c.ConstFilter) m.Const("filter", type, fShape, w, wQ);
        else
        {
            m.Input("filter", type, fShape, wQ);
            inputs["filter"] = w;
        }
        if (c.Bias) m.Const("bias", Quant.BiasType(v), [oc], b, Quant.Bias(v, inQ, wQ, oc));
        m.Output("output", type, null, outQ);
        try { OpCheck.AgainstReference(m.Build(), inputs); }
        catch (Exception e) when (e is not OutOfMemoryException) { throw new Xunit.Sdk.XunitException($"{c}: {e.Message}"); }
    }

    [Theory]
    [InlineData(Variant.F32, false)]
    [InlineData(Variant.U8, false)]
    [InlineData(Variant.I8, true)]
    [InlineData(Variant.I8, false)]
    public void RandomShapes(Variant v, bool perChannel)
    {
        var rng = new Random(202);
        for (int i = 0; i < 12; i++)
        {
            var c = new Case(rng.Next(1, 3), rng.Next(1, 10), rng.Next(1, 10), rng.Next(1, 9), i % 3 == 2 ? rng.Next(2, 4) : 1,
                rng.Next(1, 4), rng.Next(1, 4), i % 2 == 0 ? Padding.Same : Padding.Valid,
                rng.Next(1, 3), rng.Next(1, 3), rng.Next(1, 3), rng.Next(1, 3), Quant.Activations[i % 4], Bias: i % 4 != 1);
            Run(c, v, perChannel, 2000 + i);
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
        // MobileNet-style 3x3 stride 2 SAME with ReLU6.
        Run(new Case(1, 9, 8, 16, 1, 3, 3, Padding.Same, 2, 2, 1, 1, ActivationFunctionType.Relu6), v, pc, 1);
        // Filter larger than input (SAME) and empty output (VALID).
        Run(new Case(1, 2, 2, 3, 2, 3, 3, Padding.Same, 1, 1, 1, 1, none), v, pc, 2);
        Run(new Case(1, 2, 2, 3, 1, 3, 3, Padding.Valid, 1, 1, 1, 1, none), v, pc, 3);
        // Empty batch, dilation, non-constant filter, multiplier 4.
        Run(new Case(0, 3, 3, 2, 1, 2, 2, Padding.Same, 1, 1, 1, 1, none), v, pc, 4);
        Run(new Case(1, 9, 9, 3, 1, 3, 3, Padding.Same, 1, 1, 3, 2, ActivationFunctionType.Relu), v, pc, 5);
        Run(new Case(2, 4, 4, 3, 4, 2, 3, Padding.Same, 2, 1, 1, 1, ActivationFunctionType.ReluN1To1, ConstFilter: false), v, pc, 6);
    }
}
