using LiteRt.Format.Schema;
using LiteRt.TestSupport;

namespace LiteRt.Runtime.Tests.Kernels.NeuralNet;

public sealed class Conv2DTests
{
    internal sealed record Case(int N, int H, int W, int C, int OC, int FH, int FW, int FC, Padding Pad, int SH, int SW, int DH, int DW,
        ActivationFunctionType Act, bool Bias = true, bool ConstFilter = true, bool AbsentBias = false);

    internal static void Run(Case c, Variant v, bool perChannel, int seed)
    {
        var rng = new Random(seed);
        var type = Quant.Type(v);
        int[] inShape = [c.N, c.H, c.W, c.C], fShape = [c.OC, c.FH, c.FW, c.FC];
        var x = TestData.Uniform(rng, TestData.Count(inShape));
        var w = TestData.Uniform(rng, TestData.Count(fShape));
        var b = TestData.Uniform(rng, c.OC);
        var inQ = Quant.Activation(v, -1, 1);
        var wQ = Quant.Weights(v, w, fShape, 0, perChannel);
        double range = Math.Sqrt(c.FH * c.FW * c.FC) * 0.8 + 1;
        var outQ = Quant.Activation(v, -range, range);
        var options = NeuralNetTestOptions.Create(BuiltinOptionsType.Conv2DOptions,
            ("padding", c.Pad), ("stride_h", c.SH), ("stride_w", c.SW), ("dilation_h_factor", c.DH), ("dilation_w_factor", c.DW),
            ("fused_activation_function", c.Act));
        var m = new SingleOpModel(BuiltinOperator.Conv2d, options).Input("input", type, inShape, inQ);
        var inputs = new Dictionary<string, double[]> { ["input"] = x };
        if (c.ConstFilter) m.Const("filter", type, fShape, w, wQ);
        else
        {
            m.Input("filter", type, fShape, wQ);
            inputs["filter"] = w;
        }
        if (c.Bias) m.Const("bias", Quant.BiasType(v), [c.OC], b, Quant.Bias(v, inQ, wQ, c.OC));
        else if (c.AbsentBias) m.Absent();
        m.Output("output", type, null, outQ);
        OpCheck.AgainstReference(m.Build(), inputs);
    }

    [Theory]
    [InlineData(Variant.F32, false)]
    [InlineData(Variant.U8, false)]
    [InlineData(Variant.I8, true)]
    [InlineData(Variant.I8, false)]
    public void RandomShapes(Variant v, bool perChannel)
    {
        var rng = new Random(101);
        for (int i = 0; i < 12; i++)
        {
            int fc = rng.Next(1, 6), groups = i % 4 == 3 ? rng.Next(2, 4) : 1;
            var c = new Case(rng.Next(1, 3), rng.Next(1, 10), rng.Next(1, 10), fc * groups, groups * rng.Next(1, 5),
                rng.Next(1, 4), rng.Next(1, 4), fc, i % 2 == 0 ? Padding.Same : Padding.Valid,
                rng.Next(1, 4), rng.Next(1, 4), rng.Next(1, 3), rng.Next(1, 3), Quant.Activations[i % 4], Bias: i % 3 != 1, AbsentBias: i % 6 == 1);
            try { Run(c, v, perChannel, 1000 + i); }
            catch (Exception e) when (e is not OutOfMemoryException) { throw new Xunit.Sdk.XunitException($"{c}: {e.Message}"); }
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
        // 1x1 pointwise with stride 2, no bias.
        Run(new Case(1, 5, 6, 7, 9, 1, 1, 7, Padding.Same, 2, 2, 1, 1, none, Bias: false), v, pc, 1);
        // Filter larger than the input: SAME pads, VALID gives an empty output.
        Run(new Case(1, 2, 2, 3, 4, 3, 3, 3, Padding.Same, 1, 1, 1, 1, ActivationFunctionType.Relu), v, pc, 2);
        Run(new Case(1, 2, 2, 3, 4, 3, 3, 3, Padding.Valid, 1, 1, 1, 1, none), v, pc, 3);
        // Empty batch.
        Run(new Case(0, 4, 4, 2, 3, 3, 3, 2, Padding.Same, 1, 1, 1, 1, none), v, pc, 4);
        // Dilation with SAME padding, odd total padding.
        Run(new Case(2, 8, 7, 3, 5, 3, 2, 3, Padding.Same, 1, 2, 2, 3, ActivationFunctionType.Relu6), v, pc, 5);
        // Grouped convolution (4 groups) and depthwise-like grouped (groups = channels).
        Run(new Case(1, 5, 5, 8, 8, 3, 3, 2, Padding.Same, 1, 1, 1, 1, ActivationFunctionType.ReluN1To1), v, pc, 6);
        Run(new Case(1, 5, 5, 4, 8, 3, 3, 1, Padding.Valid, 1, 1, 1, 1, none), v, pc, 7);
        // Non-constant filter (packed at Eval).
        Run(new Case(1, 4, 5, 3, 4, 2, 2, 3, Padding.Same, 1, 1, 1, 1, none, ConstFilter: false), v, pc, 8);
        // Large channel count (vector loop plus tail in the dot products).
        Run(new Case(1, 3, 3, 37, 5, 3, 3, 37, Padding.Same, 1, 1, 1, 1, none), v, pc, 9);
    }
}
