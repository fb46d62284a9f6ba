using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Runnel.Harness.Scenarios;

namespace Runnel.Harness.Reliability;

/// <summary>
/// The <c>crash-loop</c> command (issue 9, item 1): the real <c>runnel serve</c> process, killed with SIGKILL at a
/// seeded random moment while clients put records and a control client creates, reshards and deletes streams; after
/// each restart on the same data directory everything acknowledged is read back and checked.
/// </summary>
public static class CrashLoopCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var iterations = new Option<int>("--iterations") { Description = "kill/restart/verify iterations", DefaultValueFactory = _ => 200, HelpName = "N" };
        var seed = new Option<int?>("--seed") { Description = "the run's seed (default: random, printed)", HelpName = "S" };
        var json = new Option<string?>("--json") { Description = "also write the results as JSON to this file", HelpName = "FILE" };
        var clients = new Option<int>("--clients") { Description = "concurrent putting clients", DefaultValueFactory = _ => 4 };
        var roll = new Option<int>("--roll") { Description = "start a fresh data directory every N iterations (keeps verification short)", DefaultValueFactory = _ => 20, HelpName = "N" };
        var recoveryKillMax = new Option<int>("--recovery-kill-max-ms") { Description = "one restart in four is killed at a random 0..MS after it starts", DefaultValueFactory = _ => 1500, HelpName = "MS" };
        var killMax = new Option<int>("--kill-max-ms") { Description = "SIGKILL at a random 0..MS after the first acknowledged put", DefaultValueFactory = _ => 300, HelpName = "MS" };
        var serverDll = new Option<string?>("--server-dll") { Description = "the CLI's runnel.dll (default: engine/Runnel.Cli/bin/Release/net10.0/runnel.dll)", HelpName = "FILE" };
        var device = new Option<string>("--device") { Description = "the server's --device", DefaultValueFactory = _ => "auto", HelpName = "auto|iouring|portable" };
        device.AcceptOnlyFromAmong("auto", "iouring", "portable");
        var work = new Option<string?>("--work-dir") { Description = "where data directories and server logs go (default: a new temp directory, removed on success)", HelpName = "DIR" };
        var command = new Command("crash-loop", "SIGKILL the real server during acknowledged puts and stream changes, restart it, verify everything acknowledged")
        {
            iterations, seed, json, clients, roll, killMax, recoveryKillMax, serverDll, device, work,
        };
        command.SetAction(async (parse, _) => await RunAsync(new CrashLoopOptions(
            parse.GetValue(iterations), parse.GetValue(seed) ?? Random.Shared.Next(), parse.GetValue(clients), Math.Max(1, parse.GetValue(roll)),
            parse.GetValue(killMax), parse.GetValue(recoveryKillMax), parse.GetValue(serverDll), parse.GetValue(device)!, parse.GetValue(work)), parse.GetValue(json)).ConfigureAwait(false));
        return command;
    }

    /// <summary>Runs the loop; 0 when every iteration passed, 1 on the first failed check (printed with seed and iteration).</summary>
    public static async Task<int> RunAsync(CrashLoopOptions options, string? jsonPath)
    {
        TextWriter output = Console.Out;
        string dll = CrashLoopServer.FindServerDll(options.ServerDll);
        string workDirectory = options.WorkDirectory ?? Path.Combine(Path.GetTempPath(), $"runnel-crash-loop-{options.Seed}-{Environment.ProcessId}");
        Directory.CreateDirectory(workDirectory);
        string logPath = Path.Combine(workDirectory, "server.log");
        output.WriteLine($"crash-loop: seed {options.Seed}, {options.Iterations} iterations, {options.Clients} clients, fresh data directory every {options.Roll}, kill 0-{options.KillMaxMs} ms after the first ack, device {options.Device}");
        output.WriteLine($"crash-loop: server {dll}; work directory {workDirectory}");
        var stats = new CrashLoopStats();
        var stopwatch = Stopwatch.StartNew();
        var restartTimes = new List<double>();
        TimeSpan loadTime = TimeSpan.Zero, verifyTime = TimeSpan.Zero;
        long recordsVerified = 0;
        long recordsRead = 0;
        int passed = 0;
        int recoveryKills = 0, recoveryKillsBeforeListening = 0;
        string? failure = null;
        string[] serverArguments = ["--limits", "off", "--create-stream-ms", "0", "--delete-stream-ms", "300", "--update-stream-ms", "0", "--device", options.Device, "--log-level", "warning"];
        var timeout = TimeSpan.FromSeconds(60);

        CrashLoopServer? server = null;
        CrashLoopClient? client = null;
        CrashLoopModel model = new();
        string dataDirectory = "";
        try
        {
            for (int iteration = 0; iteration < options.Iterations && failure is null; iteration++)
            {
                var random = new Random(HashCode.Combine(options.Seed, iteration));
                if (iteration % options.Roll == 0)
                {
                    // A fresh data directory, and a server started on it that has not crashed yet.
                    client?.Dispose();
                    server?.Dispose();
                    if (dataDirectory.Length > 0)
                    {
                        Directory.Delete(dataDirectory, recursive: true);
                    }
                    dataDirectory = Path.Combine(workDirectory, $"data-{iteration:D5}");
                    model = new CrashLoopModel();
                    server = await CrashLoopServer.StartAsync(dll, dataDirectory, serverArguments, null, null, logPath, timeout).ConfigureAwait(false);
                    client = new CrashLoopClient(server.Endpoint, TimeSpan.FromSeconds(30));
                    await new CrashLoopWorkload(model, client, stats, iteration, options.Clients).SeedStreamsAsync(2, CancellationToken.None).ConfigureAwait(false);
                }

                // Load, then SIGKILL at a seeded random moment.
                int killAfterMs = random.Next(0, options.KillMaxMs + 1);
                CrashLoopServer victim = server!;
                var load = Stopwatch.StartNew();
                await new CrashLoopWorkload(model, client!, stats, iteration, options.Clients)
                    .RunAsync(random, TimeSpan.FromMilliseconds(killAfterMs), victim.Kill).ConfigureAwait(false);
                loadTime += load.Elapsed;
                client!.Dispose();
                victim.Dispose();

                // One restart in four is itself killed at a random moment (often during recovery), then restarted.
                if (random.Next(4) == 0)
                {
                    int recoveryKillMs = random.Next(0, options.RecoveryKillMaxMs + 1);
                    bool listening = await CrashLoopServer.StartAndKillAsync(dll, dataDirectory, serverArguments, logPath, TimeSpan.FromMilliseconds(recoveryKillMs)).ConfigureAwait(false);
                    recoveryKills++;
                    recoveryKillsBeforeListening += listening ? 0 : 1;
                }

                // Restart on the same data directory and verify.
                var restart = Stopwatch.StartNew();
                try
                {
                    server = await CrashLoopServer.StartAsync(dll, dataDirectory, serverArguments, null, null, logPath, timeout).ConfigureAwait(false);
                }
                catch (InvalidOperationException e)
                {
                    server = null;
                    client = null;
                    failure = $"restart failed: {e.Message}";
                    break;
                }
                restartTimes.Add(restart.Elapsed.TotalMilliseconds);
                client = new CrashLoopClient(server.Endpoint, TimeSpan.FromSeconds(30));
                var verify = Stopwatch.StartNew();
                VerifyResult result = await model.VerifyAsync(client, CancellationToken.None).ConfigureAwait(false);
                verifyTime += verify.Elapsed;
                recordsVerified += result.AcknowledgedVerified;
                recordsRead += result.RecordsRead;
                if (result.Problems.Count > 0)
                {
                    failure = string.Join("\n  ", result.Problems.Take(20)) + (result.Problems.Count > 20 ? $"\n  ... and {result.Problems.Count - 20} more" : "");
                    failure = $"iteration {iteration} (kill at {killAfterMs} ms): {result.Problems.Count} problem(s):\n  {failure}";
                    break;
                }
                passed++;
                if ((iteration + 1) % 10 == 0 || iteration + 1 == options.Iterations)
                {
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"crash-loop: {iteration + 1}/{options.Iterations} passed; {stats.RecordsAcked} records acknowledged, {recordsVerified} acknowledged reads verified, {stats.ControlAcked} stream changes acknowledged ({stopwatch.Elapsed.TotalSeconds:0.0} s)"));
                }
            }
        }
        catch (Exception e) when (e is InvalidOperationException or HttpRequestException or IOException or TimeoutException or OperationCanceledException)
        {
            failure = $"iteration {passed}: {e.GetType().Name}: {e.Message}";
        }
        finally
        {
            client?.Dispose();
            if (server is not null)
            {
                await server.StopAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
                server.Dispose();
            }
        }

        var report = new CrashLoopReport(
            "crash-loop", options.Seed, options.Iterations, passed, failure is null ? 0 : 1, passed + (failure is null ? 0 : 1),
            recoveryKills, recoveryKillsBeforeListening, stats.RecordsAcked, stats.RecordsUnknown, stats.RecordsRefused, recordsVerified, recordsRead, stats.ControlAcked, stats.ControlUnknown,
            restartTimes.Count == 0 ? 0 : restartTimes.Average(), restartTimes.Count == 0 ? 0 : restartTimes.Max(),
            Math.Round(loadTime.TotalSeconds, 1), Math.Round(restartTimes.Sum() / 1000, 1), Math.Round(verifyTime.TotalSeconds, 1), failure,
            ScenarioEnvironment.Current(stopwatch.Elapsed));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"crash-loop: {report.Kills} SIGKILLs under load and {report.RecoveryKills} during restarts ({report.RecoveryKillsBeforeListening} before the server listened); records acknowledged {report.RecordsAcknowledged}, unanswered {report.RecordsUnanswered}, refused {report.RecordsRefused}; acknowledged records re-verified {report.AcknowledgedRecordsVerified} (read back {report.RecordsRead}); stream changes acknowledged {report.StreamChangesAcknowledged}; restart mean {report.RestartMeanMs:0} ms, max {report.RestartMaxMs:0} ms; {stopwatch.Elapsed.TotalSeconds:0.0} s (load and kill {report.LoadSeconds:0.0} s, restarts {report.RestartSeconds:0.0} s, verification {report.VerifySeconds:0.0} s)"));
        if (!stats.ControlRefusals.IsEmpty)
        {
            output.WriteLine($"crash-loop: stream changes refused (expected under concurrent changes): {string.Join(", ", stats.ControlRefusals.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} {p.Value}"))}");
        }
        if (jsonPath is not null)
        {
            ScenarioJson.Write(jsonPath, report);
            output.WriteLine($"JSON written to {Path.GetFullPath(jsonPath)}");
        }
        if (failure is not null)
        {
            output.WriteLine($"crash-loop: FAIL with seed {options.Seed}: {failure}");
            output.WriteLine($"crash-loop: server log and data kept in {workDirectory}; rerun: crash-loop --seed {options.Seed} --iterations {options.Iterations}");
            output.WriteLine($"crash-loop: {passed} passed, 1 failed");
            return 1;
        }
        if (options.WorkDirectory is null)
        {
            Directory.Delete(workDirectory, recursive: true);
        }
        output.WriteLine($"crash-loop: {passed} passed, 0 failed");
        return 0;
    }
}

/// <summary>The options of one <c>crash-loop</c> run.</summary>
public sealed record CrashLoopOptions(int Iterations, int Seed, int Clients, int Roll, int KillMaxMs, int RecoveryKillMaxMs, string? ServerDll, string Device, string? WorkDirectory);

/// <summary>The JSON report of a <c>crash-loop</c> run.</summary>
public sealed record CrashLoopReport(
    string Scenario, int Seed, int Iterations, int Passed, int Failed, int Kills, int RecoveryKills, int RecoveryKillsBeforeListening,
    long RecordsAcknowledged, long RecordsUnanswered, long RecordsRefused, long AcknowledgedRecordsVerified, long RecordsRead,
    long StreamChangesAcknowledged, long StreamChangesUnanswered, double RestartMeanMs, double RestartMaxMs,
    double LoadSeconds, double RestartSeconds, double VerifySeconds, string? Failure,
    ScenarioEnvironment Environment);
