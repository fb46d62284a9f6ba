using System.Diagnostics.CodeAnalysis;
using Runnel.Storage.Io;
using Runnel.Storage.Log;
using Xunit.Abstractions;

namespace Runnel.Storage.Tests.Log;

/// <summary>
/// STYLE.md section 6: 100k appends after warm-up allocate nothing per append. Completions happen on the log's
/// writer and awaits resume on pool threads, so besides the producer thread's own bytes
/// (<see cref="GC.GetAllocatedBytesForCurrentThread"/> around the synchronous part of each append) the test also
/// measures every thread (<see cref="GC.GetTotalAllocatedBytes(bool)"/>, precise) around the whole run; it runs
/// in a non-parallel collection so that other tests do not allocate meanwhile.
/// </summary>
[Collection(nameof(AllocationCollection))]
public class AppendAllocationTests(ITestOutputHelper output)
{
    private const int Appends = 100_000;
    private const int InFlight = 64;

    // One index entry per 1 MiB of frames: the sparse index grows with data, not with appends, and its doubling
    // (a few KB over this run) would otherwise be charged to the appends being measured.
    private static readonly ShardLogOptions s_options = new() { IndexIntervalBytes = 1 << 20 };

    private static readonly byte[] s_key = "partition-key"u8.ToArray();
    private static readonly byte[] s_data = new byte[100];

    [Fact]
    public async Task AppendAsync_SteadyStateBatches_AllocatesNothingPerAppend()
    {
        using ShardLog log = ShardLog.Open(new DiscardingDevice(), s_options);
        var inFlight = new ValueTask<AppendResult>[InFlight];
        await RunBatchesAsync(log, inFlight, Appends / 5);

        long totalBefore = GC.GetTotalAllocatedBytes(precise: true);
        long producerBytes = await RunBatchesAsync(log, inFlight, Appends);
        long totalBytes = GC.GetTotalAllocatedBytes(precise: true) - totalBefore;

        double producerPerAppend = (double)producerBytes / Appends;
        double totalPerAppend = (double)totalBytes / Appends;
        output.WriteLine($"batches of {InFlight}: producer thread {producerBytes} B ({producerPerAppend:F3} B/append), " +
            $"all threads {totalBytes} B ({totalPerAppend:F3} B/append)");
        Assert.True(producerPerAppend < 1, $"producer thread allocated {producerPerAppend:F3} B per append");
        Assert.True(totalPerAppend < 1, $"all threads allocated {totalPerAppend:F3} B per append");
    }

    [Fact]
    public async Task AppendAsync_SteadyStateOneAtATime_AllocatesNothingPerAppend()
    {
        using ShardLog log = ShardLog.Open(new DiscardingDevice(), s_options);
        await RunOneAtATimeAsync(log, Appends / 5);

        long totalBefore = GC.GetTotalAllocatedBytes(precise: true);
        await RunOneAtATimeAsync(log, Appends);
        long totalBytes = GC.GetTotalAllocatedBytes(precise: true) - totalBefore;

        double totalPerAppend = (double)totalBytes / Appends;
        output.WriteLine($"one at a time: all threads {totalBytes} B ({totalPerAppend:F3} B/append)");
        Assert.True(totalPerAppend < 1, $"all threads allocated {totalPerAppend:F3} B per append");
    }

    [Fact]
    [SuppressMessage("Reliability", "CA2012", Justification = "Each stored ValueTask is awaited exactly once, in the second loop.")]
    public async Task AppendAsync_ManyLogsOnOneCommitLoop_AllocatesNothingPerAppend()
    {
        // Rounds of several logs: the barrier path (a sync batch over every log's segment, then checkpoint).
        var options = s_options with { Committer = new LogCommitter(1) };
        ShardLog[] logs = [.. Enumerable.Range(0, 8).Select(_ => ShardLog.Open(new DiscardingDevice(), options))];
        try
        {
            var inFlight = new ValueTask<AppendResult>[InFlight];
            async Task RunAsync(int appends)
            {
                for (int done = 0; done < appends; done += inFlight.Length)
                {
                    for (int i = 0; i < inFlight.Length; i++)
                    {
                        inFlight[i] = logs[i % logs.Length].AppendAsync(s_key, null, s_data);
                    }
                    for (int i = 0; i < inFlight.Length; i++)
                    {
                        await inFlight[i].ConfigureAwait(false);
                    }
                }
            }
            await RunAsync(Appends / 5);

            long totalBefore = GC.GetTotalAllocatedBytes(precise: true);
            await RunAsync(Appends);
            long totalBytes = GC.GetTotalAllocatedBytes(precise: true) - totalBefore;

            double totalPerAppend = (double)totalBytes / Appends;
            output.WriteLine($"8 logs on one loop: all threads {totalBytes} B ({totalPerAppend:F3} B/append)");
            Assert.True(totalPerAppend < 1, $"all threads allocated {totalPerAppend:F3} B per append");
        }
        finally
        {
            foreach (ShardLog log in logs)
            {
                log.Dispose();
            }
        }
    }

    [Fact]
    public async Task AppendBatch_SteadyStateBatchesOnTwoLogs_AllocatesNothingPerAppend()
    {
        // PutRecords' shape: one batch per log per call, several calls in flight, each awaited once.
        using ShardLog first = ShardLog.Open(new DiscardingDevice(), s_options);
        using ShardLog second = ShardLog.Open(new DiscardingDevice(), s_options);
        var batches = new AppendBatch[8];
        async Task RunAsync(int appends)
        {
            for (int done = 0; done < appends; done += batches.Length * InFlight)
            {
                for (int b = 0; b < batches.Length; b++)
                {
                    AppendBatch batch = batches[b] = (b % 2 == 0 ? first : second).RentBatch(InFlight);
                    for (int i = 0; i < InFlight; i++)
                    {
                        while (batch.TryAdd(s_key, null, s_data) == AppendBatchStatus.Full)
                        {
                            await (b % 2 == 0 ? first : second).WhenTakenAsync().ConfigureAwait(false);
                        }
                    }
                }
                foreach (AppendBatch batch in batches)
                {
                    await batch.WhenDurableAsync().ConfigureAwait(false);
                    batch.Return();
                }
            }
        }
        await RunAsync(Appends / 5);

        long totalBefore = GC.GetTotalAllocatedBytes(precise: true);
        await RunAsync(Appends);
        long totalBytes = GC.GetTotalAllocatedBytes(precise: true) - totalBefore;

        double totalPerAppend = (double)totalBytes / Appends;
        output.WriteLine($"batches of {InFlight}, 8 open on 2 logs: all threads {totalBytes} B ({totalPerAppend:F3} B/append)");
        Assert.True(totalPerAppend < 0.1, $"all threads allocated {totalPerAppend:F3} B per append");
    }

    /// <summary>Issues appends <see cref="InFlight"/> at a time; returns the bytes the issuing thread allocated.</summary>
    [SuppressMessage("Reliability", "CA2012", Justification = "Each stored ValueTask is awaited exactly once, in the second loop.")]
    private static async Task<long> RunBatchesAsync(ShardLog log, ValueTask<AppendResult>[] inFlight, int appends)
    {
        long producerBytes = 0;
        for (int done = 0; done < appends; done += inFlight.Length)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < inFlight.Length; i++)
            {
                inFlight[i] = log.AppendAsync(s_key, null, s_data);
            }
            producerBytes += GC.GetAllocatedBytesForCurrentThread() - before;
            for (int i = 0; i < inFlight.Length; i++)
            {
                await inFlight[i].ConfigureAwait(false);
            }
        }
        return producerBytes;
    }

    private static async Task RunOneAtATimeAsync(ShardLog log, int appends)
    {
        for (int i = 0; i < appends; i++)
        {
            await log.AppendAsync(s_key, null, s_data).ConfigureAwait(false);
        }
    }
}
