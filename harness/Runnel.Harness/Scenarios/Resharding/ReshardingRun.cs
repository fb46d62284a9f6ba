using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Runnel.Streams;
using Runnel.Streams.Errors;
using Runnel.Streams.Storage;

namespace Runnel.Harness.Scenarios.Resharding;

/// <summary>
/// <c>resharding-under-load</c> in simulated time: producers put keyed records without pause, polling consumers
/// follow every shard's lineage (a child is read only after all its parents reached their end), and a seeded
/// sequence of SplitShard, MergeShards and UpdateShardCount runs meanwhile. Every acknowledged record must be read
/// back exactly once, with its acknowledged shard and sequence number, and every key's records in put order.
/// </summary>
/// <remarks>
/// The fake clock moves in 10 ms steps. A producer sends one PutRecords of <see cref="ReshardingOptions.RecordsPerStep"/>
/// records per step (keys round-robin; the data carries the key's counter), retrying throttled records first.
/// Consumers call GetRecords on each shard they read every 200 ms (the 5 calls/s limit) and retry a throttled call.
/// </remarks>
public sealed class ReshardingRun(ReshardingOptions options)
{
    private const int StepsPerSecond = 100;
    private const int PollEverySteps = 20;
    private const string StreamName = "reshard";
    private static readonly StreamRef s_stream = StreamRef.Named(StreamName);
    private static readonly TimeSpan s_step = TimeSpan.FromMilliseconds(10);

    private readonly Random _random = new(options.Seed);
    private readonly Dictionary<(int Key, long Counter), (string Shard, string Sequence)> _acknowledged = [];
    private readonly HashSet<(int Key, long Counter)> _read = [];
    private readonly long[] _lastReadCounter = Enumerable.Repeat(-1L, options.Keys).ToArray();
    private readonly Dictionary<string, Reader> _readers = new(StringComparer.Ordinal);
    private readonly HashSet<string> _finished = new(StringComparer.Ordinal);
    private readonly HashSet<string> _started = new(StringComparer.Ordinal);
    private readonly List<string> _violations = [];
    private readonly ReshardingCounts _counts = new();
    private readonly List<ReshardingPoint> _timeline = [];

    /// <summary>Runs the scenario and returns its result.</summary>
    public async Task<ReshardingResult> RunAsync()
    {
        using var sim = new SimulatedEngine(new MemoryStreamStorage());
        StreamEngine engine = sim.Engine;
        engine.CreateStream(StreamName, shardCount: options.InitialShards);
        foreach (ShardDescription shard in engine.ListShards(new ListShardsRequest(s_stream)).Shards)
        {
            StartReader(engine, shard.ShardId.ToString());
        }
        _timeline.Add(Point(engine, 0, 0));

        long[] nextCounter = new long[options.Keys];
        var retry = new List<(int Key, long Counter)>();
        int nextKey = 0;
        int totalSteps = options.Seconds * StepsPerSecond;
        int reshardEvery = options.ReshardEverySeconds * StepsPerSecond;
        int producing = totalSteps - (5 * StepsPerSecond); // the last 5 s only drain
        for (int step = 0; step < totalSteps || !Drained(); step++)
        {
            if (step > totalSteps + (600 * StepsPerSecond))
            {
                _violations.Add("the consumers did not drain within 600 simulated seconds after the producers stopped");
                break;
            }
            if (step < producing)
            {
                var batch = new List<(int Key, long Counter)>(retry);
                retry.Clear();
                while (batch.Count < options.RecordsPerStep)
                {
                    batch.Add((nextKey, nextCounter[nextKey]++));
                    nextKey = (nextKey + 1) % options.Keys;
                }
                await PutAsync(engine, batch, retry).ConfigureAwait(false);
                if (step > 0 && step % reshardEvery == 0)
                {
                    await ReshardAsync(engine).ConfigureAwait(false);
                    _timeline.Add(Point(engine, sim.Elapsed.TotalSeconds, _counts.RecordsAcknowledged));
                }
            }
            if (step % PollEverySteps == 0)
            {
                Poll(engine);
            }
            sim.Time.Advance(s_step);
        }
        _counts.RecordsRetriedNeverAcknowledged = retry.Count;
        Verify();
        int openShards = engine.ListShards(new ListShardsRequest(s_stream, FilterType: ShardFilterType.AtLatest)).Shards.Count;
        int allShards = engine.ListShards(new ListShardsRequest(s_stream)).Shards.Count;
        _timeline.Add(Point(engine, sim.Elapsed.TotalSeconds, _counts.RecordsAcknowledged));
        return new ReshardingResult(options, _counts, openShards, allShards, sim.Elapsed.TotalSeconds, [.. _violations.Take(20)], _violations.Count)
        {
            Timeline = _timeline,
        };
    }

    private static ReshardingPoint Point(StreamEngine engine, double seconds, long acknowledged)
        => new(seconds, engine.ListShards(new ListShardsRequest(s_stream, FilterType: ShardFilterType.AtLatest)).Shards.Count,
            engine.ListShards(new ListShardsRequest(s_stream)).Shards.Count, acknowledged);

    private async Task PutAsync(StreamEngine engine, List<(int Key, long Counter)> batch, List<(int Key, long Counter)> retry)
    {
        var entries = new PutRecordsEntry[batch.Count];
        for (int i = 0; i < batch.Count; i++)
        {
            entries[i] = new PutRecordsEntry(Encode(batch[i].Key, batch[i].Counter, options.RecordBytes), KeyName(batch[i].Key));
        }
        PutRecordsResult result;
        try
        {
            result = await engine.PutRecordsAsync(s_stream, entries).ConfigureAwait(false);
        }
        catch (KinesisException e) when (e.ErrorType is "ResourceInUseException" or "LimitExceededException")
        {
            _counts.PutCallsRefused++;
            retry.AddRange(batch);
            return;
        }
        _counts.PutCalls++;
        for (int i = 0; i < batch.Count; i++)
        {
            PutRecordsResultEntry entry = result.Records[i];
            if (entry.SequenceNumber is { } sequence)
            {
                _acknowledged[batch[i]] = (entry.ShardId!.Value.ToString(), sequence.ToString());
                _counts.RecordsAcknowledged++;
            }
            else
            {
                _counts.RecordsThrottled++;
                retry.Add(batch[i]);
            }
        }
        // A key's records must stay in order: a retried record goes before newer records of its key, so hold back
        // the newer ones of keys that have a retry pending (the retry list is sent first at the next step).
        retry.Sort((a, b) => a.Key != b.Key ? a.Key.CompareTo(b.Key) : a.Counter.CompareTo(b.Counter));
    }

    private async Task ReshardAsync(StreamEngine engine)
    {
        List<ShardDescription> open = [.. engine.ListShards(new ListShardsRequest(s_stream, FilterType: ShardFilterType.AtLatest)).Shards
            .OrderBy(s => s.HashKeyRange.Start)];
        int choice = _random.Next(3);
        try
        {
            if (choice == 0 && open.Count < options.MaxShards)
            {
                ShardDescription shard = open[_random.Next(open.Count)];
                UInt128 start = shard.HashKeyRange.Start.Value, end = shard.HashKeyRange.End.Value;
                UInt128 middle = start + ((end - start) / 2) + 1;
                await engine.SplitShardAsync(s_stream, shard.ShardId.ToString(), middle.ToString(CultureInfo.InvariantCulture)).ConfigureAwait(false);
                _counts.Splits++;
            }
            else if (choice == 1 && open.Count > options.MinShards)
            {
                int i = _random.Next(open.Count - 1);
                await engine.MergeShardsAsync(s_stream, open[i].ShardId.ToString(), open[i + 1].ShardId.ToString()).ConfigureAwait(false);
                _counts.Merges++;
            }
            else
            {
                int target = Math.Clamp(_random.Next(open.Count / 2, (open.Count * 2) + 1), Math.Max(options.MinShards, (open.Count + 1) / 2), Math.Min(options.MaxShards, open.Count * 2));
                if (target == open.Count)
                {
                    target = open.Count < options.MaxShards ? open.Count + 1 : open.Count - 1;
                }
                await engine.UpdateShardCountAsync(s_stream, target).ConfigureAwait(false);
                _counts.ShardCountUpdates++;
            }
        }
        catch (KinesisException e) when (e.ErrorType is "LimitExceededException" or "ResourceInUseException")
        {
            _counts.ReshardsRefused++; // UpdateShardCount's 10-per-24-hours limit, for example
        }
    }

    private void Poll(StreamEngine engine)
    {
        foreach (Reader reader in _readers.Values.ToList())
        {
            GetRecordsResult result;
            try
            {
                result = engine.GetRecords(reader.Iterator, 10_000);
            }
            catch (KinesisException e) when (e.ErrorType == "ProvisionedThroughputExceededException")
            {
                _counts.GetRecordsThrottled++;
                continue;
            }
            _counts.GetRecordsCalls++;
            foreach (KinesisRecord record in result.Records)
            {
                Check(reader.Shard, record);
            }
            if (result.NextShardIterator is { } next)
            {
                reader.Iterator = next;
                continue;
            }
            _readers.Remove(reader.Shard);
            _finished.Add(reader.Shard);
            foreach (ChildShard child in result.ChildShards ?? [])
            {
                if (child.ParentShards.All(p => _finished.Contains(p.ToString())))
                {
                    StartReader(engine, child.ShardId.ToString());
                }
            }
        }
    }

    private void StartReader(StreamEngine engine, string shard)
    {
        if (_started.Add(shard))
        {
            _readers[shard] = new Reader(shard, engine.GetShardIterator(s_stream, shard, ShardIteratorType.TrimHorizon));
        }
    }

    private void Check(string shard, KinesisRecord record)
    {
        (int key, long counter) = Decode(record.Data);
        _counts.RecordsRead++;
        if (record.PartitionKey != KeyName(key))
        {
            _violations.Add($"record {key}/{counter} in {shard} has partition key {record.PartitionKey}");
        }
        if (!_acknowledged.TryGetValue((key, counter), out (string Shard, string Sequence) ack))
        {
            _violations.Add($"record {key}/{counter} read from {shard} was never acknowledged");
            return;
        }
        if (ack.Shard != shard || ack.Sequence != record.SequenceNumber.ToString())
        {
            _violations.Add($"record {key}/{counter} acknowledged as {ack.Shard} {ack.Sequence}, read from {shard} {record.SequenceNumber}");
        }
        if (!_read.Add((key, counter)))
        {
            _counts.Duplicates++;
            _violations.Add($"record {key}/{counter} read twice");
        }
        if (counter <= _lastReadCounter[key])
        {
            _counts.OrderViolations++;
            _violations.Add($"key {KeyName(key)}: record {counter} read after {_lastReadCounter[key]}");
        }
        _lastReadCounter[key] = Math.Max(_lastReadCounter[key], counter);
    }

    private bool Drained() => _read.Count >= _acknowledged.Count;

    private void Verify()
    {
        foreach ((int Key, long Counter) record in _acknowledged.Keys.Where(k => !_read.Contains(k)))
        {
            _counts.Lost++;
            _violations.Add($"acknowledged record {record.Key}/{record.Counter} ({_acknowledged[record].Shard}) was never read");
        }
    }

    private static string KeyName(int key) => string.Create(CultureInfo.InvariantCulture, $"key-{key:D4}");

    private static byte[] Encode(int key, long counter, int size)
    {
        byte[] data = new byte[Math.Max(size, 12)];
        BinaryPrimitives.WriteInt32LittleEndian(data, key);
        BinaryPrimitives.WriteInt64LittleEndian(data.AsSpan(4), counter);
        Encoding.ASCII.GetBytes("runnel", data.AsSpan(12, Math.Min(6, data.Length - 12)));
        return data;
    }

    private static (int Key, long Counter) Decode(byte[] data)
        => (BinaryPrimitives.ReadInt32LittleEndian(data), BinaryPrimitives.ReadInt64LittleEndian(data.AsSpan(4)));

    private sealed class Reader(string shard, string iterator)
    {
        public string Shard { get; } = shard;

        public string Iterator { get; set; } = iterator;
    }
}
