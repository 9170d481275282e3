using LiteRt.Format.Schema;
using LiteRt.Graph.IO;

namespace LiteRt.Graph.Tests;

public class TensorDataTests
{
    [Fact]
    public void Int4_packs_two_values_per_byte_low_nibble_first()
    {
        double[] values = [-8, 7, -1, 0, 3];
        var bytes = TensorData.Encode(TensorType.Int4, values, [5], null);
        Assert.Equal(3, bytes.Length);
        Assert.Equal(0x78, bytes[0]); // 7 in the high nibble, -8 (0x8) in the low nibble
        Assert.Equal(values, TensorData.Decode(TensorType.Int4, bytes, [5], null));
    }

    [Fact]
    public void Per_axis_quantization_uses_one_scale_per_slice()
    {
        var q = QuantizationParams.PerAxis([0.5f, 0.25f], [0, 0], 1);
        double[] real = [1, 1, -2, 0.25];
        var bytes = TensorData.Encode(TensorType.Int8, real, [2, 2], q);
        Assert.Equal([2, 4, unchecked((byte)-4), 1], bytes);
        Assert.Equal(real, TensorData.Decode(TensorType.Int8, bytes, [2, 2], q));
    }

    [Fact]
    public void Quantize_rounds_half_away_from_zero_and_clamps()
    {
        Assert.Equal(3, TensorData.QuantizeValue(2.5, 1, 0, TensorType.Int8));
        Assert.Equal(-3, TensorData.QuantizeValue(-2.5, 1, 0, TensorType.Int8));
        Assert.Equal(127, TensorData.QuantizeValue(1000, 1, 0, TensorType.Int8));
        Assert.Equal(0, TensorData.QuantizeValue(-5, 1, 0, TensorType.Uint8));
        Assert.Equal(138, TensorData.QuantizeValue(1, 0.1, 128, TensorType.Uint8));
    }

    [Fact]
    public void Half_and_bfloat16_round_trip()
    {
        double[] values = [1.5, -0.333251953125, 65504];
        Assert.Equal(values, TensorData.Decode(TensorType.Float16, TensorData.Encode(TensorType.Float16, values, [3], null), [3], null));
        double[] bf = [1.5, -2, 3.140625];
        Assert.Equal(bf, TensorData.Decode(TensorType.Bfloat16, TensorData.Encode(TensorType.Bfloat16, bf, [3], null), [3], null));
    }

    [Fact]
    public void One_dimensional_per_channel_tensors_read_their_only_axis()
    {
        // TFLite Micro writes bias scales with the filter's quantized_dimension (3): docs/format.md.
        var q = QuantizationParams.PerAxis([0.5f, 2f], [0, 0], 3);
        var bytes = TensorData.Encode(TensorType.Int32, [1, 4], [2], q);
        Assert.Equal([1.0, 4.0], TensorData.Decode(TensorType.Int32, bytes, [2], q));
        Assert.Throws<LiteRtModelException>(() => TensorData.Decode(TensorType.Int32, new byte[24], [2, 3], q));
    }

    [Fact]
    public void Npy_round_trips_and_rejects_bad_files()
    {
        var a = new NpyArray(TensorType.Float32, [2, 3], TensorData.Encode(TensorType.Float32, [1, 2, 3, 4, 5, 6], [2, 3], null));
        var s = new MemoryStream();
        a.Write(s);
        var b = NpyArray.Parse(s.ToArray());
        Assert.Equal(a.Shape, b.Shape);
        Assert.Equal(a.Data, b.Data);
        Assert.Throws<InvalidDataException>(() => NpyArray.Parse([1, 2, 3]));
        var truncated = s.ToArray()[..^4];
        Assert.Throws<InvalidDataException>(() => NpyArray.Parse(truncated));
        var fortran = System.Text.Encoding.Latin1.GetString(s.ToArray()).Replace("'fortran_order': False", "'fortran_order': True ");
        Assert.Throws<InvalidDataException>(() => NpyArray.Parse(System.Text.Encoding.Latin1.GetBytes(fortran)));
    }

    [Fact]
    public void Broadcast_follows_numpy()
    {
        Assert.Equal(new[] { 2, 3, 4 }, Shapes.Broadcast([3, 1], [2, 1, 4]));
        Assert.Null(Shapes.Broadcast([3], [4]));
        Assert.Equal(new[] { 0, 5 }, Shapes.Broadcast([0, 1], [1, 5]));
    }
}
