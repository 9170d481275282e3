using System.Security.Cryptography;

namespace LiteRt.Cli.Compile;

/// <summary>
/// Writes build outputs only when their bytes change, through a temporary file and a rename, so that an unchanged
/// model leaves timestamps alone (the compiler and IDE up-to-date checks stay quiet) and a crash never leaves half a file.
/// </summary>
internal static class OutputFiles
{
    /// <summary>Returns true when the file was (re)written.</summary>
    public static bool WriteIfChanged(string path, ReadOnlySpan<byte> bytes)
    {
        if (File.Exists(path) && new FileInfo(path).Length == bytes.Length && File.ReadAllBytes(path).AsSpan().SequenceEqual(bytes))
            return false;
        string temp = TempName(path);
        File.WriteAllBytes(temp, bytes.ToArray());
        File.Move(temp, path, overwrite: true);
        return true;
    }

    /// <summary>Copies <paramref name="source"/> to <paramref name="path"/> unless the two already hold the same bytes (streamed; any size).</summary>
    public static bool CopyIfChanged(string source, string path)
    {
        if (File.Exists(path) && SameBytes(source, path)) return false;
        string temp = TempName(path);
        File.Copy(source, temp, overwrite: true);
        File.Move(temp, path, overwrite: true);
        return true;
    }

    public static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    private static bool SameBytes(string a, string b)
    {
        using var fa = File.OpenRead(a);
        using var fb = File.OpenRead(b);
        if (fa.Length != fb.Length) return false;
        var ba = new byte[1 << 16];
        var bb = new byte[1 << 16];
        while (true)
        {
            int na = fa.ReadAtLeast(ba, ba.Length, throwOnEndOfStream: false);
            int nb = fb.ReadAtLeast(bb, bb.Length, throwOnEndOfStream: false);
            if (na != nb || !ba.AsSpan(0, na).SequenceEqual(bb.AsSpan(0, nb))) return false;
            if (na == 0) return true;
        }
    }

    private static string TempName(string path) => $"{path}.{Environment.ProcessId}.tmp";
}
