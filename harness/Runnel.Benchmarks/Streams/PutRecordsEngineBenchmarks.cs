using BenchmarkDotNet.Attributes;
using Runnel.Storage.Io;
using Runnel.Streams;
using Runnel.Streams.Storage;

namespace Runnel.Benchmarks.Streams;

/// <summary>
/// One PutRecords call through the engine, without HTTP or a disk: 500 x 1 KiB records over a 4-shard stream whose
/// logs write to <see cref="DiscardingDevice"/> (commits cost no I/O, so what is left is the engine's and the log's CPU:
/// validation, MD5 routing, throttles, framing, the ring, the commit round and the acknowledgements). Compare the mean
/// and the allocated bytes per call between builds.
/// </summary>
[BenchmarkCategory(Categories.Log)]
public class PutRecordsEngineBenchmarks
{
    private StreamEngine _engine = null!;
    private PutRecordsEntry[] _entries = [];
    private readonly StreamRef _stream = StreamRef.Named("bench");

    /// <summary>Records per call.</summary>
    [Params(500)]
    public int Records { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var options = new StreamsOptions
        {
            CreateStreamDelay = TimeSpan.Zero,
            DeleteStreamDelay = TimeSpan.Zero,
            UpdateStreamDelay = TimeSpan.Zero,
            ConsumerDelay = TimeSpan.Zero,
            LimitsEnabled = false,
        };
        _engine = StreamEngine.Open(options, new MemoryStreamStorage(static () => new DiscardingDevice()));
        _engine.CreateStream("bench", shardCount: 4);
        var random = new Random(42);
        _entries = new PutRecordsEntry[Records];
        for (int i = 0; i < Records; i++)
        {
            byte[] data = new byte[1024];
            random.NextBytes(data);
            _entries[i] = new PutRecordsEntry(data, $"key-{random.Next()}");
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _engine.Dispose();

    [Benchmark]
    public async Task<int> PutRecords()
    {
        PutRecordsResult result = await _engine.PutRecordsAsync(_stream, _entries).ConfigureAwait(false);
        return result.FailedRecordCount;
    }
}
