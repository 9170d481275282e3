using LiteRt.Format.Schema;
using LiteRt.Graph;
using LiteRt.Graph.IO;
using LiteRt.TestSupport;

namespace LiteRt.Quantization.Tests;

public class CalibrationTests
{
    private static readonly CalibrationInput Image = new("image", TensorType.Float32, [1, 8, 6, 3]);
    private static readonly CalibrationInput Dynamic = new("x", TensorType.Float32, [-1, 4]);

    private static NpyArray Floats(int[] shape, Func<int, float> value)
    {
        int n = (int)Shapes.ElementCount(shape);
        var bytes = new byte[n * 4];
        for (int i = 0; i < n; i++) BitConverter.TryWriteBytes(bytes.AsSpan(i * 4), value(i));
        return new NpyArray(TensorType.Float32, shape, bytes);
    }

    private static string TempDir() => Directory.CreateTempSubdirectory("lrt-calib").FullName;

    [Fact]
    public void A_stacked_npy_file_splits_into_samples_along_a_leading_axis_or_a_batch_of_one()
    {
        string dir = TempDir();
        try
        {
            Floats([5, 1, 8, 6, 3], i => i).Write(Path.Combine(dir, "stacked.npy"));
            Floats([4, 8, 6, 3], i => -i).Write(Path.Combine(dir, "batch.npy"));
            var a = CalibrationSet.FromNpy(new Dictionary<string, string> { [""] = Path.Combine(dir, "stacked.npy") }).Resolve([Image]);
            Assert.Equal(5, a.Count);
            Assert.Equal([1, 8, 6, 3], a[2]["image"].Shape);
            Assert.Equal(2f * 144, BitConverter.ToSingle(a[2]["image"].Data, 0));
            var b = CalibrationSet.FromNpy(new Dictionary<string, string> { ["image"] = Path.Combine(dir, "batch.npy") }).Resolve([Image]);
            Assert.Equal(4, b.Count);
            Assert.Equal([1, 8, 6, 3], b[3]["image"].Shape);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void A_folder_of_npy_files_gives_one_sample_per_file_and_inputs_pair_up()
    {
        string dir = TempDir();
        try
        {
            Directory.CreateDirectory(Path.Combine(dir, "a"));
            Directory.CreateDirectory(Path.Combine(dir, "b"));
            for (int i = 0; i < 3; i++)
            {
                Floats([1, 4], k => i).Write(Path.Combine(dir, "a", $"{i:D2}.npy"));
                Floats([2, 4], k => 10 + i).Write(Path.Combine(dir, "b", $"{i:D2}.npy"));
            }
            var inputs = new[] { Dynamic, Dynamic with { Name = "y" } };
            var set = CalibrationSet.FromNpy(new Dictionary<string, string> { ["x"] = Path.Combine(dir, "a"), ["y"] = Path.Combine(dir, "b") }).Resolve(inputs);
            Assert.Equal(3, set.Count);
            Assert.Equal(2f, BitConverter.ToSingle(set[2]["x"].Data, 0));
            Assert.Equal([2, 4], set[1]["y"].Shape);

            // One folder short: the counts differ.
            File.Delete(Path.Combine(dir, "b", "02.npy"));
            var e = Assert.Throws<LiteRtQuantizationException>(() =>
                CalibrationSet.FromNpy(new Dictionary<string, string> { ["x"] = Path.Combine(dir, "a"), ["y"] = Path.Combine(dir, "b") }).Resolve(inputs));
            Assert.Equal(QuantizationCodes.CalibrationMismatch, e.Code);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void An_empty_calibration_set_is_an_error_naming_the_input_and_shape()
    {
        string dir = TempDir();
        try
        {
            var e = Assert.Throws<LiteRtQuantizationException>(() => CalibrationSet.FromNpy(new Dictionary<string, string> { [""] = dir }).Resolve([Image]));
            Assert.Equal(QuantizationCodes.EmptyCalibration, e.Code);
            Assert.Contains("'image' FLOAT32[1,8,6,3]", e.Message);
            var e2 = Assert.Throws<LiteRtQuantizationException>(() => CalibrationSet.FromSamples([]).Resolve([Image]));
            Assert.Contains("'image' FLOAT32[1,8,6,3]", e2.Message);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void A_mismatched_sample_is_an_error_naming_the_input_and_both_shapes()
    {
        var sample = new Dictionary<string, NpyArray> { ["image"] = Floats([1, 6, 8, 3], _ => 0) };
        var e = Assert.Throws<LiteRtQuantizationException>(() => CalibrationSet.FromSamples([sample]).Resolve([Image]));
        Assert.Equal(QuantizationCodes.CalibrationMismatch, e.Code);
        Assert.Contains("input 'image' expects shape FLOAT32[1,8,6,3], the data has shape [1,6,8,3]", e.Message);

        var wrongName = new Dictionary<string, NpyArray> { ["img"] = Floats([1, 8, 6, 3], _ => 0) };
        var e2 = Assert.Throws<LiteRtQuantizationException>(() => CalibrationSet.FromSamples([wrongName]).Resolve([Image]));
        Assert.Equal(QuantizationCodes.CalibrationInputName, e2.Code);
        Assert.Contains("'img'", e2.Message);

        var ints = new Dictionary<string, NpyArray> { ["image"] = new NpyArray(TensorType.Int32, [1, 8, 6, 3], new byte[144 * 4]) };
        Assert.Equal(QuantizationCodes.CalibrationMismatch, Assert.Throws<LiteRtQuantizationException>(() => CalibrationSet.FromSamples([ints]).Resolve([Image])).Code);
    }

    private sealed class Provider : ICalibrationDataProvider
    {
        public IEnumerable<IReadOnlyDictionary<string, NpyArray>> GetSamples(IReadOnlyList<CalibrationInput> inputs)
        {
            Assert.Equal("x", inputs[0].Name);
            for (int i = 0; i < 3; i++) yield return new Dictionary<string, NpyArray> { ["x"] = Floats([2, 4], k => k * i) };
        }
    }

    [Fact]
    public void A_provider_supplies_samples_from_code() =>
        Assert.Equal(3, CalibrationSet.FromProvider(new Provider()).Resolve([Dynamic]).Count);

    public static TheoryData<string> ImageFiles() => new()
    {
        "rgb.png", "rgba.png", "palette.png", "gray16.png", "rgb.bmp", "palette.bmp", "rgb.ppm", "gray.pgm", "rgb.jpg", "rgb444.jpg", "gray.jpg",
    };

    [Theory]
    [MemberData(nameof(ImageFiles))]
    public void Image_decoders_match_an_independent_decoder(string file)
    {
        string dir = Path.Combine(SharedData.RepoRoot!, "tests", "LiteRt.Quantization.Tests", "Data", "images");
        var img = ImageDecoder.Decode(File.ReadAllBytes(Path.Combine(dir, file)));
        var want = NpyArray.Read(Path.Combine(dir, file + ".npy"));
        Assert.Equal([img.Height, img.Width, 3], want.Shape);
        // Lossless formats decode exactly; JPEG's IDCT may round differently by a level or two.
        int tolerance = file.EndsWith(".jpg", StringComparison.Ordinal) ? 3 : 0;
        int worst = 0;
        for (int i = 0; i < want.Data.Length; i++) worst = Math.Max(worst, Math.Abs(want.Data[i] - img.Rgb[i]));
        Assert.True(worst <= tolerance, $"{file}: max difference {worst}");
    }

    [Fact]
    public void A_folder_of_images_becomes_preprocessed_samples()
    {
        string dir = Path.Combine(SharedData.RepoRoot!, "tests", "LiteRt.Quantization.Tests", "Data", "images");
        var nhwc = CalibrationSet.FromImages(dir, ImagePreprocessing.Parse("mean=0.5,std=0.5")).Resolve([Image]);
        Assert.Equal(11, nhwc.Count);
        Assert.Equal([1, 8, 6, 3], nhwc[0]["image"].Shape);
        var values = TensorData.Decode(nhwc[0]["image"].Type, nhwc[0]["image"].Data, [144], null);
        Assert.InRange(values.Min(), -1.0001, 1.0001);
        Assert.InRange(values.Max(), -1.0001, 1.0001);

        var nchw = new CalibrationInput("pixels", TensorType.Float32, [1, 3, 10, 12]);
        var s = CalibrationSet.FromImages(dir, ImagePreprocessing.Parse("scale=1,mean=128,std=64")).Resolve([nchw]);
        Assert.Equal([1, 3, 10, 12], s[0]["pixels"].Shape);

        var e = Assert.Throws<LiteRtQuantizationException>(() => CalibrationSet.FromImages(Path.Combine(dir, "nope"), ImagePreprocessing.Default).Resolve([Image]));
        Assert.Equal(QuantizationCodes.CalibrationRead, e.Code);
        Assert.Throws<LiteRtQuantizationException>(() => ImagePreprocessing.Parse("size=big"));
    }
}
