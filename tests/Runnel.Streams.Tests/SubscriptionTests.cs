using System.Text;
using Microsoft.Extensions.Time.Testing;
using Runnel.Model;
using Runnel.Streams.Consumers;
using Runnel.Streams.Errors;

namespace Runnel.Streams.Tests;

/// <summary>
/// SubscribeToShard in simulated time: every starting-position type, continuation numbers, the end of a closed shard,
/// the 5-second takeover rule and 2 MiB/s per consumer. The subscription waits with Task.Delay on the engine's
/// TimeProvider; the tests advance the FakeTimeProvider until the next event arrives.
/// </summary>
public class SubscriptionTests
{
    private const int MiB = 1024 * 1024;
    private const string StreamArn = "arn:aws:kinesis:us-east-1:000000000000:stream/s";
    private const string Shard0 = "shardId-000000000000";
    private static readonly StreamRef s_stream = StreamRef.Named("s");

    public static TheoryData<ShardIteratorType> Types =>
    [
        ShardIteratorType.TrimHorizon,
        ShardIteratorType.Latest,
        ShardIteratorType.AtSequenceNumber,
        ShardIteratorType.AfterSequenceNumber,
        ShardIteratorType.AtTimestamp,
    ];

    [Theory]
    [MemberData(nameof(Types))]
    public async Task SubscribeToShard_EachStartingPosition_DeliversTheRecordsInOrderWithContinuations(ShardIteratorType type)
    {
        using var fixture = new EngineFixture();
        StreamEngine engine = fixture.Engine;
        engine.CreateStream("s", shardCount: 1);
        var puts = new List<PutRecordResult>();
        var times = new List<DateTimeOffset>();
        for (int i = 0; i < 10; i++)
        {
            times.Add(fixture.Time.GetUtcNow());
            puts.Add(await engine.PutRecordAsync(s_stream, Encoding.UTF8.GetBytes($"r{i}"), "k"));
            fixture.Time.Advance(TimeSpan.FromSeconds(1));
        }
        string consumer = engine.RegisterStreamConsumer(StreamArn, "c").ConsumerArn;
        (StartingPosition position, int from) = type switch
        {
            ShardIteratorType.TrimHorizon => (new StartingPosition(type), 0),
            ShardIteratorType.Latest => (new StartingPosition(type), 10),
            ShardIteratorType.AtSequenceNumber => (new StartingPosition(type, puts[3].SequenceNumber.ToString()), 3),
            ShardIteratorType.AfterSequenceNumber => (new StartingPosition(type, puts[3].SequenceNumber.ToString()), 4),
            _ => (new StartingPosition(type, Timestamp: times[5]), 5),
        };
        using ShardSubscription subscription = engine.SubscribeToShard(consumer, Shard0, position);
        for (int i = 10; i < 13; i++)
        {
            puts.Add(await engine.PutRecordAsync(s_stream, Encoding.UTF8.GetBytes($"r{i}"), "k"));
        }

        await using IAsyncEnumerator<SubscribeToShardEvent> events = subscription.ReadEventsAsync().GetAsyncEnumerator();
        var received = new List<KinesisRecord>();
        while (received.Count < 13 - from)
        {
            SubscribeToShardEvent e = (await NextAsync(events, fixture.Time))!;
            received.AddRange(e.Records);
            Assert.NotNull(e.ContinuationSequenceNumber);
            Assert.Null(e.ChildShards);
            if (e.Records.Count > 0)
            {
                Assert.Equal(e.Records[^1].SequenceNumber, e.ContinuationSequenceNumber);
            }
        }
        Assert.Equal(puts.Skip(from).Select(p => p.SequenceNumber), received.Select(r => r.SequenceNumber));
        Assert.Equal(Enumerable.Range(from, 13 - from).Select(i => $"r{i}"), received.Select(r => Encoding.UTF8.GetString(r.Data)));

        // Idle: heartbeat events keep the continuation at the last record.
        SubscribeToShardEvent idle = (await NextAsync(events, fixture.Time))!;
        Assert.Empty(idle.Records);
        Assert.Equal(puts[^1].SequenceNumber, idle.ContinuationSequenceNumber);
    }

    [Fact]
    public async Task SubscribeToShard_ClosedShard_EndsWithNullContinuationAndChildShards()
    {
        using var fixture = new EngineFixture();
        StreamEngine engine = fixture.Engine;
        engine.CreateStream("s", shardCount: 1);
        for (int i = 0; i < 5; i++)
        {
            await engine.PutRecordAsync(s_stream, Encoding.UTF8.GetBytes($"r{i}"), $"k{i}");
        }
        await engine.SplitShardAsync(s_stream, Shard0, (UInt128.MaxValue / 2).ToString());
        string consumer = engine.RegisterStreamConsumer(StreamArn, "c").ConsumerArn;
        using ShardSubscription subscription = engine.SubscribeToShard(consumer, Shard0, new StartingPosition(ShardIteratorType.TrimHorizon));
        await using IAsyncEnumerator<SubscribeToShardEvent> events = subscription.ReadEventsAsync().GetAsyncEnumerator();
        var received = new List<string>();
        SubscribeToShardEvent? last = null;
        while (await NextAsync(events, fixture.Time) is { } e)
        {
            received.AddRange(e.Records.Select(r => Encoding.UTF8.GetString(r.Data)));
            last = e;
        }
        Assert.Equal(["r0", "r1", "r2", "r3", "r4"], received);
        Assert.NotNull(last);
        Assert.Null(last.ContinuationSequenceNumber);
        Assert.NotNull(last.ChildShards);
        Assert.Equal([new ShardId(1), new ShardId(2)], last.ChildShards!.Select(c => c.ShardId));
        Assert.All(last.ChildShards!, c => Assert.Equal([new ShardId(0)], c.ParentShards));
    }

    [Fact]
    public async Task SubscribeToShard_AgainWithinFiveSeconds_IsRefusedAndAfterwardsTakesOver()
    {
        using var fixture = new EngineFixture();
        StreamEngine engine = fixture.Engine;
        engine.CreateStream("s", shardCount: 1);
        string consumer = engine.RegisterStreamConsumer(StreamArn, "c").ConsumerArn;
        using ShardSubscription first = engine.SubscribeToShard(consumer, Shard0, new StartingPosition(ShardIteratorType.Latest));
        await using IAsyncEnumerator<SubscribeToShardEvent> firstEvents = first.ReadEventsAsync().GetAsyncEnumerator();
        Assert.NotNull(await NextAsync(firstEvents, fixture.Time));

        fixture.Time.Advance(TimeSpan.FromSeconds(1));
        KinesisException refused = Assert.Throws<KinesisException>(() =>
            engine.SubscribeToShard(consumer, Shard0, new StartingPosition(ShardIteratorType.Latest)));
        Assert.Equal("ResourceInUseException", refused.ErrorType);

        // Another consumer on the same shard is independent.
        string other = engine.RegisterStreamConsumer(StreamArn, "other").ConsumerArn;
        engine.SubscribeToShard(other, Shard0, new StartingPosition(ShardIteratorType.Latest)).Dispose();

        fixture.Time.Advance(TimeSpan.FromSeconds(4));
        ValueTask<bool> pending = firstEvents.MoveNextAsync();
        using ShardSubscription second = engine.SubscribeToShard(consumer, Shard0, new StartingPosition(ShardIteratorType.Latest));
        for (int i = 0; i < 100 && !pending.IsCompleted; i++)
        {
            fixture.Time.Advance(TimeSpan.FromMilliseconds(10));
        }
        KinesisException takenOver = await Assert.ThrowsAsync<KinesisException>(async () => await pending);
        Assert.Equal("ResourceInUseException", takenOver.ErrorType);

        await engine.PutRecordAsync(s_stream, "x"u8.ToArray(), "k");
        await using IAsyncEnumerator<SubscribeToShardEvent> secondEvents = second.ReadEventsAsync().GetAsyncEnumerator();
        SubscribeToShardEvent e = (await NextAsync(secondEvents, fixture.Time))!;
        Assert.Equal("x", Encoding.UTF8.GetString(Assert.Single(e.Records).Data));
    }

    /// <summary>
    /// Two consumers on one shard, reading a backlog for 30 simulated seconds, each get 2 MiB/s on their own: at
    /// least 98% of it, at most that plus the first second and one 10 MiB event.
    /// </summary>
    [Fact]
    public async Task SubscribeToShard_TwoConsumersOnOneShard_EachGetsTwoMiBPerSecond()
    {
        using var fixture = new EngineFixture(EngineFixture.NoDelays with
        {
            ShardLog = new Runnel.Storage.Log.ShardLogOptions { SegmentMaxBytes = 16 * MiB },
        });
        StreamEngine engine = fixture.Engine;
        engine.CreateStream("s", shardCount: 1);
        byte[] data = new byte[MiB - 1];
        for (int i = 0; i < 80; i++)
        {
            await engine.PutRecordAsync(s_stream, data, "k");
        }
        using var stop = new CancellationTokenSource();
        var readers = new List<(IAsyncEnumerator<SubscribeToShardEvent> Events, ShardSubscription Subscription)>();
        foreach (string name in new[] { "a", "b" })
        {
            string consumer = engine.RegisterStreamConsumer(StreamArn, name).ConsumerArn;
            ShardSubscription subscription = engine.SubscribeToShard(consumer, Shard0, new StartingPosition(ShardIteratorType.TrimHorizon));
            readers.Add((subscription.ReadEventsAsync(stop.Token).GetAsyncEnumerator(), subscription));
        }
        long[] bytes = new long[readers.Count];
        var moves = readers.Select(r => r.Events.MoveNextAsync().AsTask()).ToArray();
        for (int step = 0; step < 300; step++)
        {
            for (int i = 0; i < readers.Count; i++)
            {
                while (moves[i].IsCompleted)
                {
                    Assert.True(await moves[i]);
                    bytes[i] += readers[i].Events.Current.Records.Sum(r => (long)r.Data.Length + 1);
                    moves[i] = readers[i].Events.MoveNextAsync().AsTask();
                }
            }
            fixture.Time.Advance(TimeSpan.FromMilliseconds(100));
        }
        foreach (long received in bytes)
        {
            Assert.InRange(received, 0.98 * 30 * 2 * MiB, (30L * 2 * MiB) + (2 * MiB) + (10 * MiB));
        }
        stop.Cancel();
        for (int i = 0; i < readers.Count; i++)
        {
            while (await moves[i])
            {
                moves[i] = readers[i].Events.MoveNextAsync().AsTask();
            }
            await readers[i].Events.DisposeAsync();
            readers[i].Subscription.Dispose();
        }
    }

    /// <summary>
    /// A backlog is paced, not dumped: the first event holds at most the 2 MiB allowance and, at any time t, the
    /// events so far hold at most 2 MiB + t x 2 MiB/s + one record (regression: the first event carried the whole
    /// 10 MiB read cap, 13 MiB of JSON, and then nothing came for 4 s).
    /// </summary>
    [Fact]
    public async Task SubscribeToShard_Backlog_EventsCarryAtMostTheAllowance()
    {
        using var fixture = new EngineFixture(EngineFixture.NoDelays with
        {
            ShardLog = new Runnel.Storage.Log.ShardLogOptions { SegmentMaxBytes = 16 * MiB },
        });
        StreamEngine engine = fixture.Engine;
        engine.CreateStream("s", shardCount: 1);
        const int RecordBytes = 256 * 1024;
        byte[] data = new byte[RecordBytes - 1]; // + the 1-byte partition key
        for (int i = 0; i < 40; i++)
        {
            await engine.PutRecordAsync(s_stream, data, "k");
        }
        string consumer = engine.RegisterStreamConsumer(StreamArn, "c").ConsumerArn;
        using ShardSubscription subscription = engine.SubscribeToShard(consumer, Shard0, new StartingPosition(ShardIteratorType.TrimHorizon));
        DateTimeOffset start = fixture.Time.GetUtcNow();
        long received = 0;
        int records = 0;
        await using IAsyncEnumerator<SubscribeToShardEvent> events = subscription.ReadEventsAsync().GetAsyncEnumerator();
        while (records < 40)
        {
            SubscribeToShardEvent e = Assert.IsType<SubscribeToShardEvent>(await NextAsync(events, fixture.Time));
            long bytes = e.Records.Sum(r => (long)r.Data.Length + r.PartitionKey.Length);
            double seconds = (fixture.Time.GetUtcNow() - start).TotalSeconds;
            Assert.True(bytes <= 2 * MiB, $"an event of {bytes} bytes");
            received += bytes;
            records += e.Records.Count;
            Assert.True(received <= (2 * MiB) + (seconds * 2 * MiB) + RecordBytes, $"{received} bytes after {seconds} s");
        }
        Assert.Equal(40, records);
        // 10 MiB at 2 MiB/s after a 2 MiB start: 4 s, plus the waits' 10 ms steps
        Assert.InRange((fixture.Time.GetUtcNow() - start).TotalSeconds, 3.9, 4.5);
    }

    [Fact]
    public void SubscribeToShard_TwiceWithinOneSecond_IsLimitExceededAndOneSecondLaterIsAllowed()
    {
        using var fixture = new EngineFixture(EngineFixture.NoDelays with { LimitsEnabled = true });
        StreamEngine engine = fixture.Engine;
        engine.CreateStream("s", shardCount: 2);
        string consumer = engine.RegisterStreamConsumer(StreamArn, "c").ConsumerArn;
        engine.SubscribeToShard(consumer, Shard0, new StartingPosition(ShardIteratorType.Latest)).Dispose();

        fixture.Time.Advance(TimeSpan.FromMilliseconds(999));
        KinesisException limited = Assert.Throws<KinesisException>(() =>
            engine.SubscribeToShard(consumer, Shard0, new StartingPosition(ShardIteratorType.Latest)));
        Assert.Equal("LimitExceededException", limited.ErrorType);
        Assert.Contains(consumer, limited.Message, StringComparison.Ordinal);

        // Another shard of the same consumer has its own allowance.
        engine.SubscribeToShard(consumer, "shardId-000000000001", new StartingPosition(ShardIteratorType.Latest)).Dispose();

        fixture.Time.Advance(TimeSpan.FromMilliseconds(1));
        engine.SubscribeToShard(consumer, Shard0, new StartingPosition(ShardIteratorType.Latest)).Dispose();
    }

    [Fact]
    public void SubscribeToShard_LimitsOff_AllowsBackToBackCalls()
    {
        using var fixture = new EngineFixture(EngineFixture.NoDelays with { LimitsEnabled = false });
        StreamEngine engine = fixture.Engine;
        engine.CreateStream("s", shardCount: 1);
        string consumer = engine.RegisterStreamConsumer(StreamArn, "c").ConsumerArn;
        for (int i = 0; i < 3; i++)
        {
            engine.SubscribeToShard(consumer, Shard0, new StartingPosition(ShardIteratorType.Latest)).Dispose();
        }
        Assert.Equal(0, engine.LiveSubscriptionCount);
    }

    [Fact]
    public async Task SubscribeToShard_AfterTheLifetimeEnds_IsForgottenAndRenewsAtOnce()
    {
        using var fixture = new EngineFixture(EngineFixture.NoDelays with { SubscriptionLifetime = TimeSpan.FromSeconds(3) });
        StreamEngine engine = fixture.Engine;
        engine.CreateStream("s", shardCount: 1);
        string consumer = engine.RegisterStreamConsumer(StreamArn, "c").ConsumerArn;
        ShardSubscription first = engine.SubscribeToShard(consumer, Shard0, new StartingPosition(ShardIteratorType.TrimHorizon));
        Assert.Equal(TimeSpan.FromSeconds(3), first.Lifetime);
        Assert.Equal(1, engine.LiveSubscriptionCount);
        DateTimeOffset start = fixture.Time.GetUtcNow();
        int events = 0;
        await using (IAsyncEnumerator<SubscribeToShardEvent> e = first.ReadEventsAsync().GetAsyncEnumerator())
        {
            while (await NextAsync(e, fixture.Time) is not null)
            {
                events++;
            }
        }
        Assert.True(events >= 1, "the first event is sent at once");
        Assert.True(fixture.Time.GetUtcNow() - start >= TimeSpan.FromSeconds(3), "the subscription ended before its lifetime");
        first.Dispose();
        first.Dispose(); // idempotent
        Assert.Equal(0, engine.LiveSubscriptionCount);

        // Within 5 s of the first subscribe, but the first one has ended: the renewal is accepted.
        using ShardSubscription renewed = engine.SubscribeToShard(consumer, Shard0, new StartingPosition(ShardIteratorType.TrimHorizon));
        Assert.Equal(1, engine.LiveSubscriptionCount);
    }

    [Fact]
    public void SubscribeToShard_TakenOverSubscriptionDisposedLate_DoesNotForgetItsSuccessor()
    {
        using var fixture = new EngineFixture();
        StreamEngine engine = fixture.Engine;
        engine.CreateStream("s", shardCount: 1);
        string consumer = engine.RegisterStreamConsumer(StreamArn, "c").ConsumerArn;
        ShardSubscription first = engine.SubscribeToShard(consumer, Shard0, new StartingPosition(ShardIteratorType.Latest));
        fixture.Time.Advance(TimeSpan.FromSeconds(5));
        using ShardSubscription second = engine.SubscribeToShard(consumer, Shard0, new StartingPosition(ShardIteratorType.Latest));
        first.Dispose();
        Assert.Equal(1, engine.LiveSubscriptionCount);
        fixture.Time.Advance(TimeSpan.FromSeconds(1));
        KinesisException refused = Assert.Throws<KinesisException>(() =>
            engine.SubscribeToShard(consumer, Shard0, new StartingPosition(ShardIteratorType.Latest)));
        Assert.Equal("ResourceInUseException", refused.ErrorType);
    }

    /// <summary>The next event, advancing simulated time while the subscription waits; null when it ended.</summary>
    private static async Task<SubscribeToShardEvent?> NextAsync(IAsyncEnumerator<SubscribeToShardEvent> events, FakeTimeProvider time)
    {
        ValueTask<bool> move = events.MoveNextAsync();
        for (int i = 0; !move.IsCompleted; i++)
        {
            Assert.True(i < 100_000, "no event within 1,000 simulated seconds");
            time.Advance(TimeSpan.FromMilliseconds(10));
        }
        return await move ? events.Current : null;
    }
}
