using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace LiteRt.Quantization;

/// <summary>An 8-bit RGB image, row-major, 3 bytes per pixel.</summary>
internal sealed class RgbImage(int width, int height, byte[] rgb)
{
    public int Width { get; } = width;
    public int Height { get; } = height;
    public byte[] Rgb { get; } = rgb;

    public byte At(int x, int y, int c) => Rgb[(y * Width + x) * 3 + c];
    public double Luma(int x, int y) => 0.299 * At(x, y, 0) + 0.587 * At(x, y, 1) + 0.114 * At(x, y, 2);

    /// <summary>Bilinear resize with half-pixel centres (values rounded to bytes).</summary>
    public RgbImage Resize(int w, int h)
    {
        if (w == Width && h == Height) return this;
        var dst = new byte[w * h * 3];
        double sx = (double)Width / w, sy = (double)Height / h;
        for (int y = 0; y < h; y++)
        {
            double fy = Math.Clamp((y + 0.5) * sy - 0.5, 0, Height - 1);
            int y0 = (int)fy, y1 = Math.Min(y0 + 1, Height - 1);
            double wy = fy - y0;
            for (int x = 0; x < w; x++)
            {
                double fx = Math.Clamp((x + 0.5) * sx - 0.5, 0, Width - 1);
                int x0 = (int)fx, x1 = Math.Min(x0 + 1, Width - 1);
                double wx = fx - x0;
                for (int c = 0; c < 3; c++)
                {
                    double v = (1 - wy) * ((1 - wx) * At(x0, y0, c) + wx * At(x1, y0, c)) + wy * ((1 - wx) * At(x0, y1, c) + wx * At(x1, y1, c));
                    dst[(y * w + x) * 3 + c] = (byte)Math.Clamp(Math.Round(v), 0, 255);
                }
            }
        }
        return new RgbImage(w, h, dst);
    }
}

/// <summary>
/// Decoders for calibration images, written here so the quantizer has no native dependency: PNG (8/16-bit, gray, RGB,
/// palette, alpha; not interlaced), BMP (24/32-bit, 8-bit palette), PPM/PGM (P2, P3, P5, P6) and baseline JPEG.
/// </summary>
internal static class ImageDecoder
{
    public static RgbImage Decode(byte[] data)
    {
        if (data.Length >= 8 && data[0] == 0x89 && data[1] == (byte)'P' && data[2] == (byte)'N' && data[3] == (byte)'G') return Png(data);
        if (data.Length >= 2 && data[0] == (byte)'B' && data[1] == (byte)'M') return Bmp(data);
        if (data.Length >= 2 && data[0] == (byte)'P' && data[1] is (byte)'2' or (byte)'3' or (byte)'5' or (byte)'6') return Pnm(data);
        if (data.Length >= 3 && data[0] == 0xFF && data[1] == 0xD8) return JpegDecoder.Decode(data);
        throw new InvalidDataException("unknown image format (PNG, BMP, PPM/PGM and JPEG are supported)");
    }

    private static RgbImage Png(byte[] data)
    {
        int pos = 8, width = 0, height = 0, depth = 0, colorType = 0;
        byte[]? palette = null;
        using var idat = new MemoryStream();
        while (pos + 8 <= data.Length)
        {
            int len = BinaryPrimitives.ReadInt32BigEndian(data.AsSpan(pos));
            string type = Encoding.ASCII.GetString(data, pos + 4, 4);
            if (len < 0 || pos + 12 + len > data.Length) throw new InvalidDataException("truncated PNG chunk");
            var body = data.AsSpan(pos + 8, len);
            switch (type)
            {
                case "IHDR":
                    width = BinaryPrimitives.ReadInt32BigEndian(body);
                    height = BinaryPrimitives.ReadInt32BigEndian(body[4..]);
                    depth = body[8];
                    colorType = body[9];
                    if (body[12] != 0) throw new InvalidDataException("interlaced PNG is not supported");
                    break;
                case "PLTE": palette = body.ToArray(); break;
                case "IDAT": idat.Write(body); break;
            }
            pos += 12 + len;
            if (type == "IEND") break;
        }
        if (width <= 0 || height <= 0 || (long)width * height > 1 << 28) throw new InvalidDataException($"bad PNG size {width}x{height}");
        int samples = colorType switch { 0 => 1, 2 => 3, 3 => 1, 4 => 2, 6 => 4, _ => throw new InvalidDataException($"bad PNG color type {colorType}") };
        if (depth is not (1 or 2 or 4 or 8 or 16)) throw new InvalidDataException($"bad PNG bit depth {depth}");
        int bpp = Math.Max(1, samples * depth / 8);
        int stride = (width * samples * depth + 7) / 8;
        idat.Position = 0;
        var raw = new byte[(long)(stride + 1) * height];
        using (var z = new ZLibStream(idat, CompressionMode.Decompress)) z.ReadExactly(raw);
        var cur = new byte[stride];
        var prev = new byte[stride];
        var rgb = new byte[width * height * 3];
        for (int y = 0; y < height; y++)
        {
            int filter = raw[y * (stride + 1)];
            var line = raw.AsSpan(y * (stride + 1) + 1, stride);
            for (int i = 0; i < stride; i++)
            {
                int a = i >= bpp ? cur[i - bpp] : 0, b = prev[i], c = i >= bpp ? prev[i - bpp] : 0;
                int v = line[i] + filter switch
                {
                    0 => 0, 1 => a, 2 => b, 3 => (a + b) / 2, 4 => Paeth(a, b, c),
                    _ => throw new InvalidDataException($"bad PNG filter {filter}"),
                };
                cur[i] = (byte)v;
            }
            for (int x = 0; x < width; x++)
            {
                int S(int k)
                {
                    if (depth == 8) return cur[x * samples + k];
                    if (depth == 16) return cur[(x * samples + k) * 2];
                    int bit = (x * samples + k) * depth;
                    int v = (cur[bit >> 3] >> (8 - depth - (bit & 7))) & ((1 << depth) - 1);
                    return colorType == 3 ? v : v * 255 / ((1 << depth) - 1);
                }
                int o = (y * width + x) * 3;
                switch (colorType)
                {
                    case 0 or 4: rgb[o] = rgb[o + 1] = rgb[o + 2] = (byte)S(0); break;
                    case 3:
                        int idx = S(0) * 3;
                        if (palette is null || idx + 2 >= palette.Length) throw new InvalidDataException("PNG palette index out of range");
                        rgb[o] = palette[idx]; rgb[o + 1] = palette[idx + 1]; rgb[o + 2] = palette[idx + 2];
                        break;
                    default: rgb[o] = (byte)S(0); rgb[o + 1] = (byte)S(1); rgb[o + 2] = (byte)S(2); break;
                }
            }
            (prev, cur) = (cur, prev);
        }
        return new RgbImage(width, height, rgb);
    }

    private static int Paeth(int a, int b, int c)
    {
        int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    private static RgbImage Bmp(byte[] d)
    {
        if (d.Length < 54) throw new InvalidDataException("truncated BMP");
        int offset = BinaryPrimitives.ReadInt32LittleEndian(d.AsSpan(10));
        int header = BinaryPrimitives.ReadInt32LittleEndian(d.AsSpan(14));
        int width = BinaryPrimitives.ReadInt32LittleEndian(d.AsSpan(18));
        int h = BinaryPrimitives.ReadInt32LittleEndian(d.AsSpan(22));
        int bits = BinaryPrimitives.ReadUInt16LittleEndian(d.AsSpan(28));
        int compression = BinaryPrimitives.ReadInt32LittleEndian(d.AsSpan(30));
        bool bottomUp = h > 0;
        int height = Math.Abs(h);
        if (width <= 0 || height <= 0 || (long)width * height > 1 << 28) throw new InvalidDataException($"bad BMP size {width}x{height}");
        if (compression is not (0 or 3) || bits is not (8 or 24 or 32)) throw new InvalidDataException($"BMP with {bits} bits/pixel, compression {compression} is not supported");
        int stride = (width * bits / 8 + 3) & ~3;
        if (offset < 0 || (long)offset + (long)stride * height > d.Length) throw new InvalidDataException("truncated BMP pixel data");
        int paletteStart = 14 + header;
        var rgb = new byte[width * height * 3];
        for (int y = 0; y < height; y++)
        {
            int row = offset + (bottomUp ? height - 1 - y : y) * stride;
            for (int x = 0; x < width; x++)
            {
                int o = (y * width + x) * 3, p;
                if (bits == 8)
                {
                    p = paletteStart + d[row + x] * 4;
                    if (p + 2 >= d.Length) throw new InvalidDataException("BMP palette index out of range");
                }
                else p = row + x * bits / 8;
                rgb[o] = d[p + 2]; rgb[o + 1] = d[p + 1]; rgb[o + 2] = d[p];
            }
        }
        return new RgbImage(width, height, rgb);
    }

    private static RgbImage Pnm(byte[] d)
    {
        int pos = 2;
        char kind = (char)d[1];
        int Next()
        {
            while (pos < d.Length)
            {
                if (d[pos] == '#') { while (pos < d.Length && d[pos] != '\n') pos++; }
                else if (char.IsWhiteSpace((char)d[pos])) pos++;
                else break;
            }
            int v = 0, start = pos;
            while (pos < d.Length && d[pos] >= '0' && d[pos] <= '9') v = checked(v * 10 + d[pos++] - '0');
            if (pos == start) throw new InvalidDataException("bad PPM/PGM header");
            return v;
        }
        int width = Next(), height = Next(), max = Next();
        if (width <= 0 || height <= 0 || (long)width * height > 1 << 28 || max <= 0 || max > 65535) throw new InvalidDataException("bad PPM/PGM header");
        int channels = kind is '3' or '6' ? 3 : 1;
        bool binary = kind is '5' or '6';
        int bytesPer = max > 255 ? 2 : 1;
        if (binary) pos++;
        var rgb = new byte[width * height * 3];
        for (int i = 0; i < width * height; i++)
        {
            for (int c = 0; c < channels; c++)
            {
                int v;
                if (binary)
                {
                    if (pos + bytesPer > d.Length) throw new InvalidDataException("truncated PPM/PGM data");
                    v = bytesPer == 2 ? d[pos] << 8 | d[pos + 1] : d[pos];
                    pos += bytesPer;
                }
                else v = Next();
                byte b = (byte)Math.Clamp(v * 255 / max, 0, 255);
                if (channels == 1) rgb[i * 3] = rgb[i * 3 + 1] = rgb[i * 3 + 2] = b;
                else rgb[i * 3 + c] = b;
            }
        }
        return new RgbImage(width, height, rgb);
    }
}
