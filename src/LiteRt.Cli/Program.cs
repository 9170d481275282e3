using System.CommandLine;
using LiteRt.Cli.Commands;

namespace LiteRt.Cli;

/// <summary>The <c>litert</c> tool: a thin adapter over the compiler and runtime libraries.</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        var root = new RootCommand("litert — inspect, run and compile LiteRT (.tflite) models")
        {
            InspectCommand.Create(),
            RunCommand.Create(),
            OpsCommand.Create(),
            QuantizeCommand.Create(),
            BenchCommand.Create(),
            BenchLlmCommand.Create(),
            CompileCommand.Create(),
            ConvertCommand.Create(),
            GenerateCommand.Create(),
            BundleCommand.Create(),
        };
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var e in parse.Errors) Console.Error.WriteLine($"error: {e.Message}");
            Console.Error.WriteLine("Run 'litert --help' for usage.");
            return ExitCodes.Usage;
        }
        return parse.Invoke();
    }
}
