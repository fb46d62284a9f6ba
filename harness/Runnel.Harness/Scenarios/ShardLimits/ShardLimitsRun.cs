using System.Globalization;
using Runnel.Streams;
using Runnel.Streams.Errors;
using Runnel.Streams.Storage;

namespace Runnel.Harness.Scenarios.ShardLimits;

/// <summary>
/// Runs <see cref="ShardLimitsCase"/>s against one provisioned shard in simulated time: the fake clock moves in 10 ms
/// steps; producers send one PutRecords per step (the retries of throttled records first, then new ones, at most 500
/// records and 10 MiB), and wait 100 ms after a call with throttled records; polling consumers call GetRecords on their schedule and retry a throttled call at the next step.
/// </summary>
public sealed class ShardLimitsRun(int seconds)
{
    private const int MiB = 1024 * 1024;
    private const int StepsPerSecond = 100;
    private const int SteadyFromSecond = 10;
    private const double Tolerance = 0.02;
    private const int BackoffSteps = 10; // a producer waits 100 ms after a call with throttled records
    private const string StreamName = "limits";
    private static readonly StreamRef s_stream = StreamRef.Named(StreamName);
    private static readonly TimeSpan s_step = TimeSpan.FromMilliseconds(10);

    /// <summary>Runs one case.</summary>
    public Task<ShardLimitsResult> RunAsync(ShardLimitsCase scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        return scenario.Operation switch
        {
            ShardLimitsOperation.PutBytes or ShardLimitsOperation.PutRecords => PutAsync(scenario),
            ShardLimitsOperation.GetCalls => GetCallsAsync(scenario),
            _ => GetBytesAsync(scenario),
        };
    }

    private async Task<ShardLimitsResult> PutAsync(ShardLimitsCase scenario)
    {
        using var sim = new SimulatedEngine(new DiscardingStreamStorage());
        sim.Engine.CreateStream(StreamName, shardCount: 1);
        int recordBytes = scenario.RecordBytes;
        int maxBatch = Math.Min(500, 10 * MiB / recordBytes);
        var record = new PutRecordsEntry(new byte[recordBytes - 1], "k");
        PutRecordsEntry[] entries = [.. Enumerable.Repeat(record, maxBatch)];

        bool bytesCase = scenario.Operation == ShardLimitsOperation.PutBytes;
        double offeredRecordsPerSecond = bytesCase ? scenario.Factor * MiB / recordBytes : scenario.Factor * 1000;
        double limitRecordsPerSecond = Math.Min(1000.0, (double)MiB / recordBytes);
        bool recordsBind = 1000.0 * recordBytes <= MiB;

        long offered = 0, attempted = 0, accepted = 0, steady = 0, backlog = 0, calls = 0, throttledCalls = 0, throttledRecords = 0;
        var series = new PerSecond(seconds);
        int nextCall = 0;
        for (int step = 0; step < seconds * StepsPerSecond; step++)
        {
            long due = (long)Math.Floor((offeredRecordsPerSecond * (step + 1) / StepsPerSecond) + 1e-9);
            backlog += due - offered;
            series.Offered[step / StepsPerSecond] += due - offered;
            offered = due;
            int send = (int)Math.Min(backlog, maxBatch);
            if (send > 0 && step >= nextCall)
            {
                PutRecordsResult result = await sim.Engine.PutRecordsAsync(s_stream, new ArraySegment<PutRecordsEntry>(entries, 0, send)).ConfigureAwait(false);
                int ok = send - result.FailedRecordCount;
                calls++;
                attempted += send;
                accepted += ok;
                backlog -= ok;
                throttledRecords += result.FailedRecordCount;
                throttledCalls += result.FailedRecordCount > 0 ? 1 : 0;
                nextCall = result.FailedRecordCount > 0 ? step + BackoffSteps : step + 1;
                steady += step >= SteadyFromSecond * StepsPerSecond ? ok : 0;
                series.Attempted[step / StepsPerSecond] += send;
                series.Accepted[step / StepsPerSecond] += ok;
            }
            sim.Time.Advance(s_step);
        }

        // Rates in the case's unit: MiB/s for byte cases, records/s for record cases.
        double unit = bytesCase ? (double)recordBytes / MiB : 1.0;
        double perSecond = 1.0 / seconds;
        double acceptedRate = accepted * unit * perSecond;
        double limit = limitRecordsPerSecond * unit;
        string binding = recordsBind
            ? string.Create(CultureInfo.InvariantCulture, $"1,000 records/s (x {ScenarioFormat.Size(recordBytes)} = {1000.0 * recordBytes / MiB:0.###} MiB/s)")
            : string.Create(CultureInfo.InvariantCulture, $"1 MiB/s (= {limitRecordsPerSecond:0.#} records/s of {ScenarioFormat.Size(recordBytes)})");
        ScenarioCheck check = Check(scenario, acceptedRate, limit, offered == accepted && throttledRecords == 0, bytesCase ? "MiB/s" : "records/s");
        return new ShardLimitsResult(
            scenario.Name, scenario.Operation.ToString(), scenario.Factor, recordBytes, seconds, bytesCase ? "MiB/s" : "records/s",
            offered * unit * perSecond, attempted * unit * perSecond, acceptedRate, steady * unit / (seconds - SteadyFromSecond), limit, binding,
            (double)accepted * recordBytes * perSecond, accepted * perSecond, calls, throttledCalls, throttledRecords, backlog, check)
        {
            Series = series.Scaled(unit),
        };
    }

    /// <summary>A consumer polling every 100 ms (10 calls/s, 2x the limit) while a producer writes 100 records/s of 100 B.</summary>
    private async Task<ShardLimitsResult> GetCallsAsync(ShardLimitsCase scenario)
    {
        using var sim = new SimulatedEngine(new MemoryStreamStorage());
        sim.Engine.CreateStream(StreamName, shardCount: 1);
        var record = new PutRecordsEntry(new byte[scenario.RecordBytes - 1], "k");
        PutRecordsEntry[] batch = [record];
        string iterator = sim.Engine.GetShardIterator(s_stream, "shardId-000000000000", ShardIteratorType.TrimHorizon);
        int interval = (int)Math.Round(StepsPerSecond / (scenario.Factor * 5));
        long calls = 0, accepted = 0, steady = 0, throttled = 0, records = 0, bytes = 0;
        var series = new PerSecond(seconds);
        for (int step = 0; step < seconds * StepsPerSecond; step++)
        {
            await sim.Engine.PutRecordsAsync(s_stream, batch).ConfigureAwait(false);
            if (step % interval == 0)
            {
                calls++;
                series.Offered[step / StepsPerSecond]++;
                series.Attempted[step / StepsPerSecond]++;
                try
                {
                    GetRecordsResult result = sim.Engine.GetRecords(iterator);
                    iterator = result.NextShardIterator ?? throw new InvalidOperationException("The open shard's iterator ended.");
                    accepted++;
                    series.Accepted[step / StepsPerSecond]++;
                    steady += step >= SteadyFromSecond * StepsPerSecond ? 1 : 0;
                    records += result.Records.Count;
                    bytes += result.Records.Sum(r => (long)r.Data.Length + r.PartitionKey.Length);
                }
                catch (KinesisException e) when (e.Code == KinesisErrorCode.ProvisionedThroughputExceeded)
                {
                    throttled++;
                }
            }
            sim.Time.Advance(s_step);
        }
        double perSecond = 1.0 / seconds;
        double offered = (double)StepsPerSecond / interval;
        double acceptedRate = accepted * perSecond;
        ScenarioCheck check = Check(scenario, acceptedRate, 5, throttled == 0, "calls/s");
        return new ShardLimitsResult(
            scenario.Name, scenario.Operation.ToString(), scenario.Factor, scenario.RecordBytes, seconds, "calls/s",
            offered, calls * perSecond, acceptedRate, (double)steady / (seconds - SteadyFromSecond), 5, "5 GetRecords calls/s (rolling second)",
            bytes * perSecond, records * perSecond, calls, throttled, 0, 0, check)
        {
            Series = series.Scaled(1),
        };
    }

    /// <summary>
    /// A consumer asking for 12 records of 64 KiB (768 KiB) every 250 ms: 3 MiB/s, 1.5x the 2 MiB/s read limit, at
    /// 4 calls/s (under the call limit). A throttled call is retried at the next 10 ms step, and the next nominal call
    /// comes 250 ms after an accepted one. The shard is filled first (at 1 MiB/s, simulated) with more than the consumer
    /// can read in the run, and a producer keeps writing 0.5 MiB/s during it.
    /// </summary>
    private async Task<ShardLimitsResult> GetBytesAsync(ShardLimitsCase scenario)
    {
        using var sim = new SimulatedEngine(new MemoryStreamStorage());
        sim.Engine.CreateStream(StreamName, shardCount: 1);
        int recordBytes = scenario.RecordBytes;
        var record = new PutRecordsEntry(new byte[recordBytes - 1], "k");
        int perSecond1MiB = MiB / recordBytes;
        PutRecordsEntry[] second = [.. Enumerable.Repeat(record, perSecond1MiB)];
        PutRecordsEntry[] one = [record];

        // Fill: enough for 5 % more than the limit over the run.
        long wanted = (long)(2.0 * 1.05 * seconds) * perSecond1MiB;
        long written = 0;
        while (written < wanted)
        {
            PutRecordsResult fill = await sim.Engine.PutRecordsAsync(s_stream, second).ConfigureAwait(false);
            written += second.Length - fill.FailedRecordCount;
            sim.Time.Advance(TimeSpan.FromSeconds(1));
        }

        const int RecordsPerCall = 12;
        const int NominalSteps = 25; // 250 ms
        double offeredBytesPerSecond = scenario.Factor * 2 * MiB;
        string iterator = sim.Engine.GetShardIterator(s_stream, "shardId-000000000000", ShardIteratorType.TrimHorizon);
        double producerPerStep = 0.5 * perSecond1MiB / StepsPerSecond; // 0.5 MiB/s
        double owed = 0;
        int nextCall = 0;
        long calls = 0, throttled = 0, records = 0, bytes = 0, steadyBytes = 0, shortReads = 0;
        var series = new PerSecond(seconds);
        Array.Fill(series.Offered, offeredBytesPerSecond);
        for (int step = 0; step < seconds * StepsPerSecond; step++)
        {
            owed += producerPerStep;
            if (owed >= 1)
            {
                owed--;
                await sim.Engine.PutRecordsAsync(s_stream, one).ConfigureAwait(false);
            }
            if (step >= nextCall)
            {
                calls++;
                series.Attempted[step / StepsPerSecond] += RecordsPerCall * recordBytes;
                try
                {
                    GetRecordsResult result = sim.Engine.GetRecords(iterator, RecordsPerCall);
                    iterator = result.NextShardIterator ?? throw new InvalidOperationException("The open shard's iterator ended.");
                    long got = result.Records.Sum(r => (long)r.Data.Length + r.PartitionKey.Length);
                    records += result.Records.Count;
                    bytes += got;
                    series.Accepted[step / StepsPerSecond] += got;
                    steadyBytes += step >= SteadyFromSecond * StepsPerSecond ? got : 0;
                    shortReads += result.Records.Count < RecordsPerCall ? 1 : 0;
                    nextCall = step + NominalSteps;
                }
                catch (KinesisException e) when (e.Code == KinesisErrorCode.ProvisionedThroughputExceeded)
                {
                    throttled++;
                    nextCall = step + 1;
                }
            }
            sim.Time.Advance(s_step);
        }
        if (shortReads > 0)
        {
            throw new InvalidOperationException($"The consumer caught up with the producer ({shortReads} short reads): fill more.");
        }
        double rate = (double)bytes / MiB / seconds;
        ScenarioCheck check = Check(scenario, rate, 2, throttled == 0, "MiB/s");
        return new ShardLimitsResult(
            scenario.Name, scenario.Operation.ToString(), scenario.Factor, recordBytes, seconds, "MiB/s",
            offeredBytesPerSecond / MiB, calls * (double)RecordsPerCall * recordBytes / MiB / seconds, rate,
            (double)steadyBytes / MiB / (seconds - SteadyFromSecond), 2, "2 MiB/s read (charged after each response)",
            (double)bytes / seconds, (double)records / seconds, calls, throttled, 0, 0, check)
        {
            Series = series.Scaled(1.0 / MiB),
        };
    }

    /// <summary>Per-second tallies of a case, in the case's raw unit (records, calls or bytes).</summary>
    private sealed class PerSecond(int seconds)
    {
        public double[] Offered { get; } = new double[seconds];

        public double[] Attempted { get; } = new double[seconds];

        public double[] Accepted { get; } = new double[seconds];

        public ShardLimitsSeries Scaled(double unit)
            => new([.. Offered.Select(v => v * unit)], [.. Attempted.Select(v => v * unit)], [.. Accepted.Select(v => v * unit)]);
    }

    private ScenarioCheck Check(ShardLimitsCase scenario, double accepted, double limit, bool nothingRefused, string unit)
    {
        if (scenario.Factor <= 1)
        {
            return new ScenarioCheck(
                scenario.Name,
                "offered under the limit: everything accepted, nothing throttled",
                nothingRefused ? "all accepted" : "some refused",
                nothingRefused);
        }
        double deviation = (accepted - limit) / limit;
        return new ScenarioCheck(
            scenario.Name,
            string.Create(CultureInfo.InvariantCulture, $"offered {scenario.Factor:0.0}x: accepted within 2 % of the limit over {seconds} s"),
            string.Create(CultureInfo.InvariantCulture, $"{accepted:0.####} {unit} vs {limit:0.####} ({deviation:+0.00%;-0.00%})"),
            Math.Abs(deviation) <= Tolerance);
    }
}
