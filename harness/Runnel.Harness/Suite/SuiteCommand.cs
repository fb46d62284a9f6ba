using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using Runnel.Harness.Results;
using Spectre.Console;

namespace Runnel.Harness.Suite;

/// <summary>
/// The <c>suite</c> command: every benchmark and scenario in one go (issue 7), each as a child process writing into
/// its own folder of one run directory, then a top-level summary.md. A part that fails is reported, the others still
/// run, and the suite exits 1 at the end.
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

    /// <summary>Runs the plan; returns 0 when every part succeeded, 1 otherwise.</summary>
    public static async Task<int> RunAsync(bool quick, string? outDirectory, CancellationToken cancellation)
    {
        TextWriter output = Console.Out;
        var stopwatch = Stopwatch.StartNew();
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

        var outcomes = new List<SuiteOutcome>();
        bool live = !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;
        for (int i = 0; i < plan.Count; i++)
        {
            SuitePart part = plan[i];
            if (part.SkippedBecause is { } reason)
            {
                outcomes.Add(new SuiteOutcome(part.Name, part.CommandLine, 0, 0, "", "", part.Name) { SkippedBecause = reason });
                output.WriteLine($"[{i + 1}/{plan.Count}] {part.Name}: skipped ({reason}); run it with: {part.CommandLine}");
                continue;
            }
            string folder = Path.Combine(run.Path, part.Name);
            Directory.CreateDirectory(folder);
            string header = string.Create(CultureInfo.InvariantCulture, $"[{i + 1}/{plan.Count}] {part.Name}");
            var partWatch = Stopwatch.StartNew();
            int exitCode;
            if (live)
            {
                exitCode = await AnsiConsole.Status().StartAsync(Markup.Escape(header), async status =>
                    await RunPartAsync(part, folder, repository, line => status.Status(Markup.Escape($"{header} ({partWatch.Elapsed.TotalSeconds:0} s): {Truncate(line, 90)}")), cancellation).ConfigureAwait(false)).ConfigureAwait(false);
            }
            else
            {
                output.WriteLine($"{header}: {part.CommandLine}");
                exitCode = await RunPartAsync(part, folder, repository, _ => { }, cancellation).ConfigureAwait(false);
            }
            var outcome = new SuiteOutcome(part.Name, part.CommandLine, exitCode, Math.Round(partWatch.Elapsed.TotalSeconds, 1),
                SuiteFigures.Checks(folder), SuiteFigures.KeyFigure(part.Name, folder), part.Name);
            outcomes.Add(outcome);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{header}: {(outcome.Succeeded ? "done" : $"FAILED (exit {exitCode}, see {part.Name}/console.txt)")} in {outcome.WallSeconds:0.0} s{(outcome.Checks.Length > 0 ? $", checks {outcome.Checks}" : "")}"));
        }

        SuiteReport.Write(run, quick, outcomes, stopwatch.Elapsed);
        output.WriteLine();
        if (live)
        {
            var table = new Table().AddColumns("part", "result", "wall s", "checks", "key figure");
            foreach (SuiteOutcome o in outcomes)
            {
                string result = o.SkippedBecause is not null ? "[grey]skipped[/]" : o.Succeeded ? "[green]ok[/]" : $"[red]exit {o.ExitCode}[/]";
                table.AddRow(Markup.Escape(o.Part), result, o.WallSeconds.ToString("0.0", CultureInfo.InvariantCulture), Markup.Escape(o.Checks), Markup.Escape(o.SkippedBecause ?? o.KeyFigure));
            }
            AnsiConsole.Write(table);
        }
        else
        {
            output.WriteLine(SuiteReport.Table(outcomes, run.Path));
        }
        int failed = outcomes.Count(o => !o.Succeeded), skipped = outcomes.Count(o => o.SkippedBecause is not null);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"suite: {outcomes.Count - failed - skipped} of {outcomes.Count} parts ran, {failed} failed, {skipped} skipped; {stopwatch.Elapsed.TotalMinutes:0.0} min of wall time; summary in {Path.Combine(run.Path, "summary.md")}"));
        return failed == 0 ? 0 : 1;
    }

    /// <summary>Runs one part, its output (stdout and stderr) into <c>console.txt</c> of its folder; returns the exit code.</summary>
    private static async Task<int> RunPartAsync(SuitePart part, string folder, string repository, Action<string> onLine, CancellationToken cancellation)
    {
        ProcessStartInfo start = part.Program == SuiteProgram.Benchmarks
            ? new ProcessStartInfo("dotnet", ["run", "-c", "Release", "--project", Path.Combine(repository, "harness", "Runnel.Benchmarks"), "--", .. part.Arguments])
            : HarnessStart(part.Arguments);
        start.WorkingDirectory = repository;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        await using var console = new StreamWriter(Path.Combine(folder, "console.txt")) { AutoFlush = true }; // tail -f works while it runs
        await console.WriteLineAsync($"$ {part.CommandLine}").ConfigureAwait(false);
        var gate = new Lock();
        using var process = new Process { StartInfo = start };
        void Receive(string? line)
        {
            if (line is null)
            {
                return;
            }
            lock (gate)
            {
                console.WriteLine(line);
                onLine(line);
            }
        }
        process.OutputDataReceived += (_, e) => Receive(e.Data);
        process.ErrorDataReceived += (_, e) => Receive(e.Data);
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            await console.WriteLineAsync($"could not start: {e.Message}").ConfigureAwait(false);
            return 127;
        }
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await process.WaitForExitAsync(cancellation).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        lock (gate)
        {
            console.WriteLine($"(exit code {process.ExitCode})");
        }
        return process.ExitCode;
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
