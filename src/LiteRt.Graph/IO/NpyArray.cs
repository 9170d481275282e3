using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using LiteRt.Format.Schema;

namespace LiteRt.Graph.IO;

/// <summary>
/// A NumPy .npy array (format versions 1–3, little-endian or byte-order-free dtypes, C order): element type, shape
/// and raw little-endian bytes — the tensor layout the runtime uses, so reading and writing is a copy.
/// </summary>
public sealed partial class NpyArray
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    public NpyArray(TensorType type, int[] shape, byte[] data)
    {
        long need = type.ByteCount(Math.Max(Shapes.ElementCount(shape), 0));
        if (data.Length != need) throw new ArgumentException($"{type.Name()}{Shapes.Format(shape)} needs {need} bytes, got {data.Length}");
        Type = type;
        Shape = shape;
        Data = data;
    }

    public TensorType Type { get; }
    public int[] Shape { get; }
    public byte[] Data { get; }

    public static NpyArray Read(string path)
    {
        try
        {
            return Parse(File.ReadAllBytes(path));
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }

    public static NpyArray Parse(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 10 || !bytes[..6].SequenceEqual(Magic)) throw new InvalidDataException("not a .npy file (bad magic)");
        int major = bytes[6];
        int headerLen, offset;
        if (major == 1) { headerLen = BinaryPrimitives.ReadUInt16LittleEndian(bytes[8..]); offset = 10; }
        else if (major is 2 or 3)
        {
            if (bytes.Length < 12) throw new InvalidDataException("truncated .npy header");
            uint len = BinaryPrimitives.ReadUInt32LittleEndian(bytes[8..]);
            if (len > 1 << 20) throw new InvalidDataException($"implausible .npy header length {len}");
            headerLen = (int)len; offset = 12;
        }
        else throw new InvalidDataException($"unsupported .npy version {major}");
        if (offset + headerLen > bytes.Length) throw new InvalidDataException("truncated .npy header");
        string header = Encoding.Latin1.GetString(bytes.Slice(offset, headerLen));

        var descr = DescrRegex().Match(header);
        var order = FortranRegex().Match(header);
        var shapeMatch = ShapeRegex().Match(header);
        if (!descr.Success || !order.Success || !shapeMatch.Success) throw new InvalidDataException($"cannot parse .npy header: {header.Trim()}");
        if (order.Groups[1].Value == "True") throw new InvalidDataException("Fortran-order .npy arrays are not supported; save with C order");
        var type = TypeFromDescr(descr.Groups[1].Value);
        var shape = shapeMatch.Groups[1].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => int.TryParse(s.TrimEnd('L'), NumberStyles.None, CultureInfo.InvariantCulture, out int d) ? d
                : throw new InvalidDataException($"bad .npy dimension '{s}'")).ToArray();
        long count = Shapes.ElementCount(shape);
        long need = type.ByteCount(count);
        var data = bytes[(offset + headerLen)..];
        if (data.Length < need) throw new InvalidDataException($".npy data holds {data.Length} bytes; {descr.Groups[1].Value}{Shapes.Format(shape)} needs {need}");
        return new NpyArray(type, shape, data[..(int)need].ToArray());
    }

    public void Write(string path)
    {
        using var f = File.Create(path);
        Write(f);
    }

    public void Write(Stream stream)
    {
        string shape = Shape.Length == 1 ? $"({Shape[0]},)" : "(" + string.Join(", ", Shape) + ")";
        string dict = $"{{'descr': '{DescrFromType(Type)}', 'fortran_order': False, 'shape': {shape}, }}";
        int total = 10 + dict.Length + 1;
        int pad = (64 - total % 64) % 64;
        string header = dict + new string(' ', pad) + "\n";
        stream.Write(Magic);
        stream.WriteByte(1);
        stream.WriteByte(0);
        Span<byte> len = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(len, (ushort)header.Length);
        stream.Write(len);
        stream.Write(Encoding.Latin1.GetBytes(header));
        stream.Write(Data);
    }

    /// <summary>Values as doubles (raw, not dequantized).</summary>
    public double[] ToDoubles() => TensorData.Decode(Type, Data, Shape, null);

    private static TensorType TypeFromDescr(string d) => d switch
    {
        "<f4" => TensorType.Float32,
        "<f8" => TensorType.Float64,
        "<f2" => TensorType.Float16,
        "|u1" or "<u1" => TensorType.Uint8,
        "|i1" or "<i1" => TensorType.Int8,
        "<i2" => TensorType.Int16,
        "<u2" => TensorType.Uint16,
        "<i4" => TensorType.Int32,
        "<u4" => TensorType.Uint32,
        "<i8" => TensorType.Int64,
        "<u8" => TensorType.Uint64,
        "|b1" => TensorType.Bool,
        _ => throw new InvalidDataException($"unsupported .npy dtype '{d}' (big-endian and structured dtypes are not supported)"),
    };

    private static string DescrFromType(TensorType t) => t switch
    {
        TensorType.Float32 => "<f4",
        TensorType.Float64 => "<f8",
        TensorType.Float16 => "<f2",
        TensorType.Uint8 => "|u1",
        TensorType.Int8 => "|i1",
        TensorType.Int16 => "<i2",
        TensorType.Uint16 => "<u2",
        TensorType.Int32 => "<i4",
        TensorType.Uint32 => "<u4",
        TensorType.Int64 => "<i8",
        TensorType.Uint64 => "<u8",
        TensorType.Bool => "|b1",
        _ => throw new NotSupportedException($"{t.Name()} has no .npy dtype"),
    };

    [GeneratedRegex(@"'descr'\s*:\s*'([^']+)'")]
    private static partial Regex DescrRegex();
    [GeneratedRegex(@"'fortran_order'\s*:\s*(True|False)")]
    private static partial Regex FortranRegex();
    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")]
    private static partial Regex ShapeRegex();
}
