using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Runnel.Harness.Scenarios;

namespace Runnel.Harness.Reliability;

/// <summary>
/// The <c>disk-faults</c> command (issue 9, item 4): disk errors from the real kernel against the real server.
/// (a) <c>strace</c> fault injection on one file of a shard (EIO on fdatasync of the segment and of the checkpoint,
/// ENOSPC and EIO on its pwrite64), with the portable device: io_uring submissions are not syscalls strace can fail.
/// (b) a 16 MiB loop-mounted ext4 file system that fills up (ENOSPC for real), with the default device (io_uring
/// where the kernel has it). Every case checks: no acknowledgement for the failed put, InternalFailure for the
/// client, writes refused afterwards, a log line naming the file, reads of committed data, and a restart without
/// the fault that recovers every acknowledged record and accepts writes again.
/// </summary>
public static class DiskFaultsCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var json = new Option<string?>("--json") { Description = "also write the results as JSON to this file", HelpName = "FILE" };
        var only = new Option<string?>("--only") { Description = "run only the cases whose name contains this", HelpName = "TEXT" };
        var serverDll = new Option<string?>("--server-dll") { Description = "the CLI's runnel.dll (default: engine/Runnel.Cli/bin/Release/net10.0/runnel.dll)", HelpName = "FILE" };
        var work = new Option<string?>("--work-dir") { Description = "where data directories, strace and server logs go (default: a new temp directory, removed on success)", HelpName = "DIR" };
        var command = new Command("disk-faults", "Kernel disk errors (strace-injected EIO/ENOSPC, a full loop-mounted ext4) against the real server: no ack, fail-stop, readable, recoverable")
        {
            json, only, serverDll, work,
        };
        command.SetAction(async (parse, _) => await RunAsync(parse.GetValue(only), parse.GetValue(serverDll), parse.GetValue(work), parse.GetValue(json)).ConfigureAwait(false));
        return command;
    }

    /// <summary>The strace cases: (name, syscall set to trace and fail, errno, target file, fail the Nth call).</summary>
    private static readonly (string Name, string Syscalls, string Errno, string Target, int When)[] s_straceCases =
    [
        ("strace-fdatasync-eio-segment", "fdatasync", "EIO", "segment", 4),
        ("strace-fdatasync-eio-checkpoint", "fdatasync", "EIO", "checkpoint", 4),
        ("strace-pwrite-enospc-segment", "pwrite64,pwritev", "ENOSPC", "segment", 4),
        ("strace-write-eio-segment", "write,pwrite64,pwritev", "EIO", "segment", 4),
    ];

    /// <summary>Runs the cases; 0 when all passed. Prints one line per check and <c>disk-faults: N passed, N failed</c> (per case).</summary>
    public static async Task<int> RunAsync(string? only, string? serverDllPath, string? workDirectoryOption, string? jsonPath)
    {
        TextWriter output = Console.Out;
        string dll = CrashLoopServer.FindServerDll(serverDllPath);
        string workDirectory = workDirectoryOption ?? Path.Combine(Path.GetTempPath(), $"runnel-disk-faults-{Environment.ProcessId}");
        Directory.CreateDirectory(workDirectory);
        var stopwatch = Stopwatch.StartNew();
        var results = new List<DiskFaultsCaseResult>();
        output.WriteLine($"disk-faults: server {dll}; work directory {workDirectory}");

        foreach ((string name, string syscalls, string errno, string target, int when) in s_straceCases)
        {
            if (only is not null && !name.Contains(only, StringComparison.Ordinal))
            {
                continue;
            }
            results.Add(await RunCaseAsync(name, output, workDirectory, c => RunStraceCaseAsync(c, dll, workDirectory, syscalls, errno, target, when)).ConfigureAwait(false));
        }
        if (only is null || "full-disk-loop-ext4".Contains(only, StringComparison.Ordinal))
        {
            results.Add(await RunCaseAsync("full-disk-loop-ext4", output, workDirectory, c => RunFullDiskCaseAsync(c, dll, workDirectory)).ConfigureAwait(false));
        }

        int passed = results.Count(r => r.Passed);
        int failed = results.Count - passed;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"disk-faults: {results.Count} cases, {results.Sum(r => r.Checks.Count)} checks, {stopwatch.Elapsed.TotalSeconds:0.0} s"));
        if (jsonPath is not null)
        {
            ScenarioJson.Write(jsonPath, new DiskFaultsReport("disk-faults", passed, failed, results, ScenarioEnvironment.Current(stopwatch.Elapsed)));
            output.WriteLine($"JSON written to {Path.GetFullPath(jsonPath)}");
        }
        if (failed == 0 && workDirectoryOption is null)
        {
            Directory.Delete(workDirectory, recursive: true);
        }
        else if (failed > 0)
        {
            output.WriteLine($"disk-faults: logs kept in {workDirectory}");
        }
        output.WriteLine($"disk-faults: {passed} passed, {failed} failed");
        return failed == 0 && results.Count > 0 ? 0 : 1;
    }

    private static async Task<DiskFaultsCaseResult> RunCaseAsync(string name, TextWriter output, string workDirectory, Func<DiskFaultsCase, Task> run)
    {
        output.WriteLine($"disk-faults: {name}");
        var stopwatch = Stopwatch.StartNew();
        var check = new DiskFaultsCase(name, output);
        try
        {
            await run(check).ConfigureAwait(false);
        }
        catch (Exception e) when (e is InvalidOperationException or HttpRequestException or IOException or TimeoutException or OperationCanceledException or UnauthorizedAccessException or System.ComponentModel.Win32Exception)
        {
            check.Check("the case runs", false, $"{e.GetType().Name}: {e.Message}");
        }
        output.WriteLine($"  {(check.Passed ? "PASS" : "FAIL")} {name} ({stopwatch.Elapsed.TotalSeconds:0.0} s; server logs in {workDirectory})");
        return new DiskFaultsCaseResult(name, check.Passed, [.. check.Checks.Select(c => new DiskFaultsCheck(c.Check, c.Passed, c.Detail))], Math.Round(stopwatch.Elapsed.TotalSeconds, 1));
    }

    private static async Task RunStraceCaseAsync(DiskFaultsCase c, string dll, string workDirectory, string syscalls, string errno, string target, int when)
    {
        string data = Path.Combine(workDirectory, c.Name);
        string serverLog = Path.Combine(workDirectory, c.Name + ".server.log");
        string straceLog = Path.Combine(workDirectory, c.Name + ".strace.log");
        string[] portable = ["--device", "portable", "--create-stream-ms", "0", "--limits", "off", "--log-level", "warning"];
        var timeout = TimeSpan.FromSeconds(90);

        // 1. Acknowledged records before the fault, then a clean stop (the target file now exists).
        using (CrashLoopServer server = await CrashLoopServer.StartAsync(dll, data, portable, null, null, serverLog, timeout).ConfigureAwait(false))
        {
            using var client = new CrashLoopClient(server.Endpoint, TimeSpan.FromSeconds(30));
            await c.SetUpAsync(client, 10, 200).ConfigureAwait(false);
            await server.StopAsync(TimeSpan.FromSeconds(15)).ConfigureAwait(false);
        }
        string shardDirectory = Directory.GetDirectories(Path.Combine(data, "streams"), DiskFaultsCase.Stream + "-*").Single();
        shardDirectory = Path.Combine(shardDirectory, "shard-000000000000");
        string file = target == "checkpoint"
            ? Path.Combine(shardDirectory, "checkpoint")
            : Directory.GetFiles(shardDirectory, "*.seg").Order(StringComparer.Ordinal).Last();

        // 2. The same data under strace: the when-th matching call on that one file fails.
        string[] strace = ["strace", "-f", "-qq", "-o", straceLog, "-e", $"trace={syscalls}", "-e", $"inject={syscalls}:error={errno}:when={when}", "-P", file];
        using (CrashLoopServer server = await CrashLoopServer.StartAsync(dll, data, portable, strace, null, serverLog, timeout).ConfigureAwait(false))
        {
            using var client = new CrashLoopClient(server.Endpoint, TimeSpan.FromSeconds(30));
            await c.DriveToFailureAsync(client, 40, 300, i => i % 3 == 2 ? 4 : 1).ConfigureAwait(false);
            string injected = File.Exists(straceLog) ? string.Join(" | ", File.ReadLines(straceLog).Where(l => l.Contains("INJECTED", StringComparison.Ordinal)).Take(2)) : "";
            c.Check("strace injected the error", injected.Length > 0, injected.Length > 0 ? injected : $"no INJECTED line in {straceLog}");
            await Task.Delay(200).ConfigureAwait(false); // the log line is written by the console logger's thread
            c.CheckLogNamesFile(server, data, file);
            await c.CheckReadsAsync(client, "committed records stay readable").ConfigureAwait(false);
            PutOutcome other = await c.PutAsync(client, DiskFaultsCase.OtherStream, 1, 64).ConfigureAwait(false);
            Console.Out.WriteLine($"  info: a put to another stream (its own log, not faulted): {other}");
            await server.StopAsync(TimeSpan.FromSeconds(15)).ConfigureAwait(false);
        }

        // 3. Restart without the fault: everything acknowledged is there, and the shard takes writes again.
        using (CrashLoopServer server = await CrashLoopServer.StartAsync(dll, data, portable, null, null, serverLog, timeout).ConfigureAwait(false))
        {
            using var client = new CrashLoopClient(server.Endpoint, TimeSpan.FromSeconds(30));
            await c.CheckReadsAsync(client, "a restart recovers every acknowledged record").ConfigureAwait(false);
            await c.CheckWritesResumeAsync(client).ConfigureAwait(false);
            await c.CheckReadsAsync(client, "the records put after the restart are read back").ConfigureAwait(false);
            await server.StopAsync(TimeSpan.FromSeconds(15)).ConfigureAwait(false);
        }
    }

    private static async Task RunFullDiskCaseAsync(DiskFaultsCase c, string dll, string workDirectory)
    {
        string image = Path.Combine(workDirectory, "full-disk.img");
        string mount = Path.Combine(workDirectory, "full-disk-mnt");
        string serverLog = Path.Combine(workDirectory, c.Name + ".server.log");
        string[] flags = ["--create-stream-ms", "0", "--limits", "off", "--log-level", "warning"]; // default device: io_uring where usable
        var timeout = TimeSpan.FromSeconds(90);
        await using var loop = await DiskFaultsLoopMount.CreateAsync(image, mount, 16).ConfigureAwait(false);
        string data = Path.Combine(mount, "data");
        string filler = Path.Combine(mount, "filler");

        using (CrashLoopServer server = await CrashLoopServer.StartAsync(dll, data, flags, null, null, serverLog, timeout).ConfigureAwait(false))
        {
            using var client = new CrashLoopClient(server.Endpoint, TimeSpan.FromSeconds(30));
            await c.SetUpAsync(client, 10, 2000).ConfigureAwait(false);
            long free = DiskFaultsLoopMount.FreeBytes(mount);
            DiskFaultsLoopMount.Fill(filler, free - (1536 * 1024)); // leave 1.5 MiB: a few dozen puts fill it
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  info: {free / 1024} KiB free before the filler, {DiskFaultsLoopMount.FreeBytes(mount) / 1024} KiB after"));
            await c.DriveToFailureAsync(client, 200, 60 * 1024, i => i % 3 == 2 ? 3 : 1).ConfigureAwait(false);
            await Task.Delay(200).ConfigureAwait(false);
            c.CheckLogNamesFile(server, data, null);
            await c.CheckReadsAsync(client, "committed records stay readable").ConfigureAwait(false);
            long brim = DiskFaultsLoopMount.FillToTheBrim(filler + "-2"); // not one block left, for the catalog either
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  info: {brim / 1024} KiB more filled; {DiskFaultsLoopMount.FreeBytes(mount) / 1024} KiB free"));
            await CheckCreateOnFullDiskAsync(c, client).ConfigureAwait(false);
            await server.StopAsync(TimeSpan.FromSeconds(15)).ConfigureAwait(false);
        }

        File.Delete(filler); // free the space, then restart
        File.Delete(filler + "-2");
        using (CrashLoopServer server = await CrashLoopServer.StartAsync(dll, data, flags, null, null, serverLog, timeout).ConfigureAwait(false))
        {
            using var client = new CrashLoopClient(server.Endpoint, TimeSpan.FromSeconds(30));
            await c.CheckReadsAsync(client, "a restart after freeing space recovers every acknowledged record").ConfigureAwait(false);
            await c.CheckWritesResumeAsync(client).ConfigureAwait(false);
            await c.CheckReadsAsync(client, "the records put after the restart are read back").ConfigureAwait(false);
            await server.StopAsync(TimeSpan.FromSeconds(15)).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A CreateStream on the full disk (the catalog cannot be rewritten): either acknowledged (and then durable: the
    /// restart's verification requires it) or refused with InternalFailure and invisible.
    /// </summary>
    private static async Task CheckCreateOnFullDiskAsync(DiskFaultsCase c, CrashLoopClient client)
    {
        const string late = "created-on-full-disk";
        var stream = new StreamModel(late) { CreatePending = true };
        c.Model.Streams[late] = stream;
        KinesisReply create = await client.CallAsync("CreateStream", new System.Text.Json.Nodes.JsonObject { ["StreamName"] = late, ["ShardCount"] = 1 }, CancellationToken.None).ConfigureAwait(false);
        if (create.Ok)
        {
            stream.Exists = true;
            stream.CreatePending = false;
            c.Check("CreateStream on the full disk: acknowledged (so durable) or InternalFailure and invisible", true, "acknowledged (the catalog still fitted)");
            return;
        }
        KinesisReply describe = await client.CallAsync("DescribeStreamSummary", new System.Text.Json.Nodes.JsonObject { ["StreamName"] = late }, CancellationToken.None).ConfigureAwait(false);
        c.Check("CreateStream on the full disk: acknowledged (so durable) or InternalFailure and invisible",
            create.Status == 500 && create.ErrorType?.StartsWith("InternalFailure", StringComparison.Ordinal) == true && describe.ErrorType == "ResourceNotFoundException",
            $"CreateStream {create}; DescribeStreamSummary then {describe}");
    }
}

/// <summary>One check of a case.</summary>
public sealed record DiskFaultsCheck(string Check, bool Passed, string Detail);

/// <summary>One case.</summary>
public sealed record DiskFaultsCaseResult(string Name, bool Passed, IReadOnlyList<DiskFaultsCheck> Checks, double Seconds);

/// <summary>The JSON report of a <c>disk-faults</c> run.</summary>
public sealed record DiskFaultsReport(string Scenario, int Passed, int Failed, IReadOnlyList<DiskFaultsCaseResult> Cases, ScenarioEnvironment Environment);
