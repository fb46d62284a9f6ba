using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Numerics;
using System.Text;
using System.Text.Json.Nodes;
using Runnel.Protocol.EventStream;
using Runnel.Server;

namespace Runnel.Harness.Reliability;

/// <summary>The settings of a soak.</summary>
/// <param name="Duration">How long the load runs (the drain comes after).</param>
/// <param name="ReshardEvery">Time between two resharding operations.</param>
/// <param name="SampleEvery">Time between two resident-set samples.</param>
/// <param name="SinglePutsPerSecond">PutRecord pace.</param>
/// <param name="BatchesPerSecond">PutRecords pace (32 records each).</param>
/// <param name="Endpoint">A running server to use instead of starting one (memory is then sampled from <paramref name="ServerPid"/>).</param>
/// <param name="ServerPid">The process id of <paramref name="Endpoint"/>'s server.</param>
/// <param name="RssAllowancePerShardMiB">Resident growth forgiven per shard created after warm-up (0: the strict check).
/// A known cost, not a leak: every shard, closed ones included, keeps its 1 MiB append ring for the retention period.</param>
public sealed record SoakOptions(TimeSpan Duration, TimeSpan ReshardEvery, TimeSpan SampleEvery, int SinglePutsPerSecond, int BatchesPerSecond,
    Uri? Endpoint = null, int? ServerPid = null, double RssAllowancePerShardMiB = 0);

/// <summary>
/// The soak: against one server with Kinesis's limits on, for a given time, two producers (PutRecord singles and
/// PutRecords batches, each owning 32 partition keys whose records carry a per-key counter), polling consumers that
/// follow every shard from TRIM_HORIZON (children only after their parents are read to the end), enhanced fan-out
/// readers (SubscribeToShard over h2c, resubscribing from the continuation sequence number), and a resharder that
/// cycles UpdateShardCount up and down, SplitShard and MergeShards. Resident memory is sampled throughout.
/// </summary>
#pragma warning disable CA1001 // The two clients live for one RunAsync call, which disposes them.
public sealed class SoakRun(SoakOptions options, TextWriter log)
#pragma warning restore CA1001
{
    private const string Stream = "soak";
    private const string ConsumerName = "soak-efo";
    private const int KeysPerProducer = 32;
    private static readonly TimeSpan s_call = TimeSpan.FromSeconds(30);

    private readonly SoakLedger _ledger = new();
    private readonly ConcurrentDictionary<string, Task> _pollers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Task> _fanOut = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _polledToEnd = new(StringComparer.Ordinal);
    private readonly List<SoakReshard> _reshards = [];
    private readonly List<double[]> _rss = [];
    private readonly Stopwatch _clock = new();
    private HostileKinesisClient _http1 = null!;
    private HostileKinesisClient _http2 = null!;
    private string _consumerArn = "";

    /// <summary>Runs the soak and builds its report.</summary>
    public async Task<SoakReport> RunAsync(CancellationToken cancellationToken)
    {
        var wall = Stopwatch.StartNew();
        HostileServerProcess? owned = null;
        Uri endpoint;
        Func<long> rss;
        Func<(double Heap, double Committed)> gc = () => (0, 0);
        Func<IReadOnlyList<string>> errorLines;
        if (options.Endpoint is { } given)
        {
            endpoint = given;
            int pid = options.ServerPid ?? throw new ArgumentException("--pid is needed with --endpoint (memory is sampled from /proc/PID)");
            rss = () => ReadRss(pid);
            errorLines = () => [];
        }
        else
        {
            owned = await HostileServerProcess.StartAsync(new TransportLimits(), streamLimits: true, cancellationToken).ConfigureAwait(false);
            endpoint = owned.Endpoint;
            rss = owned.ResidentBytes;
            gc = () => (owned.ManagedHeapMiB, owned.GcCommittedMiB);
            errorLines = () => owned.ErrorLines;
            log.WriteLine($"server pid {owned.ProcessId} at {endpoint}");
        }
        try
        {
            _http1 = new HostileKinesisClient(endpoint, HttpVersion.Version11, maxConnections: 32);
            _http2 = new HostileKinesisClient(endpoint, HttpVersion.Version20, maxConnections: 4);
            await SetUpAsync(cancellationToken).ConfigureAwait(false);
            _clock.Start();
            using var stopLoad = new CancellationTokenSource();
            using var stopReaders = new CancellationTokenSource();
            var load = new List<Task>
            {
                Task.Run(() => SinglesAsync(stopLoad.Token), CancellationToken.None),
                Task.Run(() => BatchesAsync(stopLoad.Token), CancellationToken.None),
                Task.Run(() => ReshardAsync(stopLoad.Token), CancellationToken.None),
            };
            Task discovery = Task.Run(() => DiscoverAsync(stopReaders.Token), CancellationToken.None);
            Task sampler = Task.Run(() => SampleAsync(rss, gc, stopReaders.Token), CancellationToken.None);
            log.WriteLine($"soak: load for {options.Duration.TotalMinutes:0.#} min, resharding every {options.ReshardEvery.TotalSeconds:0} s, RSS every {options.SampleEvery.TotalSeconds:0} s");
            await Task.Delay(options.Duration, cancellationToken).ConfigureAwait(false);
            await stopLoad.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(load).ConfigureAwait(false);
            log.WriteLine($"load stopped at {_clock.Elapsed.TotalSeconds:0} s: {_ledger.AckedCount} records acknowledged; draining the consumers");
            var drain = Stopwatch.StartNew();
            while (drain.Elapsed < TimeSpan.FromSeconds(60) && !(_ledger.PollingCaughtUp() && _ledger.MissingFromFanOut() == 0))
            {
                await Task.Delay(1000, cancellationToken).ConfigureAwait(false);
            }
            double drainSeconds = drain.Elapsed.TotalSeconds;
            await stopReaders.CancelAsync().ConfigureAwait(false);
            await discovery.ConfigureAwait(false);
            await sampler.ConfigureAwait(false);
            await Task.WhenAll(_pollers.Values.Concat(_fanOut.Values)).ConfigureAwait(false);
            bool running = owned?.IsRunning ?? true;
            return SoakReport.Build(options, _ledger, [.. _reshards], [.. _rss], _pollers.Count, _fanOut.Count, drainSeconds,
                errorLines(), running, wall.Elapsed);
        }
        finally
        {
            _http1?.Dispose();
            _http2?.Dispose();
            if (owned is not null)
            {
                await owned.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static long ReadRss(int pid)
    {
        foreach (string line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
            }
        }
        return 0;
    }

    private async Task SetUpAsync(CancellationToken cancellationToken)
    {
        HostileReply created = await _http1.CallAsync("CreateStream", new JsonObject { ["StreamName"] = Stream, ["ShardCount"] = 4 }, s_call, cancellationToken).ConfigureAwait(false);
        if (!created.Ok && created.ErrorType != "ResourceInUseException")
        {
            throw new InvalidOperationException($"CreateStream: {created.ErrorType} {created.Message}");
        }
        await _http1.WaitActiveAsync(Stream, cancellationToken).ConfigureAwait(false);
        HostileReply summary = await _http1.CallAsync("DescribeStreamSummary", new JsonObject { ["StreamName"] = Stream }, s_call, cancellationToken).ConfigureAwait(false);
        string streamArn = summary.Body!["StreamDescriptionSummary"]!["StreamARN"]!.GetValue<string>();
        HostileReply registered = await _http1.CallAsync("RegisterStreamConsumer", new JsonObject { ["StreamARN"] = streamArn, ["ConsumerName"] = ConsumerName }, s_call, cancellationToken).ConfigureAwait(false);
        if (!registered.Ok)
        {
            throw new InvalidOperationException($"RegisterStreamConsumer: {registered.ErrorType} {registered.Message}");
        }
        _consumerArn = registered.Body!["Consumer"]!["ConsumerARN"]!.GetValue<string>();
        for (int i = 0; i < 100; i++)
        {
            HostileReply consumer = await _http1.CallAsync("DescribeStreamConsumer", new JsonObject { ["ConsumerARN"] = _consumerArn }, s_call, cancellationToken).ConfigureAwait(false);
            if (consumer.Ok && consumer.Body!["ConsumerDescription"]!["ConsumerStatus"]!.GetValue<string>() == "ACTIVE")
            {
                return;
            }
            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }
        throw new InvalidOperationException("the fan-out consumer did not become ACTIVE");
    }

    // ---- producers -------------------------------------------------------------------------------------------

    private async Task SinglesAsync(CancellationToken stop)
    {
        var counters = new long[KeysPerProducer];
        string padding = new('p', 64);
        int i = 0;
        await PacedAsync(options.SinglePutsPerSecond, async () =>
        {
            int k = i++ % KeysPerProducer;
            string key = "single-" + k.ToString("00", CultureInfo.InvariantCulture);
            string payload = SoakLedger.Payload(key, counters[k]);
            HostileReply reply = await _http1.CallAsync("PutRecord", new JsonObject
            {
                ["StreamName"] = Stream,
                ["PartitionKey"] = key,
                ["Data"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(payload + "|" + padding)),
            }, s_call, CancellationToken.None).ConfigureAwait(false);
            if (reply.Ok)
            {
                _ledger.Acked(key, counters[k]++);
            }
            else
            {
                _ledger.Error("PutRecord", reply);
                i--; // the same key again: its counter has not moved, so order holds
                await Task.Delay(100, CancellationToken.None).ConfigureAwait(false);
            }
        }, stop).ConfigureAwait(false);
    }

    private async Task BatchesAsync(CancellationToken stop)
    {
        var counters = new long[KeysPerProducer];
        string padding = new('b', 64);
        await PacedAsync(options.BatchesPerSecond, async () =>
        {
            // One record per key per call: a throttled record is sent again in the next call with the same counter.
            var records = new JsonArray();
            for (int k = 0; k < KeysPerProducer; k++)
            {
                string key = "batch-" + k.ToString("00", CultureInfo.InvariantCulture);
                records.Add(new JsonObject
                {
                    ["PartitionKey"] = key,
                    ["Data"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(SoakLedger.Payload(key, counters[k]) + "|" + padding)),
                });
            }
            HostileReply reply = await _http1.CallAsync("PutRecords", new JsonObject { ["StreamName"] = Stream, ["Records"] = records }, s_call, CancellationToken.None).ConfigureAwait(false);
            if (!reply.Ok)
            {
                _ledger.Error("PutRecords", reply);
                await Task.Delay(100, CancellationToken.None).ConfigureAwait(false);
                return;
            }
            JsonArray results = reply.Body!["Records"]!.AsArray();
            bool throttled = false;
            for (int k = 0; k < KeysPerProducer; k++)
            {
                if (results[k]!["ErrorCode"]?.GetValue<string>() is { } error)
                {
                    _ledger.Error("PutRecords", error);
                    throttled = true;
                }
                else
                {
                    _ledger.Acked("batch-" + k.ToString("00", CultureInfo.InvariantCulture), counters[k]++);
                }
            }
            if (throttled)
            {
                await Task.Delay(100, CancellationToken.None).ConfigureAwait(false);
            }
        }, stop).ConfigureAwait(false);
    }

    private static async Task PacedAsync(int perSecond, Func<Task> step, CancellationToken stop)
    {
        long interval = Stopwatch.Frequency / Math.Max(1, perSecond);
        long next = Stopwatch.GetTimestamp();
        while (!stop.IsCancellationRequested)
        {
            long now = Stopwatch.GetTimestamp();
            if (now < next)
            {
                try
                {
                    await Task.Delay(TimeSpan.FromTicks((next - now) * TimeSpan.TicksPerSecond / Stopwatch.Frequency), stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
            next = Math.Max(next + interval, Stopwatch.GetTimestamp() - interval);
            await step().ConfigureAwait(false);
        }
    }

    // ---- resharding ------------------------------------------------------------------------------------------

    private async Task ReshardAsync(CancellationToken stop)
    {
        string[] cycle = ["UpdateShardCount up", "SplitShard", "UpdateShardCount down", "MergeShards"];
        for (int n = 0; ; n++)
        {
            try
            {
                await Task.Delay(options.ReshardEvery, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            string action = cycle[n % cycle.Length];
            List<ShardInfo> open = [.. (await ListShardsAsync(CancellationToken.None).ConfigureAwait(false)).Where(s => s.Open).OrderBy(s => s.Start)];
            if (open.Count == 0)
            {
                continue;
            }
            (string operation, JsonObject body) = action switch
            {
                "UpdateShardCount up" => ("UpdateShardCount", new JsonObject { ["StreamName"] = Stream, ["TargetShardCount"] = Math.Min(2 * open.Count, 8), ["ScalingType"] = "UNIFORM_SCALING" }),
                "UpdateShardCount down" => ("UpdateShardCount", new JsonObject { ["StreamName"] = Stream, ["TargetShardCount"] = Math.Max((open.Count + 1) / 2, 2), ["ScalingType"] = "UNIFORM_SCALING" }),
                "SplitShard" => ("SplitShard", new JsonObject
                {
                    ["StreamName"] = Stream,
                    ["ShardToSplit"] = open[0].Id,
                    ["NewStartingHashKey"] = ((open[0].Start + open[0].End + 1) / 2).ToString(CultureInfo.InvariantCulture),
                }),
                _ => MergeBody(open),
            };
            if (operation.Length == 0)
            {
                continue;
            }
            HostileReply reply = await _http1.CallAsync(operation, body, s_call, CancellationToken.None).ConfigureAwait(false);
            bool active = false;
            if (reply.Ok)
            {
                active = await _http1.WaitActiveAsync(Stream, CancellationToken.None).ConfigureAwait(false);
            }
            else
            {
                _ledger.Error(operation, reply);
            }
            int after = (await ListShardsAsync(CancellationToken.None).ConfigureAwait(false)).Count(s => s.Open);
            lock (_reshards)
            {
                _reshards.Add(new SoakReshard(Math.Round(_clock.Elapsed.TotalSeconds, 1), action, open.Count, after, reply.Ok && active, reply.ErrorType));
            }
            log.WriteLine($"  {_clock.Elapsed.TotalSeconds,6:0} s  {action}: {open.Count} -> {after} open shards{(reply.Ok ? "" : " (" + reply.ErrorType + ")")}; {_ledger.AckedCount} acked, {_ledger.PolledCount} polled, {_ledger.FannedOutCount} fanned out");
        }
    }

    private static (string, JsonObject) MergeBody(List<ShardInfo> open)
    {
        for (int i = 0; i + 1 < open.Count; i++)
        {
            if (open[i].End + 1 == open[i + 1].Start)
            {
                return ("MergeShards", new JsonObject { ["StreamName"] = Stream, ["ShardToMerge"] = open[i].Id, ["AdjacentShardToMerge"] = open[i + 1].Id });
            }
        }
        return ("", new JsonObject());
    }

    private sealed record ShardInfo(string Id, BigInteger Start, BigInteger End, bool Open, IReadOnlyList<string> Parents);

    private async Task<List<ShardInfo>> ListShardsAsync(CancellationToken cancellationToken)
    {
        var shards = new List<ShardInfo>();
        string? next = null;
        do
        {
            JsonObject body = next is null ? new JsonObject { ["StreamName"] = Stream } : new JsonObject { ["NextToken"] = next };
            HostileReply reply = await _http1.CallAsync("ListShards", body, s_call, cancellationToken).ConfigureAwait(false);
            if (!reply.Ok)
            {
                _ledger.Error("ListShards", reply);
                await Task.Delay(500, cancellationToken).ConfigureAwait(false);
                return shards.Count > 0 ? shards : await ListShardsAsync(cancellationToken).ConfigureAwait(false);
            }
            foreach (JsonNode? s in reply.Body!["Shards"]!.AsArray())
            {
                var parents = new List<string>();
                if (s!["ParentShardId"]?.GetValue<string>() is { } p)
                {
                    parents.Add(p);
                }
                if (s["AdjacentParentShardId"]?.GetValue<string>() is { } a)
                {
                    parents.Add(a);
                }
                shards.Add(new ShardInfo(
                    s["ShardId"]!.GetValue<string>(),
                    BigInteger.Parse(s["HashKeyRange"]!["StartingHashKey"]!.GetValue<string>(), CultureInfo.InvariantCulture),
                    BigInteger.Parse(s["HashKeyRange"]!["EndingHashKey"]!.GetValue<string>(), CultureInfo.InvariantCulture),
                    s["SequenceNumberRange"]?["EndingSequenceNumber"] is null,
                    parents));
            }
            next = reply.Body["NextToken"]?.GetValue<string>();
        }
        while (next is not null);
        return shards;
    }

    // ---- consumers -------------------------------------------------------------------------------------------

    private async Task DiscoverAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            List<ShardInfo> shards;
            try
            {
                shards = await ListShardsAsync(stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            // Every listed shard gets its end-of-reading signal before any poller starts, so that a child listed
            // before its parent still waits for it.
            foreach (ShardInfo shard in shards)
            {
                _polledToEnd.TryAdd(shard.Id, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            }
            foreach (ShardInfo shard in shards)
            {
                if (!_pollers.ContainsKey(shard.Id))
                {
                    _pollers[shard.Id] = Task.Run(() => PollAsync(shard, stop), CancellationToken.None);
                }
                if (!_fanOut.ContainsKey(shard.Id))
                {
                    _fanOut[shard.Id] = Task.Run(() => FanOutAsync(shard.Id, stop), CancellationToken.None);
                }
            }
            try
            {
                await Task.Delay(2000, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task PollAsync(ShardInfo shard, CancellationToken stop)
    {
        try
        {
            // A key's records in a parent precede its records in a child: read the parents to their end first.
            await Task.WhenAll(shard.Parents.Where(_polledToEnd.ContainsKey).Select(p => _polledToEnd[p].Task)).WaitAsync(stop).ConfigureAwait(false);
            string? iterator = null;
            while (iterator is null)
            {
                HostileReply got = await _http1.CallAsync("GetShardIterator", new JsonObject { ["StreamName"] = Stream, ["ShardId"] = shard.Id, ["ShardIteratorType"] = "TRIM_HORIZON" }, s_call, stop).ConfigureAwait(false);
                if (got.Ok)
                {
                    iterator = got.Body!["ShardIterator"]!.GetValue<string>();
                }
                else
                {
                    _ledger.Error("GetShardIterator", got);
                    await Task.Delay(1000, stop).ConfigureAwait(false);
                }
            }
            BigInteger last = -1;
            while (iterator is not null)
            {
                HostileReply reply = await _http1.CallAsync("GetRecords", new JsonObject { ["ShardIterator"] = iterator, ["Limit"] = 10_000 }, s_call, stop).ConfigureAwait(false);
                if (!reply.Ok)
                {
                    if (stop.IsCancellationRequested)
                    {
                        return;
                    }
                    _ledger.Error("GetRecords", reply);
                    await Task.Delay(1000, stop).ConfigureAwait(false);
                    continue;
                }
                JsonArray records = reply.Body!["Records"]!.AsArray();
                foreach (JsonNode? record in records)
                {
                    BigInteger sequence = BigInteger.Parse(record!["SequenceNumber"]!.GetValue<string>(), CultureInfo.InvariantCulture);
                    if (sequence <= last)
                    {
                        _ledger.Violation($"polling: shard {shard.Id} sequence {sequence} after {last}");
                    }
                    last = sequence;
                    _ledger.Polled(PayloadOf(record["Data"]!.GetValue<string>()), shard.Id);
                }
                iterator = reply.Body["NextShardIterator"]?.GetValue<string>();
                // 5 GetRecords per second per shard: 250 ms between calls stays under it with one reader per shard.
                await Task.Delay(records.Count == 0 ? 500 : 250, stop).ConfigureAwait(false);
            }
            _polledToEnd[shard.Id].TrySetResult();
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task FanOutAsync(string shardId, CancellationToken stop)
    {
        string? continuation = null;
        BigInteger last = -1;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                JsonObject position = continuation is null
                    ? new JsonObject { ["Type"] = "TRIM_HORIZON" }
                    : new JsonObject { ["Type"] = "AFTER_SEQUENCE_NUMBER", ["SequenceNumber"] = continuation };
                (HttpResponseMessage? response, HostileReply? error) = await _http2.SubscribeAsync(
                    new JsonObject { ["ConsumerARN"] = _consumerArn, ["ShardId"] = shardId, ["StartingPosition"] = position }, stop).ConfigureAwait(false);
                if (response is null)
                {
                    _ledger.Error("SubscribeToShard", error!);
                    await Task.Delay(1000, stop).ConfigureAwait(false);
                    continue;
                }
                bool ended = false;
                using (response)
                {
                    Stream body = await response.Content.ReadAsStreamAsync(stop).ConfigureAwait(false);
                    await using (body.ConfigureAwait(false))
                    {
                        byte[] buffer = new byte[1 << 20];
                        int filled = 0;
                        while (true)
                        {
                            if (filled == buffer.Length)
                            {
                                Array.Resize(ref buffer, buffer.Length * 2);
                            }
                            int read;
                            try
                            {
                                read = await body.ReadAsync(buffer.AsMemory(filled), stop).ConfigureAwait(false);
                            }
                            catch (Exception e) when (e is IOException or HttpRequestException)
                            {
                                _ledger.Error("SubscribeToShard", "TransportError", 0);
                                break;
                            }
                            if (read == 0)
                            {
                                break;
                            }
                            filled += read;
                            int offset = 0;
                            while (EventStreamDecoder.TryDecode(buffer.AsSpan(offset, filled - offset), out EventStreamMessage? message, out int consumed))
                            {
                                offset += consumed;
                                if (message!.Header(EventStreamNames.MessageType) != EventStreamNames.EventMessage)
                                {
                                    _ledger.Error("SubscribeToShard", message.Header(EventStreamNames.ExceptionType) ?? message.Header(EventStreamNames.ErrorCode) ?? "?");
                                    continue;
                                }
                                if (message.Header(EventStreamNames.EventType) != "SubscribeToShardEvent")
                                {
                                    continue;
                                }
                                JsonNode e = JsonNode.Parse(message.Payload.Span)!;
                                foreach (JsonNode? record in e["Records"]!.AsArray())
                                {
                                    BigInteger sequence = BigInteger.Parse(record!["SequenceNumber"]!.GetValue<string>(), CultureInfo.InvariantCulture);
                                    if (sequence <= last)
                                    {
                                        _ledger.Violation($"fan-out: shard {shardId} sequence {sequence} after {last}");
                                    }
                                    last = sequence;
                                    _ledger.FannedOut(PayloadOf(record["Data"]!.GetValue<string>()));
                                }
                                continuation = e["ContinuationSequenceNumber"]?.GetValue<string>() ?? continuation;
                                if (e["ChildShards"] is JsonArray { Count: > 0 })
                                {
                                    ended = true; // the end of a closed shard
                                }
                            }
                            Buffer.BlockCopy(buffer, offset, buffer, 0, filled - offset);
                            filled -= offset;
                        }
                    }
                }
                if (ended)
                {
                    return;
                }
                // A subscription lasts 5 minutes; the next one starts after the continuation (1 call/s per shard).
                await Task.Delay(1000, stop).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static string PayloadOf(string base64)
    {
        string data = Encoding.UTF8.GetString(Convert.FromBase64String(base64));
        int bar = data.IndexOf('|', StringComparison.Ordinal);
        return bar < 0 ? data : data[..bar];
    }

    // ---- memory ----------------------------------------------------------------------------------------------

    private async Task SampleAsync(Func<long> rss, Func<(double Heap, double Committed)> gc, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            double mib = Math.Round(rss() / 1048576.0, 1);
            (double heap, double committed) = gc();
            lock (_rss)
            {
                _rss.Add([Math.Round(_clock.Elapsed.TotalSeconds, 1), mib, heap, committed, _pollers.Count]);
            }
            try
            {
                await Task.Delay(options.SampleEvery, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}

/// <summary>One resharding operation of a soak.</summary>
/// <param name="AtSeconds">When, from the start of the load.</param>
/// <param name="Action">What was asked.</param>
/// <param name="OpenBefore">Open shards before.</param>
/// <param name="OpenAfter">Open shards after.</param>
/// <param name="Succeeded">Whether it was accepted and the stream became ACTIVE again.</param>
/// <param name="Error">The error type when refused.</param>
public sealed record SoakReshard(double AtSeconds, string Action, int OpenBefore, int OpenAfter, bool Succeeded, string? Error);
