using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Runnel.Storage;
using Runnel.Storage.IoUring;
using Runnel.Storage.Log;

namespace Runnel.Harness.CompareLog;

/// <summary>One shard count's result: throughput, fdatasyncs and ack latency with the same producers.</summary>
public sealed record ShardScalingPoint(
    int Shards,
    int Producers,
    long Records,
    double Seconds,
    long Syncs,
    double? P50Microseconds,
    double? P99Microseconds,
    long Barriers = 0,
    int Writers = 0)
{
    /// <summary>Batch barriers per second (one submission syncing several shards' files; 0 when every sync ran alone).</summary>
    public double BarriersPerSecond => Seconds > 0 ? Barriers / Seconds : 0;

    /// <summary>Durable acknowledgements per second.</summary>
    public double RecordsPerSecond => Seconds > 0 ? Records / Seconds : 0;

    /// <summary>fdatasyncs per second, over every shard's files.</summary>
    public double SyncsPerSecond => Seconds > 0 ? Syncs / Seconds : 0;

    /// <summary>fdatasyncs per acknowledged record: the commit cost a record pays (2 per commit: segment, checkpoint).</summary>
    public double SyncsPerRecord => Records > 0 ? (double)Syncs / Records : 0;

    /// <summary>Records per group commit (a commit syncs the segment and the checkpoint: two syncs).</summary>
    public double RecordsPerCommit => Syncs > 0 ? Records / (Syncs / 2.0) : 0;
}

/// <summary>
/// <c>shard-scaling</c> (issue 3, item 2): the cost of a commit against the number of shards. The same producers (each
/// awaiting its durable ack, as <c>acks-64-writers</c>) append to 1, 16, 256 and 1024 shard logs, each on its own
/// device and directory as the engine lays them out; producer <c>p</c> writes to shards <c>p, p+P, p+2P, ...</c> in
/// turn, so every shard gets traffic and no two producers share a shard once there are more shards than producers.
/// Reports records/s, fdatasyncs per record and per second (counted by <see cref="SyncCountingDevice"/>) and ack latency.
/// </summary>
public static class ShardScaling
{
    private static readonly JsonSerializerOptions s_indented = new() { WriteIndented = true };

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var shards = new Option<string>("--shards") { Description = "shard counts to measure, comma-separated", DefaultValueFactory = _ => "1,16,256,1024" };
        var producers = new Option<int>("--producers") { Description = "concurrent producers, each awaiting its ack", DefaultValueFactory = _ => 64 };
        var seconds = new Option<double>("--seconds") { Description = "measured seconds per shard count (after 1 s of warm-up)", DefaultValueFactory = _ => 10 };
        var recordBytes = new Option<int>("--record-bytes") { Description = "data bytes per record", DefaultValueFactory = _ => 1024 };
        var device = new Option<string>("--device") { Description = "storage device", DefaultValueFactory = _ => "auto" };
        device.AcceptOnlyFromAmong("auto", "iouring", "portable");
        var dir = new Option<string>("--dir") { Description = "data path (a temporary directory under it is deleted at the end)", DefaultValueFactory = _ => CompareLogOptions.DefaultDataPath };
        var writers = new Option<int>("--writers") { Description = "commit loops shared by the shard logs (0: each log commits alone on its own pool writer)", DefaultValueFactory = _ => Environment.ProcessorCount };
        var json = new Option<string?>("--json") { Description = "also write the points as JSON to this file", HelpName = "FILE" };
        var command = new Command("shard-scaling", "Commit cost against shard count: 1, 16, 256, 1024 shard logs under the same producers (issue 3, item 2)")
        {
            shards, producers, seconds, recordBytes, device, dir, writers, json,
        };
        command.SetAction(async (parse, cancellation) =>
        {
            int[] counts = ParseCounts(parse.GetValue(shards)!);
            DeviceKind kind = parse.GetValue(device) switch
            {
                "iouring" => DeviceKind.IoUring,
                "portable" => DeviceKind.Portable,
                _ => DeviceKind.Auto,
            };
            DeviceKind resolved = StorageDevices.Resolve(kind);
            int producerCount = parse.GetValue(producers);
            int writerCount = parse.GetValue(writers);
            if (writerCount is < 0 or > LogCommitter.MaxLoops)
            {
                throw new ArgumentException($"--writers {writerCount}: give 0 (a writer per log) to {LogCommitter.MaxLoops} commit loops.");
            }
            Console.WriteLine($"shard-scaling: {producerCount} producers awaiting durable acks, {parse.GetValue(recordBytes)} B records, device {resolved}, " +
                (writerCount == 0 ? "a writer per log" : $"{writerCount} shared commit loops"));
            Console.WriteLine(Header);
            var points = new List<ShardScalingPoint>();
            foreach (int count in counts)
            {
                ShardScalingPoint point = await MeasureAsync(count, producerCount, writerCount, parse.GetValue(recordBytes),
                    TimeSpan.FromSeconds(parse.GetValue(seconds)), resolved, parse.GetValue(dir)!, cancellation).ConfigureAwait(false);
                points.Add(point);
                Console.WriteLine(Row(point));
            }
            if (parse.GetValue(json) is { } path)
            {
                await File.WriteAllTextAsync(path, ToJson(points, resolved, parse.GetValue(recordBytes)), cancellation).ConfigureAwait(false);
                Console.WriteLine($"wrote {path}");
            }
            return 0;
        });
        return command;
    }

    /// <summary>The table's header line.</summary>
    public const string Header = "| shards | producers | records/s | fdatasync/s | fdatasync/record | records/commit | barriers/s | p50 ack | p99 ack |\n|---:|---:|---:|---:|---:|---:|---:|---:|---:|";

    /// <summary>One Markdown table row.</summary>
    public static string Row(ShardScalingPoint p) => string.Create(CultureInfo.InvariantCulture,
        $"| {p.Shards} | {p.Producers} | {p.RecordsPerSecond:N0} | {p.SyncsPerSecond:N0} | {p.SyncsPerRecord:F3} | {p.RecordsPerCommit:F1} | {p.BarriersPerSecond:N0} | {Ms(p.P50Microseconds)} | {Ms(p.P99Microseconds)} |");

    /// <summary>Parses "1,16,256" into shard counts (each 1..4096).</summary>
    public static int[] ParseCounts(string text)
    {
        int[] counts = [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => int.Parse(s, CultureInfo.InvariantCulture))];
        if (counts.Length == 0 || counts.Any(c => c is < 1 or > 4096))
        {
            throw new ArgumentException($"--shards '{text}': give shard counts between 1 and 4096, comma-separated.");
        }
        return counts;
    }

    /// <summary>The shard producer <paramref name="producer"/> writes its <paramref name="round"/>-th record to.</summary>
    public static int ShardFor(int producer, long round, int producers, int shards)
        => (int)((producer + (round * producers)) % shards);

    /// <summary>The points as JSON: <c>{"device":..,"record_bytes":..,"points":[{"shards":..,...}]}</c>.</summary>
    public static string ToJson(IReadOnlyList<ShardScalingPoint> points, DeviceKind device, int recordBytes)
        => JsonSerializer.Serialize(new
        {
            device = device.ToString(),
            record_bytes = recordBytes,
            points = points.Select(p => new
            {
                shards = p.Shards,
                producers = p.Producers,
                records = p.Records,
                seconds = p.Seconds,
                records_s = p.RecordsPerSecond,
                fdatasyncs = p.Syncs,
                fdatasyncs_s = p.SyncsPerSecond,
                fdatasyncs_per_record = p.SyncsPerRecord,
                records_per_commit = p.RecordsPerCommit,
                barriers = p.Barriers,
                barriers_s = p.BarriersPerSecond,
                writers = p.Writers,
                p50_us = p.P50Microseconds,
                p99_us = p.P99Microseconds,
            }),
        }, s_indented);

    private static string Ms(double? microseconds)
        => microseconds is { } us ? string.Create(CultureInfo.InvariantCulture, $"{us / 1000:F2} ms") : "-";

    private static async Task<ShardScalingPoint> MeasureAsync(
        int shardCount, int producers, int writers, int recordBytes, TimeSpan duration, DeviceKind kind, string dataPath, CancellationToken cancellation)
    {
        string root = Path.Combine(dataPath, $"shard-scaling-{Environment.ProcessId}-{shardCount}");
        Directory.CreateDirectory(root);
        var counter = new SyncCounter();
        var devices = new SyncCountingDevice[shardCount];
        var logs = new ShardLog[shardCount];
        LogCommitter? committer = writers == 0 ? null : new LogCommitter(writers);
        var options = new ShardLogOptions { Committer = committer };
        try
        {
            for (int i = 0; i < shardCount; i++)
            {
                devices[i] = new SyncCountingDevice(StorageDevices.Create(Path.Combine(root, $"shard-{i:D4}"), kind), counter);
                logs[i] = ShardLog.Open(devices[i], options);
            }
            byte[] data = new byte[recordBytes];
            Random.Shared.NextBytes(data);

            // Warm-up: every shard gets a few records (rings, staging, files), then the measured window.
            await RunProducersAsync(logs, producers, data, TimeSpan.FromSeconds(1), histogram: null, cancellation).ConfigureAwait(false);
            var histogram = new LatencyHistogram();
            long syncsBefore = counter.Count;
            long barriersBefore = counter.Barriers;
            long start = Stopwatch.GetTimestamp();
            long records = await RunProducersAsync(logs, producers, data, duration, histogram, cancellation).ConfigureAwait(false);
            double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            long syncs = counter.Count - syncsBefore;
            return new ShardScalingPoint(shardCount, producers, records, seconds, syncs,
                histogram.PercentileMicroseconds(50), histogram.PercentileMicroseconds(99), counter.Barriers - barriersBefore, writers);
        }
        finally
        {
            foreach (ShardLog? log in logs)
            {
                log?.Dispose();
            }
            foreach (SyncCountingDevice? device in devices)
            {
                device?.Dispose();
            }
            Directory.Delete(root, recursive: true);
        }
    }

    private static async Task<long> RunProducersAsync(
        ShardLog[] logs, int producers, byte[] data, TimeSpan duration, LatencyHistogram? histogram, CancellationToken cancellation)
    {
        long stopAt = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var tasks = new Task<long>[producers];
        for (int p = 0; p < producers; p++)
        {
            int producer = p;
            tasks[p] = Task.Run(async () =>
            {
                byte[] key = System.Text.Encoding.UTF8.GetBytes($"producer-{producer}");
                long round = 0;
                while (Stopwatch.GetTimestamp() < stopAt && !cancellation.IsCancellationRequested)
                {
                    ShardLog log = logs[ShardFor(producer, round, producers, logs.Length)];
                    long started = Stopwatch.GetTimestamp();
                    try
                    {
                        await log.AppendAsync(key, null, data).ConfigureAwait(false);
                    }
                    catch (LogBackpressureException)
                    {
                        await log.WhenCommittedAsync().ConfigureAwait(false);
                        continue;
                    }
                    histogram?.RecordSince(started);
                    round++;
                }
                return round;
            }, cancellation);
        }
        long[] counts = await Task.WhenAll(tasks).ConfigureAwait(false);
        return counts.Sum();
    }
}
