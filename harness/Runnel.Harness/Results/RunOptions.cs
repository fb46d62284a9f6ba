using System.CommandLine;

namespace Runnel.Harness.Results;

/// <summary>The <c>--out</c> option every scenario shares, and the line it prints when the run directory is written.</summary>
public static class RunOptions
{
    /// <summary>A new <c>--out DIR</c> option.</summary>
    public static Option<string?> Out() => new("--out")
    {
        Description = "the run directory to write (params.json, env.json, JSON, summary.md, charts/); default perf-results/runs/<yyyy-mm-dd>_<sha7>_<machine>-<scenario>/, machine from RUNNEL_MACHINE",
        HelpName = "DIR",
    };

    /// <summary>Prints where <paramref name="run"/> is, relative to the current directory when inside it.</summary>
    public static void Announce(TextWriter output, RunDirectory run)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(run);
        string relative = Path.GetRelativePath(Directory.GetCurrentDirectory(), run.Path);
        output.WriteLine($"Run directory: {(relative.StartsWith("..", StringComparison.Ordinal) ? run.Path : relative)} (summary.md, charts/)");
    }
}
