using System.CommandLine;
using LiteRt.Format.Schema;
using LiteRt.Graph.Catalog;
using LiteRt.Runtime.Cpu;

namespace LiteRt.Cli.Commands;

/// <summary><c>litert ops</c>: the op catalog — inputs, attributes, semantics and the CPU kernels of every op.</summary>
internal static class OpsCommand
{
    public static Command Create()
    {
        var filter = new Argument<string?>("op") { Description = "Show only ops whose name contains this", Arity = ArgumentArity.ZeroOrOne };
        var cmd = new Command("ops", "List the supported ops with their inputs, attributes, semantics and CPU kernels") { filter };
        cmd.SetAction(parse => CliErrors.Run(() =>
        {
            string? f = parse.GetValue(filter);
            var defs = OpCatalog.All.Where(d => f is null || d.Name.Contains(f, StringComparison.OrdinalIgnoreCase)).ToList();
            if (defs.Count == 0) throw new UsageException($"no op matches '{f}'");
            foreach (var d in defs)
            {
                Console.WriteLine($"{d.Name}({string.Join(", ", d.Inputs)}) -> ({string.Join(", ", d.Outputs)})");
                if (d.OptionsType != BuiltinOptionsType.None)
                {
                    var fields = OptionsSchema.Get(d.OptionsType).Fields.Select(x => x.Name);
                    Console.WriteLine($"    attributes: {d.OptionsType} {{{string.Join(", ", fields)}}}");
                }
                Console.WriteLine($"    {d.Summary}");
                Console.WriteLine($"    cpu kernels: {string.Join(", ", CpuKernelRegistry.For(d.Op).Select(k => k.Id))}");
            }
            return ExitCodes.Ok;
        }));
        return cmd;
    }
}
