namespace LiteRt.Cli;

/// <summary>Process exit codes; scripts can tell a bad command line from a bad model.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    /// <summary>The model or an input file is invalid or unsupported, or running it failed.</summary>
    public const int ModelError = 1;
    /// <summary>The command line is wrong (unknown option, missing argument, bad value).</summary>
    public const int Usage = 2;
    /// <summary>A file could not be read or written.</summary>
    public const int IoError = 3;
}
