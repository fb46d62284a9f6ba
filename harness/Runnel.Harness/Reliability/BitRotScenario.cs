using System.Globalization;
using Microsoft.Extensions.Time.Testing;
using Runnel.Model;
using Runnel.Storage;
using Runnel.Storage.Io;
using Runnel.Streams;
using Runnel.Streams.Errors;
using Runnel.Streams.Storage;

namespace Runnel.Harness.Reliability;

/// <summary>
/// One seed of the bit-rot and misdirected-write property (issue 9 item 3): a small acknowledged workload on a
/// <see cref="StreamEngine"/> over one <see cref="FaultInjectingDisk"/>, with one fault: a flipped bit anywhere in
/// durable data (catalog, segments, indexes, checkpoints), or one write that lands at a wrong 4 KiB-aligned offset
/// or nowhere while reported successful. Then every record is read through the running engine, the engine is
/// restarted and everything is read and described again. No silent loss: each read either serves exactly the
/// acknowledged records of the shard (all of them, same sequence numbers, nothing else) or fails with
/// InternalFailure carrying a <see cref="LogCorruptionException"/>; each restart either gives back exactly the
/// acknowledged metadata or throws the <see cref="LogCorruptionException"/> naming the file and byte.
/// </summary>
internal static class BitRotScenario
{
    /// <summary>Runs one seed; the outcome's kind says how the fault ended (detected where, or harmless).</summary>
    public static SeedOutcome Run(int seed)
    {
        var random = new Random(seed);
        var storage = new FaultInjectingStreamStorage();
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000));
        StreamsOptions options = PowerLossScenario.Options(random);
        bool misdirect = random.Next(2) == 0;
        string fault = "none";
        var model = new Model();
        var outcome = new List<string>();
        try
        {
            StreamEngine engine = StreamEngine.Open(options, storage, time);
            if (misdirect)
            {
                var kind = random.Next(2) == 0 ? FaultInjectingDisk.MisdirectionKind.Lost : FaultInjectingDisk.MisdirectionKind.WrongOffset;
                storage.Disk.MisdirectWrite(storage.Disk.Operations + random.Next(1, 120), kind, random);
            }
            Workload(engine, random, model, storage.Disk, misdirect);
            if (misdirect)
            {
                fault = storage.Disk.MisdirectedWrite ?? throw new InvalidOperationException("the misdirected write never fired");
            }
            else
            {
                IReadOnlyList<(string Path, long Length)> files = [.. storage.Disk.ListAllFiles().Where(f => f.Length > 0)];
                (string path, long length) = files[random.Next(files.Count)];
                long bit = random.NextInt64(length * 8);
                storage.Disk.FlipBit(path, bit);
                fault = string.Create(CultureInfo.InvariantCulture, $"bit {bit} of {path}");
            }
            outcome.Add("running: " + Check(engine, model));
            engine.Dispose();
            StreamEngine reopened;
            try
            {
                reopened = StreamEngine.Open(options, storage, time);
            }
            catch (LogCorruptionException e)
            {
                outcome.Add("restart: detected at open" + (e.FileName.Contains("catalog", StringComparison.Ordinal) ? " (catalog)" : " (shard log)"));
                return new SeedOutcome(seed, null, misdirect ? "misdirected write" : "bit flip", string.Join(", ", outcome), fault, model.Count);
            }
            outcome.Add("restart: " + Check(reopened, model));
            reopened.Dispose();
            return new SeedOutcome(seed, null, misdirect ? "misdirected write" : "bit flip", string.Join(", ", outcome), fault, model.Count);
        }
        catch (Exception e)
        {
            return new SeedOutcome(seed, $"{e.GetType().Name}: {e.Message} (fault: {fault})", misdirect ? "misdirected write" : "bit flip", "failed", fault, model.Count);
        }
    }

    /// <summary>What one seed did and found; <see cref="Detection"/> says where the fault was caught, or that it was harmless.</summary>
    public sealed record SeedOutcome(int Seed, string? Failure, string Fault, string Detection, string Where, int Acknowledged);

    private sealed class Model
    {
        public Dictionary<string, (int Retention, List<ShardDescription> Lineage, List<string> Consumers)> Streams { get; } = new(StringComparer.Ordinal);

        public Dictionary<(string Stream, ShardId Shard), List<(SequenceNumber Sequence, string Key, byte[] Data)>> Records { get; } = [];

        public int Count { get; set; }
    }

    private static void Workload(StreamEngine engine, Random random, Model model, FaultInjectingDisk disk, bool untilMisdirected)
    {
        int streams = random.Next(1, 3);
        for (int s = 0; s < streams; s++)
        {
            engine.CreateStream("s" + s.ToString(CultureInfo.InvariantCulture), random.Next(1, 3));
        }
        int steps = random.Next(2, 8);
        for (int step = 0; step < steps || (untilMisdirected && disk.MisdirectedWrite is null && step < 400); step++)
        {
            string name = "s" + random.Next(streams).ToString(CultureInfo.InvariantCulture);
            int kind = random.Next(10);
            if (kind == 0)
            {
                var open = engine.ListShards(new ListShardsRequest(StreamRef.Named(name), FilterType: ShardFilterType.AtLatest)).Shards;
                if (open.Count < 4)
                {
                    ShardDescription victim = open[random.Next(open.Count)];
                    UInt128 start = victim.HashKeyRange.Start.Value;
                    UInt128 middle = start + ((victim.HashKeyRange.End.Value - start) / 2) + 1;
                    engine.SplitShardAsync(StreamRef.Named(name), victim.ShardId.ToString(), middle.ToString(CultureInfo.InvariantCulture)).GetAwaiter().GetResult();
                }
            }
            else if (kind == 1)
            {
                int current = engine.DescribeStreamSummary(StreamRef.Named(name)).RetentionPeriodHours;
                engine.IncreaseStreamRetentionPeriod(StreamRef.Named(name), current + random.Next(0, 50));
            }
            else if (kind == 2)
            {
                string consumer = "c" + step.ToString(CultureInfo.InvariantCulture);
                engine.RegisterStreamConsumer($"arn:aws:kinesis:us-east-1:000000000000:stream/{name}", consumer);
            }
            else
            {
                int count = random.Next(1, 10);
                var entries = new List<PutRecordsEntry>();
                for (int i = 0; i < count; i++)
                {
                    byte[] data = new byte[random.Next(1, 500)];
                    random.NextBytes(data);
                    entries.Add(new PutRecordsEntry(data, "k" + random.Next(20).ToString(CultureInfo.InvariantCulture)));
                }
                PutRecordsResult result = engine.PutRecordsAsync(StreamRef.Named(name), entries).AsTask().GetAwaiter().GetResult();
                for (int i = 0; i < count; i++)
                {
                    PutRecordsResultEntry entry = result.Records[i];
                    if (entry.SequenceNumber is not { } sequence || entry.ShardId is not { } shard)
                    {
                        throw new InvalidOperationException($"PutRecords refused a record: {entry.ErrorCode} {entry.ErrorMessage}");
                    }
                    if (!model.Records.TryGetValue((name, shard), out var list))
                    {
                        model.Records[(name, shard)] = list = [];
                    }
                    list.Add((sequence, entries[i].PartitionKey, entries[i].Data.ToArray()));
                    model.Count++;
                }
            }
        }
        foreach (var stream in engine.ListStreams().Streams)
        {
            string arn = $"arn:aws:kinesis:us-east-1:000000000000:stream/{stream.StreamName}";
            model.Streams[stream.StreamName] = (
                engine.DescribeStreamSummary(StreamRef.Named(stream.StreamName)).RetentionPeriodHours,
                [.. engine.ListShards(new ListShardsRequest(StreamRef.Named(stream.StreamName), MaxResults: 10000)).Shards],
                [.. engine.ListStreamConsumers(arn).Consumers.Select(c => c.ConsumerName).Order(StringComparer.Ordinal)]);
        }
    }

    /// <summary>Checks metadata and every shard; returns "exact" or "detected at read"; throws on a silent loss or a wrong record.</summary>
    private static string Check(StreamEngine engine, Model model)
    {
        var names = engine.ListStreams().Streams.Select(s => s.StreamName).Order(StringComparer.Ordinal).ToList();
        if (!names.SequenceEqual(model.Streams.Keys.Order(StringComparer.Ordinal)))
        {
            throw new InvalidOperationException($"streams [{string.Join(',', names)}], acknowledged [{string.Join(',', model.Streams.Keys)}]");
        }
        bool detected = false;
        foreach ((string name, (int retention, List<ShardDescription> lineage, List<string> consumers)) in model.Streams)
        {
            string arn = $"arn:aws:kinesis:us-east-1:000000000000:stream/{name}";
            if (engine.DescribeStreamSummary(StreamRef.Named(name)).RetentionPeriodHours != retention)
            {
                throw new InvalidOperationException($"stream {name}: retention changed silently");
            }
            if (!engine.ListShards(new ListShardsRequest(StreamRef.Named(name), MaxResults: 10000)).Shards.SequenceEqual(lineage))
            {
                throw new InvalidOperationException($"stream {name}: shard topology changed silently");
            }
            if (!engine.ListStreamConsumers(arn).Consumers.Select(c => c.ConsumerName).Order(StringComparer.Ordinal).SequenceEqual(consumers))
            {
                throw new InvalidOperationException($"stream {name}: consumers changed silently");
            }
            foreach (ShardDescription shard in lineage)
            {
                var read = new List<KinesisRecord>();
                bool caught = false;
                try
                {
                    string? iterator = engine.GetShardIterator(StreamRef.Named(name), shard.ShardId.ToString(), ShardIteratorType.TrimHorizon);
                    for (int calls = 0; iterator is not null; calls++)
                    {
                        if (calls > 1000)
                        {
                            throw new InvalidOperationException($"stream {name} {shard.ShardId}: the reader never reaches the end of the shard");
                        }
                        GetRecordsResult result = engine.GetRecords(iterator);
                        read.AddRange(result.Records);
                        iterator = result.Records.Count == 0 && shard.EndingSequenceNumber is null ? null : result.NextShardIterator;
                    }
                }
                catch (KinesisException e) when (e.Code == KinesisErrorCode.InternalFailure && e.InnerException is LogCorruptionException)
                {
                    caught = true; // reported, and the damaged frames were not served
                }
                detected |= caught;
                var expected = model.Records.GetValueOrDefault((name, shard.ShardId)) ?? [];
                // A read cut short by a detected error may have served a prefix: it must be exact.
                if (read.Count > expected.Count || (!caught && read.Count != expected.Count))
                {
                    throw new InvalidOperationException($"stream {name} {shard.ShardId}: {expected.Count} acknowledged, {read.Count} served, no error reported");
                }
                for (int i = 0; i < read.Count; i++)
                {
                    if (read[i].SequenceNumber != expected[i].Sequence || read[i].PartitionKey != expected[i].Key
                        || !read[i].Data.AsSpan().SequenceEqual(expected[i].Data))
                    {
                        throw new InvalidOperationException($"stream {name} {shard.ShardId}: record {expected[i].Sequence} served wrong");
                    }
                }
            }
        }
        return detected ? "detected at read" : "exact";
    }
}
