using System.Globalization;
using Runnel.Storage.IoUring;

namespace Runnel.Harness.CompareLog;

/// <summary>
/// Runs <c>compare-log</c>: fio for the disk, then each case with Runnel and FasterLog interleaved (Runnel first in
/// every round), each engine in a fresh directory under a temporary directory that is deleted at the end.
/// </summary>
public sealed class CompareLogRun
{
    private const int SmallRecordBytes = 100;
    private const int RecordBytes = 1024;
    private const int ConcurrentProducers = 64;

    private readonly CompareLogOptions _options;
    private readonly TextWriter _out;
    private readonly string _root;
    private int _directories;

    // The append-1k-group logs of the last round, kept for scan-cold.
    private string? _runnelScanDirectory;
    private string? _fasterScanDirectory;

    /// <summary>Prepares a run; nothing happens until <see cref="RunAsync"/>.</summary>
    public CompareLogRun(CompareLogOptions options, TextWriter output)
    {
        _options = options;
        _out = output;
        _root = Path.Combine(
            Path.GetFullPath(options.DataPath),
            string.Create(CultureInfo.InvariantCulture, $"run-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Environment.ProcessId}"));
    }

    /// <summary>Runs every selected case and returns the report.</summary>
    public async Task<CompareLogReport> RunAsync()
    {
        Directory.CreateDirectory(_root);
        try
        {
            DeviceKind device = StorageDevices.Resolve(_options.Device);
            _out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"compare-log: {(_options.Quick ? "quick" : "full")}, {_options.Duration.TotalSeconds:0} s per engine per case, {_options.Rounds} round(s); "
                + $"Runnel device {device}{(_options.Direct ? " O_DIRECT" : string.Empty)}{(_options.ChainsOnRing ? " chains on the ring" : string.Empty)}, ring {_options.RingMegabytes} MiB (FasterLog memory 64 MiB); data in {_root}"));
            if (_options.Direct && device != DeviceKind.IoUring)
            {
                _out.WriteLine("note: --direct applies to the io_uring device only; the portable device writes through the page cache.");
            }

            DiskMeasurement disk = await MeasureDiskAsync().ConfigureAwait(false);
            var cases = new List<CaseResult>();
            foreach (string name in CaseNames.All.Where(_options.Cases.Contains))
            {
                GC.Collect();
                try
                {
                    cases.Add(name switch
                    {
                        CaseNames.Append1KGroup => await Append1KGroupAsync(disk).ConfigureAwait(false),
                        CaseNames.Append100BGroup => await Append100BGroupAsync().ConfigureAwait(false),
                        CaseNames.Acks64Writers => await Acks64WritersAsync().ConfigureAwait(false),
                        CaseNames.CommitPerRecord => await CommitPerRecordAsync().ConfigureAwait(false),
                        CaseNames.ScanCold => await ScanColdAsync(disk = await MeasureReadBeforeScanAsync(disk, cases.Count).ConfigureAwait(false)).ConfigureAwait(false),
                        _ => throw new InvalidOperationException($"unknown case {name}"),
                    });
                }
                catch (RoundDeadlineException stuck)
                {
                    _out.WriteLine($"  {name,-18} FAILED: {stuck.Message}");
                    cases.Add(CaseResult.DidNotFinish(name, CaseNames.UnitOf(name), stuck.Message));
                }
            }
            return new CompareLogReport(_options, device, disk, cases);
        }
        finally
        {
            TryDelete(_root);
        }
    }

    /// <summary>The size of fio's file, for its write and both its reads.</summary>
    private long FioBytes => (_options.Quick ? 4L : 8L) << 30;

    /// <summary>How long each fio job may run.</summary>
    private TimeSpan FioRuntime => TimeSpan.FromSeconds(_options.Quick ? 5 : 10);

    private async Task<DiskMeasurement> MeasureDiskAsync()
    {
        if (_options.SkipFio)
        {
            return new DiskMeasurement(null, null, "fio skipped (--skip-fio)");
        }
        _out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"disk: fio sequential write then read, 1 MiB, O_DIRECT, io_uring, iodepth 8, {FioBytes >> 30} GiB, {FioRuntime.TotalSeconds:0} s each ..."));
        // Kept for scan-cold when it runs after other cases (MeasureReadBeforeScanAsync).
        bool keep = _options.Cases.Contains(CaseNames.ScanCold) && _options.Cases.Count > 1;
        DiskMeasurement disk = await Fio.MeasureAsync(_root, FioBytes, FioRuntime, _out, keepFile: keep).ConfigureAwait(false);
        _out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"disk: write {Format(disk.WriteMegabytesPerSecond)} MB/s, read {Format(disk.ReadMegabytesPerSecond)} MB/s{(disk.Note is null ? string.Empty : $" ({disk.Note})")}"));
        return disk;
    }

    /// <summary>
    /// After other cases have run, reads fio's file from the start of the run again just before the scans, so that
    /// the disk's read is measured on data about as old as the logs the scans read. On this VM the read of data
    /// written minutes and tens of GB earlier is slower than of data just written (both engines' scans fell by a
    /// third to a half in a full run), while fio's own read at the start is of data it had just written.
    /// </summary>
    private async Task<DiskMeasurement> MeasureReadBeforeScanAsync(DiskMeasurement atStart, int casesBefore)
    {
        if (_options.SkipFio || casesBefore == 0 || atStart.ReadMegabytesPerSecond is null)
        {
            return atStart;
        }
        _out.WriteLine("disk: fio reads its file from the start of the run again, for the read bandwidth the scans are compared with ...");
        (double? read, string? error) = await Fio.ReadAgainAsync(_root, FioBytes, FioRuntime).ConfigureAwait(false);
        if (read is null)
        {
            _out.WriteLine($"disk: that read failed ({error}); the scans are compared with the read at the start");
            return atStart;
        }
        _out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"disk: read {Format(read)} MB/s before scan-cold (at the start: {Format(atStart.ReadMegabytesPerSecond)} MB/s)"));
        return atStart with
        {
            ReadMegabytesPerSecond = read,
            ReadAtStartMegabytesPerSecond = atStart.ReadMegabytesPerSecond,
            Note = atStart.Note ?? error,
        };
    }

    private async Task<CaseResult> Append1KGroupAsync(DiskMeasurement disk)
    {
        var source = new RecordSource(RecordBytes);
        bool keep = _options.Cases.Contains(CaseNames.ScanCold);
        (List<EngineMeasurement> runnel, List<EngineMeasurement> faster) = await RoundsAsync(
            CaseNames.Append1KGroup, Units.MegabytesPerSecond,
            (log, abort) => RunnelRunner.GroupAsync(log, source, _options.ProducerBatch, _options.Duration, abort),
            (log, abort) => FasterLogRunner.GroupAsync(log, source, _options.ProducerBatch, _options.Duration, abort),
            keepLastForScan: keep).ConfigureAwait(false);
        EngineMeasurement r = Median(runnel, Units.MegabytesPerSecond);
        EngineMeasurement f = Median(faster, Units.MegabytesPerSecond);
        double ratio = Ratio(r.PayloadMegabytesPerSecond, f.PayloadMegabytesPerSecond);
        double? ofFio = disk.WriteMegabytesPerSecond is double w && w > 0 ? r.PayloadMegabytesPerSecond / w : null;
        return Build(CaseNames.Append1KGroup, Units.MegabytesPerSecond,
            "1 KiB records, 1 producer pipelining" + BatchNote() + "; FasterLog commits every 2 ms or 1 MiB, Runnel group-commits back to back",
            runnel, faster, r, f,
            [
                new TargetCheck("ratio >= 2.5", F2(ratio), ratio >= 2.5),
                new TargetCheck("Runnel >= 60% of fio write", ofFio is double x ? Percent(x) : "no fio", ofFio is double y ? y >= 0.6 : null),
            ]);
    }

    private async Task<CaseResult> Append100BGroupAsync()
    {
        var source = new RecordSource(SmallRecordBytes);
        (List<EngineMeasurement> runnel, List<EngineMeasurement> faster) = await RoundsAsync(
            CaseNames.Append100BGroup, Units.RecordsPerSecond,
            (log, abort) => RunnelRunner.GroupAsync(log, source, _options.ProducerBatch, _options.Duration, abort),
            (log, abort) => FasterLogRunner.GroupAsync(log, source, _options.ProducerBatch, _options.Duration, abort),
            keepLastForScan: false).ConfigureAwait(false);
        EngineMeasurement r = Median(runnel, Units.RecordsPerSecond);
        EngineMeasurement f = Median(faster, Units.RecordsPerSecond);
        double ratio = Ratio(r.RecordsPerSecond, f.RecordsPerSecond);
        return Build(CaseNames.Append100BGroup, Units.RecordsPerSecond,
            "100 B records, 1 producer pipelining" + BatchNote() + "; FasterLog commits every 2 ms or 1 MiB, Runnel group-commits back to back",
            runnel, faster, r, f, [new TargetCheck("ratio >= 1.5", F2(ratio), ratio >= 1.5)]);
    }

    /// <summary>How the group cases' producers hand records over, for the case description.</summary>
    private string BatchNote() => _options.ProducerBatch == 1
        ? string.Empty
        : string.Create(CultureInfo.InvariantCulture, $" in batches of {_options.ProducerBatch} (Runnel AppendBatch, FasterLog IReadOnlySpanBatch)");

    private async Task<CaseResult> Acks64WritersAsync()
    {
        var source = new RecordSource(RecordBytes);
        (List<EngineMeasurement> runnel, List<EngineMeasurement> faster) = await RoundsAsync(
            CaseNames.Acks64Writers, Units.RecordsPerSecond,
            (log, abort) => RunnelRunner.ConcurrentAcksAsync(log, source, ConcurrentProducers, _options.Duration, abort),
            (log, abort) => FasterLogRunner.ConcurrentAcksAsync(log, source, ConcurrentProducers, _options.Duration, abort),
            keepLastForScan: false).ConfigureAwait(false);
        EngineMeasurement r = Median(runnel, Units.RecordsPerSecond);
        EngineMeasurement f = Median(faster, Units.RecordsPerSecond);
        double ratio = Ratio(r.RecordsPerSecond, f.RecordsPerSecond);
        double p99 = r.P99Microseconds ?? double.PositiveInfinity;
        return Build(CaseNames.Acks64Writers, Units.RecordsPerSecond,
            "1 KiB records, 64 producers each awaiting its durable ack (FasterLog: EnqueueAndWaitForCommitAsync + a committer thread)",
            runnel, faster, r, f,
            [
                new TargetCheck("ratio >= 4", F2(ratio), ratio >= 4),
                new TargetCheck("Runnel p99 <= 2 ms", string.Create(CultureInfo.InvariantCulture, $"{p99 / 1000:0.00} ms"), p99 <= 2000),
            ]);
    }

    private async Task<CaseResult> CommitPerRecordAsync()
    {
        var source = new RecordSource(RecordBytes);
        (List<EngineMeasurement> runnel, List<EngineMeasurement> faster) = await RoundsAsync(
            CaseNames.CommitPerRecord, Units.RecordsPerSecond,
            (log, abort) => RunnelRunner.CommitPerRecordAsync(log, source, _options.Duration, abort),
            (log, abort) => FasterLogRunner.CommitPerRecordAsync(log, source, _options.Duration, abort),
            keepLastForScan: false).ConfigureAwait(false);
        EngineMeasurement r = Median(runnel, Units.RecordsPerSecond);
        EngineMeasurement f = Median(faster, Units.RecordsPerSecond);
        double ratio = Ratio(r.RecordsPerSecond, f.RecordsPerSecond);
        return Build(CaseNames.CommitPerRecord, Units.RecordsPerSecond,
            "1 KiB records, 1 producer, one durable commit per record (FasterLog: Enqueue + Commit(spinWait: true))",
            runnel, faster, r, f, [new TargetCheck("ratio >= 3", F2(ratio), ratio >= 3)]);
    }

    private async Task<CaseResult> ScanColdAsync(DiskMeasurement disk)
    {
        if (_runnelScanDirectory is null || _fasterScanDirectory is null)
        {
            // scan-cold alone: write the logs it reads (append-1k-group's workload, not reported).
            _out.WriteLine("scan-cold: writing the logs to read (the append-1k-group workload) ...");
            var source = new RecordSource(RecordBytes);
            _runnelScanDirectory = NewDirectory("runnel");
            RunnelInstance runnel = RunnelInstance.Open(_runnelScanDirectory, _options.Device, _options.Direct, _options.RingMegabytes << 20, _options.ChainsOnRing);
            await WithDeadlineAsync(CaseNames.ScanCold, "runnel", 0, runnel, abort => RunnelRunner.GroupAsync(runnel.Log, source, 1, _options.Duration, abort)).ConfigureAwait(false);
            _fasterScanDirectory = NewDirectory("fasterlog");
            FasterLogInstance faster = FasterLogInstance.Open(_fasterScanDirectory, recover: false);
            await WithDeadlineAsync(CaseNames.ScanCold, "fasterlog", 0, faster, abort => FasterLogRunner.GroupAsync(faster.Log, source, 1, _options.Duration, abort)).ConfigureAwait(false);
        }

        EngineMeasurement r;
        string? notCold;
        using (RunnelInstance runnel = RunnelInstance.Open(_runnelScanDirectory, _options.Device, _options.Direct, _options.RingMegabytes << 20, _options.ChainsOnRing))
        {
            notCold = PageCache.TryDrop();
            r = RunnelRunner.Scan(runnel.Log, RecordBytes);
        }
        Report(CaseNames.ScanCold, "runnel", 1, r, Units.MegabytesPerSecond);
        EngineMeasurement f;
        using (FasterLogInstance faster = FasterLogInstance.Open(_fasterScanDirectory, recover: true))
        {
            notCold ??= PageCache.TryDrop();
            f = await FasterLogRunner.ScanAsync(faster.Log).ConfigureAwait(false);
        }
        Report(CaseNames.ScanCold, "fasterlog", 1, f, Units.MegabytesPerSecond);
        TryDelete(_runnelScanDirectory);
        TryDelete(_fasterScanDirectory);

        double? ofFio = disk.ReadMegabytesPerSecond is double d && d > 0 ? r.PayloadMegabytesPerSecond / d : null;
        CaseResult result = Build(CaseNames.ScanCold, Units.MegabytesPerSecond,
            "read back the append-1k-group logs after dropping the page cache (Runnel: ShardLog.Read, CRC32C checked; FasterLog: Scan + TryConsumeNext)",
            [r], [f], r, f,
            [
                new TargetCheck("Runnel >= 90% of fio read", ofFio is double x ? Percent(x) : "no fio",
                    ofFio is double y && notCold is null ? y >= 0.9 : null),
            ]);
        return notCold is null ? result : result with { Note = notCold };
    }

    /// <summary>Runs the case's rounds, Runnel then FasterLog in each, each in a fresh directory.</summary>
    private async Task<(List<EngineMeasurement> Runnel, List<EngineMeasurement> Faster)> RoundsAsync(
        string name,
        string unit,
        Func<Storage.Log.ShardLog, CancellationToken, Task<EngineMeasurement>> runnelCase,
        Func<FASTER.core.FasterLog, CancellationToken, Task<EngineMeasurement>> fasterCase,
        bool keepLastForScan)
    {
        var runnel = new List<EngineMeasurement>();
        var faster = new List<EngineMeasurement>();
        for (int round = 1; round <= _options.Rounds; round++)
        {
            bool keep = keepLastForScan && round == _options.Rounds;

            string runnelDirectory = NewDirectory("runnel");
            RunnelInstance r = RunnelInstance.Open(runnelDirectory, _options.Device, _options.Direct, _options.RingMegabytes << 20, _options.ChainsOnRing);
            EngineMeasurement rm = await WithDeadlineAsync(name, "runnel", round, r, abort => runnelCase(r.Log, abort)).ConfigureAwait(false);
            runnel.Add(rm);
            Report(name, "runnel", round, rm, unit);
            Finish(runnelDirectory, keep, ref _runnelScanDirectory);
            GC.Collect();

            string fasterDirectory = NewDirectory("fasterlog");
            FasterLogInstance f = FasterLogInstance.Open(fasterDirectory, recover: false);
            EngineMeasurement fm = await WithDeadlineAsync(name, "fasterlog", round, f, abort => fasterCase(f.Log, abort)).ConfigureAwait(false);
            faster.Add(fm);
            Report(name, "fasterlog", round, fm, unit);
            Finish(fasterDirectory, keep, ref _fasterScanDirectory);
            GC.Collect();
        }
        return (runnel, faster);
    }

    /// <summary>
    /// Runs one engine round and closes its instance. A round still running at the deadline is told to stop (its
    /// token), and left behind with its instance open (closing a stuck engine may block too):
    /// <see cref="RoundDeadlineException"/>.
    /// </summary>
    private async Task<EngineMeasurement> WithDeadlineAsync(
        string name, string engine, int round, IDisposable instance, Func<CancellationToken, Task<EngineMeasurement>> run)
    {
        var abort = new CancellationTokenSource(); // not disposed when abandoned: the stuck round may still read it
        Task<EngineMeasurement> task;
        try
        {
            task = run(abort.Token);
        }
        catch
        {
            instance.Dispose();
            throw;
        }
        TimeSpan deadline = _options.RoundDeadline;
        if (await Task.WhenAny(task, Task.Delay(deadline)).ConfigureAwait(false) != task)
        {
            await abort.CancelAsync().ConfigureAwait(false);
            _ = task.ContinueWith(static t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            throw new RoundDeadlineException(string.Create(CultureInfo.InvariantCulture,
                $"{engine}'s round {round} did not finish within {deadline.TotalSeconds:0.#} s ({_options.Duration.TotalSeconds:0} s of load, then the last acks); its threads were told to stop and its instance was left open"));
        }
        try
        {
            return await task.ConfigureAwait(false);
        }
        finally
        {
            instance.Dispose();
            abort.Dispose();
        }
    }

    private static void Finish(string directory, bool keep, ref string? kept)
    {
        if (keep)
        {
            kept = directory;
        }
        else
        {
            TryDelete(directory);
        }
    }

    private void Report(string name, string engine, int round, EngineMeasurement m, string unit)
    {
        string latency = m.P50Microseconds is double p50 && m.P99Microseconds is double p99
            ? string.Create(CultureInfo.InvariantCulture, $", ack p50 {p50:0} us p99 {p99:0} us ({m.LatencySamples} samples)")
            : string.Empty;
        _out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {name,-18} {engine,-9} round {round}: {CaseResult.ValueOf(m, unit),12:N0} {unit}, {m.RecordsPerSecond:N0} rec/s, {m.PayloadMegabytesPerSecond:N1} MB/s, {m.Records:N0} records in {m.Seconds:0.00} s{latency}"));
    }

    private static CaseResult Build(
        string name, string unit, string description,
        List<EngineMeasurement> runnel, List<EngineMeasurement> faster,
        EngineMeasurement runnelMedian, EngineMeasurement fasterMedian, IReadOnlyList<TargetCheck> targets) =>
        new()
        {
            Name = name,
            Unit = unit,
            Description = description,
            Runnel = runnelMedian,
            FasterLog = fasterMedian,
            RunnelRounds = [.. runnel.Select(m => CaseResult.ValueOf(m, unit))],
            FasterLogRounds = [.. faster.Select(m => CaseResult.ValueOf(m, unit))],
            Targets = targets,
        };

    private static EngineMeasurement Median(List<EngineMeasurement> rounds, string unit)
    {
        EngineMeasurement[] sorted = [.. rounds.OrderBy(m => CaseResult.ValueOf(m, unit))];
        return sorted[sorted.Length / 2];
    }

    private string NewDirectory(string engine)
    {
        string directory = Path.Combine(_root, string.Create(CultureInfo.InvariantCulture, $"{engine}-{++_directories}"));
        Directory.CreateDirectory(directory);
        return directory;
    }

    private static void TryDelete(string directory)
    {
        try
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
        catch (IOException)
        {
            // best effort: a leftover directory under the data path is harmless
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static double Ratio(double runnel, double faster) => faster > 0 ? runnel / faster : double.NaN;

    private static string F2(double value) => value.ToString("0.00", CultureInfo.InvariantCulture);

    private static string Percent(double fraction) => (fraction * 100).ToString("0", CultureInfo.InvariantCulture) + "%";

    private static string Format(double? value) => value is double v ? v.ToString("N0", CultureInfo.InvariantCulture) : "n/a";
}
