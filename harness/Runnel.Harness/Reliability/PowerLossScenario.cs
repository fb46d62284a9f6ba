using System.Globalization;
using Microsoft.Extensions.Time.Testing;
using Runnel.Model;
using Runnel.Storage;
using Runnel.Storage.Io;
using Runnel.Storage.Log;
using Runnel.Streams;
using Runnel.Streams.Errors;
using Runnel.Streams.Storage;

namespace Runnel.Harness.Reliability;

/// <summary>
/// One seed of the whole-engine power-loss property: a random workload on a <see cref="StreamEngine"/> over one
/// <see cref="FaultInjectingDisk"/> (create and delete streams, single and batched puts, split, merge,
/// UpdateShardCount, retention changes, consumers), a power cut after a random number of disk operations (so inside a
/// catalog replace, a group commit, a segment roll, a directory change or recovery itself), then a restart on what
/// survived, checked against a model: every acknowledged record is there byte for byte with its sequence number and
/// in shard order, no record was invented, every acknowledged metadata change holds, and the one control operation
/// the cut interrupted either happened or did not. Two or three cuts per seed. Shared by the test suite and the
/// harness (<c>power-loss</c>).
/// </summary>
internal static class PowerLossScenario
{
    private static readonly string[] s_names = ["a", "b", "c"];

    /// <summary>Engine options for the scenarios: no status delays, no limits, small segments so that rolls happen.</summary>
    public static StreamsOptions Options(Random random) => new()
    {
        CreateStreamDelay = TimeSpan.Zero,
        DeleteStreamDelay = TimeSpan.Zero,
        UpdateStreamDelay = TimeSpan.Zero,
        ConsumerDelay = TimeSpan.Zero,
        LimitsEnabled = false,
        ShardLog = new ShardLogOptions { SegmentMaxBytes = random.Next(4096, 8192), IndexIntervalBytes = random.Next(64, 512) },
    };

    /// <summary>Runs one seed; returns what happened, with the failure (null when every check held).</summary>
    public static SeedOutcome Run(int seed)
    {
        var run = new SeedRun(seed);
        try
        {
            run.Execute();
            return new SeedOutcome(seed, null, run.CutsInCatalog, run.CutsInLog, run.CutsInRecovery, run.Acknowledged);
        }
        catch (Exception e)
        {
            return new SeedOutcome(seed, $"{e.GetType().Name}: {e.Message} (last cut at: {run.LastCut ?? "none"})",
                run.CutsInCatalog, run.CutsInLog, run.CutsInRecovery, run.Acknowledged);
        }
    }

    /// <summary>What one seed did and found.</summary>
    public sealed record SeedOutcome(int Seed, string? Failure, int CutsInCatalog, int CutsInLog, int CutsInRecovery, int Acknowledged);

    /// <summary>The model of one stream: what was acknowledged.</summary>
    private sealed class StreamModel
    {
        public int RetentionHours { get; set; } = 24;

        public HashSet<string> Consumers { get; set; } = new(StringComparer.Ordinal);

        public List<ShardDescription> Lineage { get; set; } = [];

        /// <summary>Acknowledged records by shard, then sequence number: partition key and data.</summary>
        public Dictionary<ShardId, SortedDictionary<SequenceNumber, (string Key, byte[] Data)>> Records { get; } = [];

        public void Acknowledge(ShardId shard, SequenceNumber sequence, string key, byte[] data)
        {
            if (!Records.TryGetValue(shard, out SortedDictionary<SequenceNumber, (string, byte[])>? records))
            {
                Records[shard] = records = [];
            }
            if (records.TryGetValue(sequence, out (string Key, byte[] Data) existing))
            {
                if (existing.Key != key || !existing.Data.AsSpan().SequenceEqual(data))
                {
                    throw new InvalidOperationException($"sequence number {sequence} of {shard} acknowledged for two different records");
                }
                return;
            }
            records.Add(sequence, (key, data));
        }
    }

    /// <summary>The control operation a power cut interrupted: it may or may not have happened.</summary>
    private sealed record Pending(string Kind, string Stream, int Value = 0, string? Consumer = null);

    private sealed class SeedRun(int seed)
    {
        private readonly Random _random = new(seed);
        private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000));
        private readonly Dictionary<string, StreamModel> _model = new(StringComparer.Ordinal);
        private readonly Dictionary<string, (string Stream, string Key)> _attempted = new(StringComparer.Ordinal);
        private FaultInjectingStreamStorage _storage = null!;
        private StreamsOptions _options = null!;
        private Pending? _pending;
        private int _recordNumber;

        public int CutsInCatalog { get; private set; }

        public int CutsInLog { get; private set; }

        public int CutsInRecovery { get; private set; }

        public int Acknowledged { get; private set; }

        public string? LastCut { get; private set; }

        private FaultInjectingDisk Disk => _storage.Disk;

        public void Execute()
        {
            _storage = new FaultInjectingStreamStorage();
            _options = Options(_random);
            int cuts = _random.Next(2, 4);
            for (int round = 0; round <= cuts; round++)
            {
                StreamEngine? engine = OpenThroughCuts();
                Verify(engine);
                if (round == cuts)
                {
                    engine.Dispose();
                    return;
                }
                Disk.PowerOffAfter = Disk.Operations + _random.Next(1, 160);
                int steps = _random.Next(4, 14);
                for (int step = 0; step < steps && !Disk.IsPoweredOff; step++)
                {
                    Step(engine);
                    _time.Advance(TimeSpan.FromMilliseconds(_random.Next(0, 2000)));
                }
                Cut(engine);
            }
        }

        /// <summary>Opens the engine; one open in four has its own power cut, inside recovery.</summary>
        private StreamEngine OpenThroughCuts()
        {
            while (true)
            {
                if (_random.Next(4) == 0)
                {
                    Disk.PowerOffAfter = Disk.Operations + _random.Next(1, 40);
                }
                try
                {
                    StreamEngine engine = StreamEngine.Open(_options, _storage, _time);
                    Disk.PowerOffAfter = null;
                    if (!Disk.IsPoweredOff)
                    {
                        return engine;
                    }
                    engine.Dispose();
                }
                catch (Exception) when (Disk.IsPoweredOff)
                {
                    // the cut came during recovery: the disk keeps part of what recovery wrote
                }
                CutsInRecovery++;
                LastCut = "recovery: " + Disk.PowerCutAt;
                Disk.PowerLoss(_random);
            }
        }

        private void Cut(StreamEngine engine)
        {
            Disk.CutPower(); // if the workload ended first, the power goes now
            string cut = Disk.PowerCutAt!;
            LastCut = cut;
            if (cut.Contains("catalog", StringComparison.Ordinal))
            {
                CutsInCatalog++;
            }
            else if (cut.Contains("shard-", StringComparison.Ordinal))
            {
                CutsInLog++;
            }
            try
            {
                engine.Dispose();
            }
            catch (Exception) when (Disk.IsPoweredOff)
            {
            }
            Disk.PowerLoss(_random);
        }

        private void Step(StreamEngine engine)
        {
            string name = s_names[_random.Next(s_names.Length)];
            _model.TryGetValue(name, out StreamModel? stream);
            int kind = _random.Next(100);
            try
            {
                if (stream is null)
                {
                    if (kind < 40)
                    {
                        int shards = _random.Next(1, 4);
                        _pending = new Pending("create", name, shards);
                        engine.CreateStream(name, shards);
                        _model[name] = new StreamModel { Lineage = Lineage(engine, name) };
                    }
                    _pending = null;
                    return;
                }
                if (kind < 30)
                {
                    PutSingles(engine, name, stream);
                }
                else if (kind < 55)
                {
                    PutBatch(engine, name, stream);
                }
                else if (kind < 58)
                {
                    _pending = new Pending("delete", name);
                    engine.DeleteStream(StreamRef.Named(name), enforceConsumerDeletion: true);
                    _model.Remove(name);
                }
                else if (kind < 72)
                {
                    _pending = new Pending("reshard", name);
                    Reshard(engine, name, stream);
                    stream.Lineage = Lineage(engine, name);
                }
                else if (kind < 84)
                {
                    int hours = 24 + _random.Next(0, 48);
                    _pending = new Pending("retention", name, hours);
                    if (hours >= stream.RetentionHours)
                    {
                        engine.IncreaseStreamRetentionPeriod(StreamRef.Named(name), hours);
                    }
                    else
                    {
                        engine.DecreaseStreamRetentionPeriod(StreamRef.Named(name), hours);
                    }
                    stream.RetentionHours = hours;
                }
                else
                {
                    string consumer = "c" + _random.Next(3).ToString(CultureInfo.InvariantCulture);
                    _pending = new Pending("consumer", name, 0, consumer);
                    if (stream.Consumers.Contains(consumer))
                    {
                        engine.DeregisterStreamConsumer(Arn(name), consumer);
                        stream.Consumers.Remove(consumer);
                    }
                    else
                    {
                        engine.RegisterStreamConsumer(Arn(name), consumer);
                        stream.Consumers.Add(consumer);
                    }
                }
                _pending = null;
            }
            catch (Exception) when (Disk.IsPoweredOff)
            {
                // interrupted by the cut: _pending says what may or may not have happened
            }
        }

        private byte[] NewRecord(string stream, string key)
        {
            byte[] data = new byte[_random.Next(4, 600)];
            _random.NextBytes(data);
            BitConverter.TryWriteBytes(data, _recordNumber++);
            _attempted[Convert.ToBase64String(data)] = (stream, key);
            return data;
        }

        private void PutSingles(StreamEngine engine, string name, StreamModel stream)
        {
            int count = _random.Next(1, 5);
            var puts = new List<(Task<PutRecordResult> Task, string Key, byte[] Data)>();
            for (int i = 0; i < count; i++)
            {
                string key = "k" + _random.Next(20).ToString(CultureInfo.InvariantCulture);
                byte[] data = NewRecord(name, key);
                try
                {
                    puts.Add((engine.PutRecordAsync(StreamRef.Named(name), data, key).AsTask(), key, data));
                }
                catch (Exception) when (Disk.IsPoweredOff)
                {
                }
            }
            foreach ((Task<PutRecordResult> task, string key, byte[] data) in puts)
            {
                try
                {
                    PutRecordResult result = task.GetAwaiter().GetResult();
                    stream.Acknowledge(result.ShardId, result.SequenceNumber, key, data);
                    Acknowledged++;
                }
                catch (Exception) when (Disk.IsPoweredOff)
                {
                }
            }
        }

        private void PutBatch(StreamEngine engine, string name, StreamModel stream)
        {
            int count = _random.Next(1, 12);
            var entries = new List<PutRecordsEntry>();
            for (int i = 0; i < count; i++)
            {
                string key = "k" + _random.Next(20).ToString(CultureInfo.InvariantCulture);
                entries.Add(new PutRecordsEntry(NewRecord(name, key), key));
            }
            PutRecordsResult result = engine.PutRecordsAsync(StreamRef.Named(name), entries).AsTask().GetAwaiter().GetResult();
            for (int i = 0; i < count; i++)
            {
                PutRecordsResultEntry entry = result.Records[i];
                if (entry.SequenceNumber is { } sequence && entry.ShardId is { } shard)
                {
                    stream.Acknowledge(shard, sequence, entries[i].PartitionKey, entries[i].Data.ToArray());
                    Acknowledged++;
                }
                else if (!Disk.IsPoweredOff)
                {
                    throw new InvalidOperationException($"PutRecords refused a record with the power on: {entry.ErrorCode} {entry.ErrorMessage}");
                }
            }
        }

        private void Reshard(StreamEngine engine, string name, StreamModel stream)
        {
            List<ShardDescription> open = [.. stream.Lineage.Where(s => s.EndingSequenceNumber is null).OrderBy(s => s.HashKeyRange.Start.Value)];
            int choice = _random.Next(3);
            if (choice == 0 && open.Count < 6)
            {
                ShardDescription victim = open[_random.Next(open.Count)];
                UInt128 start = victim.HashKeyRange.Start.Value;
                UInt128 middle = start + ((victim.HashKeyRange.End.Value - start) / 2) + 1;
                engine.SplitShardAsync(StreamRef.Named(name), victim.ShardId.ToString(), middle.ToString(CultureInfo.InvariantCulture))
                    .GetAwaiter().GetResult();
            }
            else if (choice == 1 && open.Count >= 2)
            {
                int i = _random.Next(open.Count - 1);
                engine.MergeShardsAsync(StreamRef.Named(name), open[i].ShardId.ToString(), open[i + 1].ShardId.ToString())
                    .GetAwaiter().GetResult();
            }
            else
            {
                int target = Math.Clamp(_random.Next(1, 5), (open.Count + 1) / 2, open.Count * 2);
                if (target == open.Count)
                {
                    return;
                }
                try
                {
                    engine.UpdateShardCountAsync(StreamRef.Named(name), target).GetAwaiter().GetResult();
                }
                catch (KinesisException e) when (e.ErrorType == "LimitExceededException" && !Disk.IsPoweredOff)
                {
                    // the eleventh scaling of the day: a refusal changes nothing
                }
            }
        }

        private static string Arn(string name) => $"arn:aws:kinesis:us-east-1:000000000000:stream/{name}";

        private static List<ShardDescription> Lineage(StreamEngine engine, string name)
            => [.. engine.ListShards(new ListShardsRequest(StreamRef.Named(name), MaxResults: 10000)).Shards];

        /// <summary>Checks the reopened engine against the model and the interrupted operation, then adopts what it holds.</summary>
        private void Verify(StreamEngine engine)
        {
            Pending? pending = _pending;
            _pending = null;
            var names = engine.ListStreams().Streams.Select(s => s.StreamName).ToHashSet(StringComparer.Ordinal);
            foreach (string name in s_names)
            {
                bool expected = _model.ContainsKey(name);
                bool uncertain = pending is { Kind: "create" or "delete" } && pending.Stream == name;
                if (names.Contains(name) != expected && !uncertain)
                {
                    throw new InvalidOperationException(expected
                        ? $"stream {name} was acknowledged but is gone"
                        : $"stream {name} was deleted (or never created) but exists");
                }
            }
            foreach (string name in names)
            {
                StreamModel? model = _model.GetValueOrDefault(name);
                Pending? mine = pending?.Stream == name ? pending : null;
                if (model is null)
                {
                    // a creation the cut interrupted took effect: a fresh stream, nothing acknowledged in it
                    model = new StreamModel();
                    _model[name] = model;
                }
                VerifyStream(engine, name, model, mine);
            }
            foreach (string name in s_names)
            {
                if (!names.Contains(name))
                {
                    _model.Remove(name);
                }
            }
        }

        private void VerifyStream(StreamEngine engine, string name, StreamModel model, Pending? pending)
        {
            StreamSummary summary = engine.DescribeStreamSummary(StreamRef.Named(name));
            if (summary.StreamStatus != StreamStatus.Active)
            {
                throw new InvalidOperationException($"stream {name} is {summary.StreamStatus} after restart");
            }
            if (summary.RetentionPeriodHours != model.RetentionHours
                && !(pending is { Kind: "retention" } && pending.Value == summary.RetentionPeriodHours))
            {
                throw new InvalidOperationException($"stream {name}: retention {summary.RetentionPeriodHours} h, acknowledged {model.RetentionHours} h");
            }
            model.RetentionHours = summary.RetentionPeriodHours;

            var consumers = engine.ListStreamConsumers(Arn(name)).Consumers;
            var consumerNames = consumers.Select(c => c.ConsumerName).ToHashSet(StringComparer.Ordinal);
            var expected = new HashSet<string>(model.Consumers, StringComparer.Ordinal);
            if (pending is { Kind: "consumer", Consumer: { } toggled })
            {
                expected.Remove(toggled);
                consumerNames.Remove(toggled);
            }
            if (!consumerNames.SetEquals(expected) || consumers.Any(c => c.ConsumerStatus != "ACTIVE"))
            {
                throw new InvalidOperationException(
                    $"stream {name}: consumers [{string.Join(',', consumers.Select(c => c.ConsumerName + ":" + c.ConsumerStatus))}], acknowledged [{string.Join(',', model.Consumers)}]");
            }
            model.Consumers = consumers.Select(c => c.ConsumerName).ToHashSet(StringComparer.Ordinal);

            List<ShardDescription> lineage = Lineage(engine, name);
            if (pending is { Kind: "create" })
            {
                if (lineage.Count != pending.Value || lineage.Any(s => s.EndingSequenceNumber is not null))
                {
                    throw new InvalidOperationException($"stream {name}: created with {pending.Value} shards, restarted with {lineage.Count}");
                }
            }
            else if (!lineage.SequenceEqual(model.Lineage))
            {
                if (pending is not { Kind: "reshard" })
                {
                    throw new InvalidOperationException($"stream {name}: shard topology changed without an acknowledged resharding");
                }
                CheckExtends(name, model.Lineage, lineage);
            }
            CheckCoverage(name, lineage);
            model.Lineage = lineage;

            VerifyRecords(engine, name, model, lineage);
        }

        /// <summary>An interrupted resharding that took effect: every old shard is still there, the new ones are its children.</summary>
        private static void CheckExtends(string name, List<ShardDescription> before, List<ShardDescription> after)
        {
            foreach (ShardDescription old in before)
            {
                ShardDescription? now = after.Find(s => s.ShardId == old.ShardId);
                if (now is null || now.HashKeyRange != old.HashKeyRange || now.ParentShardId != old.ParentShardId
                    || now.AdjacentParentShardId != old.AdjacentParentShardId
                    || (old.EndingSequenceNumber is not null && now.EndingSequenceNumber != old.EndingSequenceNumber))
                {
                    throw new InvalidOperationException($"stream {name}: shard {old.ShardId} changed by an interrupted resharding");
                }
            }
        }

        /// <summary>The open shards cover the whole hash key space, once.</summary>
        private static void CheckCoverage(string name, List<ShardDescription> lineage)
        {
            UInt128 next = UInt128.Zero;
            bool done = false;
            foreach (ShardDescription shard in lineage.Where(s => s.EndingSequenceNumber is null).OrderBy(s => s.HashKeyRange.Start.Value))
            {
                if (done || shard.HashKeyRange.Start.Value != next)
                {
                    throw new InvalidOperationException($"stream {name}: open shards do not cover the hash key space at {shard.ShardId}");
                }
                done = shard.HashKeyRange.End.Value == UInt128.MaxValue;
                next = shard.HashKeyRange.End.Value + (done ? UInt128.Zero : UInt128.One);
            }
            if (!done)
            {
                throw new InvalidOperationException($"stream {name}: open shards end before the top of the hash key space");
            }
        }

        private void VerifyRecords(StreamEngine engine, string name, StreamModel model, List<ShardDescription> lineage)
        {
            foreach (ShardId shard in model.Records.Keys)
            {
                if (!lineage.Exists(s => s.ShardId == shard))
                {
                    throw new InvalidOperationException($"stream {name}: shard {shard} with acknowledged records is gone");
                }
            }
            foreach (ShardDescription shard in lineage)
            {
                var read = new List<KinesisRecord>();
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
                var bySequence = new Dictionary<SequenceNumber, KinesisRecord>();
                for (int i = 0; i < read.Count; i++)
                {
                    KinesisRecord record = read[i];
                    if (i > 0 && record.SequenceNumber <= read[i - 1].SequenceNumber)
                    {
                        throw new InvalidOperationException($"stream {name} {shard.ShardId}: sequence numbers out of order at {record.SequenceNumber}");
                    }
                    if (!_attempted.TryGetValue(Convert.ToBase64String(record.Data), out (string Stream, string Key) origin)
                        || origin.Stream != name || origin.Key != record.PartitionKey)
                    {
                        throw new InvalidOperationException($"stream {name} {shard.ShardId}: record {record.SequenceNumber} was never written");
                    }
                    bySequence.Add(record.SequenceNumber, record);
                }
                if (model.Records.TryGetValue(shard.ShardId, out SortedDictionary<SequenceNumber, (string Key, byte[] Data)>? acknowledged))
                {
                    foreach ((SequenceNumber sequence, (string key, byte[] data)) in acknowledged)
                    {
                        if (!bySequence.TryGetValue(sequence, out KinesisRecord? record))
                        {
                            throw new InvalidOperationException($"stream {name} {shard.ShardId}: acknowledged record {sequence} is lost");
                        }
                        if (record.PartitionKey != key || !record.Data.AsSpan().SequenceEqual(data))
                        {
                            throw new InvalidOperationException($"stream {name} {shard.ShardId}: acknowledged record {sequence} changed");
                        }
                    }
                }
                // What survived unacknowledged is durable now: later rounds hold it to the same rule.
                foreach (KinesisRecord record in read)
                {
                    model.Acknowledge(shard.ShardId, record.SequenceNumber, record.PartitionKey, record.Data);
                }
            }
        }
    }

    /// <summary>Whether an exception is the corruption report that names a file (the only failure recovery may report).</summary>
    public static bool IsCorruptionReport(Exception e)
        => e is LogCorruptionException { FileName.Length: > 0 }
            || e.InnerException is LogCorruptionException { FileName.Length: > 0 };
}
