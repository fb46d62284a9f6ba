using System.CommandLine;
using Runnel.Harness.Scenarios;

namespace Runnel.Harness.Reliability;

/// <summary>The <c>soak</c> command: mixed load with limits on for a given time, resident memory flat, only throttling errors, everything read back in order (issue 9, item 7).</summary>
public static class SoakCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var json = new Option<string?>("--json") { Description = "also write the results as JSON to this file", HelpName = "FILE" };
        var minutes = new Option<double>("--minutes") { Description = "minutes of load", DefaultValueFactory = _ => 30 };
        var reshard = new Option<int?>("--reshard-seconds") { Description = "seconds between resharding operations (default: 30, or 60 from 10 minutes)" };
        var sample = new Option<int>("--sample-seconds") { Description = "seconds between resident-set samples", DefaultValueFactory = _ => 5 };
        var singles = new Option<int>("--puts-per-second") { Description = "PutRecord calls per second", DefaultValueFactory = _ => 100 };
        var batches = new Option<int>("--batches-per-second") { Description = "PutRecords calls (32 records) per second", DefaultValueFactory = _ => 5 };
        Option<Uri?> endpoint = EndpointOption.Create("a running server (default: start one in a child process)");
        var pid = new Option<int?>("--pid") { Description = "the process id of the --endpoint server (for its memory)" };
        var allowance = new Option<double>("--rss-allowance-per-shard-mib")
        {
            Description = "resident growth forgiven per shard created after warm-up (default 0, the strict check; every shard keeps a 1 MiB append ring)",
            DefaultValueFactory = _ => 0,
        };
        var command = new Command("soak", "Mixed load (puts, polling and fan-out reads, resharding) with limits on; checks memory, errors and read-back")
        {
            json, minutes, reshard, sample, singles, batches, endpoint, pid, allowance,
        };
        command.SetAction(async (parse, cancellation) =>
        {
            double m = parse.GetValue(minutes);
            var options = new SoakOptions(TimeSpan.FromMinutes(m), TimeSpan.FromSeconds(parse.GetValue(reshard) ?? (m >= 10 ? 60 : 30)),
                TimeSpan.FromSeconds(parse.GetValue(sample)), parse.GetValue(singles), parse.GetValue(batches), parse.GetValue(endpoint), parse.GetValue(pid),
                parse.GetValue(allowance));
            return await RunAsync(options, parse.GetValue(json), cancellation).ConfigureAwait(false);
        });
        return command;
    }

    /// <summary>Runs the soak, prints the summary, writes the JSON; returns 1 when a check failed.</summary>
    public static async Task<int> RunAsync(SoakOptions options, string? jsonPath, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        TextWriter output = Console.Out;
        SoakReport report = await new SoakRun(options, output).RunAsync(cancellationToken).ConfigureAwait(false);
        output.WriteLine();
        output.Write(report.ToSummary());
        output.WriteLine();
        if (jsonPath is not null)
        {
            ScenarioJson.Write(jsonPath, report);
            output.WriteLine($"JSON written to {Path.GetFullPath(jsonPath)}");
        }
        output.WriteLine(report.AllPassed ? "soak: all checks PASS" : "soak: some checks FAIL");
        output.WriteLine($"soak: {report.Checks.Count(c => c.Passed)} passed, {report.Checks.Count(c => !c.Passed)} failed");
        return report.AllPassed ? 0 : 1;
    }
}
