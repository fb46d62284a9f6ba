using System.Runtime.CompilerServices;
using Runnel.Streams.Capacity;
using Runnel.Streams.Errors;
using Runnel.Streams.Shards;

namespace Runnel.Streams.Consumers;

/// <summary>
/// An enhanced fan-out subscription to one shard: events pushed from a starting position at up to 2 MiB/s for
/// this consumer alone (no event larger than the allowance, but for one record bigger than it), for at most five
/// minutes, ending early when another subscription takes over (with ResourceInUseException) or at the end of a
/// closed shard.
/// </summary>
/// <remarks>Single reader: <see cref="ReadEventsAsync"/> may be enumerated once.</remarks>
public sealed class ShardSubscription : IDisposable
{
    private const long BytesPerSecond = 2L * 1024 * 1024;

    // A backlogged subscription waits for a tenth of a second's allowance before it reads again, so that events carry
    // at most what the allowance holds (2 MiB at first, about 200 KiB after) and arrive at a steady pace.
    private const long MinEventBytes = BytesPerSecond / 10;

    private readonly StreamEngine _engine;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _takenOver = new();
    private readonly long _origin;
    private readonly string _consumerName;
    private string _iterator;
    private TokenBucket _bucket;
    private int _disposed;

    internal ShardSubscription(StreamEngine engine, TimeProvider time, string iterator, string consumerArn, string consumerName, string shardId, TimeSpan lifetime)
    {
        _engine = engine;
        _consumerName = consumerName;
        _time = time;
        _iterator = iterator;
        ConsumerArn = consumerArn;
        ShardId = shardId;
        Lifetime = lifetime;
        _origin = time.GetUtcNow().UtcTicks;
        _bucket = new TokenBucket(BytesPerSecond, BytesPerSecond, 0);
    }

    public string ConsumerArn { get; }

    public string ShardId { get; }

    /// <summary>How long the subscription lives (five minutes on AWS).</summary>
    public TimeSpan Lifetime { get; }

    /// <summary>How often an idle subscription checks for new records.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>How often an idle subscription sends an empty event (a heartbeat with the continuation).</summary>
    public TimeSpan IdleEventInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Called once when the subscription is disposed (the engine forgets it).</summary>
    internal Action<ShardSubscription>? Released { get; init; }

    internal void TakeOver() => _takenOver.Cancel();

    /// <summary>Ends the subscription: the engine forgets it, so a renewal needs no 5-second wait.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        Released?.Invoke(this);
        _takenOver.Dispose();
    }

    /// <summary>
    /// The events, until the lifetime ends, the shard ends, or the caller cancels. Throws
    /// <see cref="KinesisException"/> (ResourceInUseException) when a newer subscription took over.
    /// </summary>
    public async IAsyncEnumerable<SubscribeToShardEvent> ReadEventsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _takenOver.Token);
        long endAt = _origin + Lifetime.Ticks;
        long? lastEvent = null; // the first read is sent at once, even without records (a checkpointable continuation)
        while (true)
        {
            long now = _time.GetUtcNow().UtcTicks;
            if (_takenOver.IsCancellationRequested)
            {
                throw KinesisException.InUse($"Another active subscription exists for consumer {ConsumerArn} and shard {ShardId}.");
            }
            if (now >= endAt || cancellationToken.IsCancellationRequested)
            {
                yield break;
            }
            _bucket.Refill(now - _origin);
            long allowance = _bucket.Tokens;
            if (allowance < MinEventBytes)
            {
                await DelayAsync(TimeSpan.FromTicks(Math.Max(_bucket.TicksUntil(MinEventBytes), TimeSpan.TicksPerMillisecond)), linked.Token).ConfigureAwait(false);
                continue;
            }
            (SubscribeToShardEvent subscribeEvent, string? next, long bytes, StreamState stream, ShardState shard) = _engine.ReadForSubscription(_iterator, allowance);
            if (bytes > 0)
            {
                _bucket.Charge(bytes);
            }
            bool shardEnded = next is null;
            if (subscribeEvent.Records.Count > 0 || shardEnded || lastEvent is null || now - lastEvent >= IdleEventInterval.Ticks)
            {
                lastEvent = now;
                yield return subscribeEvent;
                // Resumed: the subscriber took the event and asked for the next one, so it was sent.
                _engine.Metrics.EventSent(stream, shard, _consumerName, subscribeEvent.Records.Count, bytes, subscribeEvent.MillisBehindLatest);
            }
            if (shardEnded)
            {
                yield break;
            }
            _iterator = next!;
            if (subscribeEvent.Records.Count == 0)
            {
                await DelayAsync(PollInterval, linked.Token).ConfigureAwait(false);
            }
        }
    }

    private async Task DelayAsync(TimeSpan delay, CancellationToken token)
    {
        try
        {
            await Task.Delay(delay, _time, token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // the loop reports why: taken over, or cancelled by the caller
        }
    }
}
