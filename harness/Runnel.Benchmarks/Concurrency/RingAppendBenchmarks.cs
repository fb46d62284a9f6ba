using System.Diagnostics.CodeAnalysis;
using BenchmarkDotNet.Attributes;
using Runnel.Storage.Io;
using Runnel.Storage.Log;

namespace Runnel.Benchmarks.Concurrency;

/// <summary>
/// <see cref="ShardLog.AppendAsync"/> through the ring on a <see cref="DiscardingDevice"/> (writes and syncs cost
/// nothing, allocate nothing): the cost and the allocations of the write path itself, claim to acknowledgement.
/// Target: 0 B allocated per append (the memory diagnoser counts every thread, the writer's included).
/// </summary>
/// <remarks>
/// One log for the whole run (a discarding device does not grow), with one index entry per MiB so that the sparse
/// index's growth with data is not charged to appends. AppendBatch keeps 256 appends in flight (they share group
/// commits); AppendOne awaits each append before the next (one commit per append, the latency-bound case).
/// </remarks>
[BenchmarkCategory("Concurrency")]
public class RingAppendBenchmarks
{
    private const int BatchSize = 256;
    private const int SequentialAppends = 16;
    private const int RecordLength = 100;

    private static readonly byte[] s_partitionKey = "partition-key-0001"u8.ToArray();

    private readonly byte[] _data = new byte[RecordLength];
    private readonly ValueTask<AppendResult>[] _inFlight = new ValueTask<AppendResult>[BatchSize];
    private ShardLog _log = null!;

    [GlobalSetup]
    public void Setup() => _log = ShardLog.Open(new DiscardingDevice(), new ShardLogOptions { IndexIntervalBytes = 1 << 20 });

    [GlobalCleanup]
    public void Cleanup() => _log.Dispose();

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
