using System.Diagnostics;
using System.Text.Json.Nodes;
using Runnel.Harness.CompareLog;

namespace Runnel.Harness.ComparePeers;

/// <summary>
/// Drives one target through one workload: creates the stream (and waits for ACTIVE), warms up, runs the timed
/// phase with <see cref="ComparePeersOptions.Callers"/> concurrent PutRecords callers, then reads every shard back
/// from TRIM_HORIZON until caught up. The same code, bodies and client for every target.
/// </summary>
public sealed class WorkloadRunner(PeerKinesisClient client, ComparePeersOptions options, TextWriter log)
{
    private const int GetRecordsLimit = 10_000;

    /// <summary>Runs <paramref name="workload"/> on a new stream <paramref name="stream"/> of the target in process <paramref name="serverProcessId"/>.</summary>
    /// <exception cref="InvalidOperationException">The stream could not be created or listed.</exception>
    public async Task<PeerMeasurement> RunAsync(PeerWorkload workload, string stream, int serverProcessId)
    {
        ArgumentNullException.ThrowIfNull(workload);
        await CreateStreamAsync(stream).ConfigureAwait(false);
        int bodyCount = Math.Max(options.Callers * 2, 8_000_000 / (workload.RecordsPerCall * workload.RecordBytes));
        SignedBody[] bodies = PutRecordsBodies.Build(stream, workload, bodyCount, seed: 6_4);

        var warmup = new PutPhase(workload.RecordsPerCall);
        await RunPutsAsync(bodies, warmup, options.Warmup).ConfigureAwait(false);

        var timed = new PutPhase(workload.RecordsPerCall);
        TimeSpan serverCpuBefore = ProcessCpu(serverProcessId);
        TimeSpan ownCpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        double seconds = await RunPutsAsync(bodies, timed, options.Duration).ConfigureAwait(false);
        TimeSpan serverCpu = ProcessCpu(serverProcessId) - serverCpuBefore;
        TimeSpan ownCpu = Process.GetCurrentProcess().TotalProcessorTime - ownCpuBefore;
        log.WriteLine($"    wrote {timed.Acknowledged:N0} records in {seconds:0.0} s ({timed.Acknowledged / Math.Max(seconds, 1e-9):N0}/s); server CPU {serverCpu.TotalSeconds:0.0} s, generator CPU {ownCpu.TotalSeconds:0.0} s");

        serverCpuBefore = ProcessCpu(serverProcessId);
        ownCpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        ReadBack read = await ReadBackAsync(stream).ConfigureAwait(false);
        TimeSpan readServerCpu = ProcessCpu(serverProcessId) - serverCpuBefore;
        TimeSpan readOwnCpu = Process.GetCurrentProcess().TotalProcessorTime - ownCpuBefore;
        log.WriteLine($"    read {read.Records:N0} of {warmup.Acknowledged + timed.Acknowledged:N0} records in {read.Seconds:0.0} s{(read.Error is null ? "" : " (" + read.Error + ")")}; server CPU {readServerCpu.TotalSeconds:0.0} s, generator CPU {readOwnCpu.TotalSeconds:0.0} s");
        return new PeerMeasurement
        {
            WriteRecords = timed.Acknowledged,
            WriteBytes = timed.Acknowledged * workload.RecordBytes,
            WriteSeconds = seconds,
            WarmupRecords = warmup.Acknowledged,
            FailedRecords = warmup.FailedRecords + timed.FailedRecords,
            FailedCalls = warmup.FailedCalls + timed.FailedCalls,
            Calls = timed.Calls,
            P50Milliseconds = timed.Latencies.PercentileMicroseconds(50) / 1000,
            P99Milliseconds = timed.Latencies.PercentileMicroseconds(99) / 1000,
            ReadRecords = read.Records,
            ReadBytes = read.Bytes,
            ReadSeconds = read.Seconds,
            ReadCalls = read.Calls,
            ReadError = read.Error,
            ServerCpuSeconds = serverCpu.TotalSeconds,
            GeneratorCpuSeconds = ownCpu.TotalSeconds,
            ReadServerCpuSeconds = readServerCpu.TotalSeconds,
            ReadGeneratorCpuSeconds = readOwnCpu.TotalSeconds,
            FirstFailure = warmup.FirstFailure ?? timed.FirstFailure,
        };
    }

    private async Task CreateStreamAsync(string stream)
    {
        PeerReply created = await client.CallAsync("CreateStream", new JsonObject { ["StreamName"] = stream, ["ShardCount"] = options.Shards },
            TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        if (!created.Ok)
        {
            throw new InvalidOperationException($"CreateStream failed: {created.Error}");
        }
        var stopwatch = Stopwatch.StartNew();
        while (stopwatch.Elapsed < TimeSpan.FromSeconds(60))
        {
            PeerReply summary = await client.CallAsync("DescribeStreamSummary", new JsonObject { ["StreamName"] = stream }, TimeSpan.FromSeconds(10)).ConfigureAwait(false);
            if (summary.Ok && JsonNode.Parse(summary.Body)?["StreamDescriptionSummary"]?["StreamStatus"]?.GetValue<string>() == "ACTIVE")
            {
                return;
            }
            await Task.Delay(100).ConfigureAwait(false);
        }
        throw new InvalidOperationException($"stream {stream} was not ACTIVE within 60 s");
    }

    /// <summary>Runs the callers for <paramref name="duration"/>; returns the seconds from start to the last answer.</summary>
    private async Task<double> RunPutsAsync(SignedBody[] bodies, PutPhase phase, TimeSpan duration)
    {
        long start = Stopwatch.GetTimestamp();
        long deadline = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        int next = 0;
        var callers = new Task[options.Callers];
        for (int c = 0; c < callers.Length; c++)
        {
            callers[c] = Task.Run(async () =>
            {
                while (Stopwatch.GetTimestamp() < deadline)
                {
                    SignedBody body = bodies[(int)((uint)Interlocked.Increment(ref next) % (uint)bodies.Length)];
                    long sent = Stopwatch.GetTimestamp();
                    PeerReply reply = await client.CallAsync(body, options.CallTimeout).ConfigureAwait(false);
                    if (!phase.Record(reply, sent))
                    {
                        await Task.Delay(10).ConfigureAwait(false); // a refusing target is not hammered in a tight loop
                    }
                }
            });
        }
        await Task.WhenAll(callers).ConfigureAwait(false);
        return Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    private async Task<ReadBack> ReadBackAsync(string stream)
    {
        long start = Stopwatch.GetTimestamp();
        PeerReply listed = await client.CallAsync("ListShards", new JsonObject { ["StreamName"] = stream }, TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        JsonArray? shards = listed.Ok ? JsonNode.Parse(listed.Body)?["Shards"]?.AsArray() : null;
        if (shards is null)
        {
            return new ReadBack(0, 0, 0, 0, "ListShards failed: " + listed.Error);
        }
        Task<ReadBack>[] readers = [.. shards.Select(s => ReadShardAsync(stream, s!["ShardId"]!.GetValue<string>()))];
        ReadBack[] results = await Task.WhenAll(readers).ConfigureAwait(false);
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        string? error = results.Select(r => r.Error).FirstOrDefault(e => e is not null);
        return new ReadBack(results.Sum(r => r.Records), results.Sum(r => r.Bytes), results.Sum(r => r.Calls), seconds, error);
    }

    private async Task<ReadBack> ReadShardAsync(string stream, string shardId)
    {
        long records = 0, bytes = 0, calls = 0;
        PeerReply iterator = await client.CallAsync("GetShardIterator", new JsonObject
        {
            ["StreamName"] = stream,
            ["ShardId"] = shardId,
            ["ShardIteratorType"] = "TRIM_HORIZON",
        }, TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        string? next = iterator.Ok ? JsonNode.Parse(iterator.Body)?["ShardIterator"]?.GetValue<string>() : null;
        if (next is null)
        {
            return new ReadBack(0, 0, 1, 0, $"{shardId}: GetShardIterator failed: {iterator.Error}");
        }
        int emptyBehind = 0;
        int throttled = 0;
        while (next is not null)
        {
            (PeerReply reply, GetRecordsPage? parsed) = await client.GetRecordsAsync(new SignedBody("GetRecords", GetRecordsBody(next)), options.CallTimeout).ConfigureAwait(false);
            calls++;
            if (!reply.Ok)
            {
                if (reply.Error == "ProvisionedThroughputExceededException" && ++throttled < 100)
                {
                    await Task.Delay(200).ConfigureAwait(false);
                    continue;
                }
                return new ReadBack(records, bytes, calls, 0, $"{shardId}: GetRecords failed: {reply.Error}");
            }
            if (parsed is not GetRecordsPage page)
            {
                return new ReadBack(records, bytes, calls, 0, $"{shardId}: GetRecords answer not understood");
            }
            records += page.Records;
            bytes += page.DataBytes;
            next = page.NextShardIterator;
            if (page.Records == 0)
            {
                // Caught up: an empty page at the tip. An empty page still behind (AWS may give one) is followed a few times.
                if (page.MillisBehindLatest == 0 || ++emptyBehind >= 20)
                {
                    break;
                }
            }
            else
            {
                emptyBehind = 0;
            }
        }
        return new ReadBack(records, bytes, calls, 0, null);
    }

    private static byte[] GetRecordsBody(string iterator) =>
        System.Text.Encoding.UTF8.GetBytes(new JsonObject { ["ShardIterator"] = iterator, ["Limit"] = GetRecordsLimit }.ToJsonString());

    private static TimeSpan ProcessCpu(int processId)
    {
        try
        {
            using Process process = Process.GetProcessById(processId);
            return process.TotalProcessorTime;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return TimeSpan.Zero;
        }
    }

    private sealed record ReadBack(long Records, long Bytes, long Calls, double Seconds, string? Error);

    /// <summary>The counters of one put phase; thread-safe (Interlocked counters, a locked histogram).</summary>
    private sealed class PutPhase(int recordsPerCall)
    {
        private long _acknowledged;
        private long _failedRecords;
        private long _failedCalls;
        private long _calls;
        private string? _firstFailure;

        public LatencyHistogram Latencies { get; } = new();

        public long Acknowledged => Volatile.Read(ref _acknowledged);

        public long FailedRecords => Volatile.Read(ref _failedRecords);

        public long FailedCalls => Volatile.Read(ref _failedCalls);

        public long Calls => Volatile.Read(ref _calls);

        public string? FirstFailure => Volatile.Read(ref _firstFailure);

        /// <summary>Counts one answer; false when the whole call failed.</summary>
        public bool Record(PeerReply reply, long sentTimestamp)
        {
            int? failed = reply.Ok ? KinesisAnswers.PutRecordsFailed(reply.Body) : null;
            if (failed is not int refused)
            {
                Interlocked.Increment(ref _failedCalls);
                Interlocked.CompareExchange(ref _firstFailure, reply.Ok ? "PutRecords answer not understood" : reply.Error, null);
                return false;
            }
            Latencies.RecordSince(sentTimestamp);
            Interlocked.Increment(ref _calls);
            Interlocked.Add(ref _acknowledged, recordsPerCall - refused);
            if (refused > 0)
            {
                Interlocked.Add(ref _failedRecords, refused);
                Interlocked.CompareExchange(ref _firstFailure, "PutRecords refused records", null);
            }
            return true;
        }
    }
}
