using System.CommandLine;

namespace Runnel.Cli;

/// <summary>The <c>runnel</c> tool: <c>runnel serve [options]</c>.</summary>
public static class Program
{
    /// <summary>Parses the command line and runs the command.</summary>
    public static Task<int> Main(string[] args)
    {
        var root = new RootCommand("Runnel: a local, Kinesis-compatible streaming engine")
        {
            ServeCommand.Create(),
            KeysCommand.Create(),
        };
        // serve handles SIGINT/SIGTERM itself and may need longer than System.CommandLine's 2-second grace to
        // finish the requests in flight, so its termination handling is off.
        return root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
    }
}
