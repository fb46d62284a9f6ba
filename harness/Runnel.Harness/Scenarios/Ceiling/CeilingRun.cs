using System.Globalization;

namespace Runnel.Harness.Scenarios.Ceiling;

/// <summary>
/// A whole <c>ceiling</c> run: the plan's points mode by mode (embedded first, then HTTP with its server started once),
/// an EventPipe trace per mode with <c>--profile</c>, then the sweeps as series with their ceilings.
/// </summary>
public sealed class CeilingRun(CeilingOptions options, string commandLine, string? traceDirectory, TextWriter progress)
{
    /// <summary>What an acknowledgement means in this engine (both modes run the same engine).</summary>
    public const string EngineAckSemantics =
        "PutRecords answers after every record's frame and its shard's checkpoint were written and fdatasync'd "
        + "(group commit per shard log: many records, one write, one fdatasync, then the checkpoint's); limits off";

    /// <summary>Runs every point and returns the report; <paramref name="done"/> gets the fraction of points run.</summary>
    public async Task<CeilingReport> RunAsync(IProgress<double>? done = null, CancellationToken cancellationToken = default)
    {
        options.Validate();
        DateTime started = DateTime.UtcNow;
        string loadBefore = CeilingMachine.LoadAverage();
        CeilingPlan plan = CeilingPlan.Build(options);
        string dataRoot = Path.Combine(options.DataRoot ?? Path.GetTempPath(), "runnel-ceiling-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dataRoot);
        string? disk = DiskCounters.DeviceOf(dataRoot);
        var results = new CeilingPointResult?[plan.Points.Count];
        int finished = 0;
        var targets = new List<CeilingTargetInfo>();
        var traces = new List<CeilingTrace>();
        try
        {
            foreach (CeilingMode mode in options.Modes)
            {
                ICeilingTarget target = mode == CeilingMode.Embedded
                    ? new EmbeddedTarget(dataRoot)
                    : await HttpTarget.StartAsync(options.Endpoint, dataRoot, cancellationToken).ConfigureAwait(false);
                await using (target.ConfigureAwait(false))
                {
                    targets.Add(Describe(target));
                    CeilingProfiler? profiler = options.Profile && target.ServerProcessId is { } pid && traceDirectory is not null
                        ? CeilingProfiler.Start(pid, Path.Combine(traceDirectory, $"ceiling-{mode.ToString().ToLowerInvariant()}-pid{pid}.nettrace"))
                        : null;
                    try
                    {
                        for (int i = 0; i < plan.Points.Count; i++)
                        {
                            CeilingPoint point = plan.Points[i];
                            if (point.Mode != mode)
                            {
                                continue;
                            }
                            progress.Write(Invariant($"[{i + 1}/{plan.Points.Count}] {point.Label} ... "));
                            CeilingPointResult result = await CeilingRunner.RunAsync(target, point, options, disk, cancellationToken).ConfigureAwait(false);
                            results[i] = result;
                            progress.WriteLine(CeilingMarkdown.OneLine(result));
                            done?.Report((double)++finished / plan.Points.Count);
                        }
                    }
                    finally
                    {
                        if (profiler is not null)
                        {
                            await profiler.DisposeAsync().ConfigureAwait(false);
                            traces.Add(new CeilingTrace(mode, profiler.ProcessId, profiler.Path, new FileInfo(profiler.Path).Length, CeilingProfiler.HowToOpen));
                        }
                    }
                }
            }
        }
        finally
        {
            try
            {
                Directory.Delete(dataRoot, recursive: true);
            }
            catch (IOException)
            {
            }
        }
        CeilingPointResult[] points = [.. results.Select(r => r ?? throw new InvalidOperationException("a point did not run"))];
        var parameters = new CeilingParameters(commandLine, options.Modes, options.Shards, options.RecordBytes, options.Producers,
            CeilingPlan.BaseOf(options.Shards, CeilingOptions.BaseShards), CeilingPlan.BaseOf(options.RecordBytes, CeilingOptions.BaseRecordBytes),
            CeilingPlan.BaseOf(options.Producers, CeilingOptions.BaseProducers), options.WarmupSeconds, options.MeasureSeconds,
            options.Endpoint?.ToString(), options.Profile, options.VerifyReadBack, CeilingWorkload.KeyLength);
        CeilingMachine machine = CeilingMachine.Current(options.DataRoot ?? Path.GetTempPath(), disk, CeilingMachine.GitCommitOf(Environment.CurrentDirectory), started, loadBefore);
        return new CeilingReport("ceiling", parameters, targets, points, Series(plan, points), traces, machine);
    }

    /// <summary>The plan's sweeps as series, each with its ceiling.</summary>
    public static IReadOnlyList<CeilingSeries> Series(CeilingPlan plan, IReadOnlyList<CeilingPointResult> points)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(points);
        var series = new List<CeilingSeries>();
        foreach (CeilingSweep sweep in plan.Sweeps)
        {
            CeilingPointResult[] results = [.. sweep.Points.Select(i => points[i])];
            int best = CeilingAccounting.Ceiling(results);
            CeilingPoint first = plan.Points[sweep.Points[0]];
            series.Add(new CeilingSeries(sweep.Mode, sweep.Axis, first.Shards, first.RecordBytes, first.Producers,
                [.. sweep.Points.Select(i => new CeilingSeriesPoint(X(plan.Points[i], sweep.Axis), i, points[i].RecordsPerSecond, points[i].MegabytesPerSecond,
                    points[i].Latency?.P50, points[i].Latency?.P99, points[i].LimitedBy))],
                best < 0 ? -1 : sweep.Points[best]));
        }
        return series;
    }

    private static int X(CeilingPoint point, CeilingAxis axis) => axis switch
    {
        CeilingAxis.Shards => point.Shards,
        CeilingAxis.RecordBytes => point.RecordBytes,
        _ => point.Producers,
    };

    private CeilingTargetInfo Describe(ICeilingTarget target)
    {
        string description = target is HttpTarget http
            ? (options.Endpoint is null ? $"runnel serve --limits off (child process) at {http.Endpoint}" : $"the server at {http.Endpoint}")
            : "StreamEngine in the harness process";
        string semantics = target.Mode == CeilingMode.Http && options.Endpoint is not null
            ? "as the server at the endpoint gives them (its settings are not known to the harness)"
            : EngineAckSemantics;
        return new CeilingTargetInfo(target.Mode, description, target.Device, semantics, target.ServerProcessId);
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
