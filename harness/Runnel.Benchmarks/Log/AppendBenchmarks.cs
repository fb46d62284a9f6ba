using System.Diagnostics.CodeAnalysis;
using BenchmarkDotNet.Attributes;
using Runnel.Storage.Io;
using Runnel.Storage.Log;

namespace Runnel.Benchmarks.Log;

/// <summary>
/// Appends of 1 KiB records to a <see cref="ShardLog"/> on a <see cref="MemoryDevice"/>, each awaited until its group
/// commit completes: the cost of the log itself (lock, frame encode, commit hand-off to the thread pool, checkpoint,
/// index, completion) with no disk in the way.
/// </summary>
/// <remarks>
/// Each iteration opens a fresh log on a fresh device (and disposes it after), so memory does not grow across the
/// run. An [IterationSetup] makes BenchmarkDotNet run one invocation per iteration unless told otherwise, which for
/// these microsecond operations is all noise and would charge a whole log's buffer growth to a single batch; hence
/// the explicit <see cref="InvocationsPerIteration"/> (AppendBatch: 256 Ki appends, ~0.3 GB of frames, per
/// iteration; AppendOne: 16 Ki appends). The reported allocations include the <see cref="MemoryDevice"/> growing its
/// file arrays (doubling, up to the 128 MiB segment size) and the commit loop's own, because the memory diagnoser
/// counts every thread.
/// </remarks>
[BenchmarkCategory(Categories.Log)]
[InvocationCount(InvocationsPerIteration, unrollFactor: 1)]
public class AppendBenchmarks
{
    private const int InvocationsPerIteration = 1024;
    private const int BatchSize = 256;
    private const int SequentialAppends = 16;
    private const int RecordLength = 1024;

    private static readonly byte[] s_partitionKey = "partition-key-0001"u8.ToArray();

    private readonly byte[] _data = new byte[RecordLength];
    private readonly ValueTask<AppendResult>[] _inFlight = new ValueTask<AppendResult>[BatchSize];
    private ShardLog _log = null!;

    [GlobalSetup]
    public void Setup() => new Random(RecordLength).NextBytes(_data);

    [IterationSetup]
    public void OpenLog() => _log = ShardLog.Open(new MemoryDevice());

    [IterationCleanup]
    public void CloseLog() => _log.Dispose();

    /// <summary>
    /// Issues 256 appends, then awaits them all: they share one or a few group commits. Reported per append.
    /// </summary>
    [Benchmark(OperationsPerInvoke = BatchSize)]
    [SuppressMessage("Reliability", "CA2012", Justification = "Each stored ValueTask is awaited exactly once, in the second loop.")]
    public async Task<ulong> AppendBatch()
    {
        ShardLog log = _log;
        ValueTask<AppendResult>[] inFlight = _inFlight;
        for (int i = 0; i < inFlight.Length; i++)
        {
            inFlight[i] = log.AppendAsync(s_partitionKey, null, _data);
        }
        ulong last = 0;
        for (int i = 0; i < inFlight.Length; i++)
        {
            last = (await inFlight[i].ConfigureAwait(false)).Sequence;
        }
        return last;
    }

    /// <summary>
    /// Appends awaited one at a time, so every append waits for its own commit: the latency-bound case. 16 in a row
    /// per invocation, reported per append, to keep iterations long enough to measure.
    /// </summary>
    [Benchmark(OperationsPerInvoke = SequentialAppends)]
    public async Task<ulong> AppendOne()
    {
        ShardLog log = _log;
        ulong last = 0;
        for (int i = 0; i < SequentialAppends; i++)
        {
            last = (await log.AppendAsync(s_partitionKey, null, _data).ConfigureAwait(false)).Sequence;
        }
        return last;
    }
}
