namespace LiteRt.Quantization;

/// <summary>
/// Baseline (sequential, Huffman) JPEG: 8-bit, 1 or 3 components, any sampling factors up to 4, restart intervals.
/// Progressive and arithmetic-coded files are rejected with a clear message.
/// </summary>
internal static class JpegDecoder
{
    private static readonly int[] ZigZag =
    [
        0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28,
        35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
    ];

    private static readonly double[,] Cos = BuildCos();

    private static double[,] BuildCos()
    {
        var c = new double[8, 8];
        for (int x = 0; x < 8; x++)
            for (int u = 0; u < 8; u++)
                c[x, u] = (u == 0 ? Math.Sqrt(0.5) : 1) * Math.Cos((2 * x + 1) * u * Math.PI / 16) / 2;
        return c;
    }

    private sealed class Huffman
    {
        public readonly int[] MaxCode = new int[18];
        public readonly int[] ValPtr = new int[17];
        public readonly int[] MinCode = new int[17];
        public byte[] Values = [];
    }

    private sealed class Component
    {
        public int Id, H, V, Tq, Td, Ta, Pred;
        public int BlocksW, BlocksH;
        public byte[] Pixels = [];
    }

    private sealed class BitReader(byte[] d, int pos)
    {
        private int _bits, _count;
        public int Pos = pos;

        public int Bit()
        {
            if (_count == 0)
            {
                if (Pos >= d.Length) throw new InvalidDataException("truncated JPEG scan");
                int b = d[Pos++];
                if (b == 0xFF)
                {
                    int next = Pos < d.Length ? d[Pos] : 0;
                    if (next == 0) Pos++;
                    else if (next >= 0xD0 && next <= 0xD7) b = 0; // marker inside data: pad with zeros
                    else throw new InvalidDataException("unexpected JPEG marker in scan data");
                }
                _bits = b;
                _count = 8;
            }
            _count--;
            return (_bits >> _count) & 1;
        }

        public int Bits(int n)
        {
            int v = 0;
            for (int i = 0; i < n; i++) v = (v << 1) | Bit();
            return v;
        }

        public void Reset() => _count = 0;
    }

    public static RgbImage Decode(byte[] d)
    {
        var qt = new int[4][];
        var dc = new Huffman?[4];
        var ac = new Huffman?[4];
        Component[]? comps = null;
        int width = 0, height = 0, restart = 0, pos = 2;
        while (pos + 4 <= d.Length)
        {
            if (d[pos] != 0xFF) { pos++; continue; }
            int marker = d[pos + 1];
            if (marker == 0xFF) { pos++; continue; }
            if (marker == 0xD9) break;
            int len = d[pos + 2] << 8 | d[pos + 3];
            int body = pos + 4, end = pos + 2 + len;
            if (end > d.Length || len < 2) throw new InvalidDataException("truncated JPEG segment");
            switch (marker)
            {
                case 0xDB:
                    for (int p = body; p < end;)
                    {
                        int pq = d[p] >> 4, tq = d[p] & 3;
                        p++;
                        var table = new int[64];
                        for (int k = 0; k < 64; k++) { table[ZigZag[k]] = pq == 0 ? d[p] : d[p] << 8 | d[p + 1]; p += pq == 0 ? 1 : 2; }
                        qt[tq] = table;
                    }
                    break;
                case 0xC4:
                    for (int p = body; p < end;)
                    {
                        int tc = d[p] >> 4, th = d[p] & 3;
                        var counts = d.AsSpan(p + 1, 16);
                        int total = 0;
                        foreach (byte c in counts) total += c;
                        var h = new Huffman { Values = d.AsSpan(p + 17, total).ToArray() };
                        int code = 0, k = 0;
                        for (int l = 1; l <= 16; l++)
                        {
                            h.ValPtr[l] = k;
                            h.MinCode[l] = code;
                            code += counts[l - 1];
                            k += counts[l - 1];
                            h.MaxCode[l] = counts[l - 1] > 0 ? code - 1 : -1;
                            code <<= 1;
                        }
                        h.MaxCode[17] = int.MaxValue;
                        (tc == 0 ? dc : ac)[th] = h;
                        p += 17 + total;
                    }
                    break;
                case 0xC0 or 0xC1:
                    if (d[body] != 8) throw new InvalidDataException("only 8-bit JPEG is supported");
                    height = d[body + 1] << 8 | d[body + 2];
                    width = d[body + 3] << 8 | d[body + 4];
                    int n = d[body + 5];
                    if (n is not (1 or 3) || width <= 0 || height <= 0 || (long)width * height > 1 << 28) throw new InvalidDataException("unsupported JPEG frame");
                    comps = new Component[n];
                    for (int i = 0; i < n; i++)
                    {
                        int o = body + 6 + i * 3;
                        comps[i] = new Component { Id = d[o], H = Math.Max(1, d[o + 1] >> 4), V = Math.Max(1, d[o + 1] & 15), Tq = d[o + 2] & 3 };
                    }
                    break;
                case 0xC2 or 0xC3 or 0xC5 or 0xC6 or 0xC7 or 0xC9 or 0xCA or 0xCB or 0xCD or 0xCE or 0xCF:
                    throw new InvalidDataException("progressive, lossless and arithmetic-coded JPEG are not supported (re-save as baseline JPEG or PNG)");
                case 0xDD: restart = d[body] << 8 | d[body + 1]; break;
                case 0xDA:
                    if (comps is null) throw new InvalidDataException("JPEG scan before frame header");
                    int ns = d[body];
                    for (int i = 0; i < ns; i++)
                    {
                        var c = comps.FirstOrDefault(x => x.Id == d[body + 1 + i * 2]) ?? throw new InvalidDataException("JPEG scan names an unknown component");
                        c.Td = d[body + 2 + i * 2] >> 4;
                        c.Ta = d[body + 2 + i * 2] & 15;
                    }
                    pos = DecodeScan(d, end, comps, qt, dc, ac, width, height, restart);
                    return ToRgb(comps, width, height);
            }
            pos = end;
        }
        throw new InvalidDataException("JPEG has no image data");
    }

    private static int DecodeScan(byte[] d, int start, Component[] comps, int[][] qt, Huffman?[] dcT, Huffman?[] acT, int width, int height, int restart)
    {
        int hmax = comps.Max(c => c.H), vmax = comps.Max(c => c.V);
        int mcuW = 8 * hmax, mcuH = 8 * vmax;
        int mcusX = (width + mcuW - 1) / mcuW, mcusY = (height + mcuH - 1) / mcuH;
        foreach (var c in comps)
        {
            c.BlocksW = mcusX * c.H;
            c.BlocksH = mcusY * c.V;
            c.Pixels = new byte[c.BlocksW * 8 * c.BlocksH * 8];
            if (qt[c.Tq] is null) throw new InvalidDataException("JPEG quantization table missing");
        }
        var reader = new BitReader(d, start);
        var block = new int[64];
        var tmp = new double[64];
        int mcu = 0;
        for (int my = 0; my < mcusY; my++)
        for (int mx = 0; mx < mcusX; mx++)
        {
            if (restart > 0 && mcu > 0 && mcu % restart == 0)
            {
                reader.Reset();
                while (reader.Pos + 1 < d.Length && !(d[reader.Pos] == 0xFF && d[reader.Pos + 1] >= 0xD0 && d[reader.Pos + 1] <= 0xD7)) reader.Pos++;
                reader.Pos += 2;
                foreach (var c in comps) c.Pred = 0;
            }
            mcu++;
            foreach (var c in comps)
            {
                var dc = dcT[c.Td] ?? throw new InvalidDataException("JPEG DC table missing");
                var ac = acT[c.Ta] ?? throw new InvalidDataException("JPEG AC table missing");
                for (int by = 0; by < c.V; by++)
                for (int bx = 0; bx < c.H; bx++)
                {
                    Array.Clear(block);
                    int t = DecodeSymbol(reader, dc);
                    c.Pred += t == 0 ? 0 : Extend(reader.Bits(t), t);
                    block[0] = c.Pred * qt[c.Tq][0];
                    for (int k = 1; k < 64;)
                    {
                        int rs = DecodeSymbol(reader, ac);
                        int r = rs >> 4, s = rs & 15;
                        if (s == 0)
                        {
                            if (r != 15) break;
                            k += 16;
                            continue;
                        }
                        k += r;
                        if (k > 63) break;
                        block[ZigZag[k]] = Extend(reader.Bits(s), s) * qt[c.Tq][ZigZag[k]];
                        k++;
                    }
                    Idct(block, tmp);
                    int x0 = (mx * c.H + bx) * 8, y0 = (my * c.V + by) * 8, stride = c.BlocksW * 8;
                    for (int y = 0; y < 8; y++)
                        for (int x = 0; x < 8; x++)
                            c.Pixels[(y0 + y) * stride + x0 + x] = (byte)Math.Clamp((int)Math.Round(tmp[y * 8 + x] + 128), 0, 255);
                }
            }
        }
        return reader.Pos;
    }

    private static int DecodeSymbol(BitReader r, Huffman h)
    {
        int code = 0;
        for (int l = 1; l <= 16; l++)
        {
            code = (code << 1) | r.Bit();
            if (h.MaxCode[l] >= 0 && code <= h.MaxCode[l] && code >= h.MinCode[l])
            {
                int idx = h.ValPtr[l] + code - h.MinCode[l];
                if (idx >= h.Values.Length) throw new InvalidDataException("bad JPEG Huffman code");
                return h.Values[idx];
            }
        }
        throw new InvalidDataException("bad JPEG Huffman code");
    }

    private static int Extend(int v, int t) => v < 1 << (t - 1) ? v - (1 << t) + 1 : v;

    private static void Idct(int[] input, double[] output)
    {
        Span<double> rows = stackalloc double[64];
        for (int y = 0; y < 8; y++)
            for (int x = 0; x < 8; x++)
            {
                double s = 0;
                for (int u = 0; u < 8; u++) s += Cos[x, u] * input[y * 8 + u];
                rows[y * 8 + x] = s;
            }
        for (int x = 0; x < 8; x++)
            for (int y = 0; y < 8; y++)
            {
                double s = 0;
                for (int v = 0; v < 8; v++) s += Cos[y, v] * rows[v * 8 + x];
                output[y * 8 + x] = s;
            }
    }

    /// <summary>
    /// The component's value at full-resolution pixel (x, y): subsampled by 2 it is interpolated with the triangle
    /// filter (weights 3/4 and 1/4, edges replicated) as libjpeg's "fancy upsampling" does; other factors repeat samples.
    /// </summary>
    private static double Upsampled(Component c, int x, int y, int hmax, int vmax, int width, int height)
    {
        int stride = c.BlocksW * 8;
        int fx = hmax / c.H, fy = vmax / c.V;
        if (fx == 1 && fy == 1) return c.Pixels[y * stride + x];
        int cw = (width * c.H + hmax - 1) / hmax, ch = (height * c.V + vmax - 1) / vmax;
        static (int I0, int I1, double W1) Taps(int p, int f, int n)
        {
            if (f != 2) { int i = Math.Min(p / f, n - 1); return (i, i, 0); }
            double s = (p + 0.5) / 2 - 0.5;
            int i0 = (int)Math.Floor(s);
            double w1 = s - i0;
            return (Math.Clamp(i0, 0, n - 1), Math.Clamp(i0 + 1, 0, n - 1), w1);
        }
        var (x0, x1, wx) = Taps(x, fx, cw);
        var (y0, y1, wy) = Taps(y, fy, ch);
        double top = c.Pixels[y0 * stride + x0] * (1 - wx) + c.Pixels[y0 * stride + x1] * wx;
        double bottom = c.Pixels[y1 * stride + x0] * (1 - wx) + c.Pixels[y1 * stride + x1] * wx;
        return Math.Round(top * (1 - wy) + bottom * wy);
    }

    private static RgbImage ToRgb(Component[] comps, int width, int height)
    {
        int hmax = comps.Max(c => c.H), vmax = comps.Max(c => c.V);
        var rgb = new byte[width * height * 3];
        for (int y = 0; y < height; y++)
        for (int x = 0; x < width; x++)
        {
            double Sample(Component c) => Upsampled(c, x, y, hmax, vmax, width, height);
            int o = (y * width + x) * 3;
            if (comps.Length == 1)
            {
                rgb[o] = rgb[o + 1] = rgb[o + 2] = (byte)Sample(comps[0]);
                continue;
            }
            double yy = Sample(comps[0]), cb = Sample(comps[1]) - 128, cr = Sample(comps[2]) - 128;
            rgb[o] = (byte)Math.Clamp(Math.Round(yy + 1.402 * cr), 0, 255);
            rgb[o + 1] = (byte)Math.Clamp(Math.Round(yy - 0.344136 * cb - 0.714136 * cr), 0, 255);
            rgb[o + 2] = (byte)Math.Clamp(Math.Round(yy + 1.772 * cb), 0, 255);
        }
        return new RgbImage(width, height, rgb);
    }
}
