using System.Buffers.Binary;
using System.IO.Compression;

namespace LiteRt.Samples.ImageClassifier;

/// <summary>An RGB image with 8-bit channels, row-major.</summary>
public sealed record RgbImage(int Width, int Height, byte[] Pixels)
{
    /// <summary>Reads a PNG (8-bit grey, grey+alpha, RGB or RGBA, not interlaced) or a binary PPM/PGM (P6/P5).</summary>
    public static RgbImage Load(string path)
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length > 8 && bytes.AsSpan(0, 8).SequenceEqual(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }))
            return Png(bytes);
        if (bytes.Length > 2 && bytes[0] == 'P' && bytes[1] is (byte)'6' or (byte)'5') return Pnm(bytes);
        throw new InvalidDataException($"{path}: not a PNG or binary PPM/PGM image");
    }

    /// <summary>Bilinear resize to <paramref name="w"/> × <paramref name="h"/>, as float RGB in [0, 1], planar (CHW).</summary>
    public float[] ToChwFloats(int w, int h)
    {
        var r = new float[3 * w * h];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                double sy = Math.Clamp((y + 0.5) * Height / h - 0.5, 0, Height - 1), sx = Math.Clamp((x + 0.5) * Width / w - 0.5, 0, Width - 1);
                int y0 = (int)sy, x0 = (int)sx, y1 = Math.Min(y0 + 1, Height - 1), x1 = Math.Min(x0 + 1, Width - 1);
                double fy = sy - y0, fx = sx - x0;
                for (int c = 0; c < 3; c++)
                {
                    double v = (1 - fy) * ((1 - fx) * At(x0, y0, c) + fx * At(x1, y0, c)) + fy * ((1 - fx) * At(x0, y1, c) + fx * At(x1, y1, c));
                    r[(c * h + y) * w + x] = (float)(v / 255);
                }
            }
        return r;
    }

    private double At(int x, int y, int c) => Pixels[(y * Width + x) * 3 + c];

    private static RgbImage Png(byte[] b)
    {
        int pos = 8, width = 0, height = 0, colorType = 0;
        using var idat = new MemoryStream();
        while (pos + 8 <= b.Length)
        {
            int len = BinaryPrimitives.ReadInt32BigEndian(b.AsSpan(pos));
            string type = System.Text.Encoding.ASCII.GetString(b, pos + 4, 4);
            var data = b.AsSpan(pos + 8, len);
            if (type == "IHDR")
            {
                width = BinaryPrimitives.ReadInt32BigEndian(data);
                height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                int depth = data[8];
                colorType = data[9];
                if (depth != 8 || data[12] != 0 || colorType is not (0 or 2 or 4 or 6))
                    throw new InvalidDataException("only 8-bit, non-interlaced grey/RGB(A) PNGs are supported");
            }
            else if (type == "IDAT") idat.Write(data);
            else if (type == "IEND") break;
            pos += 12 + len;
        }
        int channels = colorType switch { 0 => 1, 2 => 3, 4 => 2, _ => 4 };
        int stride = width * channels;
        var raw = new byte[height * (stride + 1)];
        idat.Position = 0;
        using (var z = new ZLibStream(idat, CompressionMode.Decompress)) z.ReadExactly(raw);
        var img = new byte[height * stride];
        for (int y = 0; y < height; y++)
        {
            int filter = raw[y * (stride + 1)];
            var line = raw.AsSpan(y * (stride + 1) + 1, stride);
            var prev = y > 0 ? img.AsSpan((y - 1) * stride, stride) : default;
            var outLine = img.AsSpan(y * stride, stride);
            for (int i = 0; i < stride; i++)
            {
                int a = i >= channels ? outLine[i - channels] : 0, up = y > 0 ? prev[i] : 0, c = i >= channels && y > 0 ? prev[i - channels] : 0;
                int v = filter switch
                {
                    0 => line[i],
                    1 => line[i] + a,
                    2 => line[i] + up,
                    3 => line[i] + (a + up) / 2,
                    4 => line[i] + Paeth(a, up, c),
                    _ => throw new InvalidDataException($"unknown PNG filter {filter}"),
                };
                outLine[i] = (byte)v;
            }
        }
        var rgb = new byte[width * height * 3];
        for (int p = 0; p < width * height; p++)
            for (int k = 0; k < 3; k++) rgb[p * 3 + k] = img[p * channels + (channels < 3 ? 0 : k)];
        return new RgbImage(width, height, rgb);
    }

    private static int Paeth(int a, int b, int c)
    {
        int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    private static RgbImage Pnm(byte[] b)
    {
        // P6/P5: magic, width, height, maxval (whitespace-separated, # comments), one whitespace, then the pixels.
        int pos = 2;
        int Next()
        {
            while (pos < b.Length && (char.IsWhiteSpace((char)b[pos]) || b[pos] == '#'))
            {
                if (b[pos] == '#') while (pos < b.Length && b[pos] != '\n') pos++;
                else pos++;
            }
            int v = 0;
            while (pos < b.Length && char.IsDigit((char)b[pos])) v = v * 10 + (b[pos++] - '0');
            return v;
        }
        bool grey = b[1] == '5';
        int w = Next(), h = Next(), max = Next();
        pos++;
        if (max != 255) throw new InvalidDataException("only 8-bit PPM/PGM files are supported");
        var rgb = new byte[w * h * 3];
        for (int p = 0; p < w * h; p++)
            for (int k = 0; k < 3; k++) rgb[p * 3 + k] = b[pos + (grey ? p : p * 3 + k)];
        return new RgbImage(w, h, rgb);
    }
}
