using System.Globalization;
using LiteRt.Format.Schema;
using LiteRt.Graph;
using LiteRt.Graph.IO;

namespace LiteRt.Quantization;

public enum ImageLayout { Auto, Nhwc, Nchw }

/// <summary>
/// How images become model inputs: resized (bilinear) to <see cref="Width"/>×<see cref="Height"/> (0 = the model
/// input's size), pixel values p ∈ [0, 255] mapped to <c>(p · Scale − Mean[c]) / Std[c]</c>, laid out NHWC or NCHW
/// (Auto: NCHW when the input's dim 1 is 1 or 3 and its last dim is not), gray or RGB (from the input's channel count).
/// Text form: <c>size=224x224,mean=0.485/0.456/0.406,std=0.229/0.224/0.225,scale=1/255,layout=nchw</c>.
/// </summary>
public sealed record ImagePreprocessing
{
    public int Width { get; init; }
    public int Height { get; init; }
    public double Scale { get; init; } = 1.0 / 255;
    public double[] Mean { get; init; } = [0];
    public double[] Std { get; init; } = [1];
    public ImageLayout Layout { get; init; } = ImageLayout.Auto;
    /// <summary>Channel order BGR instead of RGB.</summary>
    public bool Bgr { get; init; }

    public static ImagePreprocessing Default { get; } = new();

    public static ImagePreprocessing Parse(string text)
    {
        var p = new ImagePreprocessing();
        if (string.IsNullOrWhiteSpace(text)) return p;
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int eq = part.IndexOf('=');
            string key = eq < 0 ? part.ToLowerInvariant() : part[..eq].Trim().ToLowerInvariant();
            string value = eq < 0 ? "" : part[(eq + 1)..].Trim();
            p = key switch
            {
                "size" => ParseSize(p, value),
                "mean" => p with { Mean = ParseList(value, key) },
                "std" => p with { Std = ParseList(value, key) },
                "scale" => p with { Scale = ParseNumber(value, key) },
                "layout" => p with
                {
                    Layout = value.ToLowerInvariant() switch
                    {
                        "nhwc" => ImageLayout.Nhwc,
                        "nchw" => ImageLayout.Nchw,
                        "auto" => ImageLayout.Auto,
                        _ => throw Error($"layout is nhwc, nchw or auto, not '{value}'"),
                    },
                },
                "bgr" => p with { Bgr = true },
                "rgb" => p with { Bgr = false },
                _ => throw Error($"unknown key '{key}' (size, mean, std, scale, layout, bgr)"),
            };
        }
        if (p.Std.Any(s => s == 0)) throw Error("std must not be 0");
        return p;
    }

    private static ImagePreprocessing ParseSize(ImagePreprocessing p, string v)
    {
        var parts = v.ToLowerInvariant().Split('x');
        if (parts.Length == 1 && int.TryParse(parts[0], out int s) && s > 0) return p with { Width = s, Height = s };
        if (parts.Length == 2 && int.TryParse(parts[0], out int w) && int.TryParse(parts[1], out int h) && w > 0 && h > 0) return p with { Width = w, Height = h };
        throw Error($"size is WIDTHxHEIGHT, not '{v}'");
    }

    private static double[] ParseList(string v, string key) =>
        v.Split(['/', ';', ' '], StringSplitOptions.RemoveEmptyEntries).Select(x => ParseNumber(x, key)).ToArray() is { Length: > 0 } a ? a : throw Error($"{key} needs a value");

    private static double ParseNumber(string v, string key)
    {
        int slash = v.IndexOf('/');
        if (slash > 0 && double.TryParse(v[..slash], NumberStyles.Float, CultureInfo.InvariantCulture, out double n)
            && double.TryParse(v[(slash + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && d != 0) return n / d;
        if (double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out double x)) return x;
        throw Error($"{key}: '{v}' is not a number");
    }

    private static LiteRtQuantizationException Error(string why) => new(QuantizationCodes.CalibrationRead, $"image preprocessing: {why}");

    public override string ToString()
    {
        var inv = CultureInfo.InvariantCulture;
        string size = Width > 0 ? $"{Width}x{Height}" : "model size";
        return $"size {size}, scale {Scale.ToString("G4", inv)}, mean {string.Join("/", Mean.Select(m => m.ToString("G4", inv)))}, " +
               $"std {string.Join("/", Std.Select(m => m.ToString("G4", inv)))}, layout {Layout.ToString().ToLowerInvariant()}{(Bgr ? ", BGR" : "")}";
    }
}

/// <summary>Turns a folder of images into samples for a model's single image input.</summary>
internal static class ImageCalibration
{
    private static readonly string[] Extensions = [".png", ".bmp", ".ppm", ".pgm", ".pnm", ".jpg", ".jpeg"];

    public static IEnumerable<IReadOnlyDictionary<string, NpyArray>> Load(string folder, ImagePreprocessing p, IReadOnlyList<CalibrationInput> inputs)
    {
        if (!Directory.Exists(folder))
            throw new LiteRtQuantizationException(QuantizationCodes.CalibrationRead, $"image folder '{folder}' does not exist");
        var images = inputs.Where(i => i.Dims.Length == 4 && i.Type.IsFloat() || i.Dims.Length == 4 && i.Type is TensorType.Uint8 or TensorType.Int8).ToList();
        if (inputs.Count != 1 || images.Count != 1)
            throw new LiteRtQuantizationException(QuantizationCodes.CalibrationInputName,
                $"image calibration needs a model with one 4-D image input; the model has {string.Join(", ", inputs.Select(i => $"'{i.Name}' {CalibrationSet.Format(i)}"))}");
        var input = images[0];
        bool nchw = p.Layout == ImageLayout.Nchw
            || (p.Layout == ImageLayout.Auto && input.Dims[1] is 1 or 3 && input.Dims[3] is not (1 or 3));
        int channels = nchw ? input.Dims[1] : input.Dims[3];
        int height = p.Height > 0 ? p.Height : nchw ? input.Dims[2] : input.Dims[1];
        int width = p.Width > 0 ? p.Width : nchw ? input.Dims[3] : input.Dims[2];
        if (channels is not (1 or 3) || height <= 0 || width <= 0)
            throw new LiteRtQuantizationException(QuantizationCodes.CalibrationMismatch,
                $"input '{input.Name}' {CalibrationSet.Format(input)} is not a {(nchw ? "NCHW" : "NHWC")} image with 1 or 3 channels; declare size= and layout=");
        var files = Directory.GetFiles(folder).Where(f => Extensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
            .OrderBy(f => f, StringComparer.Ordinal).ToList();
        if (files.Count == 0)
            throw new LiteRtQuantizationException(QuantizationCodes.EmptyCalibration,
                $"image folder '{folder}' has no images ({string.Join(", ", Extensions)}) for input '{input.Name}' {CalibrationSet.Format(input)}");
        foreach (var f in files)
        {
            RgbImage img;
            try { img = ImageDecoder.Decode(File.ReadAllBytes(f)); }
            catch (InvalidDataException e) { throw new LiteRtQuantizationException(QuantizationCodes.CalibrationRead, $"cannot decode image '{f}': {e.Message}", e); }
            var resized = img.Resize(width, height);
            var values = new float[height * width * channels];
            for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            for (int c = 0; c < channels; c++)
            {
                int src = channels == 1 ? -1 : p.Bgr ? 2 - c : c;
                double px = src < 0 ? resized.Luma(x, y) : resized.At(x, y, src);
                double mean = p.Mean[Math.Min(c, p.Mean.Length - 1)], std = p.Std[Math.Min(c, p.Std.Length - 1)];
                int o = nchw ? (c * height + y) * width + x : (y * width + x) * channels + c;
                values[o] = (float)((px * p.Scale - mean) / std);
            }
            int[] shape = nchw ? [1, channels, height, width] : [1, height, width, channels];
            var bytes = new byte[values.Length * 4];
            Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
            yield return new Dictionary<string, NpyArray> { [input.Name] = new NpyArray(TensorType.Float32, shape, bytes) };
        }
    }
}
