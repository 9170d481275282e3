using System.Runtime.InteropServices;

namespace LiteRt.Compiler.Import.HuggingFace;

/// <summary>
/// Drops a mapped range from the process's resident set once a tensor has been read (madvise MADV_DONTNEED on Linux):
/// the pages stay in the page cache, but a 3 GB checkpoint read through its mapping no longer counts 3 GB of RSS.
/// A no-op elsewhere; a later read simply faults the pages back in.
/// </summary>
internal static unsafe partial class PageRelease
{
    private const int MadvDontNeed = 4;
    private static bool _unavailable = !OperatingSystem.IsLinux();

    public static void DontNeed(byte* start, long length)
    {
        if (_unavailable || length <= 0) return;
        long page = Environment.SystemPageSize;
        // Only whole pages inside the range: neighbouring tensors sharing a page keep theirs.
        long begin = ((long)start + page - 1) & ~(page - 1), end = ((long)start + length) & ~(page - 1);
        if (end <= begin) return;
        try
        {
            _ = Madvise((nint)begin, (nuint)(end - begin), MadvDontNeed);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            _unavailable = true;
        }
    }

    [LibraryImport("libc", EntryPoint = "madvise")]
    private static partial int Madvise(nint address, nuint length, int advice);
}
