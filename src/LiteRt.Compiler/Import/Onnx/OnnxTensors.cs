using System.Buffers.Binary;
using LiteRt.Compiler.Import.Onnx.Proto;
using LiteRt.Format.Schema;
using LiteRt.Graph;

namespace LiteRt.Compiler.Import.Onnx;

/// <summary>ONNX TensorProto.DataType values.</summary>
public static class OnnxDataType
{
    public const int Undefined = 0, Float = 1, Uint8 = 2, Int8 = 3, Uint16 = 4, Int16 = 5, Int32 = 6, Int64 = 7, String = 8,
        Bool = 9, Float16 = 10, Double = 11, Uint32 = 12, Uint64 = 13, Complex64 = 14, Complex128 = 15, Bfloat16 = 16,
        Float8E4M3Fn = 17, Float8E4M3FnUz = 18, Float8E5M2 = 19, Float8E5M2FnUz = 20, Uint4 = 21, Int4 = 22;

    private static readonly string[] Names =
    [
        "UNDEFINED", "FLOAT", "UINT8", "INT8", "UINT16", "INT16", "INT32", "INT64", "STRING", "BOOL", "FLOAT16", "DOUBLE",
        "UINT32", "UINT64", "COMPLEX64", "COMPLEX128", "BFLOAT16", "FLOAT8E4M3FN", "FLOAT8E4M3FNUZ", "FLOAT8E5M2",
        "FLOAT8E5M2FNUZ", "UINT4", "INT4",
    ];

    public static string Name(int type) => (uint)type < (uint)Names.Length ? Names[type] : $"DATA_TYPE_{type}";

    /// <summary>The LiteRT tensor type holding this ONNX type's values, or null when there is none.</summary>
    public static TensorType? ToTensorType(int type) => type switch
    {
        Float => TensorType.Float32,
        Uint8 => TensorType.Uint8,
        Int8 => TensorType.Int8,
        Uint16 => TensorType.Uint16,
        Int16 => TensorType.Int16,
        Int32 => TensorType.Int32,
        Int64 => TensorType.Int64,
        String => TensorType.String,
        Bool => TensorType.Bool,
        Float16 => TensorType.Float16,
        Double => TensorType.Float64,
        Uint32 => TensorType.Uint32,
        Uint64 => TensorType.Uint64,
        Complex64 => TensorType.Complex64,
        Complex128 => TensorType.Complex128,
        Bfloat16 => TensorType.Bfloat16,
        Float8E4M3Fn => TensorType.Float8E4m3fn,
        Float8E5M2 => TensorType.Float8E5m2,
        Uint4 => TensorType.Uint4,
        Int4 => TensorType.Int4,
        _ => null,
    };

    /// <summary>The ONNX type of a LiteRT tensor type (inverse of <see cref="ToTensorType"/>).</summary>
    public static int FromTensorType(TensorType type) => type switch
    {
        TensorType.Float32 => Float,
        TensorType.Uint8 => Uint8,
        TensorType.Int8 => Int8,
        TensorType.Uint16 => Uint16,
        TensorType.Int16 => Int16,
        TensorType.Int32 => Int32,
        TensorType.Int64 => Int64,
        TensorType.String => String,
        TensorType.Bool => Bool,
        TensorType.Float16 => Float16,
        TensorType.Float64 => Double,
        TensorType.Uint32 => Uint32,
        TensorType.Uint64 => Uint64,
        TensorType.Bfloat16 => Bfloat16,
        _ => Undefined,
    };
}

/// <summary>A dense tensor decoded from a TensorProto: LiteRT element type, shape and little-endian row-major bytes.</summary>
public sealed record OnnxTensorValue(string Name, TensorType Type, int[] Shape, ReadOnlyMemory<byte> Data)
{
    public long ElementCount => Shapes.ElementCount(Shape);
}

/// <summary>Decodes TensorProto data (typed fields, raw_data, or external files) into LiteRT tensor bytes.</summary>
public static class OnnxTensors
{
    /// <summary>
    /// Decodes a TensorProto. <paramref name="baseDirectory"/> is where external data files are looked up (the
    /// model's folder). Errors: LRT1004 (type without LiteRT equivalent), LRT1003 (external data), LRT1007 (size mismatch).
    /// </summary>
    public static OnnxTensorValue Decode(OnnxTensorProto t, string? baseDirectory, string? file = null)
    {
        string what = t.Name.Length > 0 ? $"tensor '{t.Name}'" : "tensor";
        var type = OnnxDataType.ToTensorType(t.DataType);
        if (type is null || type is TensorType.Complex64 or TensorType.Complex128)
            throw new LiteRtCompileException(ErrorCodes.UnsupportedDataType, $"{what} has element type {OnnxDataType.Name(t.DataType)}, which LiteRT cannot hold", file: file);
        var shape = new int[t.Dims.Count];
        for (int i = 0; i < shape.Length; i++)
        {
            if (t.Dims[i] < 0 || t.Dims[i] > int.MaxValue)
                throw new LiteRtCompileException(ErrorCodes.InvalidGraph, $"{what} has invalid dims [{string.Join(",", t.Dims)}]", file: file);
            shape[i] = (int)t.Dims[i];
        }
        if (t.HasSegment) throw new LiteRtCompileException(ErrorCodes.UnsupportedAttribute, $"{what} is segmented, which is not supported", file: file);
        long count = Shapes.ElementCount(shape);
        var tt = type.Value;

        if (tt == TensorType.String)
        {
            if (t.StringData.Count != count)
                throw new LiteRtCompileException(ErrorCodes.InvalidGraph, $"{what} holds {t.StringData.Count} strings for {count} elements", file: file);
            return new OnnxTensorValue(t.Name, tt, shape, EncodeStrings(t.StringData));
        }

        long bytes = tt.ByteCount(count);
        ReadOnlyMemory<byte> data;
        if (t.IsExternal)
            data = ReadExternal(t, baseDirectory, what, file);
        else if (t.RawData is { } raw)
            data = raw;
        else
            data = FromTypedFields(t, tt, count, what, file);
        if (data.Length != bytes)
            throw new LiteRtCompileException(ErrorCodes.InvalidGraph, $"{what} {OnnxDataType.Name(t.DataType)}{Shapes.Format(shape)} needs {bytes} bytes, its data has {data.Length}", file: file);
        return new OnnxTensorValue(t.Name, tt, shape, data);
    }

    private static ReadOnlyMemory<byte> FromTypedFields(OnnxTensorProto t, TensorType tt, long count, string what, string? file)
    {
        var b = new byte[tt.ByteCount(count)];
        int n;
        switch (t.DataType)
        {
            case OnnxDataType.Float:
                n = t.FloatData.Count;
                Check(n);
                for (int i = 0; i < n; i++) BinaryPrimitives.WriteSingleLittleEndian(b.AsSpan(i * 4), t.FloatData[i]);
                break;
            case OnnxDataType.Double:
                n = t.DoubleData.Count;
                Check(n);
                for (int i = 0; i < n; i++) BinaryPrimitives.WriteDoubleLittleEndian(b.AsSpan(i * 8), t.DoubleData[i]);
                break;
            case OnnxDataType.Int64:
                n = t.Int64Data.Count;
                Check(n);
                for (int i = 0; i < n; i++) BinaryPrimitives.WriteInt64LittleEndian(b.AsSpan(i * 8), t.Int64Data[i]);
                break;
            case OnnxDataType.Uint32:
                n = t.UInt64Data.Count;
                Check(n);
                for (int i = 0; i < n; i++) BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(i * 4), (uint)t.UInt64Data[i]);
                break;
            case OnnxDataType.Uint64:
                n = t.UInt64Data.Count;
                Check(n);
                for (int i = 0; i < n; i++) BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(i * 8), t.UInt64Data[i]);
                break;
            case OnnxDataType.Int32:
                n = t.Int32Data.Count;
                Check(n);
                for (int i = 0; i < n; i++) BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(i * 4), (int)t.Int32Data[i]);
                break;
            case OnnxDataType.Int16:
            case OnnxDataType.Uint16:
            case OnnxDataType.Float16:
            case OnnxDataType.Bfloat16:
                n = t.Int32Data.Count;
                Check(n);
                for (int i = 0; i < n; i++) BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(i * 2), (ushort)t.Int32Data[i]);
                break;
            case OnnxDataType.Int8:
            case OnnxDataType.Uint8:
            case OnnxDataType.Bool:
            case OnnxDataType.Float8E4M3Fn:
            case OnnxDataType.Float8E5M2:
                n = t.Int32Data.Count;
                Check(n);
                for (int i = 0; i < n; i++) b[i] = (byte)t.Int32Data[i];
                break;
            case OnnxDataType.Int4:
            case OnnxDataType.Uint4:
                // int32_data holds the packed bytes (two elements each).
                n = t.Int32Data.Count;
                if (n != b.Length) throw Mismatch(n * 2);
                for (int i = 0; i < n; i++) b[i] = (byte)t.Int32Data[i];
                break;
            default:
                throw new LiteRtCompileException(ErrorCodes.UnsupportedDataType, $"{what} has element type {OnnxDataType.Name(t.DataType)}", file: file);
        }
        return b;

        void Check(int got)
        {
            if (got != count) throw Mismatch(got);
        }
        LiteRtCompileException Mismatch(long got) =>
            new(ErrorCodes.InvalidGraph, $"{what} holds {got} values for {count} elements", file: file);
    }

    private static ReadOnlyMemory<byte> ReadExternal(OnnxTensorProto t, string? baseDirectory, string what, string? file)
    {
        string? location = null;
        long offset = 0, length = -1;
        foreach (var (k, v) in t.ExternalData)
        {
            switch (k)
            {
                case "location": location = v; break;
                case "offset": offset = long.Parse(v, System.Globalization.CultureInfo.InvariantCulture); break;
                case "length": length = long.Parse(v, System.Globalization.CultureInfo.InvariantCulture); break;
            }
        }
        if (location is null)
            throw new LiteRtCompileException(ErrorCodes.MissingExternalData, $"{what} has external data without a location", file: file);
        if (Path.IsPathRooted(location) || location.Split('/', '\\').Contains(".."))
            throw new LiteRtCompileException(ErrorCodes.MissingExternalData, $"{what}: external data location '{location}' must be a relative path inside the model's folder", file: file);
        string path = Path.Combine(baseDirectory ?? ".", location);
        if (!System.IO.File.Exists(path))
            throw new LiteRtCompileException(ErrorCodes.MissingExternalData, $"{what}: external data file '{location}' not found next to the model (looked for {path})", file: file);
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        if (length < 0) length = fs.Length - offset;
        if (offset < 0 || length < 0 || offset + length > fs.Length)
            throw new LiteRtCompileException(ErrorCodes.MissingExternalData,
                $"{what}: external data '{location}' has {fs.Length} bytes, fewer than offset {offset} + length {length}", file: file);
        if (length > int.MaxValue)
            throw new LiteRtCompileException(ErrorCodes.UnsupportedAttribute, $"{what} is larger than 2 GB", file: file);
        var buffer = new byte[length];
        fs.Position = offset;
        fs.ReadExactly(buffer);
        return buffer;
    }

    /// <summary>TFLite's string tensor buffer: count, offsets (count+1, int32), then the bytes.</summary>
    public static byte[] EncodeStrings(IReadOnlyList<ReadOnlyMemory<byte>> strings)
    {
        int n = strings.Count;
        int header = 4 * (n + 2);
        int total = header + strings.Sum(s => s.Length);
        var b = new byte[total];
        BinaryPrimitives.WriteInt32LittleEndian(b, n);
        int off = header;
        for (int i = 0; i < n; i++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(4 * (i + 1)), off);
            strings[i].Span.CopyTo(b.AsSpan(off));
            off += strings[i].Length;
        }
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(4 * (n + 1)), off);
        return b;
    }
}
