using System.Globalization;
using Runnel.Streams.Catalog;
using Runnel.Streams.Consumers;
using Runnel.Streams.Errors;
using Runnel.Streams.Iterators;
using Runnel.Streams.Shards;

namespace Runnel.Streams;

/// <summary>Enhanced fan-out: consumers (register, describe, list, deregister) and shard subscriptions.</summary>
public sealed partial class StreamEngine
{
    private const int MaxConsumersPerStream = 20;
    private const long SubscribeIntervalMs = 1000;
    private const int SubscribeCallsPruneThreshold = 1024;
    private static readonly TimeSpan s_takeoverGrace = TimeSpan.FromSeconds(5);

    // (consumer ARN, shard index) -> the live subscription and when it was made; an entry leaves when its
    // subscription is disposed (ended, cancelled or taken over), so the table holds live subscriptions only.
    private readonly Dictionary<(string, int), (ShardSubscription Subscription, long StartedMs)> _subscriptions = [];

    // (consumer ARN, shard index) -> when SubscribeToShard was last called for it (1 call/s per consumer per shard).
    private readonly Dictionary<(string, int), long> _subscribeCalls = [];

    /// <summary>RegisterStreamConsumer: CREATING for the configured delay, then ACTIVE.</summary>
    public ConsumerDescription RegisterStreamConsumer(string streamArn, string consumerName, IReadOnlyDictionary<string, string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(streamArn);
        ArgumentNullException.ThrowIfNull(consumerName);
        Throttle("RegisterStreamConsumer");
        Validation.StreamArn(streamArn, "streamARN");
        Validation.Name(consumerName, "consumerName");
        if (tags is not null)
        {
            ValidateTags(tags);
        }
        lock (_lock)
        {
            StreamState state = Resolve(new StreamRef(null, streamArn));
            SettleConsumers(state);
            List<ConsumerDocument> consumers = state.Document.Consumers;
            if (consumers.Exists(c => c.Name == consumerName))
            {
                throw KinesisException.InUse(
                    $"Consumer {consumerName} under stream {state.Name} already exists for account {_options.AccountId}.");
            }
            if (consumers.Count >= MaxConsumersPerStream)
            {
                throw KinesisException.Limit(
                    $"Consumer limit of {MaxConsumersPerStream} reached for stream {state.Name} under account {_options.AccountId}.");
            }
            long now = NowMs();
            if (consumers.Count(c => now < c.ActiveAtMs) >= 5)
            {
                throw KinesisException.Limit(
                    $"At most 5 consumers can be in CREATING state at once for stream {state.Name} under account {_options.AccountId}.");
            }
            var consumer = new ConsumerDocument
            {
                Name = consumerName,
                CreatedSeconds = now / 1000,
                ActiveAtMs = now + (long)_options.ConsumerDelay.TotalMilliseconds,
            };
            if (tags is not null)
            {
                foreach ((string key, string value) in tags)
                {
                    consumer.Tags[key] = value;
                }
            }
            consumers.Add(consumer);
            Persist();
            return DescribeConsumer(state, consumer);
        }
    }

    /// <summary>DeregisterStreamConsumer, by consumer ARN or by stream ARN and name: DELETING, then gone.</summary>
    public void DeregisterStreamConsumer(string? streamArn = null, string? consumerName = null, string? consumerArn = null)
    {
        Throttle("DeregisterStreamConsumer", streamArn ?? consumerArn);
        lock (_lock)
        {
            (StreamState state, ConsumerDocument consumer) = ResolveConsumer(streamArn, consumerName, consumerArn);
            if (consumer.DeletingUntilMs is null)
            {
                consumer.DeletingUntilMs = NowMs() + (long)_options.ConsumerDelay.TotalMilliseconds;
                Persist();
            }
            SettleConsumers(state);
        }
    }

    /// <summary>DescribeStreamConsumer, by consumer ARN or by stream ARN and name.</summary>
    public ConsumerDescription DescribeStreamConsumer(string? streamArn = null, string? consumerName = null, string? consumerArn = null)
    {
        Throttle("DescribeStreamConsumer", streamArn ?? consumerArn);
        lock (_lock)
        {
            (StreamState state, ConsumerDocument consumer) = ResolveConsumer(streamArn, consumerName, consumerArn);
            return DescribeConsumer(state, consumer);
        }
    }

    /// <summary>ListStreamConsumers: consumers in registration order, paged by NextToken (300 s).</summary>
    public (IReadOnlyList<ConsumerDescription> Consumers, string? NextToken) ListStreamConsumers(
        string streamArn, string? nextToken = null, int? maxResults = null, DateTimeOffset? streamCreationTimestamp = null)
    {
        ArgumentNullException.ThrowIfNull(streamArn);
        Throttle("ListStreamConsumers", streamArn);
        if (maxResults is { } max)
        {
            Validation.Range(max, "maxResults", 1, 10000);
        }
        int pageSize = Math.Min(maxResults ?? 100, 100);
        string? after = nextToken is null ? null : OpenListToken(nextToken, ListToken.ConsumersKind).After;
        lock (_lock)
        {
            StreamState state = Resolve(new StreamRef(null, streamArn));
            if (streamCreationTimestamp is { } created && created.ToUnixTimeMilliseconds() / 1000 != state.Document.CreatedMs / 1000)
            {
                throw StreamNotFound(state.Name);
            }
            SettleConsumers(state);
            var page = new List<ConsumerDescription>();
            bool skipping = after is not null;
            bool more = false;
            foreach (ConsumerDocument consumer in state.Document.Consumers)
            {
                if (skipping)
                {
                    skipping = consumer.Name != after;
                    continue;
                }
                if (page.Count == pageSize)
                {
                    more = true;
                    break;
                }
                page.Add(DescribeConsumer(state, consumer));
            }
            string? token = more
                ? new ListToken(ListToken.ConsumersKind, NowMs(), pageSize, state.Name, page[^1].ConsumerName).Encode(_signer)
                : null;
            return (page, token);
        }
    }

    /// <summary>
    /// SubscribeToShard: pushes records of one shard to an ACTIVE consumer from a starting position, at up to
    /// 2 MiB/s for this consumer alone. A repeat within 5 s of a successful subscription is refused
    /// (ResourceInUseException); a later one takes over and the older one ends with ResourceInUseException. With
    /// limits on, a second call for the same consumer and shard within one second is LimitExceededException.
    /// </summary>
    public ShardSubscription SubscribeToShard(string consumerArn, string shardId, StartingPosition startingPosition)
    {
        ArgumentNullException.ThrowIfNull(consumerArn);
        ArgumentNullException.ThrowIfNull(shardId);
        ArgumentNullException.ThrowIfNull(startingPosition);
        Validation.ConsumerArn(consumerArn, "consumerARN");
        Validation.Name(shardId, "shardId");
        if (startingPosition.SequenceNumber is { } sequenceNumber)
        {
            Validation.SequenceNumberPattern(sequenceNumber, "startingPosition.sequenceNumber");
        }
        StreamState state;
        ConsumerDocument consumer;
        lock (_lock)
        {
            (state, consumer) = ResolveConsumer(null, null, consumerArn);
            if (ConsumerStatus(consumer) != "ACTIVE")
            {
                throw KinesisException.InUse(
                    $"Consumer {consumerArn} under account {_options.AccountId} is not ACTIVE, instead in state {ConsumerStatus(consumer)}.");
            }
        }
        string iterator = GetShardIterator(StreamRef.Named(state.Name), shardId, startingPosition.Type,
            startingPosition.SequenceNumber, startingPosition.Timestamp, limited: false);
        lock (_lock)
        {
            ShardState shard = ResolveShard(state, shardId);
            long now = NowMs();
            (string, int) key = (consumerArn, shard.Index);
            try
            {
                CountSubscribeCall(key, shard.Id, now);
            }
            catch (KinesisException)
            {
                _metrics.SubscribeRateExceeded(state, consumer.Name);
                throw;
            }
            if (_subscriptions.TryGetValue(key, out (ShardSubscription Subscription, long StartedMs) live))
            {
                if (now - live.StartedMs < (long)s_takeoverGrace.TotalMilliseconds)
                {
                    _metrics.SubscribeRateExceeded(state, consumer.Name);
                    throw KinesisException.InUse(
                        $"Another active subscription exists for consumer {consumerArn} and shard {shard.Id}. Subscribe again after 5 seconds.");
                }
                live.Subscription.TakeOver();
            }
            var subscription = new ShardSubscription(this, _time, iterator, consumerArn, consumer.Name, shard.Id.ToString(), _options.SubscriptionLifetime)
            {
                Released = s => ReleaseSubscription(key, s),
            };
            _subscriptions[key] = (subscription, now);
            _metrics.SubscribeSucceeded(state, consumer.Name);
            return subscription;
        }
    }

    /// <summary>The number of live subscriptions (for tests and metrics).</summary>
    public int LiveSubscriptionCount
    {
        get
        {
            lock (_lock)
            {
                return _subscriptions.Count;
            }
        }
    }

    /// <summary>Enforces 1 SubscribeToShard call per second per consumer and shard (when limits are on). Holds _lock.</summary>
    private void CountSubscribeCall((string, int) key, Runnel.Model.ShardId shardId, long now)
    {
        if (!_options.LimitsEnabled)
        {
            return;
        }
        if (_subscribeCalls.TryGetValue(key, out long last) && now - last < SubscribeIntervalMs)
        {
            throw KinesisException.Limit(
                $"Rate exceeded for consumer {key.Item1} and shard {shardId}: at most 1 SubscribeToShard call per second per consumer and shard.");
        }
        if (_subscribeCalls.Count >= SubscribeCallsPruneThreshold)
        {
            foreach ((string, int) stale in _subscribeCalls.Where(e => now - e.Value >= SubscribeIntervalMs).Select(e => e.Key).ToList())
            {
                _subscribeCalls.Remove(stale);
            }
        }
        _subscribeCalls[key] = now;
    }

    /// <summary>Forgets a subscription that ended, unless a newer one already replaced it.</summary>
    private void ReleaseSubscription((string, int) key, ShardSubscription subscription)
    {
        lock (_lock)
        {
            if (_subscriptions.TryGetValue(key, out (ShardSubscription Subscription, long StartedMs) live) && ReferenceEquals(live.Subscription, subscription))
            {
                _subscriptions.Remove(key);
            }
        }
    }

    private (StreamState State, ConsumerDocument Consumer) ResolveConsumer(string? streamArn, string? consumerName, string? consumerArn)
    {
        string? name = consumerName;
        string? stream = streamArn;
        long? createdSeconds = null;
        if (consumerArn is not null)
        {
            Validation.ConsumerArn(consumerArn, "consumerARN");
            int marker = consumerArn.LastIndexOf("/consumer/", StringComparison.Ordinal);
            string fromStream = consumerArn[..marker];
            string rest = consumerArn[(marker + 10)..];
            int colon = rest.LastIndexOf(':');
            string fromName = rest[..colon];
            if (!long.TryParse(rest[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out long seconds))
            {
                throw KinesisException.NotFound($"Consumer {rest[..colon]}, account {_options.AccountId} not found.");
            }
            createdSeconds = seconds;
            if ((stream is not null && stream != fromStream) || (name is not null && name != fromName))
            {
                throw KinesisException.Invalid("ConsumerARN does not match the StreamARN and ConsumerName given.");
            }
            (stream, name) = (fromStream, fromName);
        }
        if (stream is null || name is null)
        {
            throw KinesisException.Invalid("Either ConsumerARN or both StreamARN and ConsumerName must be provided.");
        }
        Validation.StreamArn(stream, "streamARN");
        Validation.Name(name, "consumerName");
        StreamState state = Resolve(new StreamRef(null, stream));
        SettleConsumers(state);
        ConsumerDocument? consumer = state.Document.Consumers.Find(c => c.Name == name
            && (createdSeconds is null || c.CreatedSeconds == createdSeconds));
        if (consumer is null)
        {
            throw KinesisException.NotFound($"Consumer {name}, account {_options.AccountId} not found.");
        }
        return (state, consumer);
    }

    /// <summary>Removes consumers whose deregistration delay passed. Holds _lock.</summary>
    private void SettleConsumers(StreamState state)
    {
        long now = NowMs();
        if (state.Document.Consumers.RemoveAll(c => c.DeletingUntilMs is { } until && now >= until) > 0)
        {
            Persist();
        }
    }

    private string ConsumerStatus(ConsumerDocument consumer)
        => consumer.DeletingUntilMs is not null ? "DELETING" : NowMs() < consumer.ActiveAtMs ? "CREATING" : "ACTIVE";

    private ConsumerDescription DescribeConsumer(StreamState state, ConsumerDocument consumer)
    {
        string streamArn = StreamArn(state.Name);
        return new ConsumerDescription(
            consumer.Name,
            string.Create(CultureInfo.InvariantCulture, $"{streamArn}/consumer/{consumer.Name}:{consumer.CreatedSeconds}"),
            ConsumerStatus(consumer),
            DateTimeOffset.FromUnixTimeSeconds(consumer.CreatedSeconds),
            streamArn);
    }
}
