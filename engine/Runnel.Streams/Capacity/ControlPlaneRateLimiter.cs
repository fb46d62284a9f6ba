using System.Runtime.InteropServices;

namespace Runnel.Streams.Capacity;

/// <summary>
/// The control-plane API rate limits of one account (kinesis-api.md 4.2), answered with <c>LimitExceededException</c>
/// when <see cref="TryAcquire"/> returns false.
/// </summary>
/// <remarks>
/// <para>
/// Each (operation) or (operation, stream) pair has a token bucket of capacity = TPS, refilled continuously at TPS
/// per second and starting full. So a burst of TPS calls passes at once, the next is refused, and over any interval
/// T at most <c>TPS x T + TPS</c> calls pass: 6 CreateStream calls within a few milliseconds refuse the 6th, but 6
/// calls spread evenly over one second all pass (the first call's token is back after 200 ms).
/// </para>
/// <para>
/// The table is <see cref="Rates"/>. Operations the table does not know, and the ones marked "not published", get
/// 5 TPS per account (the spec's advice). Data-plane operations (PutRecord(s), GetRecords, GetShardIterator,
/// SubscribeToShard) always pass here: they are limited per shard, which this type does not see. A
/// <see cref="ControlPlaneScope.Stream"/> operation called without a stream name (e.g. by consumer ARN only) shares
/// one bucket for the account.
/// </para>
/// <para>
/// Thread-safe (one lock; control-plane calls are rare). Memory grows with the (operation, stream) pairs seen;
/// call <see cref="ForgetStream"/> when a stream is deleted.
/// </para>
/// </remarks>
public sealed class ControlPlaneRateLimiter
{
    /// <summary>The rate of operations the table does not list ("not published [?]; use 5 TPS").</summary>
    public static readonly ControlPlaneRate DefaultRate = new(5, ControlPlaneScope.Account);

    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly long _origin;
    private readonly bool _enabled;
    private readonly Dictionary<(string Operation, string? Stream), TokenBucket> _buckets = [];

    /// <summary>Creates the limiter of one account, with every bucket full.</summary>
    public ControlPlaneRateLimiter(TimeProvider timeProvider, CapacityOptions options)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(options);
        _time = timeProvider;
        _origin = timeProvider.GetTimestamp();
        _enabled = options.LimitsEnabled;
    }

    /// <summary>The rate table, keyed by operation name as in X-Amz-Target ("CreateStream"), ordinal.</summary>
    public static IReadOnlyDictionary<string, ControlPlaneRate> Rates { get; } = BuildRates();

    /// <summary>Whether limits are enforced; when false every call passes.</summary>
    public bool Enabled => _enabled;

    /// <summary>The rate that applies to <paramref name="operation"/>.</summary>
    public static ControlPlaneRate RateOf(string operation)
    {
        ArgumentNullException.ThrowIfNull(operation);
        return Rates.TryGetValue(operation, out ControlPlaneRate rate) ? rate : DefaultRate;
    }

    /// <summary>
    /// Takes one call of <paramref name="operation"/> (on <paramref name="streamName"/> for per-stream limits);
    /// false means the caller answers <c>LimitExceededException</c>.
    /// </summary>
    public bool TryAcquire(string operation, string? streamName)
    {
        ArgumentNullException.ThrowIfNull(operation);
        if (!_enabled)
        {
            return true;
        }
        ControlPlaneRate rate = RateOf(operation);
        if (rate.Scope == ControlPlaneScope.DataPlane)
        {
            return true;
        }
        (string, string?) key = (operation, rate.Scope == ControlPlaneScope.Stream ? streamName : null);
        lock (_lock)
        {
            long now = _time.GetElapsedTime(_origin).Ticks;
            ref TokenBucket bucket = ref CollectionsMarshal.GetValueRefOrAddDefault(_buckets, key, out bool exists);
            if (!exists)
            {
                bucket = new TokenBucket(rate.TransactionsPerSecond, rate.TransactionsPerSecond, now);
            }
            bucket.Refill(now);
            if (!bucket.CanTake(1, allowDebtWhenFull: false))
            {
                return false;
            }
            bucket.Charge(1);
            return true;
        }
    }

    /// <summary>Drops the per-stream buckets of a deleted stream.</summary>
    public void ForgetStream(string streamName)
    {
        ArgumentNullException.ThrowIfNull(streamName);
        lock (_lock)
        {
            List<(string, string?)>? doomed = null;
            foreach ((string Operation, string? Stream) key in _buckets.Keys)
            {
                if (key.Stream == streamName)
                {
                    (doomed ??= []).Add(key);
                }
            }
            if (doomed is not null)
            {
                foreach ((string, string?) key in doomed)
                {
                    _buckets.Remove(key);
                }
            }
        }
    }

    private static Dictionary<string, ControlPlaneRate> BuildRates()
    {
        var account5 = new ControlPlaneRate(5, ControlPlaneScope.Account);
        var dataPlane = new ControlPlaneRate(0, ControlPlaneScope.DataPlane);
        var rates = new Dictionary<string, ControlPlaneRate>(StringComparer.Ordinal)
        {
            // Published per-account limits.
            ["AddTagsToStream"] = account5,
            ["RemoveTagsFromStream"] = account5,
            ["ListTagsForStream"] = account5,
            ["CreateStream"] = account5,
            ["DeleteStream"] = account5,
            ["ListStreams"] = account5,
            ["IncreaseStreamRetentionPeriod"] = account5,
            ["DecreaseStreamRetentionPeriod"] = account5,
            ["EnableEnhancedMonitoring"] = account5,
            ["DisableEnhancedMonitoring"] = account5,
            ["SplitShard"] = account5,
            ["MergeShards"] = account5,
            ["RegisterStreamConsumer"] = account5,
            ["UpdateStreamWarmThroughput"] = account5,
            ["DescribeAccountSettings"] = account5,
            ["UpdateAccountSettings"] = account5,
            ["DescribeLimits"] = new(1, ControlPlaneScope.Account),
            ["DescribeStream"] = new(10, ControlPlaneScope.Account),
            ["DescribeStreamSummary"] = new(20, ControlPlaneScope.Account),
            ["UpdateShardCount"] = new(10, ControlPlaneScope.Account),

            // Published per-stream limits. ListShards: 1 000 in the current model, 100 in the 2023 guide.
            ["ListShards"] = new(1000, ControlPlaneScope.Stream),
            ["DeregisterStreamConsumer"] = new(5, ControlPlaneScope.Stream),
            ["ListStreamConsumers"] = new(5, ControlPlaneScope.Stream),
            ["DescribeStreamConsumer"] = new(20, ControlPlaneScope.Stream),

            // Not published [?]: 5 TPS per account, listed so the table is complete.
            ["TagResource"] = account5,
            ["UntagResource"] = account5,
            ["ListTagsForResource"] = account5,
            ["PutResourcePolicy"] = account5,
            ["GetResourcePolicy"] = account5,
            ["DeleteResourcePolicy"] = account5,
            ["UpdateStreamMode"] = account5,
            ["UpdateMaxRecordSize"] = account5,
            ["StartStreamEncryption"] = account5,
            ["StopStreamEncryption"] = account5,

            // Data plane: ProvisionedThroughputExceededException per shard (ShardThrottle), or per consumer and shard.
            ["PutRecord"] = dataPlane,
            ["PutRecords"] = dataPlane,
            ["GetRecords"] = dataPlane,
            ["GetShardIterator"] = dataPlane,
            ["SubscribeToShard"] = dataPlane,
        };
        return rates;
    }
}
