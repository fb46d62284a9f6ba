namespace Runnel.Harness;

/// <summary>
/// The harness commands' exit codes, which <c>suite</c> reads to tell a part whose targets were not met from one that
/// crashed. A command that measures against targets exits <see cref="ChecksFailed"/> when it ran to the end, wrote
/// its report and some check failed.
/// </summary>
public static class HarnessExitCode
{
    /// <summary>Ran to the end; every check passed (or it has none).</summary>
    public const int Ok = 0;

    /// <summary>An error: System.CommandLine's code for an unhandled exception or an unparsable command line.</summary>
    public const int Error = 1;

    /// <summary>Arguments the command refused (a bad list, a bad pricing file), before anything ran.</summary>
    public const int Usage = 2;

    /// <summary>Ran to the end and wrote its report, but some check or target failed.</summary>
    public const int ChecksFailed = 3;
}
