using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Runnel.Model;
using Runnel.Streams.Errors;

namespace Runnel.Streams.Tests;

/// <summary>
/// Shard iterators and GetRecords against a list model per shard: random puts (random keys, 0..2 KiB), iterators of
/// all five types at random positions and timestamps, GetRecords with random limits, reuse of old iterators, and
/// time advancing (so some iterators expire).
/// </summary>
/// <remarks>
/// The model holds, per shard, the acknowledged records in order. An iterator is a position: the counter of the first
/// record it may return (TRIM_HORIZON 0; LATEST one past the newest; AT n = n; AFTER n = n + 1; AT_TIMESTAMP t = the
/// first record that arrived at or after t, else one past the newest). GetRecords must return the first Limit model
/// records at or after the position, a next iterator just past the last one returned, and MillisBehindLatest 0 when
/// nothing is left.
/// </remarks>
public class IteratorModelPropertyTests
{
    private const long IteratorLifetimeMs = 300_000;
    private static readonly StreamRef s_stream = StreamRef.Named("s");

    [Property(MaxTest = 60)]
    public Property GetRecords_RandomPutsIteratorsAndReads_MatchTheListModel()
        => Prop.ForAll(Steps.Of(10, 60), Check);

    private static bool Check((int Kind, int A, int B)[] steps)
    {
        using var fixture = new EngineFixture();
        StreamEngine engine = fixture.Engine;
        int shardCount = 1 + (steps.Length % 3);
        engine.CreateStream("s", shardCount: shardCount);
        long createdMs = fixture.Time.GetUtcNow().ToUnixTimeMilliseconds();
        List<ShardDescription> shards = [.. engine.ListShards(new ListShardsRequest(s_stream)).Shards];
        var model = new List<ModelRecord>[shardCount];
        for (int i = 0; i < shardCount; i++)
        {
            model[i] = [];
        }
        var iterators = new List<ModelIterator>();
        var random = new Random(steps.Length);

        foreach ((int kind, int a, int b) in steps)
        {
            long now = fixture.Time.GetUtcNow().ToUnixTimeMilliseconds();
            switch (kind)
            {
                case 0:
                case 1:
                case 2:
                    Put(engine, shards, model, a, b, now, random);
                    break;
                case 3:
                    fixture.Time.Advance(TimeSpan.FromMilliseconds(a % 4 == 0 ? 40_000 + b : b % 3000));
                    break;
                case 4:
                case 5:
                    iterators.Add(NewIterator(engine, shards, model, a, b, now, createdMs));
                    break;
                default:
                    if (iterators.Count == 0)
                    {
                        break;
                    }
                    ModelIterator iterator = iterators[a % iterators.Count];
                    int limit = 1 + (b % 12);
                    ModelIterator? next = Read(engine, model, iterator, limit, now);
                    if (next is not null)
                    {
                        iterators.Add(next);
                        if (kind == 9)
                        {
                            // Iterators are stateless positions: the same one read again returns the same records.
                            Assert.Equal(next.Counter, Read(engine, model, iterator, limit, now)!.Counter);
                        }
                    }
                    break;
            }
        }

        // Finally, every shard drained from TRIM_HORIZON returns exactly the model.
        for (int i = 0; i < shardCount; i++)
        {
            var iterator = new ModelIterator(engine.GetShardIterator(s_stream, shards[i].ShardId.ToString(), ShardIteratorType.TrimHorizon), i, 0,
                fixture.Time.GetUtcNow().ToUnixTimeMilliseconds());
            int guard = 0;
            while (iterator.Counter <= LastCounter(model[i]) && guard++ < 1000)
            {
                iterator = Read(engine, model, iterator, 10000, fixture.Time.GetUtcNow().ToUnixTimeMilliseconds())!;
            }
        }
        return true;
    }

    private static void Put(StreamEngine engine, List<ShardDescription> shards, List<ModelRecord>[] model, int a, int b, long now, Random random)
    {
        int count = 1 + (a % 3);
        var entries = new List<PutRecordsEntry>();
        for (int i = 0; i < count; i++)
        {
            byte[] data = new byte[(b + (i * 997)) % 2049];
            random.NextBytes(data);
            entries.Add(new PutRecordsEntry(data, $"key-{(a + i) % 11}"));
        }
        if (a % 2 == 0)
        {
            foreach (PutRecordsEntry entry in entries)
            {
                PutRecordResult result = engine.PutRecordAsync(s_stream, entry.Data, entry.PartitionKey).AsTask().GetAwaiter().GetResult();
                Record(shards, model, entry, result.ShardId, result.SequenceNumber, now);
            }
        }
        else
        {
            PutRecordsResult result = engine.PutRecordsAsync(s_stream, entries).AsTask().GetAwaiter().GetResult();
            Assert.Equal(0, result.FailedRecordCount);
            for (int i = 0; i < entries.Count; i++)
            {
                Record(shards, model, entries[i], result.Records[i].ShardId!.Value, result.Records[i].SequenceNumber!.Value, now);
            }
        }
    }

    private static void Record(List<ShardDescription> shards, List<ModelRecord>[] model, PutRecordsEntry entry, ShardId shard, SequenceNumber sequence, long now)
    {
        int index = shards.FindIndex(s => s.ShardId == shard);
        Assert.True(shards[index].HashKeyRange.Contains(PartitionKeyHasher.Hash(entry.PartitionKey)), "routed to a shard that does not own the key");
        List<ModelRecord> records = model[index];
        Assert.Equal(shard.Value, sequence.ShardIndex);
        if (records.Count > 0)
        {
            Assert.True(sequence > records[^1].Sequence, "sequence numbers must increase within a shard");
        }
        records.Add(new ModelRecord(sequence, now, entry.Data.ToArray(), entry.PartitionKey));
    }

    private static ModelIterator NewIterator(StreamEngine engine, List<ShardDescription> shards, List<ModelRecord>[] model, int a, int b, long now, long createdMs)
    {
        int shard = a % shards.Count;
        string shardId = shards[shard].ShardId.ToString();
        List<ModelRecord> records = model[shard];
        ulong past = LastCounter(records) + 1;
        switch ((a / 7) % 5)
        {
            case 0:
                return new(engine.GetShardIterator(s_stream, shardId, ShardIteratorType.TrimHorizon), shard, 0, now);
            case 1:
                return new(engine.GetShardIterator(s_stream, shardId, ShardIteratorType.Latest), shard, past, now);
            case 2:
            case 3:
                // A stored number, the shard's StartingSequenceNumber, or a valid number of this shard past the tip.
                SequenceNumber start = shards[shard].StartingSequenceNumber;
                SequenceNumber n = (b % 4, records.Count) switch
                {
                    (0, _) => start,
                    (1, _) => start.WithCounter(past + (ulong)(b % 3)),
                    (_, > 0) => records[b % records.Count].Sequence,
                    _ => start,
                };
                bool at = (a / 7) % 5 == 2;
                string iterator = engine.GetShardIterator(s_stream, shardId,
                    at ? ShardIteratorType.AtSequenceNumber : ShardIteratorType.AfterSequenceNumber, n.ToString());
                return new(iterator, shard, at ? n.Counter : n.Counter + 1, now);
            default:
                long t = createdMs + (long)((now - createdMs) * (b / (double)ushort.MaxValue));
                ModelRecord? first = records.Find(r => r.ArrivalMs >= t);
                string timed = engine.GetShardIterator(s_stream, shardId, ShardIteratorType.AtTimestamp,
                    timestamp: DateTimeOffset.FromUnixTimeMilliseconds(t));
                return new(timed, shard, first?.Sequence.Counter ?? past, now);
        }
    }

    /// <summary>Reads once and checks against the model; the next iterator, or null if this one had expired.</summary>
    private static ModelIterator? Read(StreamEngine engine, List<ModelRecord>[] model, ModelIterator iterator, int limit, long now)
    {
        if (now - iterator.IssuedMs > IteratorLifetimeMs)
        {
            KinesisException e = Assert.Throws<KinesisException>(() => engine.GetRecords(iterator.Token, limit));
            Assert.Equal("ExpiredIteratorException", e.ErrorType);
            return null;
        }
        GetRecordsResult result = engine.GetRecords(iterator.Token, limit);
        List<ModelRecord> remaining = model[iterator.Shard].FindAll(r => r.Sequence.Counter >= iterator.Counter);
        List<ModelRecord> expected = [.. remaining.Take(limit)];
        Assert.Equal(expected.Select(r => r.Sequence), result.Records.Select(r => r.SequenceNumber));
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Data, result.Records[i].Data);
            Assert.Equal(expected[i].PartitionKey, result.Records[i].PartitionKey);
            Assert.Equal(expected[i].ArrivalMs, result.Records[i].ApproximateArrivalTimestamp.ToUnixTimeMilliseconds());
        }
        Assert.NotNull(result.NextShardIterator);
        Assert.Null(result.ChildShards);
        Assert.True(result.MillisBehindLatest >= 0);
        if (expected.Count == remaining.Count)
        {
            Assert.Equal(0, result.MillisBehindLatest);
        }
        ulong next = expected.Count > 0 ? expected[^1].Sequence.Counter + 1 : iterator.Counter;
        return new ModelIterator(result.NextShardIterator!, iterator.Shard, next, now);
    }

    private static ulong LastCounter(List<ModelRecord> records) => records.Count == 0 ? 0 : records[^1].Sequence.Counter;

    private sealed record ModelRecord(SequenceNumber Sequence, long ArrivalMs, byte[] Data, string PartitionKey);

    private sealed record ModelIterator(string Token, int Shard, ulong Counter, long IssuedMs);
}
