using System.Buffers.Binary;
using System.Text;
using LiteRt.Compiler.Import.HuggingFace;

namespace LiteRt.Compiler.Import.Torch;

/// <summary>
/// The central directory of a zip written by torch.save (entries stored, not compressed; ZIP64 for big files), over a
/// memory-mapped file: each entry's data is located in place, so storages are read without copying or inflating.
/// </summary>
internal static class StoredZip
{
    public sealed record Entry(string Name, long DataOffset, long Size);

    public static Dictionary<string, Entry> Read(MappedCheckpointFile f)
    {
        LiteRtCompileException Bad(string why) => new(ErrorCodes.BadCheckpoint, $"zip: {why}", file: f.Path);
        // End of central directory: scan back over a comment of at most 64 KiB.
        long eocd = -1;
        for (long p = f.Length - 22; p >= Math.Max(0, f.Length - 22 - 65535); p--)
            if (U32(f, p) == 0x06054b50) { eocd = p; break; }
        if (eocd < 0) throw Bad("no end-of-central-directory record (not a zip-format torch.save file; the legacy format is not supported)");
        long count = U16(f, eocd + 10);
        long cdSize = U32(f, eocd + 12), cdOffset = U32(f, eocd + 16);
        if (cdOffset == 0xFFFFFFFF || count == 0xFFFF)
        {
            long loc = eocd - 20;
            if (loc < 0 || U32(f, loc) != 0x07064b50) throw Bad("ZIP64 locator missing");
            long rec = U64(f, loc + 8);
            if (U32(f, rec) != 0x06064b50) throw Bad("ZIP64 end record missing");
            count = U64(f, rec + 32);
            cdSize = U64(f, rec + 40);
            cdOffset = U64(f, rec + 48);
        }
        f.Check(cdOffset, cdSize, "central directory");
        var entries = new Dictionary<string, Entry>(StringComparer.Ordinal);
        long q = cdOffset;
        for (long i = 0; i < count; i++)
        {
            if (U32(f, q) != 0x02014b50) throw Bad($"central directory entry {i} has a bad signature");
            int method = U16(f, q + 10);
            long compressed = U32(f, q + 20), size = U32(f, q + 24);
            int nameLen = U16(f, q + 28), extraLen = U16(f, q + 30), commentLen = U16(f, q + 32);
            long local = U32(f, q + 42);
            string name = Encoding.UTF8.GetString(f.Span(q + 46, nameLen, "entry name"));
            // ZIP64 extra field (id 1): the 0xFFFFFFFF fields, in order size, compressed, local offset.
            long e = q + 46 + nameLen, eEnd = e + extraLen;
            while (e + 4 <= eEnd)
            {
                int id = U16(f, e), len = U16(f, e + 2);
                if (id == 1)
                {
                    long r = e + 4;
                    if (size == 0xFFFFFFFF) { size = U64(f, r); r += 8; }
                    if (compressed == 0xFFFFFFFF) { compressed = U64(f, r); r += 8; }
                    if (local == 0xFFFFFFFF) local = U64(f, r);
                }
                e += 4 + len;
            }
            if (method != 0) throw Bad($"entry '{name}' is compressed (method {method}); torch.save stores entries");
            if (U32(f, local) != 0x04034b50) throw Bad($"entry '{name}' has a bad local header");
            long data = local + 30 + U16(f, local + 26) + U16(f, local + 28);
            f.Check(data, size, $"entry '{name}'");
            entries[name] = new Entry(name, data, size);
            q += 46 + nameLen + extraLen + commentLen;
        }
        return entries;
    }

    private static int U16(MappedCheckpointFile f, long p) => BinaryPrimitives.ReadUInt16LittleEndian(f.Span(p, 2, "zip record"));
    private static long U32(MappedCheckpointFile f, long p) => BinaryPrimitives.ReadUInt32LittleEndian(f.Span(p, 4, "zip record"));
    private static long U64(MappedCheckpointFile f, long p) => checked((long)BinaryPrimitives.ReadUInt64LittleEndian(f.Span(p, 8, "zip record")));
}
