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
    public static async Task<EngineMeasurement> GroupAsync(FasterLog log, RecordSource source, TimeSpan duration)
    {
        var latency = new LatencyHistogram();
        var stop = new StopFlag();
        var committer = new Thread(() =>
        {
            while (!stop.IsSet)
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
                while ((count & 255) != 0 || Stopwatch.GetTimestamp() < stopAt)
                {
                    long enqueued = Stopwatch.GetTimestamp();
                    long address = log.Enqueue(payload);
                    sinceCommit += payload.Length;
                    if (sinceCommit >= CommitEveryBytes)
                    {
                        log.Commit(spinWait: false);
                        sinceCommit = 0;
                    }
                    if (count % GroupSampleEvery == 0)
                    {
                        sampled.Add(latency.TrackAsync(log.WaitForCommitAsync(address + 1).AsTask(), enqueued));
                    }
                    count++;
                }
                return count;
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
        records = await producer.ConfigureAwait(false);
        stop.Set();
        committer.Join();
        await log.CommitAsync().ConfigureAwait(false);
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        await Task.WhenAll(sampled).ConfigureAwait(false);
        return EngineMeasurement.Create(records, records * source.Payload.Length, log.TailAddress - log.BeginAddress, seconds, latency);
    }

    /// <summary>
    /// <paramref name="producers"/> tasks loop on <c>EnqueueAndWaitForCommitAsync</c> while a committer thread commits
    /// whenever the tail is ahead of the committed address (the "async:64" mode of perf-anchors.md).
    /// </summary>
    public static async Task<EngineMeasurement> ConcurrentAcksAsync(FasterLog log, RecordSource source, int producers, TimeSpan duration)
    {
        var latency = new LatencyHistogram();
        var stop = new StopFlag();
        var producersDone = new StopFlag();
        var committer = new Thread(() =>
        {
            while (!producersDone.IsSet)
            {
                if (log.CommittedUntilAddress < log.TailAddress)
                {
                    log.Commit(spinWait: true);
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
                    await log.EnqueueAndWaitForCommitAsync(memory).ConfigureAwait(false);
                    latency.RecordSince(enqueued);
                    count++;
                }
                return count;
            });
        }
        await Task.Delay(duration).ConfigureAwait(false);
        stop.Set();
        long[] counts = await Task.WhenAll(tasks).ConfigureAwait(false);
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        producersDone.Set();
        committer.Join();
        long records = counts.Sum();
        return EngineMeasurement.Create(records, records * source.Payload.Length, log.TailAddress - log.BeginAddress, seconds, latency);
    }

    /// <summary>One producer: <c>Enqueue</c>, then <c>Commit(spinWait: true)</c> (the durability barrier), repeat.</summary>
    public static async Task<EngineMeasurement> CommitPerRecordAsync(FasterLog log, RecordSource source, TimeSpan duration)
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
                    log.Enqueue(payload);
                    log.Commit(spinWait: true);
                    latency.RecordSince(enqueued);
                    count++;
                }
                return count;
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default).ConfigureAwait(false);
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        return EngineMeasurement.Create(records, records * source.Payload.Length, log.TailAddress - log.BeginAddress, seconds, latency);
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
