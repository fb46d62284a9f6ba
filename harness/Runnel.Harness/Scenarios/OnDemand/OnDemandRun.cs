using System.Globalization;
using Runnel.Model;
using Runnel.Streams;
using Runnel.Streams.Storage;

namespace Runnel.Harness.Scenarios.OnDemand;

/// <summary>
/// The <c>on-demand</c> scenario: an ON_DEMAND stream under <see cref="OnDemandPhase.Ramp"/>, in simulated time.
/// </summary>
/// <remarks>
/// <para>Work is bounded by aggregating: the fake clock moves in 1-second steps, and each step the producer sends each
/// open shard one record carrying that shard's share of the second's traffic (its hash range's share of the key
/// space, records split at 1 MiB), through PutRecords calls of at most 500 records and 10 MiB, starting at a rotating
/// shard so that stream-level throttling spreads over shards. Throttled records are counted and dropped, not retried.
/// Storage keeps no data (<see cref="DiscardingStreamStorage"/>). RunMaintenanceAsync (which splits hot shards) runs at
/// every minute boundary.</para>
/// <para>The harness keeps its own model of the rule of kinesis-api.md 5.2 (<see cref="OnDemandMinute.ImpliedCapacity"/>),
/// computed from the accepted traffic it saw, and compares what the engine accepted against it.</para>
/// </remarks>
public sealed class OnDemandRun(IReadOnlyList<OnDemandPhase> phases, TextWriter progress)
{
    private const int MiB = 1024 * 1024;
    private const int MaxRecordData = MiB - 1; // 1 MiB per record, data plus the 1-byte key
    private const long MaxCallBytes = 10L * MiB;
    private const int MaxCallRecords = 500;
    private const double BaselineMiBps = 4;
    private const int ScalingDelayMinutes = 15;
    private const string StreamName = "ondemand";
    private static readonly StreamRef s_stream = StreamRef.Named(StreamName);
    private static readonly double s_keySpace = Math.Pow(2, 128);
    private static readonly ReadOnlyMemory<byte> s_payload = new byte[MaxRecordData];

    /// <summary>Runs the ramp minute by minute; returns every minute.</summary>
    public async Task<OnDemandResult> RunAsync()
    {
        var wall = System.Diagnostics.Stopwatch.StartNew();
        using var sim = new SimulatedEngine(new DiscardingStreamStorage());
        sim.Engine.CreateStream(StreamName, mode: StreamMode.OnDemand);
        int totalMinutes = phases[^1].EndMinute;
        var minutes = new List<OnDemandMinute>(totalMinutes);
        var acceptedPerMinute = new List<double>(totalMinutes); // MiB/s minute averages, as the engine measures them
        List<ShardDescription> open = OpenShards(sim.Engine);
        var splitsAt = new List<int>();
        var batch = new List<PutRecordsEntry>(MaxCallRecords);
        int phaseIndex = 0;
        for (int minute = 0; minute < totalMinutes; minute++)
        {
            if (minute > 0)
            {
                await sim.Engine.RunMaintenanceAsync().ConfigureAwait(false);
                List<ShardDescription> now = OpenShards(sim.Engine);
                if (now.Count != open.Count)
                {
                    for (int i = 0; i < now.Count - open.Count; i++)
                    {
                        splitsAt.Add(minute);
                    }
                    open = now;
                }
            }
            while (phases[phaseIndex].EndMinute <= minute)
            {
                phaseIndex++;
            }
            OnDemandPhase phase = phases[phaseIndex];
            double[] weights = [.. open.Select(s => Weight(s.HashKeyRange))];
            string[] keys = [.. open.Select(s => s.HashKeyRange.Start.Value.ToString(CultureInfo.InvariantCulture))];
            long[] share = [.. weights.Select(w => (long)Math.Round(phase.MiBps * MiB * w))];
            // What the engine's limits count: data plus the 1-byte partition key of each record.
            long[] counted = [.. share.Select(s => s + ((s + MaxRecordData - 1) / MaxRecordData))];

            double peak = EffectivePeak(acceptedPerMinute, minute);
            double implied = Math.Max(BaselineMiBps, 2 * peak);
            double shardCapacity = counted.Sum(s => Math.Min(s, MiB)) / (double)MiB;
            double offeredRate = counted.Sum() / (double)MiB;

            long accepted = 0, throttled = 0;
            for (int second = 0; second < 60; second++)
            {
                int first = ((minute * 60) + second) % open.Count;
                long callBytes = 0;
                for (int n = 0; n < open.Count; n++)
                {
                    int shard = (first + n) % open.Count;
                    for (long left = share[shard]; left > 0; left -= MaxRecordData)
                    {
                        int size = (int)Math.Min(left, MaxRecordData);
                        if (batch.Count == MaxCallRecords || callBytes + size + 1 > MaxCallBytes)
                        {
                            (long a, long t) = await SendAsync(sim.Engine, batch).ConfigureAwait(false);
                            accepted += a;
                            throttled += t;
                            callBytes = 0;
                        }
                        batch.Add(new PutRecordsEntry(s_payload[..size], "k", keys[shard]));
                        callBytes += size + 1;
                    }
                }
                (long sa, long st) = await SendAsync(sim.Engine, batch).ConfigureAwait(false);
                accepted += sa;
                throttled += st;
                sim.Time.Advance(TimeSpan.FromSeconds(1));
            }
            double acceptedRate = accepted / 60.0 / MiB;
            acceptedPerMinute.Add(Math.Floor(accepted / 60.0) / MiB);
            minutes.Add(new OnDemandMinute(minute, phase.Name, offeredRate, acceptedRate, throttled / 60.0 / MiB, open.Count, peak, implied, shardCapacity,
                Math.Min(offeredRate, Math.Min(implied, shardCapacity))));
            if (minute % 60 == 59)
            {
                progress.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  hour {minute / 60,3}: {phase.Name}, {open.Count} open shards, accepted {acceptedRate:0.##} of {offeredRate:0.##} MiB/s ({wall.Elapsed.TotalSeconds:0} s)"));
            }
        }
        ListShardsResult all = sim.Engine.ListShards(new ListShardsRequest(s_stream));
        return new OnDemandResult(minutes, splitsAt, open, all.Shards);
    }

    /// <summary>Sends and clears the batch; returns accepted and refused bytes (data + key).</summary>
    private static async Task<(long Accepted, long Throttled)> SendAsync(StreamEngine engine, List<PutRecordsEntry> batch)
    {
        if (batch.Count == 0)
        {
            return (0, 0);
        }
        PutRecordsResult result = await engine.PutRecordsAsync(s_stream, batch.ToArray()).ConfigureAwait(false);
        long accepted = 0, throttled = 0;
        for (int i = 0; i < batch.Count; i++)
        {
            long bytes = batch[i].Data.Length + 1;
            if (result.Records[i].ErrorCode is null)
            {
                accepted += bytes;
            }
            else
            {
                throttled += bytes;
            }
        }
        batch.Clear();
        return (accepted, throttled);
    }

    /// <summary>The largest minute average (MiB/s) among minutes that ended at least 15 minutes before <paramref name="minute"/> starts.</summary>
    public static double EffectivePeak(IReadOnlyList<double> acceptedPerMinute, int minute)
    {
        ArgumentNullException.ThrowIfNull(acceptedPerMinute);
        double peak = 0;
        for (int m = 0; m <= minute - ScalingDelayMinutes - 1 && m < acceptedPerMinute.Count; m++)
        {
            peak = Math.Max(peak, acceptedPerMinute[m]);
        }
        return peak;
    }

    private static double Weight(HashKeyRange range)
        => ((double)(range.End.Value - range.Start.Value) + 1) / s_keySpace;

    private static List<ShardDescription> OpenShards(StreamEngine engine)
    {
        var shards = new List<ShardDescription>();
        ListShardsResult page = engine.ListShards(new ListShardsRequest(s_stream, FilterType: ShardFilterType.AtLatest));
        shards.AddRange(page.Shards);
        while (page.NextToken is { } token)
        {
            page = engine.ListShards(new ListShardsRequest(default, NextToken: token));
            shards.AddRange(page.Shards);
        }
        return shards;
    }
}
