namespace Runnel.Streams.Capacity;

/// <summary>
/// The write capacity of one on-demand stream and its shard-split advice: an executable reading of kinesis-api.md 5.2.
/// </summary>
/// <remarks>
/// <para>
/// Spec text: "New on-demand stream: 4 MiB/s write ... Accommodates up to 2x the peak write throughput observed in
/// the previous 30 days; e.g. traffic peaking at 40 MB/s can burst to 80 MB/s; a sustained new peak of 50 MB/s
/// raises headroom to 100 MB/s. Exceeding 2x previous peak within 15 minutes can throttle." The model:
/// </para>
/// <list type="bullet">
/// <item><b>Throughput</b> is measured on accepted writes as minute averages (bytes in a clock minute / 60).</item>
/// <item><b>Peak</b> = the largest minute average of the last 30 days that is <i>effective</i>: a minute becomes
/// effective <see cref="OnDemandOptions.ScalingDelay"/> (15 min) after it ends. That delay is how "sustained"
/// and "within 15 minutes" are read: traffic can double every 15 minutes without throttling, traffic that more
/// than doubles the previous peak faster than that is throttled down to the capacity until the scaling catches
/// up. A spike shorter than a minute is averaged into its minute, so it hardly moves the peak.</item>
/// <item><b>Capacity</b> = clamp(max(4 MiB/s, 2 x peak), ..., 10 GiB/s). A new stream has 4 MiB/s; after 30 days
/// (to 30 days + 1 h, see <see cref="PeakHistory"/>) without traffic it is back at 4 MiB/s.</item>
/// <item><b>Admission</b>: a stream-level token bucket at the capacity holding 1 second of it, with the same
/// large-write rule as <see cref="ShardThrottle"/> (an oversized write passes when the bucket is full, leaving
/// debt). Per-shard limits still apply on top: the engine checks both.</item>
/// <item><b>Splits</b>: <see cref="RecordShardWrite"/> feeds per-shard minute rates; <see cref="ShardsToSplit(TimeSpan)"/>
/// returns the shards above 500 KiB/s for every finished minute of the period ("when a shard's incoming traffic
/// exceeds 500 KB/s it is split within ~15 minutes"). The engine performs the splits (even halves) and calls
/// <see cref="ForgetShard"/> for each parent.</item>
/// </list>
/// <para>
/// Thread-safe: one lock per stream. With <see cref="CapacityOptions.LimitsEnabled"/> off,
/// <see cref="TryAcquireWrite"/> accepts without tracking (so the capacity stays at the baseline), while shard
/// rates are still tracked so split advice keeps working.
/// </para>
/// </remarks>
public sealed class OnDemandCapacity
{
    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly long _origin;
    private readonly bool _enabled;
    private readonly OnDemandOptions _options;
    private readonly PeakHistory _history;
    private readonly HotShardTracker _shards;
    private readonly long _floor; // the baseline, or the kept shards' capacity of a stream switched to on-demand
    private long _capacity;

    // Mutable struct updated in place under _lock.
    private TokenBucket _bucket;

    /// <summary>
    /// Creates the capacity of a new on-demand stream: the baseline. A stream switched from provisioned passes
    /// <paramref name="floorBytesPerSecond"/>, the write capacity of the shards it keeps (kinesis-api.md: the shard
    /// count is retained and the switch does not disrupt writes), so a switch never takes capacity away; the 2x-peak
    /// rule then grows it from there.
    /// </summary>
    public OnDemandCapacity(TimeProvider timeProvider, CapacityOptions options, long floorBytesPerSecond = 0)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _time = timeProvider;
        _origin = timeProvider.GetTimestamp();
        _enabled = options.LimitsEnabled;
        _options = options.OnDemand;
        _history = new PeakHistory(_options.PeakWindow, _options.ScalingDelay);
        _shards = new HotShardTracker(_options.ShardSplitBytesPerSecond);
        ArgumentOutOfRangeException.ThrowIfNegative(floorBytesPerSecond);
        _floor = Math.Min(Math.Max(_options.BaselineWriteBytesPerSecond, floorBytesPerSecond), _options.MaxWriteBytesPerSecond);
        _capacity = _floor;
        _bucket = new TokenBucket(_capacity, _capacity, 0);
    }

    /// <summary>Whether capacity is enforced.</summary>
    public bool Enabled => _enabled;

    /// <summary>The write capacity now: max(baseline or switch floor, 2 x effective 30-day peak), capped.</summary>
    public long CurrentCapacityBytesPerSecond
    {
        get
        {
            lock (_lock)
            {
                Advance(Now());
                return _capacity;
            }
        }
    }

    /// <summary>The effective 30-day peak (largest minute average) in bytes per second; 0 if never written.</summary>
    public long PeakWriteBytesPerSecond
    {
        get
        {
            lock (_lock)
            {
                Advance(Now());
                return _history.PeakBytesPerSecond;
            }
        }
    }

    /// <summary>Admits a write of <paramref name="bytes"/> (data + partition key) at stream level; counts it toward the peak.</summary>
    public WriteDecision TryAcquireWrite(int bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        if (!_enabled)
        {
            return WriteDecision.Accepted;
        }
        lock (_lock)
        {
            long now = Now();
            Advance(now);
            _bucket.Refill(now);
            if (!_bucket.CanTake(bytes, allowDebtWhenFull: true))
            {
                return WriteDecision.ThrottledBytes;
            }
            _bucket.Charge(bytes);
            _history.Add(bytes);
            return WriteDecision.Accepted;
        }
    }

    /// <summary>
    /// Gives back an accepted write that was not stored after all (e.g. refused by its shard), so that it neither
    /// uses capacity nor raises the peak. Only bytes of the current minute can be taken back.
    /// </summary>
    public void RefundWrite(int bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        if (!_enabled)
        {
            return;
        }
        lock (_lock)
        {
            long now = Now();
            Advance(now);
            _bucket.Refill(now);
            _bucket.Return(bytes);
            _history.Subtract(bytes);
        }
    }

    /// <summary>Counts bytes written to one shard (after its own throttle accepted them), for split advice.</summary>
    public void RecordShardWrite(int shardIndex, int bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        lock (_lock)
        {
            _shards.Record(Now() / TimeSpan.TicksPerMinute, shardIndex, bytes);
        }
    }

    /// <summary>Stops tracking a shard (closed by a split or merge).</summary>
    public void ForgetShard(int shardIndex)
    {
        lock (_lock)
        {
            _shards.Forget(shardIndex);
        }
    }

    /// <summary>
    /// The shards (ascending) whose minute-average incoming rate exceeded the split rate in every finished minute of
    /// the last <paramref name="sustainedFor"/> (rounded up to whole minutes, at least one).
    /// </summary>
    public IReadOnlyList<int> ShardsToSplit(TimeSpan sustainedFor)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sustainedFor, TimeSpan.Zero);
        long minutes = (sustainedFor.Ticks + TimeSpan.TicksPerMinute - 1) / TimeSpan.TicksPerMinute;
        lock (_lock)
        {
            return _shards.Sustained(Now() / TimeSpan.TicksPerMinute, minutes);
        }
    }

    /// <summary><see cref="ShardsToSplit(TimeSpan)"/> for <see cref="OnDemandOptions.ShardSplitDelay"/> (15 minutes).</summary>
    public IReadOnlyList<int> ShardsToSplit() => ShardsToSplit(_options.ShardSplitDelay);

    private void Advance(long now)
    {
        if (!_history.Advance(now))
        {
            return;
        }
        long wanted = Math.Max(_floor, _history.PeakBytesPerSecond * _options.PeakMultiplier);
        long capacity = Math.Min(wanted, _options.MaxWriteBytesPerSecond);
        if (capacity != _capacity)
        {
            _capacity = capacity;
            _bucket.Reconfigure(capacity, capacity, now);
        }
    }

    private long Now() => _time.GetElapsedTime(_origin).Ticks;
}
