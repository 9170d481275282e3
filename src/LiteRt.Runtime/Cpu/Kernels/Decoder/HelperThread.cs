namespace LiteRt.Runtime.Cpu.Kernels.Decoder;

/// <summary>
/// One process-wide helper thread that runs the second half of a kernel's work while the calling thread runs the
/// first (opt-in: <see cref="RuntimeOptions.IntraOpThreads"/>). Work is a function pointer over a range of items and a
/// pointer to the caller's context, so handing it over allocates nothing. If the helper is busy (another model on
/// another thread), the caller does all the work itself.
/// </summary>
internal static unsafe class HelperThread
{
    private static readonly Lock StartGate = new();
    private static readonly ManualResetEventSlim Go = new(false, 2000);
    private static readonly ManualResetEventSlim Done = new(false, 2000);
    private static Thread? _thread;
    private static int _busy;
    private static delegate*<void*, int, int, void> _work;
    private static void* _context;
    private static int _from, _to;
    private static bool _failed;

    /// <summary>Runs <paramref name="work"/> over [0, count): [0, split) here and [split, count) on the helper.</summary>
    public static void Run(delegate*<void*, int, int, void> work, void* context, int count, int split)
    {
        if (split <= 0 || split >= count || Interlocked.CompareExchange(ref _busy, 1, 0) != 0)
        {
            work(context, 0, count);
            return;
        }
        try
        {
            EnsureStarted();
            _work = work;
            _context = context;
            _from = split;
            _to = count;
            _failed = false;
            Done.Reset();
            Go.Set();
            work(context, 0, split);
            Done.Wait();
            if (_failed) throw new InvalidOperationException("a kernel's helper-thread work failed");
        }
        finally
        {
            Volatile.Write(ref _busy, 0);
        }
    }

    private static void EnsureStarted()
    {
        if (_thread is not null) return;
        lock (StartGate)
        {
            if (_thread is not null) return;
            var t = new Thread(Loop) { IsBackground = true, Name = "LiteRt kernel helper" };
            t.Start();
            _thread = t;
        }
    }

    private static void Loop()
    {
        while (true)
        {
            Go.Wait();
            Go.Reset();
            try
            {
                _work(_context, _from, _to);
            }
            catch
            {
                _failed = true;
            }
            Done.Set();
        }
    }
}
