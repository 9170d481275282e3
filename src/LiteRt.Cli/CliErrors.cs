using LiteRt.Format;
using LiteRt.Graph;

namespace LiteRt.Cli;

/// <summary>Turns the libraries' exceptions into one-line messages and exit codes; never a stack trace for bad input.</summary>
internal static class CliErrors
{
    public static int Run(Func<int> action)
    {
        try
        {
            return action();
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return ExitCodes.Usage;
        }
        catch (LiteRtFormatException e)
        {
            Console.Error.WriteLine($"error: invalid model file: {e.Message}");
            return ExitCodes.ModelError;
        }
        catch (LiteRtModelException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return ExitCodes.ModelError;
        }
        catch (LiteRt.Lm.Bundle.LlmBundleException e)
        {
            Console.Error.WriteLine($"error: invalid .litertlm file: {e.Message}");
            return ExitCodes.ModelError;
        }
        catch (LiteRt.Lm.Engine.ContextOverflowException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return ExitCodes.ModelError;
        }
        catch (InvalidDataException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return ExitCodes.ModelError;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return ExitCodes.IoError;
        }
    }
}

/// <summary>A command-line mistake detected after parsing (e.g. an input name the model does not have).</summary>
internal sealed class UsageException(string message) : Exception(message);
