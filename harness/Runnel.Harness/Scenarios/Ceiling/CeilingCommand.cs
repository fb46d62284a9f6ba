using System.CommandLine;
using System.Globalization;
using Runnel.Harness.Results;

namespace Runnel.Harness.Scenarios.Ceiling;

/// <summary>
/// The <c>ceiling</c> command (issue 7): the highest sustained PutRecords throughput with limits off, against shards,
/// record size and producers, embedded and over HTTP, with latency percentiles and what bounded each point.
/// </summary>
public static class CeilingCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var quick = new Option<bool>("--quick") { Description = "0.5 s warm-up + 1.5 s window per point (the default run is 1 s + 4 s): under about 2 minutes on 2 cores" };
        var mode = new Option<string>("--mode") { Description = "embedded, http or both", DefaultValueFactory = _ => "both" };
        mode.AcceptOnlyFromAmong("embedded", "http", "both");
        Option<Uri?> endpoint = EndpointOption.Create("load this running server in http mode instead of starting runnel serve --limits off");
        var shards = new Option<string?>("--shards") { Description = "shard sweep (default 1,16,256,1024)", HelpName = "LIST" };
        var sizes = new Option<string?>("--record-bytes") { Description = "record size sweep, data plus partition key (default 100,1024,16384,1048576)", HelpName = "LIST" };
        var producers = new Option<string?>("--producers") { Description = "producer sweep (default 1,4,16,64)", HelpName = "LIST" };
        var seconds = new Option<double?>("--seconds") { Description = "measured window per point (warm-up: a quarter of it, 0.2 to 1 s)", HelpName = "N" };
        var profile = new Option<bool>("--profile") { Description = "record an EventPipe trace (CPU samples, GC) of the engine's process into the run directory" };
        var verify = new Option<bool>("--verify") { Description = "after each point, read every record back and compare the count with the acks" };
        var json = new Option<string?>("--json") { Description = "also write the report as JSON to this file", HelpName = "FILE" };
        var output = new Option<string?>("--out") { Description = "run directory (default perf-results/runs/<date>_<commit>_<machine>-ceiling)", HelpName = "DIR" };
        var data = new Option<string?>("--data") { Description = "where the engine's data goes (default the temp directory, /tmp)", HelpName = "DIR" };
        var command = new Command("ceiling", "Throughput ceiling with limits off: shard, record-size and producer sweeps, embedded and over HTTP")
        {
            quick, mode, endpoint, shards, sizes, producers, seconds, profile, verify, json, output, data,
        };
        command.SetAction(async (parse, cancellation) =>
        {
            CeilingOptions options;
            try
            {
                (double warmup, double measure) = CeilingOptions.Durations(parse.GetValue(quick), parse.GetValue(seconds));
                options = new CeilingOptions(
                    ParseModes(parse.GetValue(mode) ?? "both"),
                    ParseList(parse.GetValue(shards), CeilingOptions.DefaultShards, "--shards"),
                    ParseList(parse.GetValue(sizes), CeilingOptions.DefaultRecordBytes, "--record-bytes"),
                    ParseList(parse.GetValue(producers), CeilingOptions.DefaultProducers, "--producers"),
                    warmup, measure, parse.GetValue(endpoint), parse.GetValue(profile), parse.GetValue(verify), parse.GetValue(data));
                options.Validate();
            }
            catch (ArgumentException e)
            {
                await Console.Error.WriteLineAsync("ceiling: " + e.Message).ConfigureAwait(false);
                return HarnessExitCode.Usage;
            }
            return await RunAsync(options, string.Join(' ', parse.Tokens.Select(t => t.Value)), parse.GetValue(output), parse.GetValue(json), cancellation).ConfigureAwait(false);
        });
        return command;
    }

    /// <summary>Runs, prints the tables, and writes the run directory (and <paramref name="jsonPath"/>); <see cref="HarnessExitCode.ChecksFailed"/> when a point is not clean.</summary>
    public static async Task<int> RunAsync(CeilingOptions options, string arguments, string? outDirectory, string? jsonPath, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        string directory = outDirectory ?? DefaultRunDirectory();
        Directory.CreateDirectory(directory);
        Console.Out.WriteLine($"ceiling: run directory {Path.GetFullPath(directory)}");
        CeilingReport report = await ScenarioProgress.RunAsync(
            string.Create(CultureInfo.InvariantCulture, $"ceiling: {CeilingPlan.Build(options).Points.Count} points, {options.WarmupSeconds:0.#} s warm-up + {options.MeasureSeconds:0.#} s each"),
            p => new CeilingRun(options, "ceiling " + arguments, directory, p).RunAsync(p, cancellationToken)).ConfigureAwait(false);
        string markdown = CeilingMarkdown.Render(report);
        Console.Out.WriteLine();
        Console.Out.Write(markdown);
        ScenarioJson.Write(Path.Combine(directory, "parameters.json"), report.Parameters);
        ScenarioJson.Write(Path.Combine(directory, "machine.json"), report.Machine);
        ScenarioJson.Write(Path.Combine(directory, "ceiling.json"), report);
        await File.WriteAllTextAsync(Path.Combine(directory, "summary.md"), markdown, cancellationToken).ConfigureAwait(false);
        if (jsonPath is not null)
        {
            ScenarioJson.Write(jsonPath, report);
            Console.Out.WriteLine($"JSON written to {Path.GetFullPath(jsonPath)}");
        }
        Console.Out.WriteLine($"ceiling: results in {Path.GetFullPath(directory)} (summary.md, ceiling.json, parameters.json, machine.json)");
        return report.Points.All(p => p.Clean) ? HarnessExitCode.Ok : HarnessExitCode.ChecksFailed;
    }

    /// <summary>perf-results/runs/&lt;yyyy-mm-dd&gt;_&lt;commit&gt;_&lt;machine&gt;-ceiling under the repository (or the current directory).</summary>
    public static string DefaultRunDirectory()
    {
        string root = RepositoryRoot() ?? Environment.CurrentDirectory;
        string commit = CeilingMachine.GitCommitOf(root).Replace("-dirty", "", StringComparison.Ordinal);
        string name = string.Create(CultureInfo.InvariantCulture, $"{DateTime.UtcNow:yyyy-MM-dd}_{commit}_{RunEnvironment.CurrentMachineName()}-ceiling");
        return Path.Combine(root, "perf-results", "runs", name);
    }

    /// <summary>Parses <c>1,16,256</c>; <paramref name="defaults"/> when <paramref name="text"/> is null.</summary>
    /// <exception cref="ArgumentException">Not a list of integers.</exception>
    public static IReadOnlyList<int> ParseList(string? text, IReadOnlyList<int> defaults, string flag)
    {
        if (text is null)
        {
            return defaults;
        }
        var values = new List<int>();
        foreach (string part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out int value))
            {
                throw new ArgumentException($"{flag}: '{part}' is not a whole number");
            }
            values.Add(value);
        }
        return values;
    }

    private static IReadOnlyList<CeilingMode> ParseModes(string text) => text switch
    {
        "embedded" => [CeilingMode.Embedded],
        "http" => [CeilingMode.Http],
        _ => [CeilingMode.Embedded, CeilingMode.Http],
    };

    private static string? RepositoryRoot()
    {
        foreach (string start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (DirectoryInfo? d = new(start); d is not null; d = d.Parent)
            {
                if (File.Exists(Path.Combine(d.FullName, "Engine.sln")))
                {
                    return d.FullName;
                }
            }
        }
        return null;
    }
}
