using System.Numerics;
using System.Text;
using System.Text.Json.Nodes;

namespace Runnel.Harness.Reliability;

/// <summary>Counts of one run, across iterations.</summary>
internal sealed class CrashLoopStats
{
    private long _putsAcked;
    private long _putsUnknown;
    private long _putsRefused;
    private long _controlAcked;
    private long _controlUnknown;

    public long RecordsAcked => Interlocked.Read(ref _putsAcked);
    public long RecordsUnknown => Interlocked.Read(ref _putsUnknown);
    public long RecordsRefused => Interlocked.Read(ref _putsRefused);
    public long ControlAcked => Interlocked.Read(ref _controlAcked);
    public long ControlUnknown => Interlocked.Read(ref _controlUnknown);

    public void Acked(int n) => Interlocked.Add(ref _putsAcked, n);
    public void Unknown(int n) => Interlocked.Add(ref _putsUnknown, n);
    public void Refused(int n) => Interlocked.Add(ref _putsRefused, n);
    /// <summary>Control operations the server refused, by error type (expected: ResourceInUse while UPDATING, limits).</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<string, int> ControlRefusals { get; } = new(StringComparer.Ordinal);

    public void Refusal(KinesisReply reply) => ControlRefusals.AddOrUpdate(reply.ErrorType ?? reply.Status.ToString(System.Globalization.CultureInfo.InvariantCulture), 1, (_, n) => n + 1);

    public void Control(bool acked)
    {
        if (acked)
        {
            Interlocked.Increment(ref _controlAcked);
        }
        else
        {
            Interlocked.Increment(ref _controlUnknown);
        }
    }
}

/// <summary>
/// One iteration's load: several clients putting records (PutRecord and batched PutRecords) to the live streams, and a
/// control client creating, resharding (SplitShard, MergeShards, UpdateShardCount) and deleting streams, all recorded
/// in the <see cref="CrashLoopModel"/> before they are sent and marked acknowledged only on a 200.
/// </summary>
internal sealed class CrashLoopWorkload(CrashLoopModel model, CrashLoopClient client, CrashLoopStats stats, int iteration, int clients)
{
    private const int MaxOpenShards = 6;
    private const int MaxLiveStreams = 5;
    private int _streamCounter;

    /// <summary>Creates the first streams of a fresh data directory (acknowledged, before any kill).</summary>
    public async Task SeedStreamsAsync(int count, CancellationToken cancellationToken)
    {
        for (int i = 0; i < count; i++)
        {
            string name = $"crash-{iteration}-seed-{i}";
            var stream = new StreamModel(name) { CreatePending = true };
            model.Streams[name] = stream;
            KinesisReply reply = await client.CallAsync("CreateStream", new JsonObject { ["StreamName"] = name, ["ShardCount"] = 2 }, cancellationToken).ConfigureAwait(false);
            if (!reply.Ok)
            {
                throw new InvalidOperationException($"CreateStream {name}: {reply}");
            }
            stream.Exists = true;
            stream.CreatePending = false;
        }
    }

    /// <summary>
    /// Runs the load; once a first put was acknowledged, waits <paramref name="killAfter"/> and calls <paramref name="kill"/>
    /// (the SIGKILL), then stops the clients. Every request still in flight has an unknown outcome.
    /// </summary>
    public async Task RunAsync(Random random, TimeSpan killAfter, Action kill)
    {
        using var stop = new CancellationTokenSource();
        var firstAck = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tasks = new List<Task>();
        for (int c = 0; c < clients; c++)
        {
            int clientIndex = c;
            int clientSeed = random.Next();
            tasks.Add(Task.Run(() => PutLoopAsync(new Random(clientSeed), clientIndex, firstAck, stop.Token)));
        }
        int controlSeed = random.Next();
        tasks.Add(Task.Run(() => ControlLoopAsync(new Random(controlSeed), stop.Token)));
        try
        {
            await firstAck.Task.WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
            await Task.Delay(killAfter).ConfigureAwait(false);
        }
        finally
        {
            kill();
            await stop.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(tasks).ConfigureAwait(false);
        }
    }

    private async Task PutLoopAsync(Random random, int clientIndex, TaskCompletionSource firstAck, CancellationToken cancellationToken)
    {
        int counter = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            StreamModel[] live = model.LiveStreams();
            if (live.Length == 0)
            {
                await Delay(5, cancellationToken).ConfigureAwait(false);
                continue;
            }
            StreamModel stream = live[random.Next(live.Length)];
            bool batch = random.Next(2) == 0;
            int count = batch ? random.Next(1, 60) : 1;
            var records = new SentRecord[count];
            for (int i = 0; i < count; i++)
            {
                string id = $"{iteration}-{clientIndex}-{counter++}";
                records[i] = new SentRecord(id, stream.Name, PartitionKey(random), Data(random, id));
                model.Sent[id] = records[i];
            }
            try
            {
                if (batch)
                {
                    var entries = new JsonArray();
                    foreach (SentRecord record in records)
                    {
                        entries.Add(new JsonObject { ["Data"] = Convert.ToBase64String(record.Data), ["PartitionKey"] = record.PartitionKey });
                    }
                    KinesisReply reply = await client.CallAsync("PutRecords", new JsonObject { ["StreamName"] = stream.Name, ["Records"] = entries }, cancellationToken).ConfigureAwait(false);
                    if (reply.Ok)
                    {
                        JsonArray results = reply.Body!["Records"]!.AsArray();
                        int acked = 0;
                        for (int i = 0; i < count; i++)
                        {
                            if (results[i]?["SequenceNumber"]?.GetValue<string>() is { } sequence)
                            {
                                records[i].ShardId = results[i]!["ShardId"]!.GetValue<string>();
                                records[i].SequenceNumber = sequence;
                                acked++;
                            }
                        }
                        stats.Acked(acked);
                        stats.Refused(count - acked);
                        if (acked > 0)
                        {
                            firstAck.TrySetResult();
                        }
                    }
                    else
                    {
                        stats.Refused(count);
                    }
                }
                else
                {
                    SentRecord record = records[0];
                    KinesisReply reply = await client.CallAsync("PutRecord", new JsonObject
                    {
                        ["StreamName"] = stream.Name,
                        ["Data"] = Convert.ToBase64String(record.Data),
                        ["PartitionKey"] = record.PartitionKey,
                    }, cancellationToken).ConfigureAwait(false);
                    if (reply.Ok)
                    {
                        record.ShardId = reply.Body!["ShardId"]!.GetValue<string>();
                        record.SequenceNumber = reply.Body["SequenceNumber"]!.GetValue<string>();
                        stats.Acked(1);
                        firstAck.TrySetResult();
                    }
                    else
                    {
                        stats.Refused(1);
                    }
                }
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
            {
                stats.Unknown(count); // the server died with the request in flight: it may or may not be durable
                await Delay(5, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task ControlLoopAsync(Random random, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            await Delay(random.Next(0, 25), cancellationToken).ConfigureAwait(false);
            try
            {
                StreamModel[] live = model.LiveStreams();
                int op = random.Next(100);
                if ((live.Length < 2 || op < 15) && live.Length < MaxLiveStreams)
                {
                    await CreateAsync(random, cancellationToken).ConfigureAwait(false);
                }
                else if (live.Length == 0)
                {
                    continue;
                }
                else if (op < 75)
                {
                    await ReshardAsync(random, live[random.Next(live.Length)], op, cancellationToken).ConfigureAwait(false);
                }
                else if (op < 88 && live.Length > 2)
                {
                    await DeleteAsync(live[random.Next(live.Length)], cancellationToken).ConfigureAwait(false);
                }
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
            {
                stats.Control(acked: false);
            }
        }
    }

    private async Task<KinesisReply> ControlAsync(string operation, JsonObject body, CancellationToken cancellationToken)
    {
        KinesisReply reply = await client.CallAsync(operation, body, cancellationToken).ConfigureAwait(false);
        if (!reply.Ok)
        {
            stats.Refusal(reply);
        }
        return reply;
    }

    private async Task CreateAsync(Random random, CancellationToken cancellationToken)
    {
        string name = $"crash-{iteration}-{_streamCounter++}";
        var stream = new StreamModel(name) { CreatePending = true };
        model.Streams[name] = stream;
        KinesisReply reply = await ControlAsync("CreateStream", new JsonObject { ["StreamName"] = name, ["ShardCount"] = random.Next(1, 4) }, cancellationToken).ConfigureAwait(false);
        if (reply.Ok)
        {
            stream.Exists = true;
            stream.CreatePending = false;
            stats.Control(acked: true);
        }
        else
        {
            stream.Gone = true; // refused: it was never created
        }
    }

    private async Task DeleteAsync(StreamModel stream, CancellationToken cancellationToken)
    {
        stream.DeleteSent = true;
        KinesisReply reply = await ControlAsync("DeleteStream", new JsonObject { ["StreamName"] = stream.Name, ["EnforceConsumerDeletion"] = true }, cancellationToken).ConfigureAwait(false);
        if (reply.Ok)
        {
            stream.DeleteAcked = true;
            stats.Control(acked: true);
        }
        else
        {
            stream.DeleteSent = false;
        }
    }

    private async Task ReshardAsync(Random random, StreamModel stream, int op, CancellationToken cancellationToken)
    {
        List<(string Id, BigInteger Start, BigInteger End)> open = await CrashLoopModel.OpenShardsAsync(client, stream.Name, cancellationToken).ConfigureAwait(false);
        if (open.Count == 0)
        {
            return;
        }
        if (op < 35 && open.Count < MaxOpenShards)
        {
            (string id, BigInteger start, BigInteger end) = open[random.Next(open.Count)];
            if (end - start < 4)
            {
                return;
            }
            BigInteger key = start + ((end - start) / 2);
            stream.ExpectedOpenCount = null;
            KinesisReply reply = await ControlAsync("SplitShard", new JsonObject
            {
                ["StreamName"] = stream.Name,
                ["ShardToSplit"] = id,
                ["NewStartingHashKey"] = key.ToString(System.Globalization.CultureInfo.InvariantCulture),
            }, cancellationToken).ConfigureAwait(false);
            if (reply.Ok)
            {
                stream.ClosedAcked.Add(id);
                stats.Control(acked: true);
            }
        }
        else if (op < 55 && open.Count >= 2)
        {
            int i = random.Next(open.Count - 1);
            stream.ExpectedOpenCount = null;
            KinesisReply reply = await ControlAsync("MergeShards", new JsonObject
            {
                ["StreamName"] = stream.Name,
                ["ShardToMerge"] = open[i].Id,
                ["AdjacentShardToMerge"] = open[i + 1].Id,
            }, cancellationToken).ConfigureAwait(false);
            if (reply.Ok)
            {
                stream.ClosedAcked.Add(open[i].Id);
                stream.ClosedAcked.Add(open[i + 1].Id);
                stats.Control(acked: true);
            }
        }
        else
        {
            int low = Math.Max(1, (open.Count + 1) / 2);
            int high = Math.Min(open.Count * 2, MaxOpenShards);
            int target = random.Next(low, high + 1);
            if (target == open.Count)
            {
                return;
            }
            stream.ExpectedOpenCount = null;
            KinesisReply reply = await ControlAsync("UpdateShardCount", new JsonObject
            {
                ["StreamName"] = stream.Name,
                ["TargetShardCount"] = target,
                ["ScalingType"] = "UNIFORM_SCALING",
            }, cancellationToken).ConfigureAwait(false);
            if (reply.Ok)
            {
                stream.ExpectedOpenCount = target;
                stats.Control(acked: true);
            }
        }
    }

    /// <summary>Partition keys: short ASCII ones, and some with multi-byte UTF-8 (checked byte for byte too).</summary>
    private static string PartitionKey(Random random) => random.Next(8) switch
    {
        0 => $"clé-{random.Next(50)}-ключ",
        1 => new string('k', random.Next(1, 257)),
        _ => $"pk-{random.Next(500)}",
    };

    /// <summary>The id, a newline, then 0-1,500 random bytes (now and then up to 20 KiB).</summary>
    private static byte[] Data(Random random, string id)
    {
        int extra = random.Next(20) == 0 ? random.Next(1, 20 * 1024) : random.Next(0, 1500);
        byte[] prefix = Encoding.ASCII.GetBytes(id + "\n");
        byte[] data = new byte[prefix.Length + extra];
        prefix.CopyTo(data, 0);
        random.NextBytes(data.AsSpan(prefix.Length));
        return data;
    }

    private static async Task Delay(int milliseconds, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(milliseconds, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // stopping
        }
    }
}
