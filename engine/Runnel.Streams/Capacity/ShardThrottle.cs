using System.Runtime.CompilerServices;

namespace Runnel.Streams.Capacity;

/// <summary>
/// The throughput limits of one shard (kinesis-api.md 4.1): write bytes and records, GetRecords calls and bytes.
/// </summary>
/// <remarks>
/// <para>
/// <b>Writes</b>: two token buckets refilled continuously, at <see cref="ShardThroughputLimits.WriteBytesPerSecond"/>
/// and <see cref="ShardThroughputLimits.WriteRecordsPerSecond"/>, each holding at most one second of capacity and
/// starting full. A write takes from both or from neither. Over any interval of length T the accepted bytes are at
/// most <c>T x rate + max(1 s of capacity, largest single write)</c>, and a producer that offers more than the rate
/// and retries gets the rate in the long run.
/// </para>
/// <para>
/// <b>Large records</b> (kinesis-api.md 4.1: "burst via token-bucket ('tank refilled at steady rate') ... can burst
/// to 10 MiB while averaging 1 MiB/s"): a write larger than the whole byte bucket (up to a 10 MiB record) is
/// admitted only when the bucket is <i>full</i>, and leaves it in debt (negative). While in debt every write is
/// refused, until the refill has paid the debt back; so a 10 MiB record blocks the shard for about 9 s and the
/// average stays at the rate. Under saturation by small records the bucket is rarely full, so a large record may
/// wait: that is the price AWS names ("keep large records under 2 % of traffic").
/// </para>
/// <para>
/// <b>Reads</b>: calls are counted in a sliding window (at most <see cref="ShardThroughputLimits.ReadCallsPerSecond"/>
/// in any rolling second; throttled calls do not count). Bytes are charged after the response by
/// <see cref="CompleteGetRecords"/> against a bucket of capacity 0 refilled at
/// <see cref="ShardThroughputLimits.ReadBytesPerSecond"/>: every response puts the shard in debt and calls are
/// refused until it is paid. A response of B bytes therefore blocks the shard for exactly B / 2 MiB/s after it
/// is charged: 5 s for 10 MiB ("after a 10 MiB response further calls for 5 s => PTE"). Reads have no positive
/// burst; their long-run rate is the limit and any interval carries at most T x rate + one response.
/// </para>
/// <para>
/// Thread-safe: request threads of the shard share one instance; a small lock guards the buckets. With
/// <see cref="CapacityOptions.LimitsEnabled"/> off every method returns "accepted" without taking the lock or
/// reading the clock.
/// </para>
/// </remarks>
public sealed class ShardThrottle
{
    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly long _origin;
    private readonly bool _enabled;
    private readonly long _maxReadBytes;

    // Mutable structs updated in place under _lock: not readonly, or every call would mutate a defensive copy.
    private TokenBucket _writeBytes;
    private TokenBucket _writeRecords;
    private TokenBucket _readBytes;
    private TimestampWindow _readCalls;

    /// <summary>Creates the throttle of a new shard: write buckets full, no read debt.</summary>
    public ShardThrottle(TimeProvider timeProvider, CapacityOptions options)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        ShardThroughputLimits limits = options.ShardLimits;
        _time = timeProvider;
        _origin = timeProvider.GetTimestamp();
        _enabled = options.LimitsEnabled;
        _maxReadBytes = limits.MaxGetRecordsBytes;
        _writeBytes = new TokenBucket(limits.WriteBytesPerSecond, limits.WriteBytesPerSecond, 0);
        _writeRecords = new TokenBucket(limits.WriteRecordsPerSecond, limits.WriteRecordsPerSecond, 0);
        _readBytes = new TokenBucket(limits.ReadBytesPerSecond, 0, 0);
        _readCalls = new TimestampWindow(limits.ReadCallsPerSecond, TimeSpan.TicksPerSecond);
    }

    /// <summary>Whether limits are enforced; when false every call is accepted at no cost.</summary>
    public bool Enabled => _enabled;

    /// <summary>
    /// The most bytes a GetRecords call may return now: the 10 MiB cap, or 0 while the read bytes are in debt.
    /// A hint; <see cref="TryBeginGetRecords"/> is the decision.
    /// </summary>
    public long MaxReadBytesNow
    {
        get
        {
            if (!_enabled)
            {
                return _maxReadBytes;
            }
            lock (_lock)
            {
                _readBytes.Refill(Now());
                return _readBytes.IsInDebt ? 0 : _maxReadBytes;
            }
        }
    }

    /// <summary>
    /// Admits a write of <paramref name="bytes"/> (data + partition key bytes) and <paramref name="records"/> records,
    /// or refuses it and takes nothing.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public WriteDecision TryAcquireWrite(int bytes, int records)
    {
        if (!_enabled)
        {
            return WriteDecision.Accepted;
        }
        return AcquireWriteLimited(bytes, records);
    }

    /// <summary>Admits a GetRecords call, or says why not. An accepted call is followed by <see cref="CompleteGetRecords"/>.</summary>
    public ReadPermit TryBeginGetRecords()
    {
        if (!_enabled)
        {
            return new ReadPermit(ReadDecision.Accepted, _maxReadBytes);
        }
        lock (_lock)
        {
            long now = Now();
            _readBytes.Refill(now);
            if (_readBytes.IsInDebt)
            {
                return new ReadPermit(ReadDecision.ThrottledBytes, 0);
            }
            if (!_readCalls.TryRecord(now))
            {
                return new ReadPermit(ReadDecision.ThrottledCalls, 0);
            }
            return new ReadPermit(ReadDecision.Accepted, _maxReadBytes);
        }
    }

    /// <summary>Charges the bytes an accepted GetRecords call returned; the shard's reads stay blocked until they are paid.</summary>
    public void CompleteGetRecords(long bytesReturned)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytesReturned);
        if (!_enabled || bytesReturned == 0)
        {
            return;
        }
        lock (_lock)
        {
            _readBytes.Refill(Now());
            _readBytes.Charge(bytesReturned);
        }
    }

    /// <summary>How long until a write of this size would be admitted if nothing else happened (a Retry-After hint).</summary>
    public TimeSpan WriteRetryAfter(int bytes, int records)
    {
        if (!_enabled)
        {
            return TimeSpan.Zero;
        }
        lock (_lock)
        {
            long now = Now();
            _writeBytes.Refill(now);
            _writeRecords.Refill(now);
            long byteTarget = Math.Min(bytes, _writeBytes.CapacityTokens);
            long recordTarget = Math.Min(records, _writeRecords.CapacityTokens);
            long ticks = Math.Max(_writeBytes.TicksUntil(byteTarget), _writeRecords.TicksUntil(recordTarget));
            return TimeSpan.FromTicks(ticks);
        }
    }

    private WriteDecision AcquireWriteLimited(int bytes, int records)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        ArgumentOutOfRangeException.ThrowIfNegative(records);
        lock (_lock)
        {
            long now = Now();
            _writeBytes.Refill(now);
            _writeRecords.Refill(now);
            if (!_writeBytes.CanTake(bytes, allowDebtWhenFull: true))
            {
                return WriteDecision.ThrottledBytes;
            }
            if (!_writeRecords.CanTake(records, allowDebtWhenFull: true))
            {
                return WriteDecision.ThrottledRecords;
            }
            _writeBytes.Charge(bytes);
            _writeRecords.Charge(records);
            return WriteDecision.Accepted;
        }
    }

    private long Now() => _time.GetElapsedTime(_origin).Ticks;
}
