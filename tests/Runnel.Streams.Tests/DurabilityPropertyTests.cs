using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Runnel.Model;

namespace Runnel.Streams.Tests;

/// <summary>
/// A restart, or a power loss on fault-injecting devices, at any point between operations keeps every acknowledged
/// record and every acknowledged metadata change: streams created and deleted, tags, retention, the resharding
/// lineage, consumers. Random operation sequences against a model, checked after every restart and at the end.
/// </summary>
public class DurabilityPropertyTests
{
    private static readonly string[] s_names = ["a", "b", "c"];

    [Property(MaxTest = 40)]
    public Property Restart_AnyOperationSequence_KeepsEveryAcknowledgedRecordAndMetadataChange()
        => Prop.ForAll(Steps.Of(10, 40), Check);

    private static bool Check((int Kind, int A, int B)[] steps)
    {
        using var fixture = new EngineFixture(EngineFixture.NoDelays with { ShardLimit = 100 }, faultInjecting: true);
        var model = new Dictionary<string, StreamModel>(StringComparer.Ordinal);
        int putNumber = 0;
        foreach ((int kind, int a, int b) in steps)
        {
            StreamEngine engine = fixture.Engine;
            string name = s_names[a % s_names.Length];
            StreamRef stream = StreamRef.Named(name);
            string arn = $"arn:aws:kinesis:us-east-1:000000000000:stream/{name}";
            model.TryGetValue(name, out StreamModel? m);
            switch (kind)
            {
                case 0:
                    if (m is null)
                    {
                        engine.CreateStream(name, shardCount: 1 + (b % 3));
                        model[name] = m = new StreamModel();
                        m.Shards = Lineage(engine, stream);
                    }
                    else if (b % 4 == 0)
                    {
                        engine.DeleteStream(stream, enforceConsumerDeletion: true);
                        model.Remove(name);
                    }
                    break;
                case 1:
                case 2:
                    if (m is not null)
                    {
                        for (int i = 0; i < 1 + (b % 8); i++)
                        {
                            string key = $"k{(b + i) % 5}";
                            string data = $"r{putNumber++}";
                            engine.PutRecordAsync(stream, Encoding.UTF8.GetBytes(data), key).AsTask().GetAwaiter().GetResult();
                            (m.Records.TryGetValue(key, out List<string>? list) ? list : m.Records[key] = []).Add(data);
                        }
                    }
                    break;
                case 3:
                    if (m is not null)
                    {
                        string tag = $"t{b % 6}";
                        if (b % 3 == 0)
                        {
                            engine.RemoveTagsFromStream(stream, [tag]);
                            m.Tags.Remove(tag);
                        }
                        else
                        {
                            engine.AddTagsToStream(stream, new Dictionary<string, string> { [tag] = $"v{b}" });
                            m.Tags[tag] = $"v{b}";
                        }
                    }
                    break;
                case 4:
                    if (m is not null)
                    {
                        int hours = 24 + (b % 49);
                        if (hours >= m.RetentionHours)
                        {
                            engine.IncreaseStreamRetentionPeriod(stream, hours);
                        }
                        else
                        {
                            engine.DecreaseStreamRetentionPeriod(stream, hours);
                        }
                        m.RetentionHours = hours;
                    }
                    break;
                case 5:
                    if (m is not null)
                    {
                        Reshard(engine, stream, b);
                        m.Shards = Lineage(engine, stream);
                    }
                    break;
                case 6:
                    if (m is not null)
                    {
                        string consumer = $"c{b % 4}";
                        if (m.Consumers.Contains(consumer))
                        {
                            engine.DeregisterStreamConsumer(arn, consumer);
                            m.Consumers.Remove(consumer);
                        }
                        else
                        {
                            engine.RegisterStreamConsumer(arn, consumer);
                            m.Consumers.Add(consumer);
                        }
                    }
                    break;
                case 7:
                    fixture.Restart();
                    Verify(fixture.Engine, model);
                    break;
                case 8:
                    fixture.PowerLossAndRestart(b);
                    Verify(fixture.Engine, model);
                    break;
                default:
                    fixture.Time.Advance(TimeSpan.FromSeconds(b % 120));
                    break;
            }
        }
        fixture.PowerLossAndRestart(steps.Length);
        Verify(fixture.Engine, model);
        return true;
    }

    private static void Reshard(StreamEngine engine, StreamRef stream, int b)
    {
        List<ShardDescription> open = [.. engine.ListShards(new ListShardsRequest(stream, FilterType: ShardFilterType.AtLatest)).Shards
            .OrderBy(s => s.HashKeyRange.Start)];
        switch (b % 3)
        {
            case 0:
                ShardDescription victim = open[b % open.Count];
                UInt128 start = victim.HashKeyRange.Start.Value;
                UInt128 middle = start + ((victim.HashKeyRange.End.Value - start) / 2);
                engine.SplitShardAsync(stream, victim.ShardId.ToString(), middle.ToString()).GetAwaiter().GetResult();
                break;
            case 1 when open.Count >= 2:
                int i = b % (open.Count - 1);
                engine.MergeShardsAsync(stream, open[i].ShardId.ToString(), open[i + 1].ShardId.ToString()).GetAwaiter().GetResult();
                break;
            default:
                int target = Math.Clamp(1 + (b % 6), (open.Count + 1) / 2, open.Count * 2);
                if (target != open.Count)
                {
                    try
                    {
                        engine.UpdateShardCountAsync(stream, target).GetAwaiter().GetResult();
                    }
                    catch (Runnel.Streams.Errors.KinesisException e) when (e.ErrorType == "LimitExceededException")
                    {
                        // the tenth scaling of the day: a refusal changes nothing
                    }
                }
                break;
        }
    }

    private static List<ShardDescription> Lineage(StreamEngine engine, StreamRef stream)
        => [.. engine.ListShards(new ListShardsRequest(stream, MaxResults: 10000)).Shards];

    private static void Verify(StreamEngine engine, Dictionary<string, StreamModel> model)
    {
        Assert.Equal(model.Keys.Order(StringComparer.Ordinal), engine.ListStreams().Streams.Select(s => s.StreamName));
        foreach ((string name, StreamModel m) in model)
        {
            StreamRef stream = StreamRef.Named(name);
            string arn = $"arn:aws:kinesis:us-east-1:000000000000:stream/{name}";
            StreamSummary summary = engine.DescribeStreamSummary(stream);
            Assert.Equal(StreamStatus.Active, summary.StreamStatus);
            Assert.Equal(m.RetentionHours, summary.RetentionPeriodHours);
            Assert.Equal(m.Tags.OrderBy(t => t.Key, StringComparer.Ordinal), engine.ListTagsForStream(stream).Tags);
            Assert.Equal(m.Consumers.Order(StringComparer.Ordinal),
                engine.ListStreamConsumers(arn).Consumers.Select(c => c.ConsumerName).Order(StringComparer.Ordinal));
            Assert.All(engine.ListStreamConsumers(arn).Consumers, c => Assert.Equal("ACTIVE", c.ConsumerStatus));
            Assert.Equal(m.Shards, Lineage(engine, stream));
            Assert.Equal(m.Shards.Count(s => s.EndingSequenceNumber is null), summary.OpenShardCount);
            VerifyRecords(engine, stream, m);
        }
    }

    /// <summary>Reads every shard parents first (as KCL does): every acknowledged record, once, in per-key order.</summary>
    private static void VerifyRecords(StreamEngine engine, StreamRef stream, StreamModel m)
    {
        List<ShardDescription> all = Lineage(engine, stream);
        var done = new HashSet<ShardId>();
        var seen = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        while (done.Count < all.Count)
        {
            foreach (ShardDescription shard in all)
            {
                bool parentsDone = (shard.ParentShardId is not { } p || done.Contains(p) || !all.Exists(s => s.ShardId == p))
                    && (shard.AdjacentParentShardId is not { } q || done.Contains(q) || !all.Exists(s => s.ShardId == q));
                if (done.Contains(shard.ShardId) || !parentsDone)
                {
                    continue;
                }
                string? iterator = engine.GetShardIterator(stream, shard.ShardId.ToString(), ShardIteratorType.TrimHorizon);
                while (iterator is not null)
                {
                    GetRecordsResult result = engine.GetRecords(iterator);
                    foreach (KinesisRecord record in result.Records)
                    {
                        (seen.TryGetValue(record.PartitionKey, out List<string>? list) ? list : seen[record.PartitionKey] = [])
                            .Add(Encoding.UTF8.GetString(record.Data));
                    }
                    iterator = result.Records.Count == 0 && shard.EndingSequenceNumber is null ? null : result.NextShardIterator;
                }
                done.Add(shard.ShardId);
            }
        }
        Assert.Equal(m.Records.Keys.Order(StringComparer.Ordinal), seen.Keys.Order(StringComparer.Ordinal));
        foreach ((string key, List<string> expected) in m.Records)
        {
            Assert.Equal(expected, seen[key]);
        }
    }

    private sealed class StreamModel
    {
        public Dictionary<string, List<string>> Records { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, string> Tags { get; } = new(StringComparer.Ordinal);

        public HashSet<string> Consumers { get; } = new(StringComparer.Ordinal);

        public int RetentionHours { get; set; } = 24;

        public List<ShardDescription> Shards { get; set; } = [];
    }
}
