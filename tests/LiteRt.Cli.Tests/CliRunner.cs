using LiteRt.Cli;

[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace LiteRt.Cli.Tests;

/// <summary>Runs <c>litert</c> in-process and captures what it prints (tests here run one at a time).</summary>
internal static class CliRunner
{
    private static readonly Lock Gate = new();

    public static (int Exit, string Out, string Err) Run(params string[] args)
    {
        lock (Gate)
        {
            var (oldOut, oldErr) = (Console.Out, Console.Error);
            var (o, e) = (new StringWriter(), new StringWriter());
            Console.SetOut(o);
            Console.SetError(e);
            try
            {
                int exit = Program.Main(args);
                return (exit, o.ToString(), e.ToString());
            }
            finally
            {
                Console.SetOut(oldOut);
                Console.SetError(oldErr);
            }
        }
    }
}
