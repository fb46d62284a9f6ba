using System.CommandLine;
using Runnel.Harness.Scenarios;

namespace Runnel.Harness.Reliability;

/// <summary>The <c>hostile</c> command: slowloris, oversized and malformed clients against a server while a normal client puts records (issue 9, item 6).</summary>
public static class HostileCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var json = new Option<string?>("--json") { Description = "also write the results as JSON to this file", HelpName = "FILE" };
        var baseline = new Option<int>("--baseline-seconds") { Description = "how long the normal client runs alone", DefaultValueFactory = _ => 20 };
        var attack = new Option<int>("--attack-seconds") { Description = "how long the attacks run", DefaultValueFactory = _ => 60 };
        var slowloris = new Option<int>("--slowloris") { Description = "slowloris connections open at once", DefaultValueFactory = _ => 500 };
        var rate = new Option<int>("--puts-per-second") { Description = "the normal client's pace", DefaultValueFactory = _ => 100 };
        var timeout = new Option<int>("--headers-timeout") { Description = "the server's RequestHeadersTimeout in seconds (keep-alive is twice it, the data-rate grace half)", DefaultValueFactory = _ => 5 };
        var command = new Command("hostile", "500 slowloris connections, huge Content-Length, 40 KB headers, malformed HTTP/2 and half-open connections against a server while a normal client puts records")
        {
            json, baseline, attack, slowloris, rate, timeout,
        };
        command.SetAction(async (parse, cancellation) =>
        {
            var options = new HostileOptions(parse.GetValue(baseline), parse.GetValue(attack), parse.GetValue(slowloris), parse.GetValue(rate),
                HostileOptions.RunLimits(parse.GetValue(timeout)));
            return await RunAsync(options, parse.GetValue(json), cancellation).ConfigureAwait(false);
        });
        return command;
    }

    /// <summary>Runs the scenario, prints the table, writes the JSON; returns 1 when a check failed.</summary>
    public static async Task<int> RunAsync(HostileOptions options, string? jsonPath, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        TextWriter output = Console.Out;
        HostileReport report = await new HostileRun(options, output).RunAsync(cancellationToken).ConfigureAwait(false);
        output.WriteLine();
        output.Write(report.ToTable());
        output.WriteLine();
        if (jsonPath is not null)
        {
            ScenarioJson.Write(jsonPath, report);
            output.WriteLine($"JSON written to {Path.GetFullPath(jsonPath)}");
        }
        output.WriteLine(report.AllPassed ? "hostile: all checks PASS" : "hostile: some checks FAIL");
        output.WriteLine($"hostile: {report.Checks.Count(c => c.Passed)} passed, {report.Checks.Count(c => !c.Passed)} failed");
        return report.AllPassed ? 0 : 1;
    }
}
