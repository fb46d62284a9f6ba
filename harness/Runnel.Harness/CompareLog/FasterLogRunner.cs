using System.Diagnostics;
using FASTER.core;

namespace Runnel.Harness.CompareLog;

/// <summary>
/// The FasterLog side of each case, driven as perf-anchors.md section 3.4 describes: <c>Enqueue</c> on the
/// producer, durability through <c>Commit</c>/<c>CommitAsync</c>/<c>WaitForCommitAsync</c>; an append counts only once
/// a commit covering it has completed (FasterLog's commit writes the pages O_SYNC, then the commit file O_SYNC).
/// </summary>
public static class FasterLogRunner
{
    // Group cases: a commit every 1 MiB of payload (by the producer) or every 2 ms (by a committer thread).
    private const int CommitEveryBytes = 1 << 20;
    private const int CommitEveryMilliseconds = 2;
    private const int GroupSampleEvery = 64;

    /// <summary>
    /// One producer enqueues for <paramref name="duration"/> (FasterLog blocks it when its buffer is full); commits
    /// every 1 MiB or 2 ms; then one final commit, waited for.
    /// </summary>
    public static async Task<EngineMeasurement> GroupAsync(FasterLog log, RecordSource source, int producerBatch, TimeSpan duration, CancellationToken abort)
    {
        var batch = new RepeatedEntryBatch(source.Payload, producerBatch);
        var latency = new LatencyHistogram();
        var stop = new StopFlag();
        var committer = new Thread(() =>
        {
            while (!stop.IsSet && !abort.IsCancellationRequested)
            {
                Thread.Sleep(CommitEveryMilliseconds);
                log.Commit(spinWait: false);
            }
        })
        { IsBackground = true, Name = "fasterlog-committer" };

        var sampled = new List<Task>();
        long records = 0;
        long start = Stopwatch.GetTimestamp();
        committer.Start();
        Task<long> producer = Task.Factory.StartNew(
            () =>
            {
                byte[] payload = source.Payload;
                long count = 0;
                long sinceCommit = 0;
                long stopAt = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
                long enqueues = 0;
                while ((producerBatch == 1 && (count & 255) != 0) || Stopwatch.GetTimestamp() < stopAt)
                {
                    bool sample = enqueues++ % GroupSampleEvery == 0;
                    long enqueued = sample ? Stopwatch.GetTimestamp() : 0;
                    long address = producerBatch == 1 ? Enqueue(log, payload, abort) : Enqueue(log, batch, abort);
                    sinceCommit += payload.Length * producerBatch;
                    if (sinceCommit >= CommitEveryBytes)
                    {
                        log.Commit(spinWait: false);
                        sinceCommit = 0;
                    }
                    if (sample)
                    {
                        sampled.Add(latency.TrackAsync(log.WaitForCommitAsync(address + 1, token: abort).AsTask(), enqueued));
                    }
                    count += producerBatch;
                }
                return count;
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
        try
        {
            records = await producer.ConfigureAwait(false);
        }
        finally
        {
            stop.Set();
            committer.Join();
        }
        await log.CommitAsync(abort).ConfigureAwait(false);
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        await Task.WhenAll(sampled).ConfigureAwait(false);
        return EngineMeasurement.Create(records, records * source.Payload.Length, log.TailAddress - log.BeginAddress, seconds, latency);
    }

    /// <summary>
    /// <paramref name="producers"/> tasks loop on <c>EnqueueAndWaitForCommitAsync</c> while a committer thread commits
    /// whenever the tail is ahead of the committed address (the "async:64" mode of perf-anchors.md).
    /// </summary>
    public static async Task<EngineMeasurement> ConcurrentAcksAsync(FasterLog log, RecordSource source, int producers, TimeSpan duration, CancellationToken abort)
    {
        var latency = new LatencyHistogram();
        var stop = new StopFlag();
        var producersDone = new StopFlag();
        var committer = new Thread(() =>
        {
            while (!producersDone.IsSet && !abort.IsCancellationRequested)
            {
                long tail = log.TailAddress;
                if (log.CommittedUntilAddress < tail)
                {
                    // Commit(spinWait: true), with a way out: a commit that never completes ends at the deadline.
                    log.Commit(spinWait: false);
                    WaitForCommit(log, tail, abort);
                }
                else
                {
                    Thread.Yield();
                }
            }
        })
        { IsBackground = true, Name = "fasterlog-committer" };
        committer.Start();
        long start = Stopwatch.GetTimestamp();
        var memory = new ReadOnlyMemory<byte>(source.Payload);
        var tasks = new Task<long>[producers];
        for (int p = 0; p < producers; p++)
        {
            tasks[p] = Task.Run(async () =>
            {
                long count = 0;
                while (!stop.IsSet)
                {
                    long enqueued = Stopwatch.GetTimestamp();
                    await log.EnqueueAndWaitForCommitAsync(memory, abort).ConfigureAwait(false);
                    latency.RecordSince(enqueued);
                    count++;
                }
                return count;
            });
        }
        await Task.Delay(duration, abort).ConfigureAwait(false);
        stop.Set();
        long[] counts;
        try
        {
            counts = await Task.WhenAll(tasks).ConfigureAwait(false);
        }
        finally
        {
            producersDone.Set();
            committer.Join();
        }
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        long records = counts.Sum();
        return EngineMeasurement.Create(records, records * source.Payload.Length, log.TailAddress - log.BeginAddress, seconds, latency);
    }

    /// <summary>One producer: <c>Enqueue</c>, then <c>Commit(spinWait: true)</c> (the durability barrier), repeat.</summary>
    public static async Task<EngineMeasurement> CommitPerRecordAsync(FasterLog log, RecordSource source, TimeSpan duration, CancellationToken abort)
    {
        var latency = new LatencyHistogram();
        long start = Stopwatch.GetTimestamp();
        long records = await Task.Factory.StartNew(
            () =>
            {
                byte[] payload = source.Payload;
                long count = 0;
                long stopAt = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
                while (Stopwatch.GetTimestamp() < stopAt)
                {
                    long enqueued = Stopwatch.GetTimestamp();
                    Enqueue(log, payload, abort);
                    long tail = log.TailAddress;
                    log.Commit(spinWait: false);
                    if (!WaitForCommit(log, tail, abort))
                    {
                        break;
                    }
                    latency.RecordSince(enqueued);
                    count++;
                }
                abort.ThrowIfCancellationRequested();
                return count;
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default).ConfigureAwait(false);
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        return EngineMeasurement.Create(records, records * source.Payload.Length, log.TailAddress - log.BeginAddress, seconds, latency);
    }

    /// <summary>FasterLog's <c>Enqueue</c> (<c>TryEnqueue</c> until the buffer has room), ending at the deadline.</summary>
    private static long Enqueue(FasterLog log, byte[] payload, CancellationToken abort)
    {
        long address;
        while (!log.TryEnqueue(payload, out address))
        {
            abort.ThrowIfCancellationRequested();
            Thread.Yield();
        }
        return address;
    }

    /// <summary>FasterLog's batch <c>TryEnqueue(IReadOnlySpanBatch)</c> (until the buffer has room): the address of its first entry.</summary>
    private static long Enqueue(FasterLog log, RepeatedEntryBatch batch, CancellationToken abort)
    {
        long address;
        while (!log.TryEnqueue(batch, out address))
        {
            abort.ThrowIfCancellationRequested();
            Thread.Yield();
        }
        return address;
    }

    /// <summary>
    /// What <c>Commit(spinWait: true)</c> waits for (<c>CommittedUntilAddress</c> and the persisted commit number move
    /// together, after the commit file is written): false when the deadline passed first.
    /// </summary>
    private static bool WaitForCommit(FasterLog log, long untilAddress, CancellationToken abort)
    {
        while (log.CommittedUntilAddress < untilAddress)
        {
            if (abort.IsCancellationRequested)
            {
                return false;
            }
            Thread.Yield();
        }
        return true;
    }

    /// <summary>
    /// Reads the whole recovered log with <c>Scan</c> + <c>TryConsumeNext</c> (zero-copy; FasterLog verifies no
    /// checksum with these settings). The caller drops the page cache first.
    /// </summary>
    public static async Task<EngineMeasurement> ScanAsync(FasterLog log)
    {
        var consumer = new CountingConsumer();
        long begin = log.BeginAddress;
        long end = log.TailAddress;
        long start = Stopwatch.GetTimestamp();
        using (FasterLogScanIterator iterator = log.Scan(begin, end))
        {
            while (true)
            {
                if (iterator.TryConsumeNext(consumer))
                {
                    continue;
                }
                if (iterator.NextAddress >= end)
                {
                    break;
                }
                if (!await iterator.WaitAsync().ConfigureAwait(false))
                {
                    break;
                }
            }
        }
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        return EngineMeasurement.Create(consumer.Records, consumer.Bytes, end - begin, seconds, latency: null);
    }
}
