using System.Globalization;
using Runnel.Model;
using Runnel.Streams;
using Runnel.Streams.Storage;

namespace Runnel.Harness.Scenarios.HotShard;

/// <summary>The parameters of a <c>hot-shard</c> run.</summary>
/// <param name="Keys">Distinct partition keys.</param>
/// <param name="ZipfExponent">Skew: key i has weight 1/(i+1)^s.</param>
/// <param name="RecordBytes">Data bytes per record.</param>
/// <param name="OfferedMiBps">Offered MiB/s (data plus keys), below the 4 shards' aggregate 4 MiB/s.</param>
/// <param name="ProvisionedSeconds">Simulated seconds of the provisioned phase.</param>
/// <param name="OnDemandMinutes">Simulated minutes of the on-demand phase.</param>
/// <param name="WindowMinutes">Width of the on-demand phase's windows.</param>
/// <param name="Seed">Seeds the key draws.</param>
public sealed record HotShardOptions(
    int Keys = 10_000,
    double ZipfExponent = 1.2,
    int RecordBytes = 8 * 1024,
    double OfferedMiBps = 3,
    int ProvisionedSeconds = 60,
    int OnDemandMinutes = 60,
    int WindowMinutes = 5,
    int Seed = 1);

/// <summary>
/// <c>hot-shard</c> in simulated time: Zipf-skewed partition keys against 4 shards, first provisioned (the shard that
/// holds the popular keys is throttled at 1 MiB/s while the stream as a whole has room), then on-demand (the engine's
/// maintenance splits shards that stay above 500 KiB/s, the hot one first, and throttling falls).
/// </summary>
/// <remarks>The fake clock moves in 100 ms steps; each step's records go out in PutRecords calls of at most 500.
/// Throttled records are counted and dropped, so that offered traffic stays what the options say.</remarks>
public sealed class HotShardRun(HotShardOptions options)
{
    /// <summary>
    /// Where the real-time run's steady window starts: a shard's bucket starts full (a second of capacity), and the hot
    /// shard, offered about 1.27 MiB/s by the default options, spends it in 1 / 0.27 = 3.7 s.
    /// </summary>
    public const int RealTimeSteadyFromSecond = 5;

    /// <summary>The fewest seconds a real-time run takes (a steady window of at least 3 s).</summary>
    public const int RealTimeMinimumSeconds = RealTimeSteadyFromSecond + 3;

    private const double MiB = 1024 * 1024;
    private const int StepsPerSecond = 10;
    private const int MaxCallRecords = 500;
    private const string StreamName = "hot";

    private static readonly StreamRef s_stream = StreamRef.Named(StreamName);
    private static readonly TimeSpan s_step = TimeSpan.FromMilliseconds(100);

    private readonly ZipfKeys _keys = new(options.Keys, options.ZipfExponent, options.Seed);
    private readonly HashKey[] _hashes = new HashKey[options.Keys];
    private readonly ReadOnlyMemory<byte> _data = new byte[options.RecordBytes];

    private IProgress<double>? _done;

    /// <summary>Runs both phases; <paramref name="done"/> hears the fraction of simulated time done.</summary>
    public async Task<HotShardReport> RunAsync(TimeSpan wallSoFar = default, IProgress<double>? done = null)
    {
        _done = done;
        var wall = System.Diagnostics.Stopwatch.StartNew();
        for (int i = 0; i < _hashes.Length; i++)
        {
            _hashes[i] = PartitionKeyHasher.Hash(_keys.Names[i]);
        }
        var provisionedTimeline = new HotShardTimeline(options.ProvisionedSeconds, 1);
        var onDemandTimeline = new HotShardTimeline(options.OnDemandMinutes, 60);
        IReadOnlyList<HotShardRow> provisioned = await ProvisionedAsync(provisionedTimeline).ConfigureAwait(false);
        (IReadOnlyList<HotShardWindow> windows, IReadOnlyList<HotShardRow> final, int? splitAt) = await OnDemandAsync(onDemandTimeline).ConfigureAwait(false);

        string hotShard = provisioned.OrderByDescending(r => r.OfferedMiBps).First().ShardId;
        HotShardRow hot = provisioned.First(r => r.ShardId == hotShard);
        double bucketSlack = 1 + (1.0 / options.ProvisionedSeconds); // the bucket starts full: one extra second
        var checks = new List<ScenarioCheck>
        {
            new("provisioned-hot-shard-throttled",
                "the shard holding the hot keys is held to 1 MiB/s (within 2 %) while the stream is below its 4 MiB/s aggregate",
                Invariant($"{hot.ShardId}: offered {hot.OfferedMiBps:0.###} MiB/s, accepted {hot.AcceptedMiBps:0.###}, {hot.ThrottledRecords} records throttled; stream offered {options.OfferedMiBps:0.###} of 4"),
                hot.OfferedMiBps > 1 && hot.ThrottledRecords > 0 && hot.AcceptedMiBps <= 1.02 * bucketSlack && hot.AcceptedMiBps >= 0.98 && options.OfferedMiBps < 4),
            new("provisioned-cold-shards-unthrottled", "shards offered under 0.9 MiB/s throttle nothing",
                Invariant($"{provisioned.Count(r => r.OfferedMiBps < 0.9)} cold shards, {provisioned.Where(r => r.OfferedMiBps < 0.9).Sum(r => r.ThrottledRecords)} records throttled"),
                provisioned.Where(r => r.OfferedMiBps < 0.9).All(r => r.ThrottledRecords == 0)),
            new("on-demand-splits-hot-shard", "on-demand splits the shard holding the hot key after ~15 minutes above 500 KiB/s (by minute 20)",
                splitAt is { } m ? Invariant($"split at minute {m}") : "never split",
                splitAt is <= 20),
            new("on-demand-throttling-falls", "after the splits the hot key is no longer throttled, and the stream throttles less than before",
                Invariant($"throttled {windows[0].ThrottledFraction:P2} in the first window, {windows[^1].ThrottledFraction:P2} in the last; hot key {windows[0].HotKeyShardThrottledFraction:P2} then {windows[^1].HotKeyShardThrottledFraction:P2}"),
                windows[^1].ThrottledFraction < windows[0].ThrottledFraction && windows[^1].HotKeyShardThrottledFraction < 0.001),
        };
        return new HotShardReport("hot-shard", options.Keys, options.ZipfExponent, options.RecordBytes, options.OfferedMiBps,
            _keys.Names[0], _keys.Probability(0), provisioned, options.ProvisionedSeconds, windows, final, splitAt, checks,
            ScenarioEnvironment.Current(wall.Elapsed + wallSoFar))
        {
            ProvisionedTimeline = provisionedTimeline,
            OnDemandTimeline = onDemandTimeline,
        };
    }

    /// <summary>
    /// The provisioned phase on the wall clock: the engine in this process with Kinesis limits on and the system
    /// clock, a 4-shard stream, the same 100 ms steps sent when the wall clock reaches them (late steps go back to
    /// back). The hot shard's check reads its accepted rate from second <see cref="RealTimeSteadyFromSecond"/> on.
    /// </summary>
    public async Task<HotShardRealTimeReport> RunRealTimeAsync(int seconds, IProgress<double>? done = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(seconds, RealTimeMinimumSeconds);
        for (int i = 0; i < _hashes.Length; i++)
        {
            _hashes[i] = PartitionKeyHasher.Hash(_keys.Names[i]);
        }
        using var engine = StreamEngine.Open(SimulatedEngine.Options, new DiscardingStreamStorage(), TimeProvider.System);
        engine.CreateStream(StreamName, shardCount: 4);
        var traffic = new Traffic(OpenShards(engine));
        var timeline = new HotShardTimeline(seconds, 1);
        double carry = 0;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (int step = 0; step < seconds * StepsPerSecond; step++)
        {
            TimeSpan due = step * s_step;
            if (clock.Elapsed < due)
            {
                await Task.Delay(due - clock.Elapsed, cancellationToken).ConfigureAwait(false);
            }
            carry = await StepAsync(engine, traffic, carry, timeline, step / StepsPerSecond).ConfigureAwait(false);
            if (step % StepsPerSecond == 0)
            {
                done?.Report((double)step / (seconds * StepsPerSecond));
            }
        }
        IReadOnlyList<HotShardRow> rows = traffic.Rows(seconds, _keys.Names, onlyOpen: false);
        HotShardRow hot = rows.OrderByDescending(r => r.OfferedMiBps).First();
        int hotIndex = timeline.Shards.ToList().IndexOf(hot.ShardId);
        double[,] offered = timeline.OfferedMiBps(), throttled = timeline.ThrottledMiBps();
        double steady = 0;
        for (int b = RealTimeSteadyFromSecond; b < seconds; b++)
        {
            steady += (double.IsNaN(offered[hotIndex, b]) ? 0 : offered[hotIndex, b]) - (double.IsNaN(throttled[hotIndex, b]) ? 0 : throttled[hotIndex, b]);
        }
        steady /= seconds - RealTimeSteadyFromSecond;
        var checks = new List<ScenarioCheck>
        {
            new("real-time-hot-shard-throttled",
                Invariant($"the shard holding the hot keys is held to 1 MiB/s (within 2 %, from second {RealTimeSteadyFromSecond}) while the stream is below its 4 MiB/s aggregate"),
                Invariant($"{hot.ShardId}: offered {hot.OfferedMiBps:0.###} MiB/s, accepted {steady:0.###} from second {RealTimeSteadyFromSecond} ({hot.AcceptedMiBps:0.###} over the run), {hot.ThrottledRecords} records throttled; stream offered {options.OfferedMiBps:0.###} of 4"),
                hot.OfferedMiBps > 1 && hot.ThrottledRecords > 0 && Math.Abs(steady - 1) <= 0.02 && options.OfferedMiBps < 4),
            new("real-time-cold-shards-unthrottled", "shards offered under 0.9 MiB/s throttle nothing",
                Invariant($"{rows.Count(r => r.OfferedMiBps < 0.9)} cold shards, {rows.Where(r => r.OfferedMiBps < 0.9).Sum(r => r.ThrottledRecords)} records throttled"),
                rows.Where(r => r.OfferedMiBps < 0.9).All(r => r.ThrottledRecords == 0)),
        };
        return new HotShardRealTimeReport("hot-shard-real-time", "embedded engine, real time", options.Keys, options.ZipfExponent, options.RecordBytes,
            options.OfferedMiBps, _keys.Names[0], _keys.Probability(0), seconds, RealTimeSteadyFromSecond, rows, checks, ScenarioEnvironment.Current(clock.Elapsed))
        {
            Timeline = timeline,
        };
    }

    /// <summary>The fraction of the run's simulated seconds (both phases) that <paramref name="seconds"/> is.</summary>
    private double Done(int seconds) => (double)seconds / (options.ProvisionedSeconds + (options.OnDemandMinutes * 60));

    private async Task<IReadOnlyList<HotShardRow>> ProvisionedAsync(HotShardTimeline timeline)
    {
        using var sim = new SimulatedEngine(new DiscardingStreamStorage());
        sim.Engine.CreateStream(StreamName, shardCount: 4);
        var traffic = new Traffic(OpenShards(sim.Engine));
        double carry = 0;
        for (int step = 0; step < options.ProvisionedSeconds * StepsPerSecond; step++)
        {
            carry = await StepAsync(sim.Engine, traffic, carry, timeline, step / StepsPerSecond).ConfigureAwait(false);
            sim.Time.Advance(s_step);
            if (step % StepsPerSecond == 0)
            {
                _done?.Report(Done(step / StepsPerSecond));
            }
        }
        return traffic.Rows(options.ProvisionedSeconds, _keys.Names, onlyOpen: false);
    }

    private async Task<(IReadOnlyList<HotShardWindow>, IReadOnlyList<HotShardRow>, int?)> OnDemandAsync(HotShardTimeline timeline)
    {
        using var sim = new SimulatedEngine(new DiscardingStreamStorage());
        sim.Engine.CreateStream(StreamName, mode: StreamMode.OnDemand);
        List<ShardDescription> open = OpenShards(sim.Engine);
        string hotKeyShard = ShardOf(open, _hashes[0]);
        int? splitAt = null;
        var windows = new List<HotShardWindow>();
        var window = new Traffic(open);
        int windowStart = 0;
        double carry = 0;
        for (int minute = 0; minute < options.OnDemandMinutes; minute++)
        {
            if (minute > 0)
            {
                await sim.Engine.RunMaintenanceAsync().ConfigureAwait(false);
                open = OpenShards(sim.Engine);
                window.Reroute(open);
                if (splitAt is null && !open.Exists(s => s.ShardId.ToString() == hotKeyShard))
                {
                    splitAt = minute;
                }
            }
            if (minute > 0 && minute % options.WindowMinutes == 0)
            {
                windows.Add(window.Window(windowStart, minute, open.Count));
                window = new Traffic(open);
                windowStart = minute;
            }
            for (int step = 0; step < 60 * StepsPerSecond; step++)
            {
                carry = await StepAsync(sim.Engine, window, carry, timeline, minute).ConfigureAwait(false);
                sim.Time.Advance(s_step);
            }
            _done?.Report(Done(options.ProvisionedSeconds + ((minute + 1) * 60)));
        }
        windows.Add(window.Window(windowStart, options.OnDemandMinutes, open.Count));
        return (windows, window.Rows((options.OnDemandMinutes - windowStart) * 60, _keys.Names, onlyOpen: true), splitAt);
    }

    /// <summary>One 100 ms step: draws the records due, sends them, accounts for them. Returns the fractional record carried over.</summary>
    private async Task<double> StepAsync(StreamEngine engine, Traffic traffic, double carry, HotShardTimeline timeline, int bucket)
    {
        double perRecord = options.RecordBytes + 10; // data plus a 10-byte key
        double due = (options.OfferedMiBps * MiB / perRecord / StepsPerSecond) + carry;
        int count = (int)Math.Floor(due);
        int[] drawn = new int[count];
        for (int i = 0; i < count; i++)
        {
            drawn[i] = _keys.Next();
        }
        for (int start = 0; start < count; start += MaxCallRecords)
        {
            int n = Math.Min(MaxCallRecords, count - start);
            var entries = new PutRecordsEntry[n];
            for (int i = 0; i < n; i++)
            {
                entries[i] = new PutRecordsEntry(_data, _keys.Names[drawn[start + i]]);
            }
            PutRecordsResult result = await engine.PutRecordsAsync(s_stream, entries).ConfigureAwait(false);
            for (int i = 0; i < n; i++)
            {
                int key = drawn[start + i];
                bool accepted = result.Records[i].SequenceNumber is not null;
                string shard = traffic.Count(key, _hashes[key], (long)perRecord, accepted);
                timeline.Count(shard, bucket, (long)perRecord, accepted);
            }
        }
        return due - count;
    }

    private static List<ShardDescription> OpenShards(StreamEngine engine)
        => [.. engine.ListShards(new ListShardsRequest(s_stream, FilterType: ShardFilterType.AtLatest)).Shards.OrderBy(s => s.HashKeyRange.Start)];

    private static string ShardOf(List<ShardDescription> open, HashKey hash)
        => open.First(s => s.HashKeyRange.Contains(hash)).ShardId.ToString();

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>Offered and accepted bytes and records per shard and per key over a span of time.</summary>
    private sealed class Traffic(List<ShardDescription> open)
    {
        private readonly Dictionary<string, ShardCounts> _shards = new(StringComparer.Ordinal);
        private List<ShardDescription> _open = open;
        private long _offeredRecords, _throttledRecords, _offeredBytes, _acceptedBytes, _hotOffered, _hotThrottled;

        public void Reroute(List<ShardDescription> open) => _open = open;

        public string Count(int key, HashKey hash, long bytes, bool accepted)
        {
            string shard = ShardOf(_open, hash);
            if (!_shards.TryGetValue(shard, out ShardCounts? counts))
            {
                _shards[shard] = counts = new ShardCounts();
            }
            counts.Offered += bytes;
            counts.ByKey[key] = counts.ByKey.GetValueOrDefault(key) + bytes;
            _offeredRecords++;
            _offeredBytes += bytes;
            _hotOffered += key == 0 ? 1 : 0;
            if (accepted)
            {
                counts.Accepted += bytes;
                _acceptedBytes += bytes;
            }
            else
            {
                counts.Throttled++;
                _throttledRecords++;
                _hotThrottled += key == 0 ? 1 : 0;
            }
            return shard;
        }

        public HotShardWindow Window(int from, int to, int openShards)
        {
            double seconds = (to - from) * 60.0;
            return new HotShardWindow(from, to, openShards, _offeredBytes / MiB / seconds, _acceptedBytes / MiB / seconds,
                _offeredRecords == 0 ? 0 : (double)_throttledRecords / _offeredRecords, _hotOffered == 0 ? 0 : (double)_hotThrottled / _hotOffered);
        }

        public IReadOnlyList<HotShardRow> Rows(double seconds, IReadOnlyList<string> names, bool onlyOpen)
        {
            var openIds = _open.Select(s => s.ShardId.ToString()).ToHashSet(StringComparer.Ordinal);
            return [.. _shards
                .Where(s => !onlyOpen || openIds.Contains(s.Key))
                .OrderBy(s => s.Key, StringComparer.Ordinal)
                .Select(s => new HotShardRow(s.Key, openIds.Contains(s.Key), s.Value.Offered / MiB / seconds, s.Value.Accepted / MiB / seconds, s.Value.Throttled,
                    [.. s.Value.ByKey.OrderByDescending(k => k.Value).Take(3).Select(k => new KeyShare(names[k.Key], (double)k.Value / s.Value.Offered))]))];
        }

        private sealed class ShardCounts
        {
            public long Offered;
            public long Accepted;
            public long Throttled;
            public readonly Dictionary<int, long> ByKey = [];
        }
    }
}
