using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using Runnel.Harness.Results;
using Spectre.Console;

namespace Runnel.Harness.Suite;

/// <summary>
/// The <c>suite</c> command: every benchmark and scenario in one go (issue 7), each as a child process writing into
/// its own folder of one run directory, then a top-level summary.md. Each part runs under a wall-time limit (its
/// budget, and in quick mode what is left of the suite's deadline); a part that fails, times out or misses its
/// targets is reported as such and the others still run (see <see cref="ExitCode"/>).
/// </summary>
public static class SuiteCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var quick = new Option<bool>("--quick") { Description = "each part's quick settings: the whole suite in under 10 minutes on 2 cores" };
        Option<string?> outDirectory = RunOptions.Out();
        var command = new Command("suite", "Runs every suite: BenchmarkDotNet micro-benchmarks, compare-log, compare-peers and ceiling (when present), and each capacity scenario; one run directory with a summary")
        {
            quick, outDirectory,
        };
        command.SetAction(async (parse, cancellation) => await RunAsync(parse.GetValue(quick), parse.GetValue(outDirectory), cancellation).ConfigureAwait(false));
        return command;
    }

    /// <summary>Runs the plan; returns <see cref="ExitCode"/> of the outcomes.</summary>
    public static async Task<int> RunAsync(bool quick, string? outDirectory, CancellationToken cancellation)
    {
        TextWriter output = Console.Out;
        var stopwatch = Stopwatch.StartNew();
        // The deadline counts from the command's start: dotnet run's build of the harness comes first (SuiteClock).
        TimeSpan beforeSuite = DateTime.UtcNow - SuiteClock.CommandStartUtc();
        beforeSuite = beforeSuite > TimeSpan.Zero ? beforeSuite : TimeSpan.Zero;
        RunDirectory run = RunDirectory.Create(quick ? "suite-quick" : "suite", outDirectory, new Dictionary<string, object?> { ["quick"] = quick });
        string repository = RunEnvironment.FindRepository(Directory.GetCurrentDirectory()) ?? RunEnvironment.FindRepository(AppContext.BaseDirectory)
            ?? throw new InvalidOperationException("suite runs the benchmarks project from the repository: run it inside a checkout.");
        var available = new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal);
        foreach (string optional in SuitePlan.OptionalCommands)
        {
            if (await ProbeAsync(optional, repository, cancellation).ConfigureAwait(false) is { } options)
            {
                available[optional] = options;
            }
        }
        IReadOnlyList<SuitePart> plan = SuitePlan.Create(quick, run.Path, available);
        RunOptions.Announce(output, run);
        var missing = SuitePlan.OptionalCommands.Except(available.Keys).ToList();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"suite{(quick ? " --quick" : "")}: {plan.Count} parts: {string.Join(", ", plan.Select(p => p.Name))}{(missing.Count > 0 ? $" (not in this harness: {string.Join(", ", missing)})" : "")}"));

        if (SuitePlan.Deadline(quick) is { } d)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"suite: deadline {d.TotalMinutes:0.#} min from the command's start ({beforeSuite.TotalSeconds:0} s ago: dotnet run's build); each part also has its own limit"));
        }
        var outcomes = new List<SuiteOutcome>();
        bool live = !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;
        TimeSpan? deadline = SuitePlan.Deadline(quick);
        for (int i = 0; i < plan.Count; i++)
        {
            SuitePart part = plan[i];
            string header = string.Create(CultureInfo.InvariantCulture, $"[{i + 1}/{plan.Count}] {part.Name}");
            TimeSpan limit = Limit(part.Budget, deadline, beforeSuite + stopwatch.Elapsed);
            string? skipped = part.SkippedBecause ?? (limit < MinimumLimit
                ? string.Create(CultureInfo.InvariantCulture, $"the suite's {deadline!.Value.TotalMinutes:0.#}-minute deadline was reached")
                : null);
            if (skipped is not null)
            {
                outcomes.Add(new SuiteOutcome(part.Name, part.CommandLine, SuiteStatus.Skipped, 0, 0, 0, "", "", part.Name) { SkippedBecause = skipped });
                output.WriteLine($"{header}: skipped ({skipped}); run it with: {part.CommandLine}");
                continue;
            }
            string folder = Path.Combine(run.Path, part.Name);
            Directory.CreateDirectory(folder);
            var partWatch = Stopwatch.StartNew();
            SuiteProcessResult result;
            if (live)
            {
                result = await AnsiConsole.Status().StartAsync(Markup.Escape(header), async status =>
                    await RunPartAsync(part, folder, repository, limit, line => status.Status(Markup.Escape($"{header} ({partWatch.Elapsed.TotalSeconds:0} of {limit.TotalSeconds:0} s): {Truncate(line, 90)}")), cancellation).ConfigureAwait(false)).ConfigureAwait(false);
            }
            else
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{header} (limit {limit.TotalSeconds:0} s): {part.CommandLine}"));
                result = await RunPartAsync(part, folder, repository, limit, _ => { }, cancellation).ConfigureAwait(false);
            }
            SuiteCheckTally checks = SuiteFigures.Checks(folder);
            var outcome = new SuiteOutcome(part.Name, part.CommandLine, SuiteOutcome.Classify(result, checks), result.ExitCode,
                Math.Round(partWatch.Elapsed.TotalSeconds, 1), Math.Round(limit.TotalSeconds), checks.ToString(), SuiteFigures.KeyFigure(part.Name, folder), part.Name);
            outcomes.Add(outcome);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{header}: {outcome.Result}{(outcome.Status is SuiteStatus.Ok or SuiteStatus.TargetsNotMet ? "" : $", see {part.Name}/console.txt")} in {outcome.WallSeconds:0.0} s{(outcome.Checks.Length > 0 ? $", checks {outcome.Checks}" : "")}"));
        }

        SuiteReport.Write(run, quick, outcomes, stopwatch.Elapsed, beforeSuite);
        output.WriteLine();
        if (live)
        {
            var table = new Table().AddColumns("part", "result", "wall s", "checks", "key figure");
            foreach (SuiteOutcome o in outcomes)
            {
                string colour = o.Status switch
                {
                    SuiteStatus.Ok => "green",
                    SuiteStatus.TargetsNotMet => "yellow",
                    SuiteStatus.Skipped => "grey",
                    _ => "red",
                };
                table.AddRow(Markup.Escape(o.Part), $"[{colour}]{Markup.Escape(o.Result)}[/]", o.WallSeconds.ToString("0.0", CultureInfo.InvariantCulture), Markup.Escape(o.Checks), Markup.Escape(o.SkippedBecause ?? o.KeyFigure));
            }
            AnsiConsole.Write(table);
        }
        else
        {
            output.WriteLine(SuiteReport.Table(outcomes, run.Path));
        }
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"suite: {SuiteReport.Tally(outcomes)}; {stopwatch.Elapsed.TotalMinutes:0.0} min of wall time ({(beforeSuite + stopwatch.Elapsed).TotalMinutes:0.0} with what ran before it, {beforeSuite.TotalSeconds:0} s); summary in {Path.Combine(run.Path, "summary.md")}"));
        return ExitCode(outcomes);
    }

    /// <summary>The shortest limit worth starting a part with; below it the part is skipped.</summary>
    public static TimeSpan MinimumLimit { get; } = TimeSpan.FromSeconds(10);

    /// <summary>A part's wall-time limit: its budget, cut to what is left before the suite's deadline (if it has one).</summary>
    public static TimeSpan Limit(TimeSpan budget, TimeSpan? deadline, TimeSpan elapsed)
        => deadline is { } d && d - elapsed < budget ? (d - elapsed > TimeSpan.Zero ? d - elapsed : TimeSpan.Zero) : budget;

    /// <summary>
    /// The suite's exit code: <see cref="HarnessExitCode.Error"/> when a part failed or timed out,
    /// <see cref="HarnessExitCode.ChecksFailed"/> when every part ran but some did not meet their targets, else 0.
    /// </summary>
    public static int ExitCode(IReadOnlyList<SuiteOutcome> outcomes)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        return outcomes.Any(o => o.Status is SuiteStatus.Failed or SuiteStatus.TimedOut) ? HarnessExitCode.Error
            : outcomes.Any(o => o.Status == SuiteStatus.TargetsNotMet) ? HarnessExitCode.ChecksFailed
            : HarnessExitCode.Ok;
    }

    /// <summary>Runs one part under <paramref name="limit"/>, its output (stdout and stderr) into <c>console.txt</c> of its folder.</summary>
    private static Task<SuiteProcessResult> RunPartAsync(SuitePart part, string folder, string repository, TimeSpan limit, Action<string> onLine, CancellationToken cancellation)
    {
        ProcessStartInfo start = part.Program switch
        {
            SuiteProgram.Benchmarks => new ProcessStartInfo("dotnet", ["run", "-c", "Release", "--project", Path.Combine(repository, "harness", "Runnel.Benchmarks"), "--", .. part.Arguments]),
            SuiteProgram.Build => new ProcessStartInfo("dotnet", ["build", "-c", "Release", .. part.Arguments]),
            _ => HarnessStart(part.Arguments),
        };
        start.WorkingDirectory = repository;
        return SuiteProcess.RunAsync(start, Path.Combine(folder, "console.txt"), part.CommandLine, limit, onLine, cancellation);
    }

    /// <summary>Whether this harness has <paramref name="command"/>, and the options its --help lists; null when it does not.</summary>
    private static async Task<IReadOnlySet<string>?> ProbeAsync(string command, string repository, CancellationToken cancellation)
    {
        ProcessStartInfo start = HarnessStart([command, "--help"]);
        start.WorkingDirectory = repository;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        using Process process = Process.Start(start)!;
        Task<string> error = process.StandardError.ReadToEndAsync(cancellation);
        string help = await process.StandardOutput.ReadToEndAsync(cancellation).ConfigureAwait(false);
        await error.ConfigureAwait(false);
        await process.WaitForExitAsync(cancellation).ConfigureAwait(false);
        // An unknown subcommand with --help prints the root's help and exits 0: the command's own usage line tells them apart.
        if (process.ExitCode != 0 || !help.Contains($" {command} [options]", StringComparison.Ordinal))
        {
            return null;
        }
        return help.Split((char[])[' ', '\n', '\r', '\t', ','], StringSplitOptions.RemoveEmptyEntries).Where(w => w.StartsWith("--", StringComparison.Ordinal)).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>This harness as a child: its apphost, or <c>dotnet Runnel.Harness.dll</c> when it runs under the dotnet host.</summary>
    private static ProcessStartInfo HarnessStart(IEnumerable<string> arguments)
    {
        string host = Environment.ProcessPath ?? "dotnet";
        bool underDotnet = Path.GetFileNameWithoutExtension(host).Equals("dotnet", StringComparison.OrdinalIgnoreCase);
        string assembly = Assembly.GetEntryAssembly()?.Location ?? typeof(SuiteCommand).Assembly.Location;
        return underDotnet ? new ProcessStartInfo(host, [assembly, .. arguments]) : new ProcessStartInfo(host, arguments);
    }

    private static string Truncate(string line, int length) => line.Length <= length ? line : line[..length] + "...";
}
