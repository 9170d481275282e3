using LiteRt.Format.Schema;
using LiteRt.Graph;
using LiteRt.Graph.Catalog;
using LiteRt.TestSupport;

namespace LiteRt.Runtime.Tests.Kernels.NeuralNet;

public sealed class ResizeTests
{
    private static void Run(BuiltinOperator op, int[] inShape, int outH, int outW, bool align, bool half, Variant v, int seed, QuantizationParams? outQ = null)
    {
        var rng = new Random(seed);
        var type = Quant.Type(v);
        var x = TestData.Uniform(rng, TestData.Count(inShape), -2, 2);
        var inQ = Quant.Activation(v, -2, 2);
        var options = op == BuiltinOperator.ResizeBilinear
            ? NeuralNetTestOptions.Create(BuiltinOptionsType.ResizeBilinearOptions, ("align_corners", align), ("half_pixel_centers", half))
            : NeuralNetTestOptions.Create(BuiltinOptionsType.ResizeNearestNeighborOptions, ("align_corners", align), ("half_pixel_centers", half));
        var m = new SingleOpModel(op, options).Input("input", type, inShape, inQ)
            .Const("size", TensorType.Int32, [2], [outH, outW]).Output("output", type, null, outQ ?? inQ).Build();
        try { OpCheck.AgainstReference(m, new Dictionary<string, double[]> { ["input"] = x }); }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new Xunit.Sdk.XunitException($"{op} [{string.Join(",", inShape)}] -> {outH}x{outW} align {align} half {half} {v}: {e.Message}");
        }
    }

    public static TheoryData<BuiltinOperator, Variant> Variants()
    {
        var d = new TheoryData<BuiltinOperator, Variant>();
        foreach (var op in new[] { BuiltinOperator.ResizeBilinear, BuiltinOperator.ResizeNearestNeighbor })
            foreach (var v in new[] { Variant.F32, Variant.U8, Variant.I8 }) d.Add(op, v);
        return d;
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void RandomShapes(BuiltinOperator op, Variant v)
    {
        var rng = new Random(909);
        for (int i = 0; i < 12; i++)
        {
            int[] shape = [rng.Next(1, 3), rng.Next(1, 8), rng.Next(1, 8), rng.Next(1, 6)];
            int mode = i % 3; // 0: plain, 1: align_corners, 2: half_pixel_centers
            Run(op, shape, rng.Next(1, 17), rng.Next(1, 17), mode == 1, mode == 2, v, 9000 + i);
        }
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void EdgeCases(BuiltinOperator op, Variant v)
    {
        Run(op, [1, 33, 33, 3], 257, 257, true, false, v, 1);   // DeepLab-style upsampling with align_corners
        Run(op, [1, 4, 4, 2], 1, 1, true, false, v, 2);         // align_corners with a 1-pixel output
        Run(op, [1, 5, 3, 2], 2, 7, false, true, v, 3);         // down and up with half-pixel centers
        Run(op, [1, 1, 1, 4], 3, 2, false, false, v, 4);        // from a single pixel
        Run(op, [0, 2, 2, 2], 4, 4, false, false, v, 5);        // empty batch
        Run(op, [1, 3, 3, 2], 0, 4, false, false, v, 6);        // empty output
        if (op == BuiltinOperator.ResizeNearestNeighbor) Run(op, [1, 3, 4, 2], 7, 9, true, true, v, 7); // both flags (allowed for nearest)
        if (v != Variant.F32) Run(op, [1, 3, 3, 4], 5, 6, false, false, v, 8, Quant.Activation(v, -1, 3));
    }

    [Fact]
    public void NearestIndicesMatchTflite()
    {
        // 3 -> 5 without flags: floor(i * 0.6) = 0,0,1,1,2; with half-pixel centers: floor((i + 0.5) * 0.6) = 0,0,1,2,2.
        Assert.Equal([0, 0, 1, 1, 2], Enumerable.Range(0, 5).Select(i => ResizeGeometry.Nearest(i, 3, 5, false, false)));
        Assert.Equal([0, 0, 1, 2, 2], Enumerable.Range(0, 5).Select(i => ResizeGeometry.Nearest(i, 3, 5, false, true)));
        // align_corners 3 -> 5: round(i * 0.5) half away from zero = 0,1,1,2,2.
        Assert.Equal([0, 1, 1, 2, 2], Enumerable.Range(0, 5).Select(i => ResizeGeometry.Nearest(i, 3, 5, true, false)));
    }

    [Fact]
    public void BilinearRejectsBothFlags()
    {
        var options = NeuralNetTestOptions.Create(BuiltinOptionsType.ResizeBilinearOptions, ("align_corners", true), ("half_pixel_centers", true));
        var m = new SingleOpModel(BuiltinOperator.ResizeBilinear, options).Input("input", TensorType.Float32, [1, 2, 2, 1])
            .Const("size", TensorType.Int32, [2], [3, 3]).Output("output", TensorType.Float32).Build();
        Assert.Throws<LiteRtModelException>(() => CompiledModel.FromGraph(m).Dispose());
    }
}
