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
public sealed class OnDemandRun(IReadOnlyList<OnDemandPhase> phases, TextWriter progress, IProgress<double>? done = null)
{
    internal const int MiB = 1024 * 1024;
    private const int MaxRecordData = MiB - 1; // 1 MiB per record, data plus the 1-byte key
    private const long MaxCallBytes = 10L * MiB;
    private const int MaxCallRecords = 500;
    internal const double BaselineMiBps = 4;
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
        List<ShardDescription> open = OpenShards(sim.Engine, s_stream);
        var splitsAt = new List<int>();
        var batch = new List<PutRecordsEntry>(MaxCallRecords);
        int phaseIndex = 0;
        for (int minute = 0; minute < totalMinutes; minute++)
        {
            if (minute > 0)
            {
                await sim.Engine.RunMaintenanceAsync().ConfigureAwait(false);
                List<ShardDescription> now = OpenShards(sim.Engine, s_stream);
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
            (long[] share, string[] keys, long[] counted) = Spread(open, phase.MiBps);

            double peak = EffectivePeak(acceptedPerMinute, minute);
            double implied = Math.Max(BaselineMiBps, 2 * peak);
            double shardCapacity = counted.Sum(s => Math.Min(s, MiB)) / (double)MiB;
            double offeredRate = counted.Sum() / (double)MiB;

            (long accepted, long throttled) = await SendMinuteAsync(sim, s_stream, minute, share, keys, batch).ConfigureAwait(false);
            double acceptedRate = accepted / 60.0 / MiB;
            acceptedPerMinute.Add(Math.Floor(accepted / 60.0) / MiB);
            minutes.Add(new OnDemandMinute(minute, phase.Name, offeredRate, acceptedRate, throttled / 60.0 / MiB, open.Count, peak, implied, shardCapacity,
                Math.Min(offeredRate, Math.Min(implied, shardCapacity))));
            done?.Report((minute + 1.0) / totalMinutes);
            if (minute % 60 == 59)
            {
                progress.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  hour {minute / 60,3}: {phase.Name}, {open.Count} open shards, accepted {acceptedRate:0.##} of {offeredRate:0.##} MiB/s ({wall.Elapsed.TotalSeconds:0} s)"));
            }
        }
        ListShardsResult all = sim.Engine.ListShards(new ListShardsRequest(s_stream));
        return new OnDemandResult(minutes, splitsAt, open, all.Shards);
    }

    /// <summary>
    /// Sends one simulated minute: each second, <paramref name="share"/>[i] bytes of data to the shard whose hash range
    /// starts at <paramref name="keys"/>[i] (records split at 1 MiB, calls of at most 500 records and 10 MiB, starting at
    /// a shard that rotates every second), then advances the clock by a second. Returns accepted and refused bytes
    /// (data + key).
    /// </summary>
    internal static async Task<(long Accepted, long Throttled)> SendMinuteAsync(SimulatedEngine sim, StreamRef stream, int minute, long[] share, string[] keys, List<PutRecordsEntry> batch)
    {
        long accepted = 0, throttled = 0;
        for (int second = 0; second < 60; second++)
        {
            int first = ((minute * 60) + second) % share.Length;
            long callBytes = 0;
            for (int n = 0; n < share.Length; n++)
            {
                int shard = (first + n) % share.Length;
                for (long left = share[shard]; left > 0; left -= MaxRecordData)
                {
                    int size = (int)Math.Min(left, MaxRecordData);
                    if (batch.Count == MaxCallRecords || callBytes + size + 1 > MaxCallBytes)
                    {
                        (long a, long t) = await SendAsync(sim.Engine, stream, batch).ConfigureAwait(false);
                        accepted += a;
                        throttled += t;
                        callBytes = 0;
                    }
                    batch.Add(new PutRecordsEntry(s_payload[..size], "k", keys[shard]));
                    callBytes += size + 1;
                }
            }
            (long sa, long st) = await SendAsync(sim.Engine, stream, batch).ConfigureAwait(false);
            accepted += sa;
            throttled += st;
            sim.Time.Advance(TimeSpan.FromSeconds(1));
        }
        return (accepted, throttled);
    }

    /// <summary>Sends and clears the batch; returns accepted and refused bytes (data + key).</summary>
    private static async Task<(long Accepted, long Throttled)> SendAsync(StreamEngine engine, StreamRef stream, List<PutRecordsEntry> batch)
    {
        if (batch.Count == 0)
        {
            return (0, 0);
        }
        PutRecordsResult result = await engine.PutRecordsAsync(stream, batch.ToArray()).ConfigureAwait(false);
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

    /// <summary>
    /// Spreads <paramref name="mibps"/> of data over <paramref name="open"/> by hash range: each shard's data bytes per
    /// second, the partition key that routes to it (its starting hash key, sent as the explicit hash key), and the bytes
    /// the engine's limits count (data plus the 1-byte partition key of each record of at most 1 MiB).
    /// </summary>
    internal static (long[] Share, string[] Keys, long[] Counted) Spread(IReadOnlyList<ShardDescription> open, double mibps)
    {
        string[] keys = [.. open.Select(s => s.HashKeyRange.Start.Value.ToString(CultureInfo.InvariantCulture))];
        long[] share = [.. open.Select(s => (long)Math.Round(mibps * MiB * Weight(s.HashKeyRange)))];
        long[] counted = [.. share.Select(s => s + ((s + MaxRecordData - 1) / MaxRecordData))];
        return (share, keys, counted);
    }

    /// <summary>A hash range's share of the key space.</summary>
    internal static double Weight(HashKeyRange range)
        => ((double)(range.End.Value - range.Start.Value) + 1) / s_keySpace;

    /// <summary>The open shards of <paramref name="stream"/>, every page.</summary>
    internal static List<ShardDescription> OpenShards(StreamEngine engine, StreamRef stream)
    {
        var shards = new List<ShardDescription>();
        ListShardsResult page = engine.ListShards(new ListShardsRequest(stream, FilterType: ShardFilterType.AtLatest));
        shards.AddRange(page.Shards);
        while (page.NextToken is { } token)
        {
            page = engine.ListShards(new ListShardsRequest(default, NextToken: token));
            shards.AddRange(page.Shards);
        }
        return shards;
    }
}
