using System.Diagnostics;
using System.Globalization;

namespace Runnel.Harness.Scenarios.ShardLimits;

/// <summary>
/// The put cases of <c>shard-limits</c> at 1.5x, on the real clock against an <see cref="IShardLimitsTarget"/>: one
/// producer per case offers 1.5x of the binding limit (new records due by the wall clock), sends what is due (retries
/// first, at most a quarter second of the limit per call) every 10 ms and waits 100 ms after a call with throttled
/// records, as the simulated cases do. Each case writes its own new 1-shard stream.
/// </summary>
/// <remarks>
/// The check reads the steady rate, from second <see cref="SteadyFromSecond"/> on: a shard's bucket starts full (a
/// second of capacity), which at 1.5x is spent after 2 s and would add 1/duration to the whole run's rate.
/// </remarks>
public sealed class ShardLimitsRealTimeRun(IShardLimitsTarget target, int seconds, TextWriter progress)
{
    /// <summary>Where the steady window starts.</summary>
    public const int SteadyFromSecond = 3;

    /// <summary>The fewest seconds a case can run (a steady window of at least 3 s).</summary>
    public const int MinimumSeconds = SteadyFromSecond + 3;

    private const int MiB = 1024 * 1024;
    private const double Tolerance = 0.02;
    private static readonly TimeSpan s_step = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan s_backoff = TimeSpan.FromMilliseconds(100);

    /// <summary>The cases run in real time: the put cases at 1.5x.</summary>
    public static IReadOnlyList<ShardLimitsCase> Cases { get; } =
        [.. ShardLimitsCase.All.Where(c => c.Operation is ShardLimitsOperation.PutBytes or ShardLimitsOperation.PutRecords && c.Factor == 1.5)];

    /// <summary>Runs one case for <c>seconds</c> of wall time.</summary>
    public async Task<ShardLimitsResult> RunAsync(ShardLimitsCase scenario, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        string stream = "limits-" + scenario.Name.Replace('.', '-') + "-" + Guid.NewGuid().ToString("N")[..8];
        await target.CreateStreamAsync(stream, cancellationToken).ConfigureAwait(false);
        int recordBytes = scenario.RecordBytes;
        bool bytesCase = scenario.Operation == ShardLimitsOperation.PutBytes;
        double offeredPerSecond = bytesCase ? scenario.Factor * MiB / recordBytes : scenario.Factor * 1000;
        double limitPerSecond = Math.Min(1000.0, (double)MiB / recordBytes);
        // A call carries at most a quarter second of the limit: a whole retried backlog (up to 10 MiB of JSON per call)
        // makes calls so slow on a loaded machine that gaps over a second waste the bucket's refill, and the producer,
        // not the shard, sets the rate. Ten calls a second (the 100 ms back-off) still attempt 2.5x the limit.
        int maxBatch = Math.Min(Math.Min(500, 10 * MiB / recordBytes), (int)Math.Ceiling(limitPerSecond / 4));

        long offered = 0, attempted = 0, accepted = 0, steady = 0, backlog = 0, calls = 0, throttledCalls = 0, throttledRecords = 0;
        double[] offeredSeries = new double[seconds], attemptedSeries = new double[seconds], acceptedSeries = new double[seconds];
        TimeSpan duration = TimeSpan.FromSeconds(seconds), next = TimeSpan.Zero;
        var clock = Stopwatch.StartNew();
        for (TimeSpan now = clock.Elapsed; now < duration; now = clock.Elapsed)
        {
            int second = (int)now.TotalSeconds;
            long due = (long)Math.Floor(offeredPerSecond * now.TotalSeconds);
            backlog += due - offered;
            offeredSeries[second] += due - offered;
            offered = due;
            int send = (int)Math.Min(backlog, maxBatch);
            if (send == 0 || now < next)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(1), cancellationToken).ConfigureAwait(false);
                continue;
            }
            int failed = await target.PutRecordsAsync(stream, send, recordBytes, cancellationToken).ConfigureAwait(false);
            int ok = send - failed;
            calls++;
            attempted += send;
            accepted += ok;
            backlog -= ok;
            throttledRecords += failed;
            throttledCalls += failed > 0 ? 1 : 0;
            steady += second >= SteadyFromSecond ? ok : 0;
            attemptedSeries[second] += send;
            acceptedSeries[second] += ok;
            next = now + (failed > 0 ? s_backoff : s_step);
        }
        double unit = bytesCase ? (double)recordBytes / MiB : 1.0;
        double steadyRate = steady * unit / (seconds - SteadyFromSecond);
        double limit = limitPerSecond * unit;
        string unitName = bytesCase ? "MiB/s" : "records/s";
        double deviation = (steadyRate - limit) / limit;
        var check = new ScenarioCheck(
            scenario.Name,
            Invariant($"offered {scenario.Factor:0.0}x in real time ({target.Description}): accepted within 2 % of the limit from second {SteadyFromSecond} to {seconds}"),
            Invariant($"{steadyRate:0.####} {unitName} vs {limit:0.####} ({deviation:+0.00%;-0.00%}); offered {offered * unit / seconds:0.####}, {throttledRecords} records throttled"),
            Math.Abs(deviation) <= Tolerance);
        string binding = 1000.0 * recordBytes <= MiB
            ? Invariant($"1,000 records/s (x {ScenarioFormat.Size(recordBytes)} = {1000.0 * recordBytes / MiB:0.###} MiB/s)")
            : Invariant($"1 MiB/s (= {limitPerSecond:0.#} records/s of {ScenarioFormat.Size(recordBytes)})");
        progress.WriteLine(Invariant($"{scenario.Name}: {check.Verdict}: {check.Measured}"));
        return new ShardLimitsResult(
            scenario.Name, scenario.Operation.ToString(), scenario.Factor, recordBytes, seconds, unitName,
            offered * unit / seconds, attempted * unit / seconds, accepted * unit / seconds, steadyRate, limit, binding,
            (double)accepted * recordBytes / seconds, (double)accepted / seconds, calls, throttledCalls, throttledRecords, backlog, check)
        {
            Series = new ShardLimitsSeries([.. offeredSeries.Select(v => v * unit)], [.. attemptedSeries.Select(v => v * unit)], [.. acceptedSeries.Select(v => v * unit)]),
        };
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
