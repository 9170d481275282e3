using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using LiteRt.Format.Schema;
using LiteRt.Graph;
using LiteRt.Runtime.Execution;

namespace LiteRt.Runtime.Cpu.Kernels.Quantized;

/// <summary>
/// MEAN int8 (per tensor) over the spatial axes of an NHWC tensor — global average pooling, as MobileNet-class models end.
/// Each pixel's channels are added into int32 sums, 8 channels per vector; the final step per channel is the general
/// kernel's (<see cref="DataMovement.ReduceKernel"/>) float64 rescaling and rounding, so results are identical.
/// </summary>
public static class FastInt8MeanKernel
{
    /// <summary>More pixels than this could overflow an int32 sum of int8 values.</summary>
    private const int MaxPixels = 1 << 23;

    private sealed class State
    {
        public int Batches, Pixels, Channels;
        public double Scale, OutScale;
        public long InZeroPoint, OutZeroPoint;
    }

    public static bool Accepts(PreparedNode n) =>
        n.Inputs.Length >= 2 && n.Inputs[0] is { Type: TensorType.Int8, Quantization: { IsPerChannel: false, Scale.Length: > 0 }, Rank: 4 } x
        && (long)x.Shape[1] * x.Shape[2] is > 0 and <= MaxPixels
        && n.Outputs[0] is { Type: TensorType.Int8, Quantization: { IsPerChannel: false, Scale.Length: > 0 } }
        && n.Inputs[1] is { Type: TensorType.Int32, IsConstant: true } axes && AreSpatial(axes.AsReadOnlySpan<int>());

    /// <summary>Exactly the axes 1 and 2 of a rank-4 tensor, in either order, possibly negative.</summary>
    private static bool AreSpatial(ReadOnlySpan<int> axes) =>
        axes.Length == 2 && ((axes[0] + 4) % 4, (axes[1] + 4) % 4) is (1, 2) or (2, 1) && axes[0] is >= -4 and < 4 && axes[1] is >= -4 and < 4;

    public static void Prepare(PreparedNode node)
    {
        var x = node.Input(0);
        var y = node.Output(0);
        int pixels = x.Shape[1] * x.Shape[2];
        if (y.ElementCount != (long)x.Shape[0] * x.Shape[3]) throw node.Error($"output {y} does not hold one value per image and channel of {x}");
        node.State = new State
        {
            Batches = x.Shape[0], Pixels = pixels, Channels = x.Shape[3],
            Scale = (double)x.Quantization!.ScaleAt(0) / pixels, OutScale = y.Quantization!.ScaleAt(0),
            InZeroPoint = x.Quantization.ZeroPointAt(0), OutZeroPoint = y.Quantization.ZeroPointAt(0),
        };
        node.ScratchBytes = (long)x.Shape[3] * sizeof(int);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Eval(PreparedNode node)
    {
        var st = node.GetState<State>();
        ReadOnlySpan<sbyte> x = node.Input(0).AsReadOnlySpan<sbyte>();
        Span<sbyte> y = node.Output(0).AsSpan<sbyte>();
        int c = st.Channels;
        Span<int> sums = node.ScratchSpan<int>(0, c);
        for (int b = 0; b < st.Batches; b++)
        {
            sums.Clear();
            var image = x.Slice(b * st.Pixels * c, st.Pixels * c);
            for (int p = 0; p < st.Pixels; p++) AddRow(image.Slice(p * c, c), sums);
            long n = st.Pixels;
            for (int ch = 0; ch < c; ch++)
            {
                double real = st.Scale * (sums[ch] - n * st.InZeroPoint);
                y[b * c + ch] = (sbyte)TensorData.QuantizeValue(real, st.OutScale, st.OutZeroPoint, TensorType.Int8);
            }
        }
    }

    /// <summary>sums[i] += row[i].</summary>
    private static void AddRow(ReadOnlySpan<sbyte> row, Span<int> sums)
    {
        int n = row.Length, i = 0;
        if (Avx2.IsSupported)
        {
            ref sbyte r = ref Unsafe.AsRef(in row.GetPinnableReference());
            ref int s = ref sums.GetPinnableReference();
            for (; i <= n - 8; i += 8)
                (Vector256.LoadUnsafe(ref s, (nuint)i) + Int8Vector.Load8(ref r, i)).StoreUnsafe(ref s, (nuint)i);
        }
        for (; i < n; i++) sums[i] += row[i];
    }
}
