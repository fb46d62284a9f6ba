using System.CommandLine;
using System.Globalization;
using Runnel.Storage.IoUring;

namespace Runnel.Harness.CompareLog;

/// <summary>The <c>compare-log</c> command line: options, parsing, and the run.</summary>
public static class CompareLogCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var quick = new Option<bool>("--quick") { Description = "about 8 s per engine per case (under 3 minutes in all) instead of about 30 s" };
        var json = new Option<string?>("--json") { Description = "also write the results as JSON to this file", HelpName = "FILE" };
        var dir = new Option<string>("--dir")
        {
            Description = "data path; a temporary directory is made under it and deleted at the end",
            DefaultValueFactory = _ => CompareLogOptions.DefaultDataPath,
            HelpName = "PATH",
        };
        var device = new Option<string>("--device") { Description = "Runnel's device", DefaultValueFactory = _ => "auto" };
        device.AcceptOnlyFromAmong("auto", "iouring", "portable");
        var direct = new Option<bool>("--direct") { Description = "Runnel's io_uring device opens files with O_DIRECT" };
        var chart = new Option<string?>("--chart") { Description = "also draw the results as a chart (.svg or .png): Runnel / FasterLog and Runnel / fio per case, with the targets", HelpName = "FILE" };
        var ringChains = new Option<bool>("--ring-chains") { Description = "Runnel's io_uring device submits each file's write + fdatasync chains to the ring (default: the same calls as syscalls on the committing thread, faster here; ADR 0006)" };
        var ringMb = new Option<int>("--ring-mb") { Description = $"Runnel's append ring in MiB, 1 to 64 (FasterLog's in-memory log is 64 MiB; the server's ring is 1 MiB per shard)", DefaultValueFactory = _ => CompareLogOptions.DefaultRingMegabytes, HelpName = "MIB" };
        ringMb.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > 64)
            {
                result.AddError("--ring-mb must be 1 to 64.");
            }
        });
        var duration = new Option<double?>("--duration") { Description = "seconds per engine per case (overrides --quick's and the full run's)", HelpName = "SECONDS" };
        var rounds = new Option<int>("--rounds") { Description = "interleaved Runnel/FasterLog rounds per case; the median is reported", DefaultValueFactory = _ => 1 };
        var cases = new Option<string[]>("--case") { Description = "run only these cases (repeatable): " + string.Join(", ", CaseNames.All), AllowMultipleArgumentsPerToken = true };
        cases.AcceptOnlyFromAmong([.. CaseNames.All]);
        var deadline = new Option<double?>("--deadline") { Description = "seconds one engine's round may take before its case fails as stuck (default: 3 x the duration, at least 60)", HelpName = "SECONDS" };
        var producerBatch = new Option<int>("--producer-batch")
        {
            Description = "records per producer batch in the group cases, the same for both engines (Runnel: AppendBatch, FasterLog: IReadOnlySpanBatch); 1 = record by record",
            DefaultValueFactory = _ => 1,
            HelpName = "N",
        };
        var skipFio = new Option<bool>("--skip-fio") { Description = "do not run fio (development only: the disk targets show N/A)" };

        var command = new Command("compare-log", "Runnel's ShardLog against FasterLog 2.6.5 and against fio on the same disk (issue 3, item 5)")
        {
            quick, json, chart, dir, device, direct, ringChains, ringMb, duration, rounds, cases, deadline, producerBatch, skipFio,
        };
        command.SetAction(async (parse, cancellation) =>
        {
            bool isQuick = parse.GetValue(quick);
            string[] selected = parse.GetValue(cases) ?? [];
            var options = new CompareLogOptions
            {
                Quick = isQuick,
                JsonPath = parse.GetValue(json),
                ChartPath = parse.GetValue(chart),
                DataPath = parse.GetValue(dir) ?? CompareLogOptions.DefaultDataPath,
                Device = parse.GetValue(device) switch
                {
                    "iouring" => DeviceKind.IoUring,
                    "portable" => DeviceKind.Portable,
                    _ => DeviceKind.Auto,
                },
                Direct = parse.GetValue(direct),
                ChainsOnRing = parse.GetValue(ringChains),
                RingMegabytes = parse.GetValue(ringMb),
                Duration = TimeSpan.FromSeconds(parse.GetValue(duration) ?? (isQuick ? 8 : 30)),
                Rounds = Math.Max(1, parse.GetValue(rounds)),
                Cases = selected.Length == 0 ? CaseNames.All : selected,
                Deadline = parse.GetValue(deadline) is double d ? TimeSpan.FromSeconds(d) : null,
                ProducerBatch = Math.Clamp(parse.GetValue(producerBatch), 1, 4096),
                SkipFio = parse.GetValue(skipFio),
            };
            return await RunAsync(options).ConfigureAwait(false);
        });
        return command;
    }

    /// <summary>
    /// Runs compare-log with <paramref name="options"/>, prints the table, writes the JSON; returns the exit code:
    /// <see cref="HarnessExitCode.Error"/> when a case did not finish (an engine round passed its deadline),
    /// <see cref="HarnessExitCode.ChecksFailed"/> when a target was measured and missed, else <see cref="HarnessExitCode.Ok"/>.
    /// </summary>
    public static async Task<int> RunAsync(CompareLogOptions options)
    {
        TextWriter output = Console.Out;
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        CompareLogReport report = await new CompareLogRun(options, output).RunAsync().ConfigureAwait(false);
        output.WriteLine();
        output.Write(report.ToTable());
        if (options.JsonPath is not null)
        {
            report.WriteJson(options.JsonPath);
            output.WriteLine($"JSON written to {Path.GetFullPath(options.JsonPath)}");
        }
        if (options.ChartPath is not null)
        {
            output.WriteLine($"chart written to {Path.GetFullPath(report.WriteChart(options.ChartPath))}");
        }
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"compare-log took {stopwatch.Elapsed.TotalSeconds:0} s"));
        // A case that could not finish is an error; a missed target is a measurement, reported after everything is written.
        return report.Cases.Any(c => c.Error is not null) ? HarnessExitCode.Error
            : report.Cases.Any(c => c.Targets.Any(t => t.Passed == false)) ? HarnessExitCode.ChecksFailed
            : HarnessExitCode.Ok;
    }
}
